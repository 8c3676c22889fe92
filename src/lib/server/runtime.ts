/**
 * Which of the three ways to run this process uses, chosen by environment variables only:
 * - Supabase: PUBLIC_SUPABASE_URL, PUBLIC_SUPABASE_PUBLISHABLE_KEY and SUPABASE_SECRET_KEY are set.
 * - Postgres server: DATABASE_URL is set; the embedded Supabase answers over that server.
 * - Embedded (default): PGlite in GONGYU_DATA_DIR (default `.data/pglite`).
 * Storage keeps object bytes in GONGYU_STORAGE_DIR (default: `storage` beside PGlite's directory,
 * `.data/storage-<database>` with a PostgreSQL server).
 * App code asks this module for a URL, keys and a fetch, and never knows which mode it is in.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createEmbeddedSupabase, isLocalOrigin, type EmbeddedSupabase } from './embedded-supabase';
import { openPglite, openPostgres, type Database } from './embedded-supabase/database';
import { configuredLimits } from './embedded-supabase/limits';
import { authOptionsFromConfig } from './embedded-supabase/auth/settings';
import {
	readSupabaseConfig,
	schemasFromConfig,
	signingKeyFromConfig
} from './embedded-supabase/config';
import { applyBootstrap, migrate } from './embedded-supabase/migrate';
import { fileSizeLimitFromConfig, storageDirName } from './embedded-supabase/storage';
import { createDevMailbox, type DevMailbox } from './email/dev-mailbox';
import { authMailerFromEnv } from './email/auth-mailer';
import {
	checkSecrets,
	dataDirProblem,
	migrationsProblem,
	seedDemoData,
	StartupError
} from './startup';

export interface Runtime {
	mode: 'embedded' | 'supabase';
	/** The URL supabase-js uses (embedded: the app's own API origin). */
	supabaseUrl(origin?: string): string;
	publishableKey: string;
	secretKey: string;
	/** fetch for supabase-js: in embedded mode /auth/v1 and /rest/v1 are answered in-process. */
	fetch: typeof fetch;
	/**
	 * The same, for calls made on a visitor's behalf: in embedded mode the Auth rate limits count
	 * them against the visitor's address, passed as an argument that no HTTP client can forge.
	 */
	fetchFor(clientAddress: string | null): typeof fetch;
	/** Answers API requests that arrive over HTTP on the app's origin; null for other paths. */
	handleApi(request: Request, clientAddress: string | null): Promise<Response | null>;
	/** Resolves when the database answers. */
	ping(): Promise<void>;
	/** The dev mailbox (embedded mode); null when real email is configured. */
	mailbox: DevMailbox | null;
	/** The database, in embedded mode only (the email worker and the dev mailbox use it). */
	db: Database | null;
	embedded: EmbeddedSupabase | null;
	close(): Promise<void>;
}

let current: Promise<Runtime> | null = null;
let ready: Runtime | null = null;

/**
 * Starts the runtime once. A misconfiguration is a StartupError, thrown before any database is
 * opened: the secrets of a public origin first (src/lib/server/startup.ts).
 */
export function initRuntime(env: NodeJS.ProcessEnv = process.env): Promise<Runtime> {
	current ??= checkSecrets(env, appOrigin(env))
		.then(() => (env.PUBLIC_SUPABASE_URL ? supabaseRuntime(env) : embeddedRuntime(env)))
		.then((r) => {
			ready = r;
			return r;
		});
	return current;
}

export function getRuntime(): Runtime {
	if (!ready) throw new Error('The runtime is not initialised: call initRuntime() first.');
	return ready;
}

/** The app's public origin: ORIGIN, or localhost on PORT. */
export function appOrigin(env: NodeJS.ProcessEnv = process.env): string {
	return (env.ORIGIN ?? `http://localhost:${env.PORT ?? 3000}`).replace(/\/$/, '');
}

async function supabaseRuntime(env: NodeJS.ProcessEnv): Promise<Runtime> {
	const url = env.PUBLIC_SUPABASE_URL!.replace(/\/$/, '');
	const publishableKey = required(env, 'PUBLIC_SUPABASE_PUBLISHABLE_KEY');
	const secretKey = required(env, 'SUPABASE_SECRET_KEY');
	return {
		mode: 'supabase',
		supabaseUrl: () => url,
		publishableKey,
		secretKey,
		fetch: globalThis.fetch,
		// The visitor's address, for a project that counts its limits per client and trusts the
		// app server to name it (`supabase:local --trusted-proxy`).
		fetchFor: (clientAddress) =>
			clientAddress
				? (input, init) => {
						const headers = new Headers(
							init?.headers ?? (input instanceof Request ? input.headers : undefined)
						);
						headers.set('x-forwarded-for', clientAddress);
						return globalThis.fetch(input, { ...init, headers });
					}
				: globalThis.fetch,
		handleApi: async () => null,
		async ping() {
			const response = await fetch(`${url}/auth/v1/health`, {
				headers: { apikey: publishableKey }
			});
			if (!response.ok) throw new Error(`Supabase answered ${response.status}`);
		},
		mailbox: null,
		db: null,
		embedded: null,
		close: async () => {}
	};
}

async function embeddedRuntime(env: NodeJS.ProcessEnv): Promise<Runtime> {
	const log = (line: string) => console.log(`[gongyu] ${line}`);
	const origin = appOrigin(env);
	const seed = seedDemoData(env, origin);
	const supabaseDir = resolve(env.GONGYU_SUPABASE_DIR ?? 'supabase');
	const missing = migrationsProblem(supabaseDir);
	if (missing) throw missing;
	let db: Database;
	let result: Awaited<ReturnType<typeof migrate>> | undefined;
	// Storage's bytes: beside PGlite's directory, or under .data for a PostgreSQL server.
	let storageDir: string;
	if (env.DATABASE_URL) {
		storageDir = resolve(env.GONGYU_STORAGE_DIR ?? join('.data', storageDirName(env.DATABASE_URL)));
		const direct = env.DATABASE_DIRECT_URL || undefined;
		if (direct) {
			// Through a transaction-mode pooler: the bootstrap and migrations go to the server
			// directly, before the pool opens, so every pooled connection starts on the final schema.
			const migrator = await openPostgres({ connectionString: direct, max: 1 });
			try {
				result = await prepare(migrator, supabaseDir, seed, log);
			} finally {
				await migrator.close();
			}
		}
		db = await openPostgres({
			connectionString: env.DATABASE_URL,
			directConnectionString: direct,
			max: env.DATABASE_POOL_SIZE ? Number(env.DATABASE_POOL_SIZE) : undefined
		});
		log(
			direct
				? 'database: PostgreSQL server through a pooler (DATABASE_URL; DATABASE_DIRECT_URL for LISTEN and migrations)'
				: 'database: PostgreSQL server (DATABASE_URL)'
		);
		result ??= await prepare(db, supabaseDir, seed, log);
	} else {
		const dataDir = resolve(env.GONGYU_DATA_DIR ?? '.data/pglite');
		storageDir = resolve(env.GONGYU_STORAGE_DIR ?? join(dataDir, '..', 'storage'));
		try {
			await mkdir(dataDir, { recursive: true });
			// PGlite reports a directory it cannot write from inside its WASM file system, as a bare
			// errno: try a file first, so the common cases get Node's own error codes.
			const probe = join(dataDir, '.gongyu-write-check');
			await writeFile(probe, 'ok');
			await rm(probe);
			db = await openPglite({ dataDir });
			log(`database: PGlite in ${dataDir}`);
			result = await prepare(db, supabaseDir, seed, log);
		} catch (error) {
			throw dataDirProblem(error, dataDir) ?? error;
		}
	}
	if (result?.seeded) log('demo data loaded');
	if (!isLocalOrigin(origin)) {
		// The demo password is printed in the README: on a public origin the demo accounts (loaded
		// now or on an earlier local run of this database) sign in by email code only.
		const { rowCount } = await db.query(
			`update auth.users set encrypted_password = null
			 where email like '%@demo.gongyu.local' and encrypted_password is not null`
		);
		if (rowCount) log(`demo accounts: ${rowCount} passwords removed (${origin} is not local)`);
	}

	const mailbox = createDevMailbox(db);
	const config = await readSupabaseConfig(supabaseDir);
	const embedded = await createEmbeddedSupabase({
		db,
		apiUrl: origin,
		siteUrl: origin,
		jwtSecret: env.JWT_SECRET,
		signingKey: await signingKeyFromConfig(supabaseDir, config, env.GONGYU_JWT_SIGNING_KEYS),
		publishableKey: env.SUPABASE_PUBLISHABLE_KEY,
		secretKey: env.SUPABASE_SECRET_KEY,
		auth: authOptionsFromConfig(config, env),
		limits: configuredLimits(env, config),
		restSchemas: schemasFromConfig(config),
		corsOrigins: corsOrigins(env),
		storage: { dir: storageDir, fileSizeLimit: fileSizeLimitFromConfig(config) },
		mailer: authMailerFromEnv(env, mailbox, origin)
	});
	log(`API URL: ${origin}`);
	log(`storage: ${storageDir}`);
	log(`publishable key: ${embedded.keys.publishable}`);
	return {
		mode: 'embedded',
		supabaseUrl: () => origin,
		publishableKey: embedded.keys.publishable,
		secretKey: embedded.keys.secret,
		fetch: embedded.fetch,
		fetchFor: embedded.fetchFor,
		handleApi: (request, clientAddress) => embedded.handle(request, { clientAddress }),
		async ping() {
			await db.query('select 1');
		},
		mailbox,
		db,
		embedded,
		async close() {
			await embedded.close();
			await db.close();
		}
	};
}

/** Roles and schemas, then the migrations and (when wanted) the demo data. */
async function prepare(db: Database, dir: string, seed: boolean, log: (line: string) => void) {
	await applyBootstrap(db);
	return migrate(db, { dir, seed, log });
}

function required(env: NodeJS.ProcessEnv, name: string): string {
	const value = env[name];
	if (!value) throw new StartupError(`${name} must be set when PUBLIC_SUPABASE_URL is set.`);
	return value;
}

/** GONGYU_CORS_ORIGINS: other sites whose pages may call /rest/v1 and /auth/v1 (comma-separated). */
export function corsOrigins(env: NodeJS.ProcessEnv = process.env): string[] {
	return (env.GONGYU_CORS_ORIGINS ?? '')
		.split(',')
		.map((o) => o.trim())
		.filter(Boolean);
}
