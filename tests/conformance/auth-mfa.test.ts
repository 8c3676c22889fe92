/**
 * The embedded Auth's TOTP multi-factor authentication and `/reauthenticate`, as GoTrue answers
 * supabase-js's `mfa.*` and `reauthenticate()` — on PGlite and on the PostgreSQL server.
 */
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseClient } from '@supabase/supabase-js';
import {
	decodeJwt,
	serverAvailable,
	startEmbedded,
	uniqueEmail,
	type TestSupabase
} from '../support/embedded';

/** The code an authenticator app shows for this secret, `offset` periods from now. */
function codeFor(secret: string, offset = 0): string {
	const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });
	return totp.generate({ timestamp: Date.now() + offset * 30_000 });
}

async function accessClaims(client: SupabaseClient) {
	const { data } = await client.auth.getSession();
	return decodeJwt(data.session!.access_token);
}

describe.each(['pglite', 'postgres'] as const)(
	'TOTP factors and reauthentication (%s)',
	(backend) => {
		let t: TestSupabase;
		let skip = false;

		beforeAll(async () => {
			if (backend === 'postgres' && !(await serverAvailable())) {
				skip = true;
				return;
			}
			t = await startEmbedded({ backend, auth: { passwordSignup: true, autoConfirm: true } });
		});
		afterAll(async () => {
			await t?.close();
		});

		const test = (name: string, fn: () => Promise<void>) =>
			it(name, async (context) => {
				if (skip) context.skip();
				await fn();
			});

		/** A user signed in with a password, with one verified TOTP factor; the client is at aal2. */
		async function enrolled(prefix: string) {
			const email = uniqueEmail(prefix);
			const client = await t.userClient(email, { password: 'pass-word-1234' });
			const { data: factor, error } = await client.auth.mfa.enroll({
				factorType: 'totp',
				friendlyName: 'phone'
			});
			expect(error).toBeNull();
			const secret = factor!.totp.secret;
			const { error: verifyError } = await client.auth.mfa.challengeAndVerify({
				factorId: factor!.id,
				code: codeFor(secret)
			});
			expect(verifyError).toBeNull();
			return { email, client, factorId: factor!.id, secret };
		}

		test('enrols a TOTP factor with a secret, an otpauth URI and an SVG QR code', async () => {
			const email = uniqueEmail('mfa-enrol');
			const client = await t.userClient(email, { password: 'pass-word-1234' });
			const { data, error } = await client.auth.mfa.enroll({
				factorType: 'totp',
				friendlyName: 'my phone',
				issuer: 'Gongyu'
			});
			expect(error).toBeNull();
			expect(data).toMatchObject({ type: 'totp', friendly_name: 'my phone' });
			expect(data!.totp.secret).toMatch(/^[A-Z2-7]{32}$/);
			expect(data!.totp.uri).toMatch(/^otpauth:\/\/totp\/Gongyu:.+\?.*secret=[A-Z2-7]{32}/);
			expect(data!.totp.qr_code).toMatch(/^data:image\/svg\+xml;utf-8,<svg/);
			const factors = await client.auth.mfa.listFactors();
			expect(factors.data?.all).toEqual([
				expect.objectContaining({ id: data!.id, status: 'unverified', factor_type: 'totp' })
			]);
			expect(factors.data?.totp).toEqual([]);
			const again = await client.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'my phone' });
			expect(again.error?.code).toBe('mfa_factor_name_conflict');
			const stored = await t.db.query<{ status: string; secret: string }>(
				'select status::text, secret from auth.mfa_factors where id = $1::uuid',
				[data!.id]
			);
			expect(stored.rows[0]).toEqual({ status: 'unverified', secret: data!.totp.secret });
		});

		test('a right code raises the session to aal2 with totp in amr, and a refresh keeps it', async () => {
			const { client, factorId } = await enrolled('mfa-verify');
			const claims = await accessClaims(client);
			expect(claims.aal).toBe('aal2');
			expect((claims.amr as { method: string }[]).map((a) => a.method).sort()).toEqual([
				'password',
				'totp'
			]);
			const level = await client.auth.mfa.getAuthenticatorAssuranceLevel();
			expect(level.data).toMatchObject({ currentLevel: 'aal2', nextLevel: 'aal2' });
			const factors = await client.auth.mfa.listFactors();
			expect(factors.data?.totp.map((f) => f.id)).toEqual([factorId]);
			const { data: refreshed, error } = await client.auth.refreshSession();
			expect(error).toBeNull();
			expect(decodeJwt(refreshed.session!.access_token).aal).toBe('aal2');
		});

		test('a new sign-in is aal1 with aal2 next, until it verifies a code', async () => {
			const { email, secret, factorId } = await enrolled('mfa-next');
			const again = t.anon();
			const signIn = await again.auth.signInWithPassword({ email, password: 'pass-word-1234' });
			expect(signIn.error).toBeNull();
			const level = await again.auth.mfa.getAuthenticatorAssuranceLevel();
			expect(level.data).toMatchObject({ currentLevel: 'aal1', nextLevel: 'aal2' });
			// An aal1 session may neither remove the factor nor add another.
			const removed = await again.auth.mfa.unenroll({ factorId });
			expect(removed.error?.code).toBe('insufficient_aal');
			const added = await again.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'second' });
			expect(added.error?.code).toBe('insufficient_aal');
			const { data: ch } = await again.auth.mfa.challenge({ factorId });
			expect(ch?.expires_at).toBeGreaterThan(Date.now() / 1000);
			const ok = await again.auth.mfa.verify({
				factorId,
				challengeId: ch!.id,
				code: codeFor(secret)
			});
			expect(ok.error).toBeNull();
			expect((await accessClaims(again)).aal).toBe('aal2');
			// A challenge is good for one verification.
			const twice = await again.auth.mfa.verify({
				factorId,
				challengeId: ch!.id,
				code: codeFor(secret)
			});
			expect(twice.error?.status).toBe(422);
		});

		test('a wrong code is refused, changes nothing, and the tries are limited per factor', async () => {
			const { email, secret, factorId } = await enrolled('mfa-wrong');
			const guesser = t.anon('198.51.100.7');
			await guesser.auth.signInWithPassword({ email, password: 'pass-word-1234' });
			const wrong = String((Number(codeFor(secret)) + 500_000) % 1_000_000).padStart(6, '0');
			let lastError: { status?: number; code?: string } | null = null;
			const statuses: number[] = [];
			for (let i = 0; i < 12; i++) {
				const { data: ch } = await guesser.auth.mfa.challenge({ factorId });
				const res = await guesser.auth.mfa.verify({ factorId, challengeId: ch!.id, code: wrong });
				lastError = res.error as typeof lastError;
				statuses.push(res.error?.status ?? 200);
			}
			// Ten tries per factor in 5 minutes, the enrolment's right code being the first.
			expect(statuses.slice(0, 9)).toEqual(Array(9).fill(422));
			expect(statuses.slice(9)).toEqual([429, 429, 429]);
			expect(lastError).toMatchObject({ status: 429, code: 'over_request_rate_limit' });
			expect((await accessClaims(guesser)).aal).toBe('aal1');
			// From another address, the factor's own limit still holds.
			const other = t.anon('198.51.100.8');
			await other.auth.signInWithPassword({ email, password: 'pass-word-1234' });
			const { data: ch } = await other.auth.mfa.challenge({ factorId });
			const right = await other.auth.mfa.verify({
				factorId,
				challengeId: ch!.id,
				code: codeFor(secret)
			});
			expect(right.error?.status).toBe(429);
		});

		test("another user's factor is not found, and unenrolling from aal2 brings aal1 back", async () => {
			const first = await enrolled('mfa-owner');
			const stranger = await t.userClient(uniqueEmail('mfa-stranger'), {
				password: 'pass-word-1234'
			});
			const theirs = await stranger.auth.mfa.challenge({ factorId: first.factorId });
			expect(theirs.error?.status).toBe(404);
			const gone = await stranger.auth.mfa.unenroll({ factorId: first.factorId });
			expect(gone.error?.status).toBe(404);
			const { error } = await first.client.auth.mfa.unenroll({ factorId: first.factorId });
			expect(error).toBeNull();
			const { data } = await first.client.auth.refreshSession();
			expect(decodeJwt(data.session!.access_token).aal).toBe('aal1');
			expect((await first.client.auth.mfa.listFactors()).data?.all).toEqual([]);
		});

		test('reauthenticate sends a code that updateUser takes as nonce, once', async () => {
			const email = uniqueEmail('reauth');
			const client = await t.userClient(email, { password: 'pass-word-1234' });
			const sent = t.mail.length;
			const { error } = await client.auth.reauthenticate();
			expect(error).toBeNull();
			const mail = t.mail.slice(sent).find((m) => m.email === email);
			expect(mail?.type).toBe('reauthentication');
			const wrong = await client.auth.updateUser({ password: 'new-pass-5678', nonce: '000000' });
			expect(wrong.error?.code).toBe('reauthentication_not_valid');
			const right = await client.auth.updateUser({ password: 'new-pass-5678', nonce: mail!.token });
			expect(right.error).toBeNull();
			const reused = await client.auth.updateUser({
				password: 'new-pass-9999',
				nonce: mail!.token
			});
			expect(reused.error?.code).toBe('reauthentication_not_valid');
			const signIn = await t.anon().auth.signInWithPassword({ email, password: 'new-pass-5678' });
			expect(signIn.error).toBeNull();
		});
	}
);
