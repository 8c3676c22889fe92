/**
 * Supabase Auth conformance, through supabase-js: sign-up, password sign-in, refresh rotation,
 * the access token's claims, the current user, sign-out scopes, and how bad input is answered.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedSupabase } from '../../src/lib/server/embedded-supabase';
import { openPglite } from '../../src/lib/server/embedded-supabase/database';
import { applyBootstrap } from '../../src/lib/server/embedded-supabase/migrate';
import {
	API_URL,
	makeClient,
	availableBackends,
	decodeJwt as decode,
	uniqueEmail as unique,
	startEmbedded,
	type TestSupabase
} from '../support/embedded';

const backends = await availableBackends();

const PASSWORD = 'correct horse battery';

async function raw(
	t: TestSupabase,
	path: string,
	init: RequestInit & { key?: string; token?: string } = {}
): Promise<Response> {
	const key = init.key ?? t.embedded.keys.publishable;
	const headers = new Headers(init.headers);
	headers.set('apikey', key);
	headers.set('authorization', `Bearer ${init.token ?? key}`);
	if (!headers.has('x-supabase-api-version')) headers.set('x-supabase-api-version', '2024-01-01');
	if (init.body && !headers.has('content-type')) headers.set('content-type', 'application/json');
	return t.embedded.fetch(`${API_URL}/auth/v1${path}`, { ...init, headers });
}

describe.each(backends)('auth sessions on %s', (backend) => {
	let t: TestSupabase;
	beforeAll(async () => {
		t = await startEmbedded({ backend, auth: { passwordSignup: true } });
	});
	afterAll(async () => {
		await t?.close();
	});

	async function signedIn(
		email = unique('user')
	): Promise<{ client: SupabaseClient; email: string }> {
		const created = await t.admin().auth.admin.createUser({
			email,
			password: PASSWORD,
			email_confirm: true
		});
		expect(created.error).toBeNull();
		const client = t.anon();
		const { error } = await client.auth.signInWithPassword({ email, password: PASSWORD });
		expect(error).toBeNull();
		return { client, email };
	}

	it('signs a new user up and in at once when confirmation is off', async () => {
		const email = unique('signup');
		const client = t.anon();
		const { data, error } = await client.auth.signUp({
			email,
			password: PASSWORD,
			options: { data: { display_name: '王小明' } }
		});
		expect(error).toBeNull();
		expect(data.session?.access_token).toBeTruthy();
		expect(data.session?.token_type).toBe('bearer');
		expect(data.session?.expires_in).toBe(3600);
		expect(data.user?.email).toBe(email);
		expect(data.user?.user_metadata).toEqual({ display_name: '王小明' });
		expect(data.user?.email_confirmed_at).toBeTruthy();
		expect(data.user?.app_metadata).toEqual({ provider: 'email', providers: ['email'] });
		expect(data.user?.identities?.[0]).toMatchObject({
			provider: 'email',
			user_id: data.user?.id,
			id: data.user?.id,
			identity_data: { email, email_verified: true, sub: data.user?.id }
		});
		const { data: me } = await client.auth.getUser();
		expect(me.user?.id).toBe(data.user?.id);
	});

	it('refuses a second sign-up with the same email', async () => {
		const email = unique('twice');
		await t.anon().auth.signUp({ email, password: PASSWORD });
		const { error } = await t.anon().auth.signUp({ email, password: PASSWORD });
		expect(error?.status).toBe(422);
		expect(error?.code).toBe('user_already_exists');
	});

	it('refuses a password shorter than the minimum as weak_password', async () => {
		const { error } = await t.anon().auth.signUp({ email: unique('weak'), password: '123' });
		expect(error?.status).toBe(422);
		expect(error?.code).toBe('weak_password');
		expect((error as { reasons?: string[] }).reasons).toEqual(['length']);
	});

	it('signs in with the right password and refuses the wrong one', async () => {
		const { email } = await signedIn();
		const wrong = await t.anon().auth.signInWithPassword({ email, password: 'not the password' });
		expect(wrong.error?.status).toBe(400);
		expect(wrong.error?.code).toBe('invalid_credentials');
		expect(wrong.error?.message).toBe('Invalid login credentials');
		const unknown = await t
			.anon()
			.auth.signInWithPassword({ email: unique('nobody'), password: PASSWORD });
		expect(unknown.error?.code).toBe('invalid_credentials');
		const right = await t
			.anon()
			.auth.signInWithPassword({ email: email.toUpperCase(), password: PASSWORD });
		expect(right.error).toBeNull();
		expect(right.data.user?.email).toBe(email);
		expect(right.data.user?.last_sign_in_at).toBeTruthy();
	});

	it('issues access tokens with the claims hosted Supabase issues', async () => {
		const email = unique('claims');
		const { data } = await t.admin().auth.admin.createUser({
			email,
			password: PASSWORD,
			email_confirm: true,
			user_metadata: { locale: 'zh-CN' },
			app_metadata: { district_admin: true }
		});
		const { data: signIn } = await t.anon().auth.signInWithPassword({ email, password: PASSWORD });
		const claims = decode(signIn.session!.access_token);
		expect(Object.keys(claims).sort()).toEqual(
			[
				'iss',
				'sub',
				'aud',
				'exp',
				'iat',
				'email',
				'phone',
				'app_metadata',
				'user_metadata',
				'role',
				'aal',
				'amr',
				'session_id',
				'is_anonymous'
			].sort()
		);
		expect(claims).toMatchObject({
			iss: `${API_URL}/auth/v1`,
			sub: data.user!.id,
			aud: 'authenticated',
			email,
			phone: '',
			role: 'authenticated',
			aal: 'aal1',
			is_anonymous: false,
			app_metadata: { provider: 'email', providers: ['email'], district_admin: true },
			user_metadata: { locale: 'zh-CN' }
		});
		expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
		expect(claims.amr).toEqual([{ method: 'password', timestamp: expect.any(Number) }]);
		expect(claims.session_id).toMatch(/^[0-9a-f-]{36}$/);
		expect(signIn.session!.expires_at).toBe(claims.exp);
		const header = JSON.parse(
			Buffer.from(signIn.session!.access_token.split('.')[0], 'base64url').toString()
		);
		expect(header).toMatchObject({ alg: 'HS256', typ: 'JWT' });
	});

	it('rotates refresh tokens and refuses a used one after the reuse interval', async () => {
		const { client } = await signedIn();
		const first = (await client.auth.getSession()).data.session!;
		const refreshed = await client.auth.refreshSession();
		expect(refreshed.error).toBeNull();
		const second = refreshed.data.session!;
		expect(second.refresh_token).not.toBe(first.refresh_token);
		expect(decode(second.access_token).session_id).toBe(decode(first.access_token).session_id);
		expect(decode(second.access_token).amr).toEqual(decode(first.access_token).amr);

		// Within the reuse interval, the parent of the live token gets the live token back
		// (a client that lost the answer), not a new one.
		const again = await raw(t, '/token?grant_type=refresh_token', {
			method: 'POST',
			body: JSON.stringify({ refresh_token: first.refresh_token })
		});
		expect(again.status).toBe(200);
		expect((await again.json()).refresh_token).toBe(second.refresh_token);

		// Past the interval, the old token is reuse: refused, and the session ends.
		await t.db.query(
			`update auth.refresh_tokens set updated_at = now() - interval '1 minute' where token = $1`,
			[first.refresh_token]
		);
		const reuse = await t.anon().auth.refreshSession({ refresh_token: first.refresh_token });
		expect(reuse.error?.status).toBe(400);
		expect(reuse.error?.code).toBe('refresh_token_already_used');
		const familyGone = await t.anon().auth.refreshSession({ refresh_token: second.refresh_token });
		expect(familyGone.error?.code).toBe('refresh_token_not_found');
		const user = await t.anon().auth.getUser(second.access_token);
		expect(user.error?.name).toBe('AuthSessionMissingError');
	});

	it('answers concurrent refreshes of one token with the same new token', async () => {
		const { client } = await signedIn();
		const session = (await client.auth.getSession()).data.session!;
		const answers = await Promise.all(
			Array.from({ length: 5 }, () =>
				raw(t, '/token?grant_type=refresh_token', {
					method: 'POST',
					body: JSON.stringify({ refresh_token: session.refresh_token })
				})
			)
		);
		expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
		const tokens = new Set(
			await Promise.all(answers.map(async (a) => (await a.json()).refresh_token))
		);
		expect(tokens.size).toBe(1);
		expect(tokens.has(session.refresh_token)).toBe(false);
	});

	it('verifies claims through the server with getClaims()', async () => {
		const { client, email } = await signedIn();
		const { data, error } = await client.auth.getClaims();
		expect(error).toBeNull();
		expect(data?.claims.email).toBe(email);
		const jwks = await t.embedded.fetch(`${API_URL}/auth/v1/.well-known/jwks.json`);
		expect(await jwks.json()).toEqual({ keys: [] });
		await client.auth.signOut({ scope: 'local' });
		const session = await t.anon().auth.getClaims();
		expect(session.data).toBeNull();
	});

	it('refuses a refresh token it never issued', async () => {
		const { error } = await t.anon().auth.refreshSession({ refresh_token: 'abcdefghijklmnop' });
		expect(error?.status).toBe(400);
		expect(error?.code).toBe('refresh_token_not_found');
	});

	it('answers the current user and updates metadata and password', async () => {
		const { client, email } = await signedIn();
		const { data, error } = await client.auth.getUser();
		expect(error).toBeNull();
		expect(data.user?.email).toBe(email);
		expect(data.user?.role).toBe('authenticated');
		expect(data.user?.aud).toBe('authenticated');

		const updated = await client.auth.updateUser({ data: { nickname: '小明', gone: null } });
		expect(updated.error).toBeNull();
		expect(updated.data.user?.user_metadata).toEqual({ nickname: '小明' });

		const same = await client.auth.updateUser({ password: PASSWORD });
		expect(same.error?.code).toBe('same_password');
		const weak = await client.auth.updateUser({ password: 'x' });
		expect(weak.error?.code).toBe('weak_password');
		const changed = await client.auth.updateUser({ password: 'a new password 2' });
		expect(changed.error).toBeNull();
		const oldPw = await t.anon().auth.signInWithPassword({ email, password: PASSWORD });
		expect(oldPw.error?.code).toBe('invalid_credentials');
		const newPw = await t.anon().auth.signInWithPassword({ email, password: 'a new password 2' });
		expect(newPw.error).toBeNull();
		expect((await client.auth.getUser()).error).toBeNull();
	});

	it('refuses a user updating their own app_metadata', async () => {
		const { client } = await signedIn();
		const session = (await client.auth.getSession()).data.session!;
		const res = await raw(t, '/user', {
			method: 'PUT',
			token: session.access_token,
			body: JSON.stringify({ app_metadata: { district_admin: true } })
		});
		expect(res.status).toBe(403);
		expect((await res.json()).code).toBe('not_admin');
	});

	it('signs out locally: the refresh token and the access token session stop working', async () => {
		const { client, email } = await signedIn();
		const other = t.anon();
		await other.auth.signInWithPassword({ email, password: PASSWORD });
		const session = (await client.auth.getSession()).data.session!;
		// Accepted first, so the token's signature is already known when the session ends.
		expect((await raw(t, '/user', { token: session.access_token })).status).toBe(200);
		const { error } = await client.auth.signOut({ scope: 'local' });
		expect(error).toBeNull();
		const refresh = await t.anon().auth.refreshSession({ refresh_token: session.refresh_token });
		expect(refresh.error?.code).toBe('refresh_token_not_found');
		const res = await raw(t, '/user', { token: session.access_token });
		expect(res.status).toBe(403);
		expect((await res.json()).code).toBe('session_not_found');
		expect((await other.auth.getUser()).error).toBeNull();
	});

	it('the current user is read by the auth server alone: no API role may call its function', async () => {
		const { client } = await signedIn();
		const user = (await client.auth.getUser()).data.user!;
		for (const role of ['anon', 'authenticated', 'service_role'] as const) {
			await expect(
				t.db.statement(
					{ role, claims: { sub: user.id, role } },
					'select auth.user_with_session($1, null)',
					[user.id]
				)
			).rejects.toThrow(/permission denied for function user_with_session/);
		}
		// The auth server's own read answers the same user as GET /user.
		const { rows } = await t.db.query<{ row: string }>(
			'select auth.user_with_session($1, null)::text as row',
			[user.id]
		);
		expect(JSON.parse(rows[0].row)).toMatchObject({ id: user.id, email: user.email });
	});

	it('signs out others: only the current session survives', async () => {
		const { client, email } = await signedIn();
		const other = t.anon();
		await other.auth.signInWithPassword({ email, password: PASSWORD });
		const otherSession = (await other.auth.getSession()).data.session!;
		expect((await client.auth.signOut({ scope: 'others' })).error).toBeNull();
		expect((await client.auth.getUser()).error).toBeNull();
		const gone = await t.anon().auth.getUser(otherSession.access_token);
		expect(gone.error?.name).toBe('AuthSessionMissingError');
	});

	it('signs out globally: every session of the user ends', async () => {
		const { client, email } = await signedIn();
		const other = t.anon();
		await other.auth.signInWithPassword({ email, password: PASSWORD });
		const otherSession = (await other.auth.getSession()).data.session!;
		const res = await raw(t, '/logout?scope=global', {
			method: 'POST',
			token: (await client.auth.getSession()).data.session!.access_token
		});
		expect(res.status).toBe(204);
		const refresh = await t
			.anon()
			.auth.refreshSession({ refresh_token: otherSession.refresh_token });
		expect(refresh.error?.code).toBe('refresh_token_not_found');
		expect((await t.anon().auth.getUser(otherSession.access_token)).error?.name).toBe(
			'AuthSessionMissingError'
		);
	});

	it('answers a bad or expired JWT with bad_jwt and a missing one with no_authorization', async () => {
		const { client } = await signedIn();
		const token = (await client.auth.getSession()).data.session!.access_token;
		const tampered = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
		const bad = await raw(t, '/user', { token: tampered });
		expect(bad.status).toBe(403);
		expect(await bad.json()).toMatchObject({ code: 'bad_jwt' });

		const { signJwt } = await import('../../src/lib/server/embedded-supabase/jwt');
		const claims = decode(token);
		const expired = await signJwt(
			{ ...claims, iat: (claims.iat as number) - 7200, exp: (claims.iat as number) - 3600 },
			t.embedded.env.jwtSecret
		);
		const viaClient = await t.anon().auth.getUser(expired);
		expect(viaClient.error?.status).toBe(403);
		expect(viaClient.error?.code).toBe('bad_jwt');

		const noBearer = await t.embedded.fetch(`${API_URL}/auth/v1/user`, {
			headers: { apikey: t.embedded.keys.publishable }
		});
		expect(noBearer.status).toBe(401);
		expect((await noBearer.json()).error_code).toBe('no_authorization');
	});

	it('answers without an API key, or with a wrong one, 401 as the gateway does', async () => {
		const none = await t.embedded.fetch(`${API_URL}/auth/v1/settings`);
		expect(none.status).toBe(401);
		const wrong = await t.embedded.fetch(`${API_URL}/auth/v1/settings`, {
			headers: { apikey: 'sb_publishable_wrong' }
		});
		expect(wrong.status).toBe(401);
		expect((await wrong.json()).message).toBe('Invalid API key');
	});

	it('uses GoTrue error shapes by API version, and never a 500 for a bad body', async () => {
		const modern = await raw(t, '/token?grant_type=password', {
			method: 'POST',
			body: JSON.stringify({ email: unique('x'), password: 'whatever1' })
		});
		expect(modern.headers.get('x-supabase-api-version')).toBe('2024-01-01');
		expect(await modern.json()).toMatchObject({
			code: 'invalid_credentials',
			message: 'Invalid login credentials',
			msg: 'Invalid login credentials'
		});
		const legacy = await t.embedded.fetch(`${API_URL}/auth/v1/token?grant_type=password`, {
			method: 'POST',
			headers: { apikey: t.embedded.keys.publishable, 'content-type': 'application/json' },
			body: JSON.stringify({ email: unique('x'), password: 'whatever1' })
		});
		expect(await legacy.json()).toEqual({
			code: 400,
			error_code: 'invalid_credentials',
			msg: 'Invalid login credentials'
		});

		const badJson = await raw(t, '/token?grant_type=password', {
			method: 'POST',
			body: '{"email":'
		});
		expect(badJson.status).toBe(400);
		expect((await badJson.json()).code).toBe('bad_json');
		const wrongType = await raw(t, '/signup', {
			method: 'POST',
			body: JSON.stringify({ email: 42, password: PASSWORD })
		});
		expect(wrongType.status).toBe(400);
		const badEmail = await raw(t, '/signup', {
			method: 'POST',
			body: JSON.stringify({ email: 'not an email', password: PASSWORD })
		});
		expect(badEmail.status).toBe(400);
		expect((await badEmail.json()).code).toBe('validation_failed');
		const huge = await raw(t, '/signup', {
			method: 'POST',
			body: JSON.stringify({
				email: unique('big'),
				password: PASSWORD,
				data: { x: 'y'.repeat(1_100_000) }
			})
		});
		expect(huge.status).toBe(413);
		const unknownGrant = await raw(t, '/token?grant_type=magic', { method: 'POST', body: '{}' });
		expect(unknownGrant.status).toBe(400);
		const noRoute = await raw(t, '/nothing-here');
		expect(noRoute.status).toBe(404);
	});

	it('answers settings and health', async () => {
		const settings = await raw(t, '/settings');
		expect(await settings.json()).toMatchObject({
			external: { email: true, phone: false },
			disable_signup: false,
			mailer_autoconfirm: true
		});
		const health = await raw(t, '/health');
		expect(health.status).toBe(200);
		expect((await health.json()).name).toBe('GoTrue');
	});
});

describe.each(backends)('auth sign-up with email confirmation on %s', (backend) => {
	let t: TestSupabase;
	let confirming: Awaited<ReturnType<typeof createEmbeddedSupabase>>;
	const mail: import('../../src/lib/server/embedded-supabase').AuthEmail[] = [];
	let client: () => SupabaseClient;

	beforeAll(async () => {
		t = await startEmbedded({ backend });
		confirming = await createEmbeddedSupabase({
			db: t.db,
			apiUrl: API_URL,
			siteUrl: 'http://localhost:5173',
			mailer: { send: async (email) => void mail.push(email) },
			auth: { autoConfirm: false, passwordSignup: true }
		});
		client = () => makeClient(API_URL, confirming.keys.publishable, confirming.fetch);
	});
	afterAll(async () => {
		await confirming?.close();
		await t?.close();
	});

	it('returns the user without a session and mails a confirmation', async () => {
		const email = unique('confirm');
		const { data, error } = await client().auth.signUp({
			email,
			password: PASSWORD,
			options: { emailRedirectTo: 'http://localhost:5173/welcome' }
		});
		expect(error).toBeNull();
		expect(data.session).toBeNull();
		expect(data.user?.email).toBe(email);
		expect(data.user?.email_confirmed_at).toBeUndefined();
		expect(data.user?.confirmation_sent_at).toBeTruthy();
		const sent = mail.filter((m) => m.email === email);
		expect(sent).toHaveLength(1);
		expect(sent[0].type).toBe('signup');
		expect(sent[0].token).toMatch(/^\d{6}$/);
		expect(sent[0].redirectTo).toBe('http://localhost:5173/welcome');

		const early = await client().auth.signInWithPassword({ email, password: PASSWORD });
		expect(early.error?.code).toBe('email_not_confirmed');

		const verified = await client().auth.verifyOtp({ email, token: sent[0].token, type: 'signup' });
		expect(verified.error).toBeNull();
		expect(verified.data.user?.email_confirmed_at).toBeTruthy();
		expect(
			(await client().auth.signInWithPassword({ email, password: PASSWORD })).error
		).toBeNull();
	});

	it('does not reveal a confirmed address on a repeated sign-up', async () => {
		const email = unique('known');
		await t.admin().auth.admin.createUser({ email, password: PASSWORD, email_confirm: true });
		const before = mail.length;
		const { data, error } = await client().auth.signUp({ email, password: 'another password' });
		expect(error).toBeNull();
		expect(data.session).toBeNull();
		expect(data.user?.identities).toEqual([]);
		expect(mail.length).toBe(before);
	});
});

describe('the embedded Auth on a fresh PGlite', () => {
	it('answers the admin API only to the secret key', async () => {
		const db = await openPglite();
		await applyBootstrap(db);
		const embedded = await createEmbeddedSupabase({
			db,
			apiUrl: API_URL,
			mailer: { send: async () => {} }
		});
		try {
			const anon = makeClient(API_URL, embedded.keys.publishable, embedded.fetch);
			const { error } = await anon.auth.admin.listUsers();
			expect(error?.status).toBe(403);
			expect(error?.code).toBe('not_admin');
			const created = await anon.auth.admin.createUser({
				email: 'a@example.com',
				password: PASSWORD
			});
			expect(created.error?.status).toBe(403);
			const legacyAnon = makeClient(API_URL, embedded.keys.anonJwt, embedded.fetch);
			expect((await legacyAnon.auth.admin.listUsers()).error?.code).toBe('not_admin');
			const legacyService = makeClient(API_URL, embedded.keys.serviceRoleJwt, embedded.fetch);
			expect((await legacyService.auth.admin.listUsers()).error).toBeNull();
		} finally {
			await embedded.close();
			await db.close();
		}
	});
});
