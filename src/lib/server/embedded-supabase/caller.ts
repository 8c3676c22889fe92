import { looksLikeJwt, verifyJwt, type JwtKeys } from './jwt';
import type { ApiKeys } from './keys';

export type ApiRole = 'anon' | 'authenticated' | 'service_role';

/** Who is asking: the role the request runs as and the claims SQL sees. */
export interface Caller {
	role: ApiRole;
	claims: Record<string, unknown>;
	/** The role of the `apikey` header alone (admin endpoints need `service_role`). */
	apiKeyRole: 'anon' | 'service_role';
	/** The bearer token when it is a user's access token. */
	accessToken?: string;
}

export type CallerResult =
	| { ok: true; caller: Caller }
	| { ok: false; reason: 'no_api_key' | 'invalid_api_key' | 'jwt_expired' | 'jwt_invalid' };

const validRoles = new Set<string>(['anon', 'authenticated', 'service_role']);

async function keyRole(
	value: string,
	keys: ApiKeys,
	jwtSecret: string | JwtKeys
): Promise<'anon' | 'service_role' | null> {
	if (value === keys.publishable || value === keys.anonJwt) return 'anon';
	if (value === keys.secret || value === keys.serviceRoleJwt) return 'service_role';
	if (looksLikeJwt(value)) {
		const verified = await verifyJwt(value, jwtSecret);
		if (
			verified.ok &&
			(verified.claims.role === 'anon' || verified.claims.role === 'service_role')
		) {
			return verified.claims.role;
		}
	}
	return null;
}

/**
 * Resolves `apikey` and `Authorization: Bearer …` the way Supabase's gateway and PostgREST do:
 * the API key must be one of the project's; the bearer, when it is not a key itself, must be a
 * valid, unexpired JWT signed with the project's secret.
 */
export async function resolveCaller(
	headers: Headers,
	keys: ApiKeys,
	jwtSecret: string | JwtKeys
): Promise<CallerResult> {
	const apiKey = headers.get('apikey');
	const bearer = headers
		.get('authorization')
		?.match(/^Bearer\s+(.+)$/i)?.[1]
		?.trim();
	if (!apiKey && !bearer) return { ok: false, reason: 'no_api_key' };
	const apiKeyRole = await keyRole(apiKey ?? bearer ?? '', keys, jwtSecret);
	if (!apiKeyRole) return { ok: false, reason: 'invalid_api_key' };

	if (!bearer || bearer === apiKey) {
		return { ok: true, caller: { role: apiKeyRole, claims: { role: apiKeyRole }, apiKeyRole } };
	}
	const bearerKeyRole =
		bearer === keys.publishable ? 'anon' : bearer === keys.secret ? 'service_role' : null;
	if (bearerKeyRole) {
		return {
			ok: true,
			caller: { role: bearerKeyRole, claims: { role: bearerKeyRole }, apiKeyRole }
		};
	}
	if (!looksLikeJwt(bearer)) return { ok: false, reason: 'jwt_invalid' };
	const verified = await verifyJwt(bearer, jwtSecret);
	if (!verified.ok)
		return { ok: false, reason: verified.reason === 'expired' ? 'jwt_expired' : 'jwt_invalid' };
	const role = String(verified.claims.role ?? 'anon');
	if (!validRoles.has(role)) return { ok: false, reason: 'jwt_invalid' };
	return {
		ok: true,
		caller: { role: role as ApiRole, claims: verified.claims, apiKeyRole, accessToken: bearer }
	};
}
