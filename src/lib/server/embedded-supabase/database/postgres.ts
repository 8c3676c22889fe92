import { availableParallelism } from 'node:os';
import pg from 'pg';
import { scopeStatement, type Database, type QueryResult } from './types';

export interface PostgresOptions {
	connectionString: string;
	/** Connections in the pool (default: twice the cores, see defaultPoolSize). */
	max?: number;
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

export async function openPostgres(
	options: PostgresOptions
): Promise<Database & { pool: pg.Pool }> {
	const pool = new pg.Pool({
		connectionString: options.connectionString,
		max: options.max ?? defaultPoolSize(),
		types: textTypes,
		// Supabase's search path, so extensions installed in `extensions` resolve unqualified.
		options: '-c search_path="$user",public,extensions'
	});
	// An idle client that errors (server restart) must not crash the process.
	pool.on('error', () => {});
	await pool.query('select 1');

	const toResult = <R>(result: pg.QueryResult): QueryResult<R> => ({
		rows: result.rows as R[],
		rowCount: result.rowCount ?? result.rows.length,
		fields: result.fields.map((f) => ({ name: f.name }))
	});

	return {
		kind: 'postgres',
		pool,
		async transaction(scope, fn) {
			const client = await pool.connect();
			let broken = false;
			try {
				await client.query('begin');
				const scoped = scopeStatement(scope);
				await client.query(scoped.text, scoped.params);
				const result = await fn({
					query: async <R>(text: string, params?: readonly unknown[]) =>
						toResult<R>(await client.query(text, params as unknown[]))
				});
				await client.query('commit');
				return result;
			} catch (error) {
				try {
					await client.query('rollback');
				} catch {
					broken = true;
				}
				throw error;
			} finally {
				// A client whose rollback failed is not given to the next request.
				client.release(broken);
			}
		},
		async exec(sql) {
			const client = await pool.connect();
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
		query: async (text, params) => toResult(await pool.query(text, params as unknown[])),
		async listen(channel, onNotify) {
			const client = new pg.Client({ connectionString: options.connectionString });
			await client.connect();
			client.on('notification', (msg) => {
				if (msg.channel === channel) onNotify(msg.payload ?? '');
			});
			await client.query(`listen ${pg.escapeIdentifier(channel)}`);
			return async () => {
				await client.end();
			};
		},
		async close() {
			await pool.end();
		}
	};
}
