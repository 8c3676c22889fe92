import { PGlite, type Transaction } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import {
	scopeStatement,
	type Database,
	type QueryResult,
	type Row,
	type TransactionScope
} from './types';

export interface PgliteOptions {
	/** A directory for the data files; omit for an in-memory database. */
	dataDir?: string;
	/** A tarball from `dumpDataDir()`, to start from a copy of a prepared database (tests). */
	loadDataDir?: Blob;
}

const identity = (value: string) => value;

/** The extensions Supabase projects commonly use, loaded into every PGlite instance. */
export const pgliteExtensions = { btree_gist, citext, pg_trgm, pgcrypto };

export async function openPglite(
	options: PgliteOptions = {}
): Promise<Database & { pglite: PGlite }> {
	const pglite = await PGlite.create({
		dataDir: options.dataDir,
		loadDataDir: options.loadDataDir,
		extensions: pgliteExtensions,
		relaxedDurability: false
	});
	// Every value comes back as text, as from the pg backend: see types.ts.
	let textParsers: Record<string, typeof identity> = {};
	let parserCount = -1;
	const parsers = () => {
		const keys = Object.keys(pglite.parsers);
		if (keys.length !== parserCount) {
			textParsers = Object.fromEntries(keys.map((k) => [k, identity]));
			parserCount = keys.length;
		}
		return textParsers;
	};
	const run = async <R>(
		on: PGlite | Transaction,
		text: string,
		params: readonly unknown[] = []
	): Promise<QueryResult<R>> => {
		const result = await on.query<R>(text, params as unknown[], { parsers: parsers() });
		return {
			rows: result.rows,
			rowCount: result.affectedRows ?? result.rows.length,
			fields: result.fields.map((f) => ({ name: f.name }))
		};
	};

	const transaction: Database['transaction'] = (scope, fn) =>
		// PGlite runs one transaction at a time, so requests are serialised here.
		pglite.transaction(async (tx) => {
			const started = performance.now();
			try {
				const scoped = scopeStatement(scope);
				await run(tx, scoped.text, scoped.params);
				return await fn({
					query: <R = Row>(text: string, params?: readonly unknown[]) => run<R>(tx, text, params)
				});
			} finally {
				scope.onElapsed?.(performance.now() - started);
			}
		});

	return {
		kind: 'pglite',
		pglite,
		transaction,
		async statement<R = Row>(scope: TransactionScope, text: string, params?: readonly unknown[]) {
			// In process there is no round trip to save: the same as a transaction of one statement.
			return transaction(scope, (tx) => tx.query<R>(text, params));
		},
		async exec(sql) {
			await pglite.transaction(async (tx) => {
				await tx.exec(sql);
			});
		},
		query: (text, params) => run(pglite, text, params),
		async listen(channel, onNotify) {
			const unlisten = await pglite.listen(channel, onNotify);
			return async () => unlisten();
		},
		async close() {
			if (!pglite.closed) await pglite.close();
		}
	};
}
