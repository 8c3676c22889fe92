/**
 * Rate limits kept in the database (`auth.rate_limits`), so that every app process on one
 * database counts together. Fixed windows: one atomic upsert per request counts the hit for the
 * client address and for the email address at once and returns both counts. A hit is committed on
 * its own, before the request's work, so a request that then fails still counts. A key the
 * database has refused is remembered in memory until its window ends (blocks.ts): the refusals
 * that follow cost no query.
 */
import { createHash } from 'node:crypto';
import type { BlockCache } from '../blocks';
import type { Database } from '../database';
import { AuthError } from './errors';
import type { AuthSettings } from './settings';

export type Rule =
	| 'email_sent'
	| 'sign_in_sign_ups'
	| 'token_verifications'
	| 'token_refresh'
	| 'mfa_verifications'
	| 'passkeys';

const windows: Record<Rule, number> = {
	email_sent: 3600,
	sign_in_sign_ups: 300,
	token_verifications: 300,
	token_refresh: 300,
	mfa_verifications: 300,
	passkeys: 300
};

function limitOf(settings: AuthSettings, rule: Rule): number {
	const l = settings.rateLimits;
	switch (rule) {
		case 'email_sent':
			return l.emailSent;
		case 'sign_in_sign_ups':
			return l.signInSignUps;
		case 'token_verifications':
			return l.tokenVerifications;
		case 'token_refresh':
			return l.tokenRefresh;
		case 'mfa_verifications':
			return l.mfaVerifications;
		case 'passkeys':
			return l.passkeys;
	}
}

/** Keys are stored hashed: the table never holds an address in the clear. */
export const limitKey = (kind: string, value: string) =>
	createHash('sha256').update(`${kind}:${value}`).digest('hex');

/**
 * Counts one hit of `rule` for the client address (when known) and the email address (when the
 * request names one, or the factor whose code is tried); throws GoTrue's 429 with `Retry-After` when either is over its limit. The
 * address's limit is twice the client's. In-process calls without a client address (the app's
 * own server code, tests) are limited per email address only.
 */
export async function hitRateLimit(
	db: Database,
	settings: AuthSettings,
	rule: Rule,
	who: { clientAddress: string | null; email?: string | null; factor?: string | null },
	blocks?: BlockCache
): Promise<void> {
	const limit = limitOf(settings, rule);
	const keys: { key: string; limit: number }[] = [];
	if (who.clientAddress) keys.push({ key: limitKey('ip', who.clientAddress), limit });
	if (who.email) keys.push({ key: limitKey('email', who.email.toLowerCase()), limit: 2 * limit });
	// A factor's codes are guessed from anywhere: each factor has the client's limit, not twice it.
	if (who.factor) keys.push({ key: limitKey('factor', who.factor), limit });
	if (keys.length === 0) return;
	const known = Math.max(0, ...keys.map((k) => blocks?.remaining(`${rule}:${k.key}`) ?? 0));
	if (known > 0) throw overLimit(rule, Math.max(1, Math.ceil(known / 1000)));
	const seconds = windows[rule];
	const values = keys
		.map(
			(_, i) =>
				`($1, $${i + 3}, to_timestamp(floor(extract(epoch from now()) / $2::int) * $2::int),
				to_timestamp(floor(extract(epoch from now()) / $2::int) * $2::int + $2::int), 1)`
		)
		.join(', ');
	const { rows } = await db.query<{ key: string; hits: string; wait: string; left_ms: string }>(
		`insert into auth.rate_limits as r (rule, key, window_start, expires_at, hits) values ${values}
		on conflict (rule, key, window_start) do update set hits = r.hits + 1
		returning r.key, r.hits::text as hits,
			greatest(1, ceil(extract(epoch from r.expires_at - now())))::int::text as wait,
			(extract(epoch from r.expires_at - now()) * 1000)::float8::text as left_ms`,
		[rule, String(seconds), ...keys.map((k) => k.key)]
	);
	// A new window for a key: the moment to sweep windows that have ended (an indexed delete).
	if (rows.some((row) => row.hits === '1')) {
		await db.query('delete from auth.rate_limits where expires_at < now()');
	}
	let wait = 0;
	for (const row of rows) {
		const allowed = keys.find((k) => k.key === row.key)?.limit ?? 0;
		if (Number(row.hits) > allowed) {
			wait = Math.max(wait, Number(row.wait));
			// Hits only grow within a window: refused now means refused until it ends.
			blocks?.block(`${rule}:${row.key}`, Number(row.left_ms));
		}
	}
	if (wait > 0) throw overLimit(rule, wait);
}

export function overLimit(rule: Rule, retryAfterSeconds: number): AuthError {
	const headers = { 'retry-after': String(retryAfterSeconds) };
	return rule === 'email_sent'
		? new AuthError(
				429,
				'over_email_send_rate_limit',
				'Email rate limit exceeded',
				undefined,
				headers
			)
		: new AuthError(
				429,
				'over_request_rate_limit',
				'Request rate limit reached',
				undefined,
				headers
			);
}
