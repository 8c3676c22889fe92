import { availableParallelism } from 'node:os';
import pg from 'pg';
import {
	scopeStatement,
	type Database,
	type QueryResult,
	type Row,
	type TransactionScope
} from './types';

export interface PostgresOptions {
	/** Where requests go: the server itself, or a transaction-mode pooler in front of it. */
	connectionString: string;
	/**
	 * The server itself, for the one thing that needs a session of its own (`LISTEN`), when
	 * `connectionString` is a transaction-mode pooler (PgBouncer, Supavisor on port 6543): a pooler
	 * hands each transaction whichever server connection is free, so nothing may outlive one.
	 * Migrations go to the server directly too (the caller opens a Database on this URL for them).
	 */
	directConnectionString?: string;
	/** Connections in the pool (default: twice the cores, see defaultPoolSize). */
	max?: number;
}

/**
 * The scope and one statement as a single extended-protocol exchange ending in one Sync: the server
 * runs both in an implicit transaction and commits it at the Sync, the moment the statement ends.
 * One write from here, one answer back, no `begin`/`commit` statements. pg's own Query sends the
 * statement (its parameter handling and results); this only puts the scope in front of it.
 */
class ScopedStatement extends pg.Query {
	constructor(
		private readonly scope: { text: string; params: string[] },
		text: string,
		values: readonly unknown[] | undefined,
		callback: (error: Error | undefined, result: unknown) => void
	) {
		super({ text, values: values as unknown[] }, callback as never);
	}

	submit = (connection: pg.Connection) => {
		connection.stream.cork();
		try {
			connection.parse({ text: this.scope.text, name: '', types: [] }, true);
			connection.bind({ portal: '', statement: '', values: this.scope.params }, true);
			connection.describe({ type: 'P', name: '' }, true);
			connection.execute({ portal: '' }, true);
			// parse, bind, describe, execute and sync of the statement itself.
			(this as unknown as { prepare(c: pg.Connection): void }).prepare(connection);
		} finally {
			connection.stream.uncork();
		}
	};
}

/**
 * Twice the cores: more connections than the server can run at once only add switching, and on a
 * hot event every registration waits for one row lock anyway (bench/registration-race.ts: p95 at
 * 200 clients falls from ~630 ms with 20 connections to ~280 ms with 4 on a 2-core machine).
 */
export function defaultPoolSize(): number {
	return Math.max(2, availableParallelism() * 2);
}

// Every value comes back as text, as from the PGlite backend: see types.ts.
const textTypes = { getTypeParser: () => (value: string) => value };

/** Back-off of the LISTEN connection's reconnects: doubling from the first delay up to the last. */
const RECONNECT_FIRST_MS = 200;
const RECONNECT_MAX_MS = 3000;

const lostConnection = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'ETIMEDOUT',
	'EPIPE',
	'EHOSTUNREACH',
	'ENOTFOUND',
	'EAI_AGAIN',
	// admin_shutdown, crash_shutdown, cannot_connect_now: the server stopping or still starting.
	'57P01',
	'57P02',
	'57P03'
]);

/**
 * A server that is down or restarting reaches the caller as SQLSTATE 08006 (connection_failure),
 * which the REST API answers with 503, instead of a driver message naming hosts and ports.
 */
function unavailable(error: unknown): unknown {
	if (!(error instanceof Error)) return error;
	const code = (error as { code?: unknown }).code;
	const lost =
		(typeof code === 'string' && lostConnection.has(code)) ||
		/^Connection terminated|^Client has encountered a connection error/.test(error.message);
	if (!lost) return error;
	return Object.assign(new Error('The database is not answering; try again shortly.'), {
		code: '08006',
		cause: error
	});
}

async function connectClient(pool: pg.Pool): Promise<pg.PoolClient> {
	try {
		return await pool.connect();
	} catch (error) {
		throw unavailable(error);
	}
}

export async function openPostgres(
	options: PostgresOptions
): Promise<Database & { pool: pg.Pool }> {
	const pooled = Boolean(options.directConnectionString);
	const pool = new pg.Pool({
		connectionString: options.connectionString,
		max: options.max ?? defaultPoolSize(),
		types: textTypes,
		pipeline: true,
		// Supabase's search path, so extensions installed in `extensions` resolve unqualified. A
		// pooler refuses startup options (PgBouncer: "unsupported startup parameter"); the database's
		// own setting, made by the bootstrap, gives every connection the same path there.
		...(pooled ? {} : { options: '-c search_path="$user",public,extensions' })
	});
	// A client that errors (server restart) must not crash the process: idle ones through the
	// pool's 'error' event, checked-out ones through their own (their queries reject).
	pool.on('error', () => {});
	pool.on('connect', (client) => client.on('error', () => {}));
	await pool.query('select 1');

	const listenUrl = options.directConnectionString ?? options.connectionString;

	const toResult = <R>(result: pg.QueryResult): QueryResult<R> => ({
		rows: result.rows as R[],
		rowCount: result.rowCount ?? result.rows.length,
		fields: result.fields.map((f) => ({ name: f.name }))
	});

	/**
	 * Clients are in pipeline mode, so statements queued without waiting go out together: in
	 * `transaction()`, `begin`, the scope and the first statement cost one round trip. This waits for
	 * what was queued, then returns the client to the pool.
	 */
	const settle = async (
		client: pg.PoolClient,
		pending: Promise<unknown>[]
	): Promise<PromiseSettledResult<unknown>[]> => {
		const settled = await Promise.allSettled(pending);
		// A client left inside a transaction (a failed commit or rollback) is not reused.
		client.release(client.getTransactionStatus() !== 'I');
		return settled;
	};
	const firstFailure = (settled: PromiseSettledResult<unknown>[]) =>
		settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');

	return {
		kind: 'postgres',
		pool,
		async transaction(scope, fn) {
			const client = await connectClient(pool);
			const started = performance.now();
			const elapsed = () => scope.onElapsed?.(performance.now() - started);
			const scoped = scopeStatement(scope);
			const opening = [client.query('begin'), client.query(scoped.text, scoped.params)];
			// fn's first statement goes on the wire behind these two without waiting for them.
			const work = fn({
				query: async <R>(text: string, params?: readonly unknown[]) =>
					toResult<R>(await client.query(text, params as unknown[]))
			});
			try {
				// Rejects with the first failure in wire order: a failed scope, not its knock-on.
				await Promise.all([...opening, work]);
			} catch (error) {
				await Promise.allSettled([work]);
				await settle(client, [...opening, client.query('rollback')]);
				elapsed();
				throw unavailable(error);
			}
			const failure = firstFailure(await settle(client, [client.query('commit')]));
			elapsed();
			if (failure) throw unavailable(failure.reason);
			return work;
		},
		async statement<R = Row>(scope: TransactionScope, text: string, params?: readonly unknown[]) {
			const client = await connectClient(pool);
			const started = performance.now();
			try {
				const results = await new Promise<pg.QueryResult[]>((resolve, reject) => {
					const query = new ScopedStatement(scopeStatement(scope), text, params, (error, res) =>
						error ? reject(unavailable(error)) : resolve(res as unknown as pg.QueryResult[])
					);
					client.query(query);
				});
				return toResult<R>(results[results.length - 1]);
			} finally {
				// The server ended the implicit transaction at Sync, committed or rolled back.
				client.release(client.getTransactionStatus() !== 'I');
				scope.onElapsed?.(performance.now() - started);
			}
		},
		async exec(sql) {
			const client = await connectClient(pool);
			try {
				await client.query('begin');
				await client.query(sql);
				await client.query('commit');
			} catch (error) {
				await client.query('rollback').catch(() => {});
				throw error;
			} finally {
				client.release();
			}
		},
		async query(text, params) {
			try {
				return toResult(await pool.query(text, params as unknown[]));
			} catch (error) {
				throw unavailable(error);
			}
		},
		/**
		 * One connection of its own, outside the pool. When it drops (the server restarts) it
		 * reconnects with back-off and listens again, then calls onReconnect: notifications sent
		 * while it was away are lost, so the listener must assume it missed some.
		 */
		async listen(channel, onNotify, onReconnect) {
			let client: pg.Client | null = null;
			let stopped = false;
			let timer: ReturnType<typeof setTimeout> | null = null;
			let delay = RECONNECT_FIRST_MS;

			const connect = async (): Promise<pg.Client> => {
				const next = new pg.Client({ connectionString: listenUrl });
				// Without a listener, an error on this idle connection would crash the process.
				next.on('error', () => dropped(next));
				next.on('end', () => dropped(next));
				next.on('notification', (msg) => {
					if (msg.channel === channel) onNotify(msg.payload ?? '');
				});
				try {
					await next.connect();
					await next.query(`listen ${pg.escapeIdentifier(channel)}`);
					return next;
				} catch (error) {
					await next.end().catch(() => {});
					throw error;
				}
			};
			const reconnect = () => {
				if (stopped || timer) return;
				timer = setTimeout(async () => {
					timer = null;
					try {
						const next = await connect();
						if (stopped) return void (await next.end().catch(() => {}));
						client = next;
						delay = RECONNECT_FIRST_MS;
						onReconnect?.();
					} catch {
						delay = Math.min(delay * 2, RECONNECT_MAX_MS);
						reconnect();
					}
				}, delay);
			};
			function dropped(which: pg.Client) {
				if (which !== client || stopped) return;
				client = null;
				void which.end().catch(() => {});
				reconnect();
			}

			client = await connect();
			return async () => {
				stopped = true;
				if (timer) clearTimeout(timer);
				await client?.end();
			};
		},
		async close() {
			await pool.end();
		}
	};
}
