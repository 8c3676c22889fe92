/**
 * PKCE flow state (`auth.flow_state`), as GoTrue keeps it: created when a sign-up, magic link or
 * recovery is requested with a `code_challenge`; given an auth code when the link is followed;
 * exchanged once, with the verifier, for a session.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../database';
import { badRequest, notFound, unprocessable } from './errors';
import type { AuthMethod } from './tokens';

export interface PkceParams {
	challenge: string;
	method: 's256' | 'plain';
}

/** GoTrue's `validatePKCEParams`: both or neither; 43–128 characters of the unreserved set. */
export function pkceParams(challenge: string, method: string): PkceParams | null {
	if (!challenge && !method) return null;
	if (!challenge || !method) {
		throw badRequest(
			'validation_failed',
			'PKCE flow requires code_challenge_method and code_challenge'
		);
	}
	if (challenge.length < 43 || challenge.length > 128) {
		throw badRequest('validation_failed', 'code challenge has to be between 43 and 128 characters');
	}
	if (!/^[a-zA-Z._~0-9-]+$/.test(challenge)) {
		throw badRequest(
			'validation_failed',
			'code challenge can only contain alphanumeric characters, hyphens, periods, underscores and tildes'
		);
	}
	const m = method.toLowerCase();
	if (m !== 's256' && m !== 'plain') {
		throw badRequest('validation_failed', `code challenge method not supported: ${method}`);
	}
	return { challenge, method: m };
}

export async function createFlowState(
	tx: Queryable,
	userId: string,
	providerType: string,
	method: AuthMethod,
	pkce: PkceParams
): Promise<void> {
	await tx.query(
		`insert into auth.flow_state (id, user_id, auth_code, code_challenge_method, code_challenge,
			provider_type, created_at, updated_at, authentication_method)
		values ($1::uuid, $2::uuid, $3, $4::auth.code_challenge_method, $5, $6, now(), now(), $7)`,
		[randomUUID(), userId, randomUUID(), pkce.method, pkce.challenge, providerType, method]
	);
}

/** GoTrue's `issueAuthCode`: the user's latest flow state for this method, stamped as issued. */
export async function issueAuthCode(
	tx: Queryable,
	userId: string,
	method: string
): Promise<string | null> {
	const { rows } = await tx.query<{ id: string; auth_code: string }>(
		`select id::text, auth_code from auth.flow_state
		where user_id = $1::uuid and authentication_method = $2
		order by created_at desc limit 1 for update`,
		[userId, method]
	);
	if (!rows[0]) return null;
	await tx.query(
		`update auth.flow_state set auth_code_issued_at = now(), updated_at = now() where id = $1::uuid`,
		[rows[0].id]
	);
	return rows[0].auth_code;
}

function verifierMatches(challenge: string, method: string, verifier: string): boolean {
	const expected =
		method === 'plain' ? verifier : createHash('sha256').update(verifier).digest('base64url');
	const a = Buffer.from(expected);
	const b = Buffer.from(challenge);
	return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * GoTrue's PKCE grant: finds the flow state by auth code (404 `flow_state_not_found`), checks its
 * age (422 `flow_state_expired`) and the verifier (400 `bad_code_verifier`), then deletes it so
 * the code works once. Returns the user and how they authenticated.
 */
export async function consumeFlowState(
	tx: Queryable,
	authCode: string,
	verifier: string,
	expirySeconds: number
): Promise<{ userId: string; method: AuthMethod }> {
	if (!authCode || !verifier) {
		throw badRequest(
			'validation_failed',
			'invalid request: both auth code and code verifier should be non-empty'
		);
	}
	const { rows } = await tx.query<{
		id: string;
		user_id: string | null;
		code_challenge: string;
		code_challenge_method: string;
		authentication_method: string;
		expired: string;
	}>(
		`select id::text, user_id::text, code_challenge, code_challenge_method::text,
			authentication_method,
			(coalesce(auth_code_issued_at, created_at) + make_interval(secs => $2::float8) < now())::text as expired
		from auth.flow_state where auth_code = $1 limit 1 for update`,
		[authCode, String(expirySeconds)]
	);
	const flow = rows[0];
	if (!flow || !flow.user_id) {
		throw notFound('flow_state_not_found', 'invalid flow state, no valid flow state found');
	}
	if (flow.expired === 'true') {
		throw unprocessable('flow_state_expired', 'invalid flow state, flow state has expired');
	}
	if (!verifierMatches(flow.code_challenge, flow.code_challenge_method, verifier)) {
		throw badRequest(
			'bad_code_verifier',
			'code challenge does not match previously saved code verifier'
		);
	}
	await tx.query('delete from auth.flow_state where id = $1::uuid', [flow.id]);
	return { userId: flow.user_id, method: flow.authentication_method as AuthMethod };
}
