/**
 * Sessions, refresh-token rotation and access tokens, as GoTrue issues them (its "legacy" refresh
 * tokens: rows of `auth.refresh_tokens`, each used once, chained by `parent`).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from '../database';
import { jwtKeys, type EmbeddedEnv } from '../env';
import { signAccessToken } from '../jwt';
import { AuthError, badRequest } from './errors';
import { authSettings } from './settings';
import { findUserById, type AuthUser } from './users';

export type AuthMethod =
	| 'password'
	| 'otp'
	| 'magiclink'
	| 'recovery'
	| 'invite'
	| 'email/signup'
	| 'email_change'
	| 'anonymous'
	| 'passkey';

export interface SessionResponse {
	access_token: string;
	token_type: 'bearer';
	expires_in: number;
	expires_at: number;
	refresh_token: string;
	user: Record<string, unknown>;
}

const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A random refresh token: 24 characters from [a-z0-9] (~124 bits). */
export function newRefreshToken(): string {
	const bytes = randomBytes(24);
	let out = '';
	for (const b of bytes) out += alphabet[b % 36];
	return out;
}

async function insertRefreshToken(
	tx: Queryable,
	userId: string,
	sessionId: string,
	parent: string | null
): Promise<string> {
	const token = newRefreshToken();
	await tx.query(
		`insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
		values ('00000000-0000-0000-0000-000000000000', $1, $2, false, now(), now(), $3, $4::uuid)`,
		[token, userId, parent, sessionId]
	);
	return token;
}

async function sessionAmr(
	tx: Queryable,
	sessionId: string
): Promise<{ method: string; timestamp: number }[]> {
	const { rows } = await tx.query<{ method: string; timestamp: string }>(
		`select authentication_method as method, floor(extract(epoch from updated_at))::bigint::text as timestamp
		from auth.mfa_amr_claims where session_id = $1::uuid order by updated_at desc, authentication_method`,
		[sessionId]
	);
	return rows.map((r) => ({ method: r.method, timestamp: Number(r.timestamp) }));
}

/** The access token claims exactly as hosted Supabase issues them (in GoTrue's order). */
export async function accessToken(
	env: EmbeddedEnv,
	tx: Queryable,
	user: AuthUser,
	sessionId: string
): Promise<{ token: string; expiresAt: number; expiresIn: number }> {
	const iat = Math.floor(Date.now() / 1000);
	const exp = iat + env.jwtExpiry;
	const { rows } = await tx.query<{ aal: string | null }>(
		'select aal from auth.sessions where id = $1::uuid',
		[sessionId]
	);
	const claims = {
		iss: `${env.apiUrl}/auth/v1`,
		sub: user.id,
		aud: user.aud,
		exp,
		iat,
		email: user.email,
		phone: (user.json.phone as string) ?? '',
		app_metadata: user.appMetadata,
		user_metadata: user.userMetadata,
		role: user.role,
		aal: rows[0]?.aal === 'aal2' ? 'aal2' : 'aal1',
		amr: await sessionAmr(tx, sessionId),
		session_id: sessionId,
		is_anonymous: user.isAnonymous
	};
	return {
		token: await signAccessToken(claims, jwtKeys(env)),
		expiresAt: exp,
		expiresIn: exp - iat
	};
}

/** The token endpoint's answer. */
function sessionResponse(
	access: { token: string; expiresAt: number; expiresIn: number },
	refreshToken: string,
	user: AuthUser
): SessionResponse {
	return {
		access_token: access.token,
		token_type: 'bearer',
		expires_in: access.expiresIn,
		expires_at: access.expiresAt,
		refresh_token: refreshToken,
		user: user.json
	};
}

/** GoTrue's `IssueRefreshToken`: a new session, its first refresh token, and an access token. */
export async function issueSession(
	env: EmbeddedEnv,
	tx: Queryable,
	userId: string,
	method: AuthMethod,
	request: Request
): Promise<SessionResponse> {
	const sessionId = randomUUID();
	const userAgent = request.headers.get('user-agent');
	await tx.query(
		`insert into auth.sessions (id, user_id, created_at, updated_at, aal, user_agent)
		values ($1::uuid, $2::uuid, now(), now(), 'aal1', $3)`,
		[sessionId, userId, userAgent ? userAgent.slice(0, 1000) : null]
	);
	await tx.query(
		`insert into auth.mfa_amr_claims (id, session_id, created_at, updated_at, authentication_method)
		values ($1::uuid, $2::uuid, now(), now(), $3)
		on conflict (session_id, authentication_method) do update set updated_at = excluded.updated_at`,
		[randomUUID(), sessionId, method]
	);
	const refresh = await insertRefreshToken(tx, userId, sessionId, null);
	await tx.query('update auth.users set last_sign_in_at = now() where id = $1::uuid', [userId]);
	await tx.query(
		`update auth.identities set last_sign_in_at = now() where user_id = $1::uuid and provider = 'email'`,
		[userId]
	);
	const user = await findUserById(tx, userId);
	if (!user) throw new Error('user vanished while signing in');
	const access = await accessToken(env, tx, user, sessionId);
	return sessionResponse(access, refresh, user);
}

/**
 * New tokens for a session that stays (GoTrue's `updateMFASessionAndClaims`): the live refresh
 * token is swapped for its child, and the access token carries the session's level and methods.
 */
export async function sessionTokens(
	env: EmbeddedEnv,
	tx: Queryable,
	userId: string,
	sessionId: string
): Promise<SessionResponse> {
	const { rows } = await tx.query<{ token: string }>(
		`update auth.refresh_tokens set revoked = true, updated_at = now()
		where session_id = $1::uuid and revoked = false returning token`,
		[sessionId]
	);
	const refresh = await insertRefreshToken(tx, userId, sessionId, rows.at(-1)?.token ?? null);
	const user = await findUserById(tx, userId);
	if (!user) throw new Error('user vanished while raising a session');
	const access = await accessToken(env, tx, user, sessionId);
	return sessionResponse(access, refresh, user);
}

export type RefreshResult = { session: SessionResponse } | { error: AuthError };

/**
 * GoTrue's refresh-token grant. The token row is locked, so two concurrent refreshes of one token
 * are serialised. A revoked token is accepted only within the reuse interval (10 s by default):
 * when it is the parent of the session's live token, that live token is returned (the client lost
 * the answer, or two tabs refreshed at once); otherwise a new one is chained. Past the interval it
 * is reuse: the whole session is ended and `refresh_token_already_used` is answered. Two points
 * are stricter than GoTrue, which returns the live token to its parent at any age and on reuse
 * only revokes the session's refresh tokens. The caller commits before reporting the error, so
 * the revocation sticks.
 */
export async function refreshGrant(
	env: EmbeddedEnv,
	tx: Queryable,
	token: string
): Promise<RefreshResult> {
	const notFound = () =>
		badRequest('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
	if (token.length < 12 || token.length > 255) return { error: notFound() };
	const { rows } = await tx.query<{
		id: string;
		token: string;
		revoked: string | null;
		session_id: string | null;
		user_id: string | null;
		age: string;
	}>(
		`select id::text, token, revoked::text, session_id::text, user_id,
			extract(epoch from now() - coalesce(updated_at, created_at))::text as age
		from auth.refresh_tokens where token = $1 for update`,
		[token]
	);
	const row = rows[0];
	if (!row) return { error: notFound() };
	if (!row.session_id) {
		await tx.query('delete from auth.refresh_tokens where id = $1::bigint', [row.id]);
		return {
			error: badRequest('session_not_found', 'Invalid Refresh Token: No Valid Session Found')
		};
	}
	const session = await tx.query<{ user_id: string; expired: string }>(
		`select user_id::text, (not_after is not null and not_after < now())::text as expired
		from auth.sessions where id = $1::uuid for update`,
		[row.session_id]
	);
	if (!session.rows[0]) {
		return {
			error: badRequest('session_not_found', 'Invalid Refresh Token: No Valid Session Found')
		};
	}
	if (session.rows[0].expired === 'true') {
		return { error: badRequest('session_expired', 'Invalid Refresh Token: Session Expired') };
	}
	const user = await findUserById(tx, session.rows[0].user_id);
	if (!user) return { error: notFound() };
	if (user.banned) {
		return { error: badRequest('user_banned', 'Invalid Refresh Token: User Banned') };
	}

	let issued: string | null = null;
	if (row.revoked === 'true') {
		const active = await tx.query<{ token: string; parent: string | null }>(
			`select token, parent from auth.refresh_tokens
			where session_id = $1::uuid and revoked = false order by id desc limit 1`,
			[row.session_id]
		);
		if (Number(row.age) > authSettings(env).refreshTokenReuseInterval) {
			await tx.query('delete from auth.sessions where id = $1::uuid', [row.session_id]);
			return {
				error: badRequest('refresh_token_already_used', 'Invalid Refresh Token: Already Used')
			};
		}
		if (active.rows[0] && active.rows[0].parent === row.token) issued = active.rows[0].token;
	}
	if (!issued) {
		await tx.query(
			'update auth.refresh_tokens set revoked = true, updated_at = now() where id = $1::bigint',
			[row.id]
		);
		issued = await insertRefreshToken(tx, user.id, row.session_id, row.token);
	}
	await tx.query(
		`update auth.sessions set refreshed_at = timezone('utc', now()), updated_at = now() where id = $1::uuid`,
		[row.session_id]
	);
	const access = await accessToken(env, tx, user, row.session_id);
	return { session: sessionResponse(access, issued, user) };
}

export async function sessionExists(tx: Queryable, sessionId: string): Promise<boolean> {
	const { rows } = await tx.query('select 1 from auth.sessions where id = $1::uuid', [sessionId]);
	return rows.length > 0;
}

/** GoTrue's logout scopes: global ends every session of the user, local this one, others the rest. */
export async function logout(
	tx: Queryable,
	userId: string,
	sessionId: string | null,
	scope: 'global' | 'local' | 'others'
): Promise<void> {
	if (sessionId && scope === 'local') {
		await tx.query('delete from auth.sessions where id = $1::uuid', [sessionId]);
	} else if (sessionId && scope === 'others') {
		await tx.query('delete from auth.sessions where user_id = $1::uuid and id <> $2::uuid', [
			userId,
			sessionId
		]);
	} else {
		await tx.query('delete from auth.sessions where user_id = $1::uuid', [userId]);
	}
}
