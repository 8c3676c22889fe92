/** The CSRF rule that lets a mail provider's one-click unsubscribe through, and nothing else. */
import { describe, expect, it } from 'vitest';
import { crossSiteFormBlocked } from '../../src/lib/server/form-origin';

const token = '0f0e0d0c-0b0a-4909-8807-060504030201';
const post = (url: string, headers: Record<string, string>) =>
	[
		new Request(url, { method: 'POST', headers, body: 'List-Unsubscribe=One-Click' }),
		new URL(url)
	] as const;
const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe('cross-site form posts', () => {
	it('lets a mail provider’s one-click unsubscribe through, with or without an Origin', () => {
		const url = `https://gongyu.example.org/email/preferences?token=${token}`;
		expect(crossSiteFormBlocked(...post(url, form))).toBe(false);
		expect(crossSiteFormBlocked(...post(url, { ...form, origin: 'https://mail.google.com' }))).toBe(
			false
		);
		expect(
			crossSiteFormBlocked(...post(url, { 'content-type': 'multipart/form-data; boundary=x' }))
		).toBe(false);
	});

	it('still refuses every other cross-site form post', () => {
		const site = 'https://gongyu.example.org';
		expect(crossSiteFormBlocked(...post(`${site}/email/preferences`, form))).toBe(true);
		expect(crossSiteFormBlocked(...post(`${site}/email/preferences?token=nope`, form))).toBe(true);
		expect(
			crossSiteFormBlocked(
				...post(`${site}/family?/cancel`, { ...form, origin: 'https://evil.example' })
			)
		).toBe(true);
		expect(crossSiteFormBlocked(...post(`${site}/staff/emails?/retry&token=${token}`, form))).toBe(
			true
		);
		expect(crossSiteFormBlocked(...post(`${site}/family`, { 'content-type': 'text/plain' }))).toBe(
			true
		);
	});

	it('allows same-origin forms, trusted origins, and requests that are not forms', () => {
		const site = 'https://gongyu.example.org';
		expect(crossSiteFormBlocked(...post(`${site}/family`, { ...form, origin: site }))).toBe(false);
		expect(
			crossSiteFormBlocked(
				...post(`${site}/family`, { ...form, origin: 'https://partner.example' }),
				['https://partner.example']
			)
		).toBe(false);
		expect(
			crossSiteFormBlocked(...post(`${site}/rest/v1/rpc/x`, { 'content-type': 'application/json' }))
		).toBe(false);
		const get = new Request(`${site}/family`, { headers: form });
		expect(crossSiteFormBlocked(get, new URL(get.url))).toBe(false);
	});
});
