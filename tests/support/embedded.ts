/**
 * A running embedded Supabase for tests: PGlite (in memory) or a fresh database on the PostgreSQL
 * server, with supabase-js clients wired to it through its in-process fetch.
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import WebSocket from 'ws';
import {
	createEmbeddedSupabase,
	type AuthEmail,
	type EmbeddedSupabase,
	type EmbeddedSupabaseOptions
} from '../../src/lib/server/embedded-supabase';
import {
	openPglite,
	openPostgres,
	type Database
} from '../../src/lib/server/embedded-supabase/database';
import { applyBootstrap, migrate } from '../../src/lib/server/embedded-supabase/migrate';
import { SERVER_URL, serverAvailable } from './server';

export type Backend = 'pglite' | 'postgres';

export { SERVER_URL, serverAvailable };
export const API_URL = 'http://localhost:54321';

export interface StartOptions {
	backend: Backend;
	/** A `supabase/` folder whose migrations (and seed) to apply; none when omitted. */
	dir?: string;
	seed?: boolean;
	/** SQL to run as the owner after migrations (test fixtures). */
	sql?: string;
	pool?: number;
	/** Caps on what one request may cost (defaults: the embedded Supabase's own). */
	limits?: EmbeddedSupabaseOptions['limits'];
	/**
	 * Auth settings, e.g. `{ passwordSignup: true }` for tests of sign-up by password (off by
	 * default, as on a public install).
	 */
	auth?: EmbeddedSupabaseOptions['auth'];
	/** Storage's size cap (its bytes go to a temporary directory that `close` removes). */
	storage?: { fileSizeLimit?: number };
}

export interface TestSupabase {
	backend: Backend;
	embedded: EmbeddedSupabase;
	db: Database;
	/** Every auth email the embedded Supabase has "sent", newest last. */
	mail: AuthEmail[];
	/** A supabase-js client with the publishable key (anon); `clientAddress` is where it calls from. */
	anon(clientAddress?: string): SupabaseClient;
	/** A supabase-js client with the secret key (service_role). */
	admin(): SupabaseClient;
	/** A client signed in as `email` (created with `password` when new, confirmed). */
	userClient(
		email: string,
		options?: { password?: string; appMetadata?: Record<string, unknown> }
	): Promise<SupabaseClient>;
	close(): Promise<void>;
}

/** Creates a fresh database on the server; the returned function drops it. */
export async function freshServerDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
	const name = `gongyu_t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
	const admin = new pg.Client({ connectionString: `${SERVER_URL}/postgres` });
	await admin.connect();
	await admin.query(`create database ${name}`);
	await admin.end();
	return {
		url: `${SERVER_URL}/${name}`,
		async drop() {
			const c = new pg.Client({ connectionString: `${SERVER_URL}/postgres` });
			await c.connect();
			await c.query(`drop database if exists ${name} with (force)`);
			await c.end();
		}
	};
}

export function makeClient(url: string, key: string, fetchImpl: typeof fetch): SupabaseClient {
	return createClient(url, key, {
		auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
		realtime: { transport: WebSocket as never },
		global: { fetch: fetchImpl }
	});
}

export async function startEmbedded(options: StartOptions): Promise<TestSupabase> {
	let db: Database;
	let drop = async () => {};
	if (options.backend === 'postgres') {
		const fresh = await freshServerDatabase();
		db = await openPostgres({ connectionString: fresh.url, max: options.pool ?? 10 });
		drop = fresh.drop;
	} else {
		db = await openPglite();
	}
	await applyBootstrap(db);
	if (options.dir) await migrate(db, { dir: options.dir, seed: options.seed ?? false });
	if (options.sql) await db.exec(options.sql);

	const mail: AuthEmail[] = [];
	const embedded = await createEmbeddedSupabase({
		db,
		apiUrl: API_URL,
		limits: options.limits,
		auth: options.auth,
		storage: options.storage,
		mailer: { send: async (email) => void mail.push(email) }
	});
	const anon = (clientAddress?: string) =>
		makeClient(API_URL, embedded.keys.publishable, embedded.fetchFor(clientAddress ?? null));
	const admin = () => makeClient(API_URL, embedded.keys.secret, embedded.fetch);

	return {
		backend: options.backend,
		embedded,
		db,
		mail,
		anon,
		admin,
		async userClient(email, { password = 'correct horse battery', appMetadata } = {}) {
			const adminClient = admin();
			const created = await adminClient.auth.admin.createUser({
				email,
				password,
				email_confirm: true,
				app_metadata: appMetadata
			});
			if (created.error && created.error.code !== 'email_exists') throw created.error;
			const client = anon();
			const signedIn = await client.auth.signInWithPassword({ email, password });
			if (signedIn.error) throw signedIn.error;
			return client;
		},
		async close() {
			await embedded.close();
			await db.close();
			await drop();
		}
	};
}

/** PGlite always; the PostgreSQL server when it answers (under CI it must: see serverAvailable). */
export async function availableBackends(): Promise<Backend[]> {
	return ['pglite', ...((await serverAvailable()) ? (['postgres'] as const) : [])];
}

let emailCount = 0;
/** A fresh address for each call, so tests never collide on a shared server database. */
export const uniqueEmail = (prefix: string) =>
	`${prefix}-${Date.now().toString(36)}-${emailCount++}@example.com`;

/** The claims of a JWT, unverified (tests inspect what the server issued). */
export function decodeJwt(token: string): Record<string, unknown> {
	return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}
