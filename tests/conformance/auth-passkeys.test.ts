/**
 * The embedded Auth's passkeys, WebAuthn factors and OAuth client administration, as GoTrue
 * answers `/passkeys/*`, `/factors` with `factor_type: webauthn` and `/admin/oauth/clients` —
 * on PGlite and on the PostgreSQL server. The security key is a software one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseClient } from '@supabase/supabase-js';
import {
	API_URL,
	availableBackends,
	decodeJwt,
	startEmbedded,
	uniqueEmail,
	type TestSupabase
} from '../support/embedded';
import { SoftwareAuthenticator } from '../support/software-authenticator';

const backends = await availableBackends();
const RP_ID = 'localhost';
const ORIGIN = 'http://localhost:5173';
const NO_ID = '00000000-0000-0000-0000-000000000000';

interface Call {
	token?: string;
	/** `secret` for the secret key, else the publishable key. */
	key?: 'secret';
	body?: unknown;
	from?: string;
}

describe.each(backends)('passkeys, WebAuthn factors and OAuth clients (%s)', (backend) => {
	let t: TestSupabase;

	beforeAll(async () => {
		t = await startEmbedded({
			backend,
			auth: {
				autoConfirm: true,
				passwordSignup: true,
				passkeys: true,
				webauthnMfaEnroll: true,
				webauthnMfaVerify: true,
				oauthServer: true,
				webauthn: { rpId: RP_ID, rpDisplayName: 'Gongyu tests', rpOrigins: [ORIGIN] }
			}
		});
	});
	afterAll(async () => {
		await t?.close();
	});

	/** One request to `/auth/v1<path>` as it arrives over HTTP. */
	async function call(method: string, path: string, options: Call = {}) {
		const key = options.key === 'secret' ? t.embedded.keys.secret : t.embedded.keys.publishable;
		const response = (await t.embedded.handle(
			new Request(`${API_URL}/auth/v1${path}`, {
				method,
				headers: {
					apikey: key,
					authorization: `Bearer ${options.token ?? key}`,
					'content-type': 'application/json',
					'x-supabase-api-version': '2024-01-01'
				},
				body: options.body === undefined ? undefined : JSON.stringify(options.body)
			}),
			{ clientAddress: options.from ?? '192.0.2.1' }
		))!;
		const text = await response.text();
		const body = text ? JSON.parse(text) : null;
		return { status: response.status, body, headers: response.headers };
	}

	async function signedIn(
		prefix: string
	): Promise<{ client: SupabaseClient; token: string; id: string }> {
		const client = await t.userClient(uniqueEmail(prefix));
		const { data } = await client.auth.getSession();
		return { client, token: data.session!.access_token, id: data.session!.user.id };
	}

	async function registerPasskey(token: string, key: SoftwareAuthenticator) {
		const options = await call('POST', '/passkeys/registration/options', { token });
		expect(options.status).toBe(200);
		return call('POST', '/passkeys/registration/verify', {
			token,
			body: {
				challenge_id: options.body.challenge_id,
				credential: key.create(options.body.options)
			}
		});
	}

	async function passkeySignIn(key: SoftwareAuthenticator, from?: string) {
		const options = await call('POST', '/passkeys/authentication/options', { from });
		expect(options.status).toBe(200);
		const assertion = key.get(options.body.options);
		const answer = () =>
			call('POST', '/passkeys/authentication/verify', {
				from,
				body: { challenge_id: options.body.challenge_id, credential: assertion }
			});
		return { options: options.body, first: await answer(), again: answer };
	}

	describe('passkeys', () => {
		it('a signed-in user registers a passkey and then signs in with it alone', async () => {
			const owner = await signedIn('passkey-owner');
			const key = new SoftwareAuthenticator(RP_ID, ORIGIN);
			const options = await call('POST', '/passkeys/registration/options', { token: owner.token });
			expect(options.body.options.rp.id).toBe(RP_ID);
			expect(options.body.options.authenticatorSelection.residentKey).toBe('required');
			expect(options.body.options.pubKeyCredParams).toContainEqual({ alg: -7, type: 'public-key' });
			expect(options.body.expires_at).toBeGreaterThan(Date.now() / 1000);
			const created = await call('POST', '/passkeys/registration/verify', {
				token: owner.token,
				body: {
					challenge_id: options.body.challenge_id,
					credential: key.create(options.body.options)
				}
			});
			expect(created.status).toBe(200);
			expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);

			const { options: request, first } = await passkeySignIn(key);
			expect(request.options.allowCredentials ?? []).toHaveLength(0);
			expect(first.status).toBe(200);
			expect(first.body.user.id).toBe(owner.id);
			expect(decodeJwt(first.body.access_token).amr).toEqual([
				expect.objectContaining({ method: 'passkey' })
			]);
			const listed = await call('GET', '/passkeys', { token: owner.token });
			expect(listed.body).toEqual([
				expect.objectContaining({ id: created.body.id, last_used_at: expect.any(String) })
			]);
		});

		it('a sign-in challenge is answered once, and only by a registered key', async () => {
			const owner = await signedIn('passkey-once');
			const key = new SoftwareAuthenticator(RP_ID, ORIGIN);
			expect((await registerPasskey(owner.token, key)).status).toBe(200);
			const { first, again } = await passkeySignIn(key);
			expect(first.status).toBe(200);
			const replay = await again();
			expect([replay.status, replay.body.code]).toEqual([400, 'webauthn_challenge_not_found']);

			// A key that claims the user but was never registered signs no one in.
			const stranger = new SoftwareAuthenticator(RP_ID, ORIGIN);
			const handle = Buffer.from(owner.id).toString('base64url');
			const options = await call('POST', '/passkeys/authentication/options');
			const forged = await call('POST', '/passkeys/authentication/verify', {
				body: {
					challenge_id: options.body.challenge_id,
					credential: stranger.get(options.body.options, handle)
				}
			});
			expect([forged.status, forged.body.code]).toEqual([400, 'webauthn_verification_failed']);
		});

		it('a deleted passkey signs no one in; renaming needs a name', async () => {
			const owner = await signedIn('passkey-delete');
			const key = new SoftwareAuthenticator(RP_ID, ORIGIN);
			const { body } = await registerPasskey(owner.token, key);
			const renamed = await call('PATCH', `/passkeys/${body.id}`, {
				token: owner.token,
				body: { friendly_name: 'Laptop' }
			});
			expect(renamed.body.friendly_name).toBe('Laptop');
			const unnamed = await call('PATCH', `/passkeys/${body.id}`, {
				token: owner.token,
				body: { friendly_name: '' }
			});
			expect([unnamed.status, unnamed.body.code]).toEqual([400, 'validation_failed']);
			expect((await call('DELETE', `/passkeys/${body.id}`, { token: owner.token })).status).toBe(
				204
			);
			const { first } = await passkeySignIn(key);
			expect([first.status, first.body.code]).toEqual([400, 'webauthn_verification_failed']);
		});

		it("another user cannot rename, delete or finish registering someone else's passkey", async () => {
			const owner = await signedIn('passkey-mine');
			const other = await signedIn('passkey-other');
			const key = new SoftwareAuthenticator(RP_ID, ORIGIN);
			const { body } = await registerPasskey(owner.token, key);
			const rename = await call('PATCH', `/passkeys/${body.id}`, {
				token: other.token,
				body: { friendly_name: 'mine now' }
			});
			expect(rename.status).toBe(404);
			expect((await call('DELETE', `/passkeys/${body.id}`, { token: other.token })).status).toBe(
				404
			);
			expect((await call('GET', '/passkeys', { token: other.token })).body).toEqual([]);

			const options = await call('POST', '/passkeys/registration/options', { token: owner.token });
			const hijack = await call('POST', '/passkeys/registration/verify', {
				token: other.token,
				body: {
					challenge_id: options.body.challenge_id,
					credential: new SoftwareAuthenticator(RP_ID, ORIGIN).create(options.body.options)
				}
			});
			expect([hijack.status, hijack.body.code]).toEqual([400, 'webauthn_challenge_not_found']);
			expect((await call('GET', '/passkeys', { token: owner.token })).body).toHaveLength(1);
		});

		it('registration needs a session; the admin listing needs the secret key', async () => {
			const owner = await signedIn('passkey-admin');
			await registerPasskey(owner.token, new SoftwareAuthenticator(RP_ID, ORIGIN));
			const anon = await call('POST', '/passkeys/registration/options');
			expect(anon.status).toBe(403);
			t.embedded.env.auth.anonymousSignIns = true;
			try {
				const guest = await call('POST', '/signup', { body: {} });
				const refused = await call('POST', '/passkeys/registration/options', {
					token: guest.body.access_token
				});
				expect([refused.status, refused.body.code]).toEqual([403, 'no_authorization']);
			} finally {
				t.embedded.env.auth.anonymousSignIns = false;
			}
			expect((await call('GET', '/passkeys')).status).toBe(403);
			const path = `/admin/users/${owner.id}/passkeys`;
			const asUser = await call('GET', path, { token: owner.token });
			expect([asUser.status, asUser.body.code]).toEqual([403, 'not_admin']);
			expect((await call('GET', path)).status).toBe(403);
			const listed = await call('GET', path, { key: 'secret' });
			expect(listed.body).toHaveLength(1);
			const other = await signedIn('passkey-admin-other');
			const wrongUser = await call(
				'DELETE',
				`/admin/users/${other.id}/passkeys/${listed.body[0].id}`,
				{
					key: 'secret'
				}
			);
			expect(wrongUser.status).toBe(404);
			const removed = await call('DELETE', `${path}/${listed.body[0].id}`, { key: 'secret' });
			expect(removed.status).toBe(204);
			expect((await call('GET', path, { key: 'secret' })).body).toEqual([]);
		});

		it('beginning passkey sign-ins is limited per client address, in the database', async () => {
			const limits = t.embedded.env.auth.rateLimits;
			t.embedded.env.auth.rateLimits = { ...limits, passkeys: 3 };
			try {
				const from = `203.0.113.${backend === 'pglite' ? 7 : 8}`;
				for (let i = 0; i < 3; i++) {
					expect((await call('POST', '/passkeys/authentication/options', { from })).status).toBe(
						200
					);
				}
				const refused = await call('POST', '/passkeys/authentication/options', { from });
				expect([refused.status, refused.body.code]).toEqual([429, 'over_request_rate_limit']);
				const { rows } = await t.db.query(`select 1 from auth.rate_limits where rule = 'passkeys'`);
				expect(rows.length).toBeGreaterThan(0);
				const elsewhere = await call('POST', '/passkeys/authentication/options', {
					from: '203.0.113.99'
				});
				expect(elsewhere.status).toBe(200);
			} finally {
				t.embedded.env.auth.rateLimits = limits;
			}
		});

		it('passkeys answer 404 passkey_disabled while turned off', async () => {
			t.embedded.env.auth.passkeys = false;
			try {
				const off = await call('POST', '/passkeys/authentication/options');
				expect([off.status, off.body.code]).toEqual([404, 'passkey_disabled']);
				expect((await call('GET', '/settings')).body.passkeys_enabled).toBe(false);
			} finally {
				t.embedded.env.auth.passkeys = true;
			}
		});
	});

	it('the API roles cannot read passkeys, ceremonies or client secrets', async () => {
		for (const role of ['anon', 'authenticated'] as const) {
			for (const table of ['webauthn_credentials', 'webauthn_challenges', 'oauth_clients']) {
				await expect(
					t.db.transaction({ role }, (tx) => tx.query(`select 1 from auth.${table}`))
				).rejects.toThrow(/permission denied/);
			}
		}
		const { rows } = await t.db.transaction({ role: 'owner' }, (tx) =>
			tx.query('select 1 from auth.webauthn_credentials limit 1')
		);
		expect(rows).toBeDefined();
	});

	describe('WebAuthn factors', () => {
		async function enrolWebauthn(token: string, key: SoftwareAuthenticator) {
			const enrolled = await call('POST', '/factors', {
				token,
				body: { factor_type: 'webauthn', friendly_name: 'Security key' }
			});
			expect(enrolled.body).toMatchObject({ type: 'webauthn', friendly_name: 'Security key' });
			const challenge = await call('POST', `/factors/${enrolled.body.id}/challenge`, { token });
			expect(challenge.body.webauthn.type).toBe('create');
			const publicKey = challenge.body.webauthn.credential_options.publicKey;
			const verified = await call('POST', `/factors/${enrolled.body.id}/verify`, {
				token,
				body: {
					challenge_id: challenge.body.id,
					webauthn: { type: 'create', credential_response: key.create(publicKey) }
				}
			});
			return { factorId: enrolled.body.id as string, verified };
		}

		it('a security key registered at the first challenge raises later sessions to aal2', async () => {
			const owner = await signedIn('webauthn-factor');
			const key = new SoftwareAuthenticator(RP_ID, ORIGIN);
			const { factorId, verified } = await enrolWebauthn(owner.token, key);
			expect(verified.status).toBe(200);
			expect(decodeJwt(verified.body.access_token).aal).toBe('aal2');

			const { data } = await owner.client.auth.signInWithPassword({
				email: verified.body.user.email,
				password: 'correct horse battery'
			});
			const token = data.session!.access_token;
			expect(decodeJwt(token).aal).toBe('aal1');
			const challenge = await call('POST', `/factors/${factorId}/challenge`, { token });
			expect(challenge.body.webauthn.type).toBe('request');
			const publicKey = challenge.body.webauthn.credential_options.publicKey;
			expect(publicKey.allowCredentials).toEqual([
				expect.objectContaining({ id: key.credentialId.toString('base64url') })
			]);
			const answer = await call('POST', `/factors/${factorId}/verify`, {
				token,
				body: {
					challenge_id: challenge.body.id,
					webauthn: { type: 'request', credential_response: key.get(publicKey) }
				}
			});
			expect(answer.status).toBe(200);
			const claims = decodeJwt(answer.body.access_token);
			expect(claims.aal).toBe('aal2');
			expect(claims.amr).toContainEqual(expect.objectContaining({ method: 'mfa/webauthn' }));
		});

		it("a wrong key's answer is refused, and another user cannot challenge the factor", async () => {
			const owner = await signedIn('webauthn-wrong');
			const { factorId, verified } = await enrolWebauthn(
				owner.token,
				new SoftwareAuthenticator(RP_ID, ORIGIN)
			);
			const token = verified.body.access_token;
			const challenge = await call('POST', `/factors/${factorId}/challenge`, { token });
			const publicKey = challenge.body.webauthn.credential_options.publicKey;
			const wrong = new SoftwareAuthenticator(RP_ID, ORIGIN);
			wrong.create({ challenge: 'x', user: { id: Buffer.from(owner.id).toString('base64url') } });
			const refused = await call('POST', `/factors/${factorId}/verify`, {
				token,
				body: {
					challenge_id: challenge.body.id,
					webauthn: { type: 'request', credential_response: wrong.get(publicKey) }
				}
			});
			expect([refused.status, refused.body.code]).toEqual([422, 'mfa_verification_failed']);

			const other = await signedIn('webauthn-other');
			const theirs = await call('POST', `/factors/${factorId}/challenge`, { token: other.token });
			expect([theirs.status, theirs.body.code]).toEqual([404, 'mfa_factor_not_found']);
		});

		it('WebAuthn factors answer 422 while enrolment is turned off', async () => {
			const owner = await signedIn('webauthn-off');
			t.embedded.env.auth.webauthnMfaEnroll = false;
			try {
				const off = await call('POST', '/factors', {
					token: owner.token,
					body: { factor_type: 'webauthn' }
				});
				expect([off.status, off.body.code]).toEqual([422, 'mfa_webauthn_enroll_not_enabled']);
			} finally {
				t.embedded.env.auth.webauthnMfaEnroll = true;
			}
		});
	});

	describe('OAuth client administration', () => {
		const redirect = 'https://app.example.com/callback';

		it('registers, reads, updates, gives a new secret to and deletes a client', async () => {
			const created = await call('POST', '/admin/oauth/clients', {
				key: 'secret',
				body: { client_name: 'Library app', redirect_uris: [redirect, 'http://localhost:3000/cb'] }
			});
			expect(created.status).toBe(201);
			expect(created.body).toMatchObject({
				client_type: 'confidential',
				token_endpoint_auth_method: 'client_secret_basic',
				grant_types: ['authorization_code', 'refresh_token'],
				response_types: ['code'],
				redirect_uris: [redirect, 'http://localhost:3000/cb'],
				registration_type: 'manual'
			});
			const id = created.body.client_id;
			const { rows } = await t.db.query<{ hash: string }>(
				'select client_secret_hash as hash from auth.oauth_clients where id = $1',
				[id]
			);
			expect(rows[0].hash).not.toContain(created.body.client_secret);

			const read = await call('GET', `/admin/oauth/clients/${id}`, { key: 'secret' });
			expect(read.body.client_secret).toBeUndefined();
			const updated = await call('PUT', `/admin/oauth/clients/${id}`, {
				key: 'secret',
				body: { logo_uri: 'https://app.example.com/logo.png' }
			});
			expect(updated.body).toMatchObject({
				client_name: 'Library app',
				logo_uri: 'https://app.example.com/logo.png'
			});
			const renewed = await call('POST', `/admin/oauth/clients/${id}/regenerate_secret`, {
				key: 'secret'
			});
			expect(renewed.body.client_secret).toEqual(expect.any(String));
			expect(renewed.body.client_secret).not.toBe(created.body.client_secret);

			const page = await call('GET', '/admin/oauth/clients?page=1&per_page=1', { key: 'secret' });
			expect(page.body.clients).toHaveLength(1);
			expect(Number(page.headers.get('x-total-count'))).toBeGreaterThanOrEqual(1);

			expect((await call('DELETE', `/admin/oauth/clients/${id}`, { key: 'secret' })).status).toBe(
				204
			);
			const gone = await call('GET', `/admin/oauth/clients/${id}`, { key: 'secret' });
			expect([gone.status, gone.body.code]).toEqual([404, 'oauth_client_not_found']);
		});

		it('refuses clients without redirect URIs, with plain-HTTP ones elsewhere than localhost, or a malformed id', async () => {
			for (const redirect_uris of [[], ['http://app.example.com/cb'], ['https://a.example/#x']]) {
				const refused = await call('POST', '/admin/oauth/clients', {
					key: 'secret',
					body: { client_name: 'Bad', redirect_uris }
				});
				expect([refused.status, refused.body.code]).toEqual([400, 'validation_failed']);
			}
			const malformed = await call('GET', '/admin/oauth/clients/not-a-uuid', { key: 'secret' });
			expect([malformed.status, malformed.body.code]).toEqual([400, 'validation_failed']);
			const missing = await call('GET', `/admin/oauth/clients/${NO_ID}`, { key: 'secret' });
			expect(missing.status).toBe(404);
			const publicClient = await call('POST', '/admin/oauth/clients', {
				key: 'secret',
				body: { redirect_uris: [redirect], client_type: 'public' }
			});
			expect(publicClient.body.client_secret).toBeUndefined();
			const noSecret = await call(
				'POST',
				`/admin/oauth/clients/${publicClient.body.client_id}/regenerate_secret`,
				{ key: 'secret' }
			);
			expect(noSecret.status).toBe(400);
		});

		it('only the secret key administers clients, and only while the OAuth server is on', async () => {
			const user = await signedIn('oauth-user');
			const body = { client_name: 'Sneaky', redirect_uris: [redirect] };
			for (const token of [undefined, user.token]) {
				const refused = await call('POST', '/admin/oauth/clients', { token, body });
				expect([refused.status, refused.body.code]).toEqual([403, 'not_admin']);
				expect((await call('GET', '/admin/oauth/clients', { token })).status).toBe(403);
			}
			t.embedded.env.auth.oauthServer = false;
			try {
				const off = await call('GET', '/admin/oauth/clients', { key: 'secret' });
				expect([off.status, off.body.code]).toEqual([404, 'feature_disabled']);
			} finally {
				t.embedded.env.auth.oauthServer = true;
			}
			const { rows } = await t.db.query(
				`select 1 from auth.oauth_clients where client_name = 'Sneaky'`
			);
			expect(rows).toHaveLength(0);
		});
	});
});
