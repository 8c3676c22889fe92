import { createAuthHandler } from './auth';
import { BlockCache } from './blocks';
import { resolveCaller } from './caller';
import type { Database } from './database';
import type { JWK } from 'jose';
import { jwtKeys, type AuthMailer, type EmbeddedEnv } from './env';
import { importSigningKey } from './jwt';
import {
	LOCAL_JWT_SECRET,
	LOCAL_PUBLISHABLE_KEY,
	LOCAL_SECRET_KEY,
	makeKeys,
	type ApiKeys
} from './keys';
import { defaultLimits, type ApiLimits } from './limits';
import { createRestHandler } from './rest';
import { createStorageHandler, type StorageOptions } from './storage';

export type { AuthEmail, AuthMailer, EmbeddedEnv } from './env';
export type { ApiKeys } from './keys';
export type { ApiLimits } from './limits';
export type { Database } from './database';
export type { StorageOptions } from './storage';

export interface EmbeddedSupabaseOptions {
	db: Database;
	/** The origin the API is reached at, e.g. `http://localhost:3000`. */
	apiUrl: string;
	/** GoTrue's SITE_URL: the default redirect after sign-in (defaults to apiUrl). */
	siteUrl?: string;
	redirectAllowList?: string[];
	/** Defaults to the well-known local secret, which is refused on a non-local origin. */
	jwtSecret?: string;
	/**
	 * An ES256 signing key (a private JWK): access tokens are then signed with it and published at
	 * `/auth/v1/.well-known/jwks.json`; the secret still signs the legacy API keys.
	 */
	signingKey?: JWK | null;
	publishableKey?: string;
	secretKey?: string;
	jwtExpiry?: number;
	mailer: AuthMailer;
	/** Caps on what one request may cost; each defaults to `defaultLimits`. */
	limits?: Partial<Omit<ApiLimits, 'statementTimeoutMs'>> & {
		statementTimeoutMs?: Partial<ApiLimits['statementTimeoutMs']>;
	};
	auth?: Partial<EmbeddedEnv['auth']>;
	/** Schemas the REST API exposes (Supabase's `[api] schemas`); default `public`. */
	restSchemas?: string[];
	/**
	 * Browser origins allowed to call the API (CORS) besides apiUrl's own. When apiUrl is local,
	 * every local origin is allowed as well (a dev server on another port).
	 */
	corsOrigins?: string[];
	/** Storage: where object bytes live (a temporary directory when omitted) and the size cap. */
	storage?: StorageOptions;
}

export interface HandleOptions {
	clientAddress?: string | null;
	/**
	 * The request comes from a trusted app server on a visitor's behalf (Supabase mode against
	 * `supabase:local --trusted-proxy`): counted as `fetchFor`'s calls are, the Auth rate limits by
	 * the visitor's address and no database-time budget.
	 */
	appServer?: boolean;
}

export interface EmbeddedSupabase {
	/** A `fetch` for supabase-js (`global.fetch`): API paths are answered in-process. */
	fetch: typeof fetch;
	/**
	 * Answers one `/rest/v1/*`, `/auth/v1/*` or `/storage/v1/*` request that came over HTTP; `null` for any other
	 * path. `clientAddress` is the client's network address (the HTTP server's socket, or its
	 * trusted proxy header), which the Auth rate limits and the `/rest/v1` database-time budget
	 * count by.
	 */
	handle(request: Request, options?: HandleOptions): Promise<Response | null>;
	/**
	 * A `fetch` like `fetch`, for the app's own server-side calls made on a visitor's behalf: the
	 * visitor's address travels as an argument, never as a header an HTTP client could send. The
	 * Auth rate limits count it; the database-time budget does not (the app designs these queries).
	 */
	fetchFor(clientAddress: string | null): typeof fetch;
	env: EmbeddedEnv;
	keys: ApiKeys;
	/** The directory holding Storage's object bytes. */
	storageDir: string;
	/** Removes files a crash left in it (temporary, or versions no row names) older than graceMs. */
	sweepStorage(graceMs?: number): Promise<number>;
	reloadSchema(): Promise<void>;
	close(): Promise<void>;
}

const localHost = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

export function isLocalOrigin(url: string): boolean {
	try {
		return localHost.test(new URL(url).hostname);
	} catch {
		return false;
	}
}

export function isApiPath(pathname: string): boolean {
	return (
		pathname.startsWith('/rest/v1/') ||
		pathname.startsWith('/auth/v1/') ||
		pathname.startsWith('/storage/v1/') ||
		pathname === '/rest/v1'
	);
}

const corsHeaders = {
	'access-control-allow-methods': 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
	'access-control-allow-headers':
		'authorization, apikey, content-type, prefer, range, accept, accept-profile, content-profile, x-client-info, x-supabase-api-version, x-upsert, x-metadata, cache-control, if-none-match',
	'access-control-expose-headers':
		'content-range, content-location, content-length, etag, x-supabase-api-version',
	'access-control-max-age': '86400'
};

export async function createEmbeddedSupabase(
	options: EmbeddedSupabaseOptions
): Promise<EmbeddedSupabase> {
	const jwtSecret = options.jwtSecret ?? LOCAL_JWT_SECRET;
	if (jwtSecret === LOCAL_JWT_SECRET && !isLocalOrigin(options.apiUrl)) {
		throw new Error(
			`The embedded Supabase is reachable at ${options.apiUrl}, which is not local: set a JWT secret of your own (JWT_SECRET) and your own keys.`
		);
	}
	if (jwtSecret.length < 32) throw new Error('The JWT secret must be at least 32 characters long.');
	const keys = await makeKeys(
		jwtSecret,
		options.publishableKey ?? LOCAL_PUBLISHABLE_KEY,
		options.secretKey ?? LOCAL_SECRET_KEY
	);
	const signingKey = options.signingKey ? await importSigningKey(options.signingKey) : null;
	const env: EmbeddedEnv = {
		db: options.db,
		keys,
		jwtSecret,
		signingKey,
		jwtExpiry: options.jwtExpiry ?? 3600,
		apiUrl: options.apiUrl.replace(/\/$/, ''),
		siteUrl: (options.siteUrl ?? options.apiUrl).replace(/\/$/, ''),
		redirectAllowList: options.redirectAllowList ?? [],
		mailer: options.mailer,
		blocks: new BlockCache(),
		limits: {
			...defaultLimits,
			...options.limits,
			statementTimeoutMs: {
				...defaultLimits.statementTimeoutMs,
				...options.limits?.statementTimeoutMs
			}
		},
		auth: {
			autoConfirm: true,
			otpLength: 6,
			otpExpiry: 3600,
			minPasswordLength: 6,
			...options.auth
		}
	};
	const rest = createRestHandler(env, { schemas: options.restSchemas });
	const auth = createAuthHandler(env);
	const storage = createStorageHandler(env, options.storage);
	const allowedOrigins = new Set(
		[env.apiUrl, ...(options.corsOrigins ?? [])].map((o) => o.replace(/\/$/, ''))
	);
	const localApi = isLocalOrigin(env.apiUrl);
	// A browser on another site must not read answers made with its visitor's session or keys:
	// only the listed origins get CORS headers (and, for a local API, any local page).
	const corsFor = (origin: string | null): Record<string, string> =>
		origin && (allowedOrigins.has(origin) || (localApi && isLocalOrigin(origin)))
			? { ...corsHeaders, 'access-control-allow-origin': origin, vary: 'Origin' }
			: { vary: 'Origin' };

	async function serve(
		request: Request,
		clientAddress: string | null,
		overHttp: boolean
	): Promise<Response | null> {
		const url = new URL(request.url);
		if (!isApiPath(url.pathname)) return null;
		const cors = corsFor(request.headers.get('origin'));
		if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: cors });
		const counted = { clientAddress: overHttp ? clientAddress : null };
		const response = url.pathname.startsWith('/auth/v1/')
			? await auth.handle(request, { clientAddress })
			: url.pathname.startsWith('/storage/v1/')
				? await storage.handle(
						request,
						await resolveCaller(request.headers, keys, jwtKeys(env)),
						counted
					)
				: await rest.handle(
						request,
						await resolveCaller(request.headers, keys, jwtKeys(env)),
						counted
					);
		for (const [k, v] of Object.entries(cors)) response.headers.set(k, v);
		// See ApiLimits.refusalDelayMs: a refused HTTP client waits on a timer, not on our CPU.
		if (overHttp && response.status === 429 && env.limits.refusalDelayMs > 0) {
			await new Promise((done) => setTimeout(done, env.limits.refusalDelayMs));
		}
		return response;
	}

	const handle = (request: Request, options: HandleOptions = {}) =>
		serve(request, options.clientAddress ?? null, !options.appServer);

	const fetchFor =
		(clientAddress: string | null): typeof fetch =>
		async (input, init) => {
			const request = new Request(input, init);
			const response = await serve(request, clientAddress, false);
			return response ?? fetch(request);
		};

	return {
		fetch: fetchFor(null),
		fetchFor,
		handle,
		env,
		keys,
		storageDir: storage.dir,
		sweepStorage: (graceMs) => storage.sweep(graceMs),
		reloadSchema: () => rest.reloadSchema(),
		async close() {
			await rest.close();
			await storage.close();
		}
	};
}
