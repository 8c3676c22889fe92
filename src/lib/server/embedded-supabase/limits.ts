/**
 * What one request may cost, so that an anonymous caller on a public install cannot hold the
 * database: PostgREST's per-role `statement_timeout` and `db-max-rows`, plus caps on embeds and on
 * request bodies that PostgREST leaves to the gateway in front of it.
 */
import type { ApiRole } from './caller';
import { configTable, type TomlTable } from './config';

export interface ApiLimits {
	/**
	 * Milliseconds a request's statement may run, per role (`set local statement_timeout`); 0 leaves
	 * the server's own setting. Supabase gives anon 3 s and authenticated 8 s. PGlite runs each
	 * statement to its end whatever this says: there the caps below do the work.
	 */
	statementTimeoutMs: Record<ApiRole, number>;
	/** Rows any read answers, embedded arrays included (Supabase's `[api] max_rows`); null: no cap. */
	maxRows: number | null;
	/** Levels of embedding below the root: `a(b(c))` is 3. */
	maxEmbedDepth: number;
	/** Embedded resources in one `select`, at all levels together. */
	maxEmbeds: number;
	/** Largest request body accepted, in bytes (both `/rest/v1` and `/auth/v1`). */
	maxBodyBytes: number;
	/** Deepest nesting of arrays and objects accepted in a JSON body. */
	maxJsonDepth: number;
	/**
	 * Database time each client address's `/rest/v1` requests over HTTP may use (service_role and
	 * the app's own in-process calls are not counted): `burstMs` at once, then `share` of wall time
	 * (0.05: 50 ms a second). Null: no budget.
	 */
	dbBudget: DbBudget | null;
	/**
	 * Milliseconds a 429 over HTTP waits before it is sent. A refusal costs a little CPU in this
	 * process however cheaply it is decided; a client that asks again the moment it is refused would
	 * otherwise spend that on everyone else's time. Waiting on a timer costs nothing and holds such a
	 * client (one request at a time) to a few refusals a second. A flood over many connections at
	 * once is for the proxy in front to limit. 0: answer at once.
	 */
	refusalDelayMs: number;
}

export interface DbBudget {
	burstMs: number;
	share: number;
}

export const defaultLimits: ApiLimits = {
	statementTimeoutMs: { anon: 3000, authenticated: 8000, service_role: 0 },
	maxRows: 1000,
	maxEmbedDepth: 3,
	maxEmbeds: 10,
	maxBodyBytes: 1024 * 1024,
	maxJsonDepth: 64,
	// A person's page or a supabase-js client spends a few milliseconds a request; a loop of the
	// heaviest reads the caps allow is held to one twentieth of the database.
	dbBudget: { burstMs: 1000, share: 0.05 },
	refusalDelayMs: 250
};

const roles: ApiRole[] = ['anon', 'authenticated', 'service_role'];

/**
 * `GONGYU_STATEMENT_TIMEOUT_MS`: one number for anon and authenticated alike (`5000`), or per role
 * (`anon=3000,authenticated=8000,service_role=0`). Anything else is a configuration error.
 */
export function parseStatementTimeouts(text: string): Partial<Record<ApiRole, number>> {
	const value = text.trim();
	const whole = (raw: string) => {
		if (!/^\d+$/.test(raw.trim())) {
			throw new Error(`GONGYU_STATEMENT_TIMEOUT_MS: "${raw}" is not a number of milliseconds`);
		}
		return Number(raw.trim());
	};
	if (!value.includes('=')) {
		const ms = whole(value);
		return { anon: ms, authenticated: ms };
	}
	const out: Partial<Record<ApiRole, number>> = {};
	for (const part of value.split(',')) {
		const [role, ms = ''] = part.split('=').map((s) => s.trim());
		if (!roles.includes(role as ApiRole)) {
			throw new Error(`GONGYU_STATEMENT_TIMEOUT_MS: unknown role "${role}"`);
		}
		out[role as ApiRole] = whole(ms);
	}
	return out;
}

/**
 * `GONGYU_REST_DB_SHARE` (per cent of wall time, `5` or `5%`; `0` or `off`: no budget) and
 * `GONGYU_REST_DB_BURST_MS`; undefined when neither is set. Anything else is a configuration error.
 */
export function parseDbBudget(
	env: Record<string, string | undefined>
): DbBudget | null | undefined {
	const shareText = env.GONGYU_REST_DB_SHARE?.trim();
	const burstText = env.GONGYU_REST_DB_BURST_MS?.trim();
	if (!shareText && !burstText) return undefined;
	const defaults = defaultLimits.dbBudget as DbBudget;
	let share = defaults.share;
	if (shareText) {
		if (shareText === 'off') return null;
		const percent = shareText.match(/^(\d+(?:\.\d+)?)\s*%?$/);
		if (!percent || Number(percent[1]) > 100) {
			throw new Error(`GONGYU_REST_DB_SHARE: "${shareText}" is not a per cent from 0 to 100`);
		}
		if (Number(percent[1]) === 0) return null;
		share = Number(percent[1]) / 100;
	}
	let burstMs = defaults.burstMs;
	if (burstText) {
		if (!/^\d+$/.test(burstText)) {
			throw new Error(`GONGYU_REST_DB_BURST_MS: "${burstText}" is not a number of milliseconds`);
		}
		burstMs = Number(burstText);
	}
	return { burstMs, share };
}

/**
 * The limits a deployment configures: `[api] max_rows` from the project's `config.toml` (so the
 * embedded API caps reads as the deployed one will; Supabase's default when absent),
 * `GONGYU_STATEMENT_TIMEOUT_MS` and the database-time budget (`parseDbBudget`).
 */
export function configuredLimits(
	env: Record<string, string | undefined>,
	config: TomlTable
): {
	maxRows?: number;
	statementTimeoutMs?: Partial<Record<ApiRole, number>>;
	dbBudget?: DbBudget | null;
	refusalDelayMs?: number;
} {
	const maxRows = maxRowsFromConfig(config);
	const timeouts = env.GONGYU_STATEMENT_TIMEOUT_MS;
	const dbBudget = parseDbBudget(env);
	const delay = env.GONGYU_REFUSAL_DELAY_MS?.trim();
	if (delay && !(/^\d+$/.test(delay) && Number(delay) <= 10_000)) {
		throw new Error(
			`GONGYU_REFUSAL_DELAY_MS: "${delay}" is not a number of milliseconds (0–10000)`
		);
	}
	return {
		...(delay ? { refusalDelayMs: Number(delay) } : {}),
		...(maxRows === null ? {} : { maxRows }),
		...(timeouts ? { statementTimeoutMs: parseStatementTimeouts(timeouts) } : {}),
		...(dbBudget === undefined ? {} : { dbBudget })
	};
}

/** `[api] max_rows`, or null when it is not set; anything but a whole number is an error. */
export function maxRowsFromConfig(config: TomlTable): number | null {
	const value = configTable(config, 'api').max_rows;
	if (value === undefined) return null;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
		throw new Error(`config.toml: [api] max_rows must be a whole number, not ${String(value)}`);
	}
	return value;
}
