/**
 * The embedded Auth's anonymous sign-in and `/resend`, as GoTrue answers supabase-js's
 * `signInAnonymously()` and `resend()` — on PGlite and on the PostgreSQL server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	decodeJwt,
	serverAvailable,
	startEmbedded,
	uniqueEmail,
	type TestSupabase
} from '../support/embedded';

describe.each(['pglite', 'postgres'] as const)('anonymous sign-in and resend (%s)', (backend) => {
	let t: TestSupabase;
	let skip = false;

	beforeAll(async () => {
		if (backend === 'postgres' && !(await serverAvailable())) {
			skip = true;
			return;
		}
		t = await startEmbedded({
			backend,
			auth: { anonymousSignIns: true, passwordSignup: true, autoConfirm: false }
		});
	});
	afterAll(async () => {
		await t?.close();
	});

	const test = (name: string, fn: () => Promise<void>) =>
		it(name, async (context) => {
			if (skip) context.skip();
			await fn();
		});

	test('signs in anonymously with a session whose token says is_anonymous', async () => {
		const client = t.anon(`203.0.113.${backend === 'pglite' ? 1 : 2}`);
		const { data, error } = await client.auth.signInAnonymously({
			options: { data: { nickname: 'guest' } }
		});
		expect(error).toBeNull();
		expect(data.user?.is_anonymous).toBe(true);
		expect(data.user?.email ?? '').toBe('');
		expect(data.user?.user_metadata).toEqual({ nickname: 'guest' });
		const claims = decodeJwt(data.session!.access_token);
		expect(claims).toMatchObject({ role: 'authenticated', is_anonymous: true, aal: 'aal1' });
		expect(claims.amr).toEqual([{ method: 'anonymous', timestamp: expect.any(Number) }]);
		const rows = await t.db.query<{ is_anonymous: string; identities: string }>(
			`select u.is_anonymous::text, (select count(*) from auth.identities i where i.user_id = u.id)::text as identities
			from auth.users u where u.id = $1::uuid`,
			[data.user!.id]
		);
		expect(rows.rows[0]).toEqual({ is_anonymous: 'true', identities: '0' });
		const me = await client.auth.getUser();
		expect(me.data.user?.id).toBe(data.user!.id);
	});

	test('refuses anonymous sign-in when it is off', async () => {
		t.embedded.env.auth.anonymousSignIns = false;
		try {
			const { data, error } = await t.anon('203.0.113.9').auth.signInAnonymously();
			expect(data.session).toBeNull();
			expect(error).toMatchObject({ status: 422, code: 'anonymous_provider_disabled' });
		} finally {
			t.embedded.env.auth.anonymousSignIns = true;
		}
	});

	test('resend sends a new confirmation to an unconfirmed address, and nothing to others', async () => {
		const email = uniqueEmail('resend');
		const client = t.anon('203.0.113.20');
		const signedUp = await client.auth.signUp({ email, password: 'correct horse battery' });
		expect(signedUp.error).toBeNull();
		const first = t.mail.filter((m) => m.email === email);
		expect(first.map((m) => m.type)).toEqual(['signup']);
		// GoTrue's one-email-a-minute rule applies to resends too: move the last one back.
		await t.db.query(
			`update auth.users set confirmation_sent_at = now() - interval '2 minutes' where email = $1`,
			[email]
		);
		const resent = await client.auth.resend({ type: 'signup', email });
		expect(resent.error).toBeNull();
		const after = t.mail.filter((m) => m.email === email);
		expect(after.map((m) => m.type)).toEqual(['signup', 'signup']);
		expect(after[1].token).not.toBe(after[0].token);
		const verified = await client.auth.verifyOtp({ email, token: after[1].token, type: 'email' });
		expect(verified.error).toBeNull();

		const before = t.mail.length;
		const unknown = await client.auth.resend({ type: 'signup', email: uniqueEmail('nobody') });
		expect(unknown.error).toBeNull();
		const confirmed = await client.auth.resend({ type: 'signup', email });
		expect(confirmed.error).toBeNull();
		expect(t.mail.length).toBe(before);
	});
});
