import { describe, expect, it } from 'vitest';
import { parseBanDuration } from '../../src/lib/server/embedded-supabase/auth/admin';
import { tokenHash } from '../../src/lib/server/embedded-supabase/auth/otp';
import { pkceParams } from '../../src/lib/server/embedded-supabase/auth/pkce';
import {
	isAllowedRedirect,
	resolveRedirect
} from '../../src/lib/server/embedded-supabase/auth/redirect';

const rules = {
	siteUrl: 'https://gongyu.example.cn',
	redirectAllowList: [
		'http://localhost:5173/**',
		'https://school.example.cn/parents/**',
		'https://partner.example.org/auth/callback',
		'gongyu://login'
	]
};

describe('auth redirect allow-list', () => {
	it('allows any path on the site origin', () => {
		expect(isAllowedRedirect('https://gongyu.example.cn', rules)).toBe(true);
		expect(isAllowedRedirect('https://gongyu.example.cn/auth/callback?next=/me', rules)).toBe(true);
	});

	it('refuses other schemes, ports and look-alike hosts of the site', () => {
		expect(isAllowedRedirect('http://gongyu.example.cn/', rules)).toBe(false);
		expect(isAllowedRedirect('https://gongyu.example.cn:8443/', rules)).toBe(false);
		expect(isAllowedRedirect('https://gongyu.example.cn.evil.com/', rules)).toBe(false);
		expect(isAllowedRedirect('https://evil.com/?https://gongyu.example.cn', rules)).toBe(false);
		expect(isAllowedRedirect('https://user:pw@gongyu.example.cn/', rules)).toBe(false);
	});

	it('matches ** entries as a prefix on the same origin only', () => {
		expect(isAllowedRedirect('http://localhost:5173/auth/callback', rules)).toBe(true);
		expect(isAllowedRedirect('http://localhost:5173', rules)).toBe(true);
		expect(isAllowedRedirect('http://localhost:5174/', rules)).toBe(false);
		expect(isAllowedRedirect('http://localhost:5173.evil.com/', rules)).toBe(false);
		expect(isAllowedRedirect('https://school.example.cn/parents/welcome', rules)).toBe(true);
		expect(isAllowedRedirect('https://school.example.cn/staff/', rules)).toBe(false);
		expect(isAllowedRedirect('https://school.example.cn/parents/../staff', rules)).toBe(false);
	});

	it('matches other entries exactly', () => {
		expect(isAllowedRedirect('https://partner.example.org/auth/callback', rules)).toBe(true);
		expect(isAllowedRedirect('https://partner.example.org/auth/callback2', rules)).toBe(false);
		expect(isAllowedRedirect('https://partner.example.org/', rules)).toBe(false);
		expect(isAllowedRedirect('gongyu://login', rules)).toBe(true);
	});

	it('refuses relative, script and malformed targets', () => {
		for (const bad of [
			'/me',
			'//evil.com',
			'javascript:alert(1)',
			'data:text/html,x',
			'',
			null,
			undefined
		]) {
			expect(isAllowedRedirect(bad, rules)).toBe(false);
		}
	});

	it('falls back to the referer, then to the site', () => {
		expect(resolveRedirect('https://evil.com', 'http://localhost:5173/x', rules)).toBe(
			'http://localhost:5173/x'
		);
		expect(resolveRedirect('https://evil.com', 'https://evil.com', rules)).toBe(rules.siteUrl);
		expect(resolveRedirect(null, null, rules)).toBe(rules.siteUrl);
	});
});

describe('auth helpers', () => {
	it('hashes one-time codes as GoTrue does (sha224 of email + code)', () => {
		expect(tokenHash('a@example.com', '123456')).toMatch(/^[0-9a-f]{56}$/);
		expect(tokenHash('a@example.com', '123456')).not.toBe(tokenHash('a@example.com', '123457'));
	});

	it('parses Go durations for bans', () => {
		expect(parseBanDuration('24h')).toBe(86_400_000);
		expect(parseBanDuration('1h30m')).toBe(5_400_000);
		expect(parseBanDuration('none')).toBe(0);
		expect(parseBanDuration('forever')).toBeNull();
		expect(parseBanDuration('10')).toBeNull();
	});

	it('validates PKCE parameters as GoTrue does', () => {
		expect(pkceParams('', '')).toBeNull();
		expect(pkceParams('a'.repeat(43), 's256')).toEqual({
			challenge: 'a'.repeat(43),
			method: 's256'
		});
		expect(() => pkceParams('a'.repeat(43), '')).toThrow();
		expect(() => pkceParams('short', 's256')).toThrow();
		expect(() => pkceParams('a'.repeat(43), 'md5')).toThrow();
		expect(() => pkceParams(`${'a'.repeat(42)}!`, 'plain')).toThrow();
	});
});
