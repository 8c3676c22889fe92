/**
 * The embedded Supabase Auth (GoTrue subset) behind `/auth/v1/*`.
 *
 * Like Supabase's gateway, every route but the email link (`GET /verify`) needs a project API key;
 * admin routes need the secret (service_role) key. All database work runs as the owner, in one
 * transaction per request. Emails are handed to `env.mailer` after the transaction commits.
 */
import { resolveCaller, type Caller } from '../caller';
import { isPgError } from '../database';
import { jwtKeys, type EmbeddedEnv } from '../env';
import {
	createUser,
	deleteUserRoute,
	generateLink,
	getUserRoute,
	invite,
	listUsersRoute,
	updateUserRoute
} from './admin';
import { inTx, makeCtx, type Ctx } from './context';
import { adminDeleteFactor, adminListFactors, challenge, enroll, unenroll, verify } from './mfa';
import {
	createClient,
	deleteClient,
	getClient,
	listClients,
	regenerateSecret,
	updateClient
} from './oauth-clients';
import {
	adminDeletePasskey,
	adminListPasskeys,
	authenticationOptions,
	authenticationVerify,
	deletePasskey,
	listPasskeys,
	registrationOptions,
	registrationVerify,
	updatePasskey
} from './passkeys';
import { json } from './http';
import {
	AuthError,
	OAuthError,
	badRequest,
	baseHeaders,
	errorResponse,
	forbidden,
	internal,
	notFound,
	unprocessable
} from './errors';
import {
	getUser,
	healthRoute,
	logoutRoute,
	manualLinkingDisabled,
	otp,
	reauthenticate,
	recover,
	resend,
	samlDisabled,
	settingsRoute,
	signup,
	token,
	updateUser,
	verifyGet,
	verifyPost
} from './routes';

export { isAllowedRedirect, resolveRedirect } from './redirect';
export type { ExtraAuthSettings } from './settings';

export interface AuthHandler {
	handle(request: Request, options?: { clientAddress?: string | null }): Promise<Response>;
}

type Handler = (ctx: Ctx, path: string) => Promise<Response> | Response;

interface Route {
	method: string;
	match: (path: string) => boolean;
	admin?: boolean;
	handler: Handler;
}

const exact = (p: string) => (path: string) => path === p;
const adminUser = (path: string) => /^\/admin\/users\/[^/]+$/.test(path);
const factorPath = /^\/factors\/([^/]+)(?:\/(challenge|verify))?$/;
const factor = (action?: 'challenge' | 'verify') => (path: string) => {
	const m = factorPath.exec(path);
	return m !== null && m[2] === action;
};
const factorId = (path: string) => decodeURIComponent(factorPath.exec(path)?.[1] ?? '');
const adminFactorPath = /^\/admin\/users\/([^/]+)\/factors(?:\/([^/]+))?$/;
const adminFactors = (one: boolean) => (path: string) => {
	const m = adminFactorPath.exec(path);
	return m !== null && Boolean(m[2]) === one;
};

/** The path's parts after a prefix, decoded: `/admin/oauth/clients/<id>/…` → `[id, …]`. */
const partsAfter = (prefix: string, path: string) =>
	path.slice(prefix.length).split('/').filter(Boolean).map(decodeURIComponent);
const under = (prefix: string, count: number, last?: string) => (path: string) => {
	if (!path.startsWith(prefix)) return false;
	const parts = path.slice(prefix.length).split('/').filter(Boolean);
	return parts.length === count && (last === undefined || parts[count - 1] === last);
};
const adminPasskeys = /^\/admin\/users\/([^/]+)\/passkeys(?:\/([^/]+))?$/;
const adminPasskeysMatch = (one: boolean) => (path: string) => {
	const m = adminPasskeys.exec(path);
	return m !== null && Boolean(m[2]) === one;
};
const adminPasskeyIds = (path: string) =>
	(adminPasskeys.exec(path) ?? []).slice(1).map((p) => decodeURIComponent(p ?? ''));
const clients = '/admin/oauth/clients';

const routes: Route[] = [
	{ method: 'GET', match: exact('/health'), handler: () => healthRoute() },
	{ method: 'GET', match: exact('/settings'), handler: (ctx) => settingsRoute(ctx) },
	{ method: 'POST', match: exact('/signup'), handler: signup },
	{ method: 'POST', match: exact('/token'), handler: token },
	{ method: 'POST', match: exact('/otp'), handler: otp },
	{ method: 'POST', match: exact('/magiclink'), handler: otp },
	{ method: 'POST', match: exact('/verify'), handler: verifyPost },
	{ method: 'POST', match: exact('/recover'), handler: recover },
	{ method: 'POST', match: exact('/resend'), handler: resend },
	{ method: 'GET', match: exact('/user'), handler: getUser },
	{ method: 'PUT', match: exact('/user'), handler: updateUser },
	{ method: 'POST', match: exact('/logout'), handler: logoutRoute },
	{ method: 'GET', match: exact('/reauthenticate'), handler: reauthenticate },
	{ method: 'POST', match: exact('/sso'), handler: samlDisabled },
	{ method: 'GET', match: exact('/user/identities/authorize'), handler: manualLinkingDisabled },
	{
		method: 'DELETE',
		match: (path) => /^\/user\/identities\/[^/]+$/.test(path),
		handler: manualLinkingDisabled
	},
	{ method: 'POST', match: exact('/factors'), handler: enroll },
	{ method: 'POST', match: factor('challenge'), handler: (ctx, p) => challenge(ctx, factorId(p)) },
	{ method: 'POST', match: factor('verify'), handler: (ctx, p) => verify(ctx, factorId(p)) },
	{ method: 'DELETE', match: factor(), handler: (ctx, p) => unenroll(ctx, factorId(p)) },
	{
		method: 'GET',
		match: adminFactors(false),
		admin: true,
		handler: async (ctx, p) => {
			const [, userId] = adminFactorPath.exec(p) ?? [];
			return json(await inTx(ctx, (tx) => adminListFactors(tx, userId)));
		}
	},
	{
		method: 'DELETE',
		match: adminFactors(true),
		admin: true,
		handler: async (ctx, p) => {
			const [, userId, id] = adminFactorPath.exec(p) ?? [];
			return json(await inTx(ctx, (tx) => adminDeleteFactor(tx, userId, id)));
		}
	},
	{ method: 'POST', match: exact('/passkeys/registration/options'), handler: registrationOptions },
	{ method: 'POST', match: exact('/passkeys/registration/verify'), handler: registrationVerify },
	{
		method: 'POST',
		match: exact('/passkeys/authentication/options'),
		handler: authenticationOptions
	},
	{
		method: 'POST',
		match: exact('/passkeys/authentication/verify'),
		handler: authenticationVerify
	},
	{ method: 'GET', match: exact('/passkeys'), handler: listPasskeys },
	{
		method: 'PATCH',
		match: under('/passkeys/', 1),
		handler: (ctx, p) => updatePasskey(ctx, partsAfter('/passkeys/', p)[0])
	},
	{
		method: 'DELETE',
		match: under('/passkeys/', 1),
		handler: (ctx, p) => deletePasskey(ctx, partsAfter('/passkeys/', p)[0])
	},
	{
		method: 'GET',
		match: adminPasskeysMatch(false),
		admin: true,
		handler: (ctx, p) => adminListPasskeys(ctx, adminPasskeyIds(p)[0])
	},
	{
		method: 'DELETE',
		match: adminPasskeysMatch(true),
		admin: true,
		handler: (ctx, p) => {
			const [userId, passkeyId] = adminPasskeyIds(p);
			return adminDeletePasskey(ctx, userId, passkeyId);
		}
	},
	{ method: 'GET', match: exact(clients), admin: true, handler: listClients },
	{ method: 'POST', match: exact(clients), admin: true, handler: createClient },
	{
		method: 'GET',
		match: under(`${clients}/`, 1),
		admin: true,
		handler: (ctx, p) => getClient(ctx, partsAfter(`${clients}/`, p)[0])
	},
	{
		method: 'PUT',
		match: under(`${clients}/`, 1),
		admin: true,
		handler: (ctx, p) => updateClient(ctx, partsAfter(`${clients}/`, p)[0])
	},
	{
		method: 'DELETE',
		match: under(`${clients}/`, 1),
		admin: true,
		handler: (ctx, p) => deleteClient(ctx, partsAfter(`${clients}/`, p)[0])
	},
	{
		method: 'POST',
		match: under(`${clients}/`, 2, 'regenerate_secret'),
		admin: true,
		handler: (ctx, p) => regenerateSecret(ctx, partsAfter(`${clients}/`, p)[0])
	},
	{ method: 'POST', match: exact('/invite'), admin: true, handler: invite },
	{ method: 'GET', match: exact('/admin/users'), admin: true, handler: listUsersRoute },
	{ method: 'POST', match: exact('/admin/users'), admin: true, handler: createUser },
	{ method: 'GET', match: adminUser, admin: true, handler: getUserRoute },
	{ method: 'PUT', match: adminUser, admin: true, handler: updateUserRoute },
	{ method: 'DELETE', match: adminUser, admin: true, handler: deleteUserRoute },
	{ method: 'POST', match: exact('/admin/generate_link'), admin: true, handler: generateLink }
];

function gatewayError(status: number, message: string, hint: string): Response {
	return new Response(JSON.stringify({ message, hint }), {
		status,
		headers: { 'content-type': 'application/json' }
	});
}

/**
 * The API key check of Supabase's gateway. A bad user token in `Authorization` is not the
 * gateway's business here: the auth routes that need a user answer it as GoTrue does (403 `bad_jwt`).
 */
async function apiCaller(request: Request, env: EmbeddedEnv): Promise<Caller | Response> {
	const resolved = await resolveCaller(request.headers, env.keys, jwtKeys(env));
	if (resolved.ok) return resolved.caller;
	if (resolved.reason === 'no_api_key') {
		return gatewayError(
			401,
			'No API key found in request',
			'No `apikey` request header or url param was found.'
		);
	}
	if (resolved.reason === 'invalid_api_key' || !request.headers.get('apikey')) {
		return gatewayError(
			401,
			'Invalid API key',
			'Double check your Supabase `anon` or `service_role` API key.'
		);
	}
	const keyOnly = new Headers({ apikey: request.headers.get('apikey') as string });
	const byKey = await resolveCaller(keyOnly, env.keys, jwtKeys(env));
	if (!byKey.ok) {
		return gatewayError(
			401,
			'Invalid API key',
			'Double check your Supabase `anon` or `service_role` API key.'
		);
	}
	return byKey.caller;
}

/** A database error that reached the top: constraint breaches are the caller's, the rest ours. */
function fromDatabaseError(error: unknown): AuthError | null {
	if (!isPgError(error)) return null;
	if (error.code === '23505') {
		if (/phone/.test(error.constraint ?? '') || /phone/.test(error.detail ?? '')) {
			return unprocessable('phone_exists', 'Phone number already registered by another user');
		}
		return unprocessable(
			'email_exists',
			'A user with this email address has already been registered'
		);
	}
	if (error.code === '23503') return internal('Database error deleting user');
	if (error.code.startsWith('22')) return badRequest('validation_failed', error.message);
	return null;
}

export function createAuthHandler(env: EmbeddedEnv): AuthHandler {
	async function dispatch(request: Request, clientAddress: string | null): Promise<Response> {
		const url = new URL(request.url);
		const path = url.pathname.replace(/^\/auth\/v1/, '').replace(/\/+$/, '') || '/';
		const method = request.method.toUpperCase();

		// The email link is opened by a browser, without a key (Supabase's open routes).
		if (path === '/verify' && method === 'GET') {
			return verifyGet(makeCtx(env, request, null, clientAddress));
		}
		// The public signing key; none while tokens are signed with the shared HS256 secret.
		if (path === '/.well-known/jwks.json' && method === 'GET') {
			return json({ keys: env.signingKey ? [env.signingKey.publicJwk] : [] }, 200, {
				'cache-control': 'public, max-age=600'
			});
		}

		const caller = await apiCaller(request, env);
		if (caller instanceof Response) return caller;

		const candidates = routes.filter((r) => r.match(path));
		if (candidates.length === 0) throw notFound('not_found', 'Not Found');
		const route = candidates.find((r) => r.method === method);
		if (!route) throw new AuthError(405, 'method_not_allowed', 'Method Not Allowed');
		if (route.admin && caller.role !== 'service_role') {
			throw forbidden('not_admin', 'User not allowed');
		}
		return route.handler(makeCtx(env, request, caller, clientAddress), path);
	}

	return {
		async handle(request, options = {}) {
			try {
				return await dispatch(request, options.clientAddress || null);
			} catch (error) {
				if (error instanceof AuthError || error instanceof OAuthError) {
					return errorResponse(error, request);
				}
				const mapped = fromDatabaseError(error);
				if (mapped) return errorResponse(mapped, request);
				console.error('[auth] unexpected failure:', error);
				return errorResponse(
					internal('Unexpected failure, please check server logs for more information'),
					request
				);
			}
		}
	};
}

export { baseHeaders };
