import type { Caller } from '../caller';
import type { Queryable } from '../database';
import { jwtKeys, type AuthEmail, type EmbeddedEnv } from '../env';
import { verifyJwt } from '../jwt';
import { badRequest, forbidden, internal, unauthorized } from './errors';
import { hitRateLimit, type Rule } from './rate-limits';
import { resolveRedirect } from './redirect';
import { authSettings, type AuthSettings } from './settings';
import { sessionExists } from './tokens';
import { findUserById, findUserWithSession, isUuid, type AuthUser } from './users';

export interface Ctx {
	env: EmbeddedEnv;
	request: Request;
	url: URL;
	caller: Caller | null;
	settings: AuthSettings;
	/** The client's network address, when the request came over HTTP or the app passed it on. */
	clientAddress: string | null;
}

export function makeCtx(
	env: EmbeddedEnv,
	request: Request,
	caller: Caller | null,
	clientAddress: string | null = null
): Ctx {
	return {
		env,
		request,
		url: new URL(request.url),
		caller,
		settings: authSettings(env),
		clientAddress
	};
}

/** Counts this request against a rate limit (see rate-limits.ts); 429 when over it. */
export function rateLimit(
	ctx: Ctx,
	rule: Rule,
	email?: string | null,
	factor?: string | null
): Promise<void> {
	return hitRateLimit(
		ctx.env.db,
		ctx.settings,
		rule,
		{ clientAddress: ctx.clientAddress, email, factor },
		ctx.env.blocks
	);
}

/** One owner transaction per request, as every auth handler runs. */
export function inTx<T>(ctx: Ctx, fn: (tx: Queryable) => Promise<T>): Promise<T> {
	return ctx.env.db.transaction({ role: 'owner' }, fn);
}

/** `redirect_to` from the query (or the body), checked against the allow list (GoTrue's referrer). */
export function redirectTarget(ctx: Ctx, fromBody?: string): string {
	const requested = ctx.url.searchParams.get('redirect_to') || fromBody || null;
	return resolveRedirect(requested, ctx.request.headers.get('referer'), ctx.env);
}

/** Sends an auth email after the transaction committed; a failure is GoTrue's 500. */
export async function sendMail(ctx: Ctx, email: AuthEmail | null | undefined): Promise<void> {
	if (!email) return;
	try {
		await ctx.env.mailer.send(email);
	} catch (error) {
		console.error('[auth] sending the %s email failed: %s', email.type, (error as Error)?.message);
		throw internal(`Error sending ${email.type === 'signup' ? 'confirmation' : email.type} email`);
	}
}

export interface Authenticated {
	userId: string;
	sessionId: string | null;
	claims: Record<string, unknown>;
}

export function bearerToken(request: Request): string | null {
	const match = request.headers.get('authorization')?.match(/^Bearer\s+(\S+)\s*$/i);
	return match ? match[1] : null;
}

/** GoTrue's `requireAuthentication` up to the claims: 401 without a bearer, 403 `bad_jwt` for a bad one. */
export async function authenticate(ctx: Ctx): Promise<Authenticated> {
	const token = bearerToken(ctx.request);
	if (!token) throw unauthorized('no_authorization', 'This endpoint requires a valid Bearer token');
	const verified = await verifyJwt(token, jwtKeys(ctx.env));
	if (!verified.ok) {
		throw forbidden(
			'bad_jwt',
			verified.reason === 'expired'
				? 'invalid JWT: unable to parse or verify signature, token has invalid claims: token is expired'
				: 'invalid JWT: unable to parse or verify signature, token signature is invalid'
		);
	}
	const claims = verified.claims;
	if (typeof claims.sub !== 'string' || claims.sub === '') {
		throw forbidden('bad_jwt', 'invalid claim: missing sub claim');
	}
	if (!isUuid(claims.sub)) throw badRequest('bad_jwt', 'invalid claim: sub claim must be a UUID');
	const sid = claims.session_id;
	if (sid !== undefined && sid !== null && sid !== '' && !isUuid(sid)) {
		throw forbidden('bad_jwt', 'invalid claim: session_id claim must be a UUID');
	}
	const sessionId =
		typeof sid === 'string' && sid !== '' && sid !== '00000000-0000-0000-0000-000000000000'
			? sid
			: null;
	return { userId: claims.sub, sessionId, claims };
}

/**
 * The same checks as loadAuthenticatedUser for a request that only reads (GET /user): one
 * statement, committed by the database as it ends, no lock on the user's row.
 */
export async function readAuthenticatedUser(ctx: Ctx, auth: Authenticated): Promise<AuthUser> {
	const db = ctx.env.db;
	const { user, sessionExists: alive } = await findUserWithSession(
		{ query: (text, params) => db.statement({ role: 'owner' }, text, params) },
		auth.userId,
		auth.sessionId
	);
	return usableUser(user, alive);
}

/** GoTrue's refusals of a token whose user is gone or banned, or whose session has ended. */
function usableUser(user: AuthUser | null, sessionAlive: boolean): AuthUser {
	if (!user) throw forbidden('user_not_found', 'User from sub claim in JWT does not exist');
	if (!sessionAlive) {
		throw forbidden('session_not_found', 'Session from session_id claim in JWT does not exist');
	}
	if (user.banned) throw forbidden('user_banned', 'User is banned');
	return user;
}

/** The rest of `requireAuthentication`, inside the request's transaction. */
export async function loadAuthenticatedUser(tx: Queryable, auth: Authenticated): Promise<AuthUser> {
	const user = await findUserById(tx, auth.userId, true);
	const alive = !user || !auth.sessionId || (await sessionExists(tx, auth.sessionId));
	return usableUser(user, alive);
}
