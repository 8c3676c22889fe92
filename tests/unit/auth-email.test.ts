import { describe, expect, it } from 'vitest';
import type { AuthEmail } from '../../src/lib/server/embedded-supabase/env';
import { authEmailLocale } from '../../src/lib/server/email/auth-mailer';
import { renderAuthEmail } from '../../src/lib/server/email/templates/auth';

const origin = 'http://localhost:3000';

function email(overrides: Partial<AuthEmail> = {}): AuthEmail {
	return {
		type: 'magiclink',
		email: 'parent@example.cn',
		token: '042917',
		tokenHash: 'pkce_abc123',
		actionLink: `${origin}/auth/v1/verify?token=pkce_abc123&type=magiclink`,
		redirectTo: `${origin}/auth/confirm?next=%2Ffamily`,
		userMetadata: {},
		...overrides
	};
}

describe('the sign-in email', () => {
	it('is Chinese by default and carries the code in subject, text and HTML', () => {
		const rendered = renderAuthEmail(email(), 'zh-CN', origin);
		expect(rendered.subject).toBe('共育登录验证码：042917');
		expect(rendered.text).toContain('042917');
		expect(rendered.html).toContain('>042917<');
		expect(rendered.html).toContain('lang="zh-CN"');
	});

	it('a reauthentication code comes without a link, which would lead nowhere', () => {
		const rendered = renderAuthEmail(email({ type: 'reauthentication' }), 'zh-CN', origin);
		expect(rendered.text).toContain('042917');
		expect(rendered.html).toContain('>042917<');
		expect(rendered.text).not.toContain('/auth/confirm');
		expect(rendered.html).not.toContain('/auth/confirm');
	});

	it('is in English for an English-speaking parent', () => {
		const rendered = renderAuthEmail(email(), 'en', origin);
		expect(rendered.subject).toBe('Your Gongyu sign-in code: 042917');
		expect(rendered.text).toContain('Enter this 6-digit code');
	});

	it("links to the app's confirm route with the token hash and the page to return to", () => {
		const { text, html } = renderAuthEmail(email(), 'zh-CN', origin);
		const link = /(http\S+\/auth\/confirm\?\S+)/.exec(text)?.[1];
		expect(link).toBeDefined();
		const url = new URL(link!);
		expect(url.origin).toBe(origin);
		expect(url.searchParams.get('token_hash')).toBe('pkce_abc123');
		expect(url.searchParams.get('type')).toBe('email');
		expect(url.searchParams.get('next')).toBe('/family');
		expect(html).toContain(`href="${link!.replaceAll('&', '&amp;')}"`);
	});

	it('never carries a redirect to another site in its link', () => {
		const { text } = renderAuthEmail(email({ redirectTo: 'https://evil.example/x' }), 'en', origin);
		const link = new URL(/(http\S+\/auth\/confirm\?\S+)/.exec(text)![1]);
		expect(link.searchParams.get('next')).toBe('/');
	});

	it('escapes what it puts into HTML', () => {
		const { html } = renderAuthEmail(email({ tokenHash: '"><script>x</script>' }), 'en', origin);
		expect(html).not.toContain('<script>');
	});
});

describe('the language of a sign-in email', () => {
	const page = (lang: string) => `${origin}/auth/confirm?next=%2Ffamily&lang=${lang}`;
	const family = (locale: 'zh-CN' | 'en' | null) => async () => locale;

	it("is the family's, whatever page the code was asked for on", async () => {
		expect(await authEmailLocale(email({ redirectTo: page('zh-CN') }), family('en'))).toBe('en');
		expect(
			await authEmailLocale(
				email({ redirectTo: page('en'), userMetadata: { locale: 'en' } }),
				family('zh-CN')
			)
		).toBe('zh-CN');
	});

	it("is the page's without a family, even when the account was made in another language", async () => {
		expect(
			await authEmailLocale(
				email({ redirectTo: page('en'), userMetadata: { locale: 'zh-CN' } }),
				family(null)
			)
		).toBe('en');
		expect(
			await authEmailLocale(email({ redirectTo: page('zh-CN'), userMetadata: { locale: 'en' } }))
		).toBe('zh-CN');
	});

	it('falls back to the account, then Chinese; a failed look-up is no family', async () => {
		const failing = async () => {
			throw new Error('database away');
		};
		expect(await authEmailLocale(email({ userMetadata: { locale: 'en' } }), failing)).toBe('en');
		expect(await authEmailLocale(email({ redirectTo: page('fr') }))).toBe('zh-CN');
		expect(await authEmailLocale(email({ redirectTo: 'not a url' }))).toBe('zh-CN');
	});
});
