import { signJwt } from './jwt';

/**
 * The local development secrets every `supabase start` prints: well known, so the README can list
 * them, and refused by `createEmbeddedSupabase` on a non-local origin (see index.ts).
 */
export const LOCAL_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';
export const LOCAL_PUBLISHABLE_KEY = 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH';
export const LOCAL_SECRET_KEY = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz';

export interface ApiKeys {
	/** Maps to the `anon` role: safe in a browser. */
	publishable: string;
	/** Maps to `service_role`, which bypasses RLS: server only. */
	secret: string;
	/** The legacy JWT forms of the same two keys (`anon` and `service_role` claims). */
	anonJwt: string;
	serviceRoleJwt: string;
}

export async function makeKeys(
	jwtSecret: string,
	publishable = LOCAL_PUBLISHABLE_KEY,
	secret = LOCAL_SECRET_KEY
): Promise<ApiKeys> {
	// Ten years, as the CLI's demo keys.
	const exp = Math.floor(Date.now() / 1000) + 10 * 365 * 24 * 3600;
	return {
		publishable,
		secret,
		anonJwt: await signJwt({ iss: 'supabase-demo', role: 'anon', exp }, jwtSecret),
		serviceRoleJwt: await signJwt({ iss: 'supabase-demo', role: 'service_role', exp }, jwtSecret)
	};
}
