/**
 * `/rest/v1/*`: the PostgREST-compatible part of the embedded Supabase.
 * parse (URL → tree) · catalogue (schema cache) · plan (tree → one SQL statement) · respond.
 * Each request runs in exactly one transaction with the caller's role and claims set locally.
 */
import { BodyLimitError, readLimitedBody } from '../body';
import { budgetKey, chargeDbTime, knownOverBudget } from '../budget';
import type { CallerResult } from '../caller';
import type { EmbeddedEnv } from '../env';
import { loadCatalogue, type Catalogue } from './catalogue';
import { authErrorResponse, errorResponse, RestError } from './errors';
import { checkEmbeds } from './embeds';
import { parseRequest, type ParsedRequest } from './parse';
import { explainCount, plan, type Plan } from './plan';
import { shape, type Outcome, type ResultRow } from './respond';

export { RestError, ParseError } from './errors';

export interface RestHandler {
	handle(request: Request, caller: CallerResult, options?: RestRequestOptions): Promise<Response>;
	reloadSchema(): Promise<void>;
	close(): Promise<void>;
}

export interface RestOptions {
	/** Exposed schemas (PostgREST's `db-schemas`); the first is the default. Default `['public']`. */
	schemas?: string[];
}

export interface RestRequestOptions {
	/**
	 * The address of the HTTP client whose request this is: its database time is counted against
	 * the address's budget (`limits.dbBudget`). Null for the app's own in-process calls.
	 */
	clientAddress?: string | null;
}

const writeMethods = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

async function readBody(request: Request, env: EmbeddedEnv): Promise<string | undefined> {
	try {
		return await readLimitedBody(request, env.limits);
	} catch (error) {
		if (!(error instanceof BodyLimitError)) throw error;
		if (error.kind === 'too_deep') {
			throw new RestError(400, 'PGRST102', 'Empty or invalid json', error.message);
		}
		throw new RestError(413, 'PGRST413', 'Request Entity Too Large', error.message);
	}
}

function parseJson(text: string | undefined, required: boolean): unknown {
	if (text === undefined || text.trim() === '') {
		if (required) throw new RestError(400, 'PGRST102', 'Empty or invalid json');
		return undefined;
	}
	try {
		return JSON.parse(text);
	} catch (error) {
		throw new RestError(
			400,
			'PGRST102',
			'Empty or invalid json',
			error instanceof Error ? error.message : null
		);
	}
}

/**
 * Whether the answer can still refuse a write after its statement ran: one object asked for (406
 * when there is not exactly one row) or a range past the end (416). A read has nothing to undo.
 * A malformed `response.headers`/`response.status` set by a function is reported as a 500 after the
 * commit rather than rolling it back: a broken function, not a refusal.
 */
function mayVeto(request: ParsedRequest, built: Plan): boolean {
	if (built.readOnly) return false;
	return (
		request.accept.kind === 'object' || built.offset > 0 || maxAffected(request, built) !== null
	);
}

/** `Prefer: max-affected=n` counts only with `handling=strict`, on updates, deletes and calls. */
function maxAffected(request: ParsedRequest, built: Plan): number | null {
	const { maxAffected: max, handling } = request.prefer;
	if (max === undefined || handling !== 'strict') return null;
	return built.kind === 'update' || built.kind === 'delete' || built.kind === 'rpc' ? max : null;
}

/** The outcome of a request whose transaction is rolled back as asked (`Prefer: tx=rollback`). */
class RolledBack {
	constructor(readonly outcome: Outcome) {}
}

/** `Preference-Applied`, listing what PostgREST lists for this kind of request, in its order. */
function preferenceApplied(request: ParsedRequest, built: Plan): string | null {
	const p = request.prefer;
	const write = built.kind !== 'read' && built.kind !== 'rpc';
	const values = [
		write ? p.resolution : undefined,
		write ? (p.missing === 'default' ? 'missing=default' : undefined) : undefined,
		write && p.return ? `return=${p.return}` : undefined,
		p.count ? `count=${p.count}` : undefined,
		p.tx ? `tx=${p.tx}` : undefined,
		p.handling ? `handling=${p.handling}` : undefined,
		p.handling === 'strict' && p.maxAffected !== undefined && built.kind !== 'read'
			? `max-affected=${p.maxAffected}`
			: undefined
	].filter((v): v is string => Boolean(v));
	return values.length ? values.join(', ') : null;
}

function headersJson(headers: Headers): string {
	const out: Record<string, string> = {};
	headers.forEach((value, key) => {
		out[key] = value;
	});
	return JSON.stringify(out);
}

export function createRestHandler(env: EmbeddedEnv, options: RestOptions = {}): RestHandler {
	const schemas = options.schemas?.length ? options.schemas : ['public'];
	let catalogue: Promise<Catalogue> | null = null;
	let closed = false;

	const load = (): Promise<Catalogue> => {
		const loading = loadCatalogue(env.db, schemas);
		catalogue = loading;
		// A failed load is retried by the next request.
		loading.catch(() => {
			if (catalogue === loading) catalogue = null;
		});
		return loading;
	};

	const reload = () => {
		if (!closed) void load().catch(() => {});
	};
	const listening = env.db
		.listen(
			'pgrst',
			(payload) => {
				if (payload === 'reload schema' || payload === 'reload config' || payload === '') reload();
			},
			// Back after a dropped connection: a `notify pgrst` may have come and gone meanwhile.
			reload
		)
		.catch(() => null);

	async function answer(
		request: Request,
		caller: Extract<CallerResult, { ok: true }>['caller'],
		onElapsed: (ms: number) => void
	) {
		const url = new URL(request.url);
		const parsed: ParsedRequest = parseRequest(request.method, url, request.headers);
		if (parsed.prefer.handling === 'strict' && parsed.prefer.invalid.length) {
			throw new RestError(
				400,
				'PGRST122',
				'Invalid preferences given with handling=strict',
				`Invalid preferences: ${parsed.prefer.invalid.join(', ')}`
			);
		}
		const schema = parsed.profile ?? schemas[0];
		if (!schemas.includes(schema)) {
			throw new RestError(
				406,
				'PGRST106',
				`The schema must be one of the following: ${schemas.join(', ')}`
			);
		}
		if (parsed.accept.kind === 'unsupported') {
			throw new RestError(
				406,
				'PGRST107',
				`None of these media types are available: ${parsed.accept.raw}`
			);
		}
		let bodyText: string | undefined;
		let body: unknown;
		if (writeMethods.has(parsed.method)) {
			bodyText = await readBody(request, env);
			const required = parsed.target.kind === 'table' && parsed.method !== 'DELETE';
			body = parseJson(bodyText, required);
		}
		let cache: Catalogue;
		try {
			cache = await (catalogue ?? load());
		} catch (error) {
			throw new RestError(
				503,
				'PGRST002',
				'Could not query the database for the schema cache. Retrying.',
				error instanceof Error ? error.message : null
			);
		}
		// `Prefer: tx=` counts only where the database's configuration allows it (db_tx_end).
		if (!cache.settings.txAllowOverride) delete parsed.prefer.tx;
		const rollback =
			parsed.prefer.tx === 'rollback' ||
			(cache.settings.txRollbackAll && parsed.prefer.tx !== 'commit');
		// `pgrst.db_max_rows` may lower the configured cap, never raise it.
		const configuredMax = cache.settings.maxRows;
		const maxRows =
			configuredMax === null || env.limits.maxRows === null
				? (configuredMax ?? env.limits.maxRows)
				: Math.min(configuredMax, env.limits.maxRows);
		const built = plan({ request: parsed, catalogue: cache, schema, body, bodyText, maxRows });
		// After planning (no query yet), so an embed that names no relationship is reported as
		// PostgREST reports it, before the caps on embeds.
		checkEmbeds(parsed.select, env.limits);
		if (parsed.explain) {
			// PostgREST's execution plan, only where the database's configuration allows it.
			if (!cache.settings.planEnabled) {
				throw new RestError(
					406,
					'PGRST107',
					`None of these media types are available: ${parsed.accept.raw}`
				);
			}
			return explainPlan(parsed, built, caller);
		}
		const max = maxAffected(parsed, built);

		const settings: Record<string, string> = {
			'request.method': parsed.method,
			'request.path': url.pathname,
			'request.headers': headersJson(request.headers)
		};
		if (built.readOnly) settings.transaction_read_only = 'on';
		// PostgREST applies the role's statement_timeout; a cancelled statement answers 57014 (500).
		const timeout = env.limits.statementTimeoutMs[caller.role];
		if (timeout > 0) settings.statement_timeout = String(timeout);
		const scope = { role: caller.role, claims: caller.claims, settings, onElapsed };
		const explain = explainCount({ request: parsed, catalogue: cache, schema });
		let planned: number | null = null;
		if (explain) {
			const rows = await env.db.transaction(scope, (tx) =>
				tx.query<Record<string, string>>(explain.sql, explain.params)
			);
			const text = Object.values(rows.rows[0] ?? {})[0];
			const estimate = text ? Number(JSON.parse(text)?.[0]?.Plan?.['Plan Rows']) : NaN;
			planned = Number.isFinite(estimate) ? Math.round(estimate) : null;
		}
		/** The total to answer: the planner's for `planned`, and for `estimated` past max rows. */
		const withCount = (row: ResultRow | undefined): ResultRow | undefined => {
			if (!row || planned === null) return row;
			const count = parsed.prefer.count;
			if (count === 'planned') return { ...row, total: String(planned) };
			const exact = row.total === null ? null : Number(row.total);
			if (exact !== null && maxRows !== null && exact > maxRows) {
				return { ...row, total: String(Math.max(exact, planned)) };
			}
			return row;
		};
		let outcome: Outcome;
		if (rollback || mayVeto(parsed, built)) {
			try {
				outcome = await env.db.transaction(scope, async (tx) => {
					const result = await tx.query<ResultRow>(built.sql, built.params);
					// Inside the transaction: a 406 for a single object rolls the write back, and so
					// does a write touching more rows than `max-affected` allows.
					const shaped = shape(parsed, built, withCount(result.rows[0]), result.rowCount);
					if (max !== null && shaped.affected > max) {
						throw new RestError(
							400,
							'PGRST124',
							'Query result exceeds max-affected preference constraint',
							`The query affects ${shaped.affected} rows`
						);
					}
					if (rollback) {
						// As PostgREST: deferred constraints are checked before the rollback.
						await tx.query('set constraints all immediate');
						throw new RolledBack(shaped);
					}
					return shaped;
				});
			} catch (error) {
				if (!(error instanceof RolledBack)) throw error;
				outcome = error.outcome;
			}
		} else {
			// Committed by the database as the statement ends: on a hot row (a popular event) the
			// lock is not held while the answer travels here and a `commit` travels back.
			const result = await env.db.statement<ResultRow>(scope, built.sql, built.params);
			outcome = shape(parsed, built, withCount(result.rows[0]), result.rowCount);
		}
		const applied = preferenceApplied(parsed, built);
		if (applied) outcome.headers['preference-applied'] = applied;
		return new Response(outcome.body, { status: outcome.status, headers: outcome.headers });
	}

	/**
	 * `EXPLAIN` of the statement the request would run. With `analyze` the statement runs, so the
	 * transaction is rolled back whatever it wrote.
	 */
	async function explainPlan(
		parsed: ParsedRequest,
		built: Plan,
		caller: Extract<CallerResult, { ok: true }>['caller']
	): Promise<Response> {
		const { format, options } = parsed.explain!;
		const settings: Record<string, string> = {};
		// The query identifier `verbose` shows (PostgREST's servers load pg_stat_statements).
		if (options.includes('verbose')) settings.compute_query_id = 'on';
		const timeout = env.limits.statementTimeoutMs[caller.role];
		if (timeout > 0) settings.statement_timeout = String(timeout);
		const scope = { role: caller.role, claims: caller.claims, settings };
		const list = [`format ${format}`, ...options].join(', ');
		let lines: string[] = [];
		try {
			await env.db.transaction(scope, async (tx) => {
				const result = await tx.query<Record<string, unknown>>(
					`explain (${list}) ${built.sql}`,
					built.params
				);
				lines = result.rows.map((r) => {
					const v = Object.values(r)[0];
					return typeof v === 'string' ? v : JSON.stringify(v);
				});
				throw new RolledBack(null as never);
			});
		} catch (error) {
			if (!(error instanceof RolledBack)) throw error;
		}
		const forType = 'application/json';
		return new Response(format === 'json' ? lines.join('') : lines.join('\n'), {
			status: 200,
			headers: {
				'content-type': `application/vnd.pgrst.plan+${format}; for="${forType}"; charset=utf-8`
			}
		});
	}

	return {
		async handle(request, caller, options = {}) {
			if (!caller.ok) return authErrorResponse(caller.reason);
			const anonymous = caller.caller.role === 'anon';
			const budget = env.limits.dbBudget;
			const counted =
				budget && options.clientAddress && caller.caller.role !== 'service_role'
					? budgetKey(options.clientAddress)
					: null;
			if (counted) {
				const refused = knownOverBudget(env.blocks, counted);
				if (refused) return errorResponse(refused, anonymous);
			}
			let spent = 0;
			let response: Response;
			try {
				response = await answer(request, caller.caller, (ms) => (spent += ms));
			} catch (error) {
				response = errorResponse(error, anonymous);
			}
			if (counted && budget && spent > 0) {
				// The answer is ready: a charge that cannot be recorded (the database gone) must not
				// replace it.
				await chargeDbTime(env.db, env.blocks, budget, counted, spent).catch(() => {});
			}
			return response;
		},
		async reloadSchema() {
			await load();
		},
		async close() {
			closed = true;
			const unlisten = await listening;
			if (unlisten) await unlisten().catch(() => {});
		}
	};
}
