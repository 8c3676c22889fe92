/**
 * Access tokens whose signature was checked once are not checked again (a page load makes a dozen
 * API calls with one token), but what can change is: expiry, and which key is asked.
 */
import { describe, expect, it } from 'vitest';
import { signJwt, verifyJwt } from '../../src/lib/server/embedded-supabase/jwt';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const OTHER = 'another-secret-of-at-least-thirty-two-chars';
const now = () => Math.floor(Date.now() / 1000);

describe('verifyJwt', () => {
	it('answers the same claims on a second check of the same token', async () => {
		const token = await signJwt(
			{ sub: 'u1', role: 'authenticated', aud: 'authenticated', exp: now() + 60 },
			SECRET
		);
		const first = await verifyJwt(token, SECRET);
		const second = await verifyJwt(token, SECRET);
		expect(first).toEqual({ ok: true, claims: expect.objectContaining({ sub: 'u1' }) });
		expect(second).toEqual(first);
	});

	it('refuses a checked token once it has expired', async () => {
		const token = await signJwt(
			{ sub: 'u2', role: 'authenticated', aud: 'authenticated', exp: now() + 1 },
			SECRET
		);
		expect((await verifyJwt(token, SECRET)).ok).toBe(true);
		await new Promise((r) => setTimeout(r, 2100));
		expect(await verifyJwt(token, SECRET)).toEqual({ ok: false, reason: 'expired' });
	});

	it('refuses a checked token under another key, and a token changed by one character', async () => {
		const token = await signJwt(
			{ sub: 'u3', role: 'authenticated', aud: 'authenticated', exp: now() + 60 },
			SECRET
		);
		expect((await verifyJwt(token, SECRET)).ok).toBe(true);
		expect(await verifyJwt(token, OTHER)).toEqual({ ok: false, reason: 'invalid' });
		// A character inside the signature (the last one may differ only in padding bits).
		const at = token.length - 10;
		const changed = token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
		expect(await verifyJwt(changed, SECRET)).toEqual({ ok: false, reason: 'invalid' });
	});

	it('keeps a token that is not valid yet refused until its time', async () => {
		const token = await signJwt(
			{ sub: 'u4', role: 'anon', nbf: now() + 2, exp: now() + 60 },
			SECRET
		);
		expect(await verifyJwt(token, SECRET)).toEqual({ ok: false, reason: 'invalid' });
		await new Promise((r) => setTimeout(r, 3100));
		expect((await verifyJwt(token, SECRET)).ok).toBe(true);
		expect((await verifyJwt(token, SECRET)).ok).toBe(true);
	});
});
