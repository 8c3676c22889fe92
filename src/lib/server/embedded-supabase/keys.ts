import { looksLikeJwt, signJwt, verifyJwt } from './jwt';

/**
 * The local development secrets every `supabase start` prints: well known, so the README can list
 * them, and refused by `createEmbeddedSupabase` on a non-local origin (see index.ts).
 */
export const LOCAL_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';
export const LOCAL_PUBLISHABLE_KEY = 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH';
export const LOCAL_SECRET_KEY = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz';

/** JWT secrets published with Supabase's local and self-hosted (docker) setups. */
export const WELL_KNOWN_JWT_SECRETS = [
	LOCAL_JWT_SECRET,
	'your-super-secret-jwt-token-with-at-least-32-characters-long'
];

/**
 * Whether a key or secret is one anybody can read in Supabase's documentation: the local keys and
 * JWT secrets, or a legacy `anon`/`service_role` JWT signed with one of those secrets (the demo
 * keys `supabase start` and the self-hosted `.env` print), expired or not.
 */
export async function isWellKnownSecret(value: string): Promise<boolean> {
	if (value === LOCAL_PUBLISHABLE_KEY || value === LOCAL_SECRET_KEY) return true;
	if (WELL_KNOWN_JWT_SECRETS.includes(value)) return true;
	if (!looksLikeJwt(value)) return false;
	for (const secret of WELL_KNOWN_JWT_SECRETS) {
		const result = await verifyJwt(value, secret);
		if (result.ok || result.reason === 'expired') return true;
	}
	return false;
}

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
