/**
 * The one seam between the embedded Supabase and a Postgres database.
 *
 * Values come back as text (or null) from both backends: the drivers' own type parsing differs,
 * so callers build JSON in SQL (as PostgREST does) and cast it to text, and parameters are sent as
 * text (JSON as `JSON.stringify(...)` cast with `$1::jsonb`).
 */

/** The database role a request runs as. `owner` is the connecting superuser (auth internals). */
export type DbRole = 'anon' | 'authenticated' | 'service_role' | 'owner';

export type Row = Record<string, string | null>;

export interface QueryResult<R = Row> {
	rows: R[];
	/** Rows affected by an insert, update or delete (or returned by a select). */
	rowCount: number;
	fields: { name: string }[];
}

export interface Queryable {
	query<R = Row>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
}

export interface TransactionScope {
	role: DbRole;
	/** JWT claims, visible to SQL as `current_setting('request.jwt.claims')`. */
	claims?: Record<string, unknown> | null;
	/** Extra `request.*` settings, e.g. `{ 'request.method': 'GET' }` — set locally too. */
	settings?: Record<string, string>;
	/**
	 * Told, when the work ends (committed or not), how many milliseconds it held the database: from
	 * having its connection (on PGlite, its turn) to its end. Time spent waiting for either is left
	 * out, so that a request is not charged for the queue others made.
	 */
	onElapsed?: (ms: number) => void;
}

export interface Database {
	readonly kind: 'pglite' | 'postgres';
	/**
	 * Runs `fn` in exactly one transaction with the claims and role set locally (`set_config(…, true)`),
	 * so nothing survives into the next request. Commits when `fn` resolves, rolls back when it throws.
	 */
	transaction<T>(scope: TransactionScope, fn: (tx: Queryable) => Promise<T>): Promise<T>;
	/**
	 * One statement in its own transaction under `scope`, committed as soon as the statement ends,
	 * with no round trip to this process in between: a row lock it takes is held only as long as the
	 * work itself. For requests whose answer cannot veto the commit; a failed statement rolls back.
	 */
	statement<R = Row>(
		scope: TransactionScope,
		text: string,
		params?: readonly unknown[]
	): Promise<QueryResult<R>>;
	/** Runs a script of several statements as the owner, in one transaction (migrations, bootstrap). */
	exec(sql: string): Promise<void>;
	/** One statement as the owner, outside any request (auth internals, migration bookkeeping). */
	query<R = Row>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
	/**
	 * LISTEN on a channel; the returned function stops listening. A dropped connection is
	 * re-established by the backend, which then calls onReconnect (notifications may have been missed).
	 */
	listen(
		channel: string,
		onNotify: (payload: string) => void,
		onReconnect?: () => void
	): Promise<() => Promise<void>>;
	close(): Promise<void>;
}

/** A database error as both drivers report it: SQLSTATE and the server's fields. */
export interface PgError extends Error {
	code: string;
	detail?: string;
	hint?: string;
	constraint?: string;
}

export function isPgError(error: unknown): error is PgError {
	return (
		error instanceof Error &&
		typeof (error as { code?: unknown }).code === 'string' &&
		/^[0-9A-Z]{5}$/.test((error as unknown as { code: string }).code)
	);
}

const requestRoles = new Set<DbRole>(['anon', 'authenticated', 'service_role', 'owner']);

/** The statement both backends run first in every request transaction. */
export function scopeStatement(scope: TransactionScope): { text: string; params: string[] } {
	if (!requestRoles.has(scope.role)) throw new Error(`unknown role ${String(scope.role)}`);
	const settings: [string, string][] = [
		['request.jwt.claims', JSON.stringify(scope.claims ?? {})],
		...Object.entries(scope.settings ?? {})
	];
	if (scope.role !== 'owner') settings.push(['role', scope.role]);
	const calls = settings.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`);
	return { text: `select ${calls.join(', ')}`, params: settings.flat() };
}
