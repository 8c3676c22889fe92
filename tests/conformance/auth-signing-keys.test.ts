/**
 * Asymmetric signing keys: with an ES256 key the embedded Auth signs access tokens with it (its
 * `kid` in the header), publishes the public half at `/auth/v1/.well-known/jwks.json`, and
 * `supabase.auth.getClaims()` verifies them without asking Auth; `/rest/v1` and `/auth/v1` accept
 * them, and refuse one signed by another key. Without a key: HS256 and an empty JWKS, as before.
 */
import { SignJWT, decodeProtectedHeader, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSigningKey } from '../../src/lib/server/embedded-supabase/jwt';
import {
	API_URL,
	makeClient,
	serverAvailable,
	startEmbedded,
	uniqueEmail,
	type TestSupabase
} from '../support/embedded';

const server = await serverAvailable();

describe.each(server ? (['pglite', 'postgres'] as const) : (['pglite'] as const))(
	'ES256 signing keys (%s)',
	(backend) => {
		let t: TestSupabase;
		let privateJwk: Awaited<ReturnType<typeof newSigningKey>>['privateJwk'];
		const paths: string[] = [];

		beforeAll(async () => {
			({ privateJwk } = await newSigningKey());
			t = await startEmbedded({ backend, auth: { passwordSignup: true } });
			// A second server on the same database, signing with the key.
			await t.embedded.close();
		});
		afterAll(async () => {
			await t?.close();
		});

		async function signedInWithKey() {
			const { createEmbeddedSupabase } = await import('../../src/lib/server/embedded-supabase');
			const embedded = await createEmbeddedSupabase({
				db: t.db,
				apiUrl: API_URL,
				signingKey: privateJwk,
				mailer: { send: async () => {} }
			});
			const recording: typeof fetch = (input, init) => {
				paths.push(new URL(new Request(input, init).url).pathname);
				return embedded.fetch(input, init);
			};
			const email = uniqueEmail('es256');
			const admin = makeClient(API_URL, embedded.keys.secret, embedded.fetch);
			await admin.auth.admin.createUser({ email, password: 'pass-word-1234', email_confirm: true });
			const client = makeClient(API_URL, embedded.keys.publishable, recording);
			const { data, error } = await client.auth.signInWithPassword({
				email,
				password: 'pass-word-1234'
			});
			if (error) throw error;
			return { embedded, client, session: data.session! };
		}

		it('signs access tokens with the key and publishes its public half', async () => {
			const { embedded, session } = await signedInWithKey();
			const header = decodeProtectedHeader(session.access_token);
			expect(header).toMatchObject({ alg: 'ES256', kid: privateJwk.kid });
			const jwks = await (await embedded.fetch(`${API_URL}/auth/v1/.well-known/jwks.json`)).json();
			expect(jwks.keys).toEqual([
				expect.objectContaining({ kty: 'EC', crv: 'P-256', kid: privateJwk.kid, alg: 'ES256' })
			]);
			expect(jwks.keys[0].d).toBeUndefined();
			await embedded.close();
		});

		it('getClaims() verifies the token with the JWKS, without asking for the user', async () => {
			const { embedded, client, session } = await signedInWithKey();
			paths.length = 0;
			const { data, error } = await client.auth.getClaims();
			expect(error).toBeNull();
			expect(data?.claims.sub).toBe(session.user.id);
			expect(data?.claims.aal).toBe('aal1');
			expect(paths).toContain('/auth/v1/.well-known/jwks.json');
			expect(paths).not.toContain('/auth/v1/user');
			await embedded.close();
		});

		it('the APIs take the ES256 token and refuse one signed by another key', async () => {
			const { embedded, client, session } = await signedInWithKey();
			const me = await client.auth.getUser();
			expect(me.data.user?.id).toBe(session.user.id);
			const rest = await embedded.fetch(`${API_URL}/rest/v1/rpc/pgrst_whoami`, {
				method: 'POST',
				headers: {
					apikey: embedded.keys.publishable,
					authorization: `Bearer ${session.access_token}`,
					'content-type': 'application/json'
				},
				body: '{}'
			});
			// The function does not exist: what matters is that the token got past the gateway (404, not 401).
			expect(rest.status).toBe(404);
			const { privateJwk: other } = await newSigningKey();
			const forged = await new SignJWT({
				...JSON.parse(Buffer.from(session.access_token.split('.')[1], 'base64url').toString())
			})
				.setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: privateJwk.kid })
				.sign(await importJWK(other, 'ES256'));
			const refused = await embedded.fetch(`${API_URL}/auth/v1/user`, {
				headers: { apikey: embedded.keys.publishable, authorization: `Bearer ${forged}` }
			});
			expect(refused.status).toBe(403);
			const restRefused = await embedded.fetch(`${API_URL}/rest/v1/rpc/pgrst_whoami`, {
				method: 'POST',
				headers: {
					apikey: embedded.keys.publishable,
					authorization: `Bearer ${forged}`,
					'content-type': 'application/json'
				},
				body: '{}'
			});
			expect(restRefused.status).toBe(401);
			await embedded.close();
		});

		it('without a key, tokens are HS256 and the JWKS is empty', async () => {
			const { createEmbeddedSupabase } = await import('../../src/lib/server/embedded-supabase');
			const embedded = await createEmbeddedSupabase({
				db: t.db,
				apiUrl: API_URL,
				mailer: { send: async () => {} }
			});
			const email = uniqueEmail('hs256');
			const admin = makeClient(API_URL, embedded.keys.secret, embedded.fetch);
			await admin.auth.admin.createUser({ email, password: 'pass-word-1234', email_confirm: true });
			const client = makeClient(API_URL, embedded.keys.publishable, embedded.fetch);
			const { data } = await client.auth.signInWithPassword({ email, password: 'pass-word-1234' });
			expect(decodeProtectedHeader(data.session!.access_token).alg).toBe('HS256');
			const jwks = await (await embedded.fetch(`${API_URL}/auth/v1/.well-known/jwks.json`)).json();
			expect(jwks).toEqual({ keys: [] });
			await embedded.close();
		});
	}
);
