/**
 * A budget of database time per client address for `/rest/v1` requests that arrive over HTTP, so
 * that a loop of the heaviest reads the caps allow holds the database for a small share of the
 * time instead of all of it (one request at a time on PGlite, a handful of cores on a server).
 *
 * A token bucket kept as its theoretical finish time (GCRA), in `auth.rate_limits` beside the Auth
 * limits, so every process on the database counts together: each request's database time `t`
 * pushes the address's `expires_at` on by `t / share` from `max(expires_at, now)`. The address is
 * over budget while `expires_at` lies more than `burstMs / share` ahead; a row whose `expires_at`
 * has passed owes nothing and is swept with the Auth windows. The charge is made after the request
 * (its cost is known only then), so a process that has not yet seen an address's block lets one
 * request through before it learns it; the refusals after that come from memory (blocks.ts).
 */
import { limitKey } from './auth/rate-limits';
import type { BlockCache } from './blocks';
import type { Database } from './database';
import type { DbBudget } from './limits';
import { RestError } from './rest/errors';

const RULE = 'rest_db_time';

/** The key an address's budget is kept and remembered under. */
export const budgetKey = (clientAddress: string) => limitKey('ip', clientAddress);

const cacheKey = (key: string) => `${RULE}:${key}`;

/**
 * The refusal: PostgREST has no rate limit of its own, so its error shape with a code of this
 * API's (`PGRST` and the HTTP status, as PostgREST's own codes are built).
 */
export function overBudget(waitMs: number): RestError {
	const seconds = Math.max(1, Math.ceil(waitMs / 1000));
	return new RestError(
		429,
		'PGRST429',
		'Too many requests: this client has used its share of database time',
		null,
		`Try again in ${seconds} s; cheaper queries (fewer embeds, smaller pages) go further.`,
		{ 'retry-after': String(seconds) }
	);
}

/** A known block on the address: the refusal to answer at once, without the database. */
export function knownOverBudget(blocks: BlockCache, key: string): RestError | null {
	const left = blocks.remaining(cacheKey(key));
	return left > 0 ? overBudget(left) : null;
}

/**
 * Adds `spentMs` of database time to the address's account in one atomic upsert and remembers a
 * block when the account is now over budget.
 */
export async function chargeDbTime(
	db: Database,
	blocks: BlockCache,
	budget: DbBudget,
	key: string,
	spentMs: number
): Promise<void> {
	const advanceMs = spentMs / budget.share;
	const { rows } = await db.query<{ hits: string; ahead_ms: string }>(
		`insert into auth.rate_limits as r (rule, key, window_start, expires_at, hits)
		values ($1, $2, 'epoch', now() + $3::float8 * interval '1 millisecond', 1)
		on conflict (rule, key, window_start) do update
			set expires_at = greatest(r.expires_at, now()) + $3::float8 * interval '1 millisecond',
				hits = least(r.hits, 2147483646) + 1
		returning r.hits::text as hits,
			(extract(epoch from r.expires_at - now()) * 1000)::float8::text as ahead_ms`,
		[RULE, key, String(advanceMs)]
	);
	const row = rows[0];
	if (!row) return;
	// A new account: the moment to sweep the ones that owe nothing any more (an indexed delete).
	if (row.hits === '1') await db.query('delete from auth.rate_limits where expires_at < now()');
	const over = Number(row.ahead_ms) - budget.burstMs / budget.share;
	if (over > 0) blocks.block(cacheKey(key), over);
}
