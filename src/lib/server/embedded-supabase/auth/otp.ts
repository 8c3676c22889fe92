/**
 * One-time codes and links, as GoTrue makes them: a 6-digit code, whose hash
 * `sha224(email + code)` (prefixed `pkce_` in the PKCE flow) is what a link carries and what
 * `auth.one_time_tokens` and `users.confirmation_token`/`recovery_token` store.
 */
import { createHash, randomInt, randomUUID } from 'node:crypto';
import type { Queryable } from '../database';
import type { AuthEmail, EmbeddedEnv } from '../env';
import { tooManyRequests } from './errors';

export type TokenKind =
	'confirmation' | 'recovery' | 'email_change_new' | 'email_change_current' | 'reauthentication';

const columns: Record<TokenKind, { token: string; sentAt: string; type: string }> = {
	confirmation: {
		token: 'confirmation_token',
		sentAt: 'confirmation_sent_at',
		type: 'confirmation_token'
	},
	recovery: { token: 'recovery_token', sentAt: 'recovery_sent_at', type: 'recovery_token' },
	email_change_new: {
		token: 'email_change_token_new',
		sentAt: 'email_change_sent_at',
		type: 'email_change_token_new'
	},
	email_change_current: {
		token: 'email_change_token_current',
		sentAt: 'email_change_sent_at',
		type: 'email_change_token_current'
	},
	reauthentication: {
		token: 'reauthentication_token',
		sentAt: 'reauthentication_sent_at',
		type: 'reauthentication_token'
	}
};

export function generateOtp(length: number): string {
	let code = '';
	for (let i = 0; i < length; i++) code += String(randomInt(10));
	return code;
}

export function tokenHash(email: string, otp: string): string {
	return createHash('sha224')
		.update(email + otp)
		.digest('hex');
}

/** GoTrue's SMTP_MAX_FREQUENCY check on the `*_sent_at` column of this kind of token. */
export async function checkFrequency(
	tx: Queryable,
	userId: string,
	kind: TokenKind,
	seconds: number
): Promise<void> {
	if (seconds <= 0) return;
	const { sentAt } = columns[kind];
	const { rows } = await tx.query<{ wait: string | null }>(
		`select ceil(extract(epoch from (${sentAt} + make_interval(secs => $2::float8)) - now()))::int::text as wait
		from auth.users where id = $1::uuid`,
		[userId, String(seconds)]
	);
	const wait = Number(rows[0]?.wait ?? 'NaN');
	if (Number.isFinite(wait) && wait > 0) throw sendTooSoon(wait);
}

/**
 * The send interval for an address that gets no email (unknown, and not to be created): it is
 * kept in `auth.rate_limits` and answered exactly as `checkFrequency`, so asking twice does not
 * tell a known address from an unknown one either.
 */
export async function checkUnsentFrequency(
	tx: Queryable,
	email: string,
	seconds: number
): Promise<void> {
	if (seconds <= 0) return;
	const key = createHash('sha256').update(`unsent:${email.toLowerCase()}`).digest('hex');
	const { rows } = await tx.query<{ wait: string }>(
		`select ceil(extract(epoch from expires_at - now()))::int::text as wait from auth.rate_limits
		where rule = 'unsent_email' and key = $1 and expires_at > now()`,
		[key]
	);
	const wait = Number(rows[0]?.wait ?? 0);
	if (wait > 0) throw sendTooSoon(wait);
	await tx.query(
		`insert into auth.rate_limits as r (rule, key, window_start, expires_at, hits)
		values ('unsent_email', $1, 'epoch', now() + make_interval(secs => $2::float8), 1)
		on conflict (rule, key, window_start) do update set expires_at = excluded.expires_at`,
		[key, String(seconds)]
	);
}

const sendTooSoon = (wait: number) =>
	tooManyRequests(
		'over_email_send_rate_limit',
		`For security purposes, you can only request this after ${wait} seconds.`
	);

export interface IssuedToken {
	otp: string;
	/** What the link carries and `verify` accepts as `token_hash` (with `pkce_` in PKCE). */
	tokenHash: string;
}

/** Stores a fresh token of this kind for the user (replacing any earlier one). */
export async function issueToken(
	tx: Queryable,
	userId: string,
	email: string,
	kind: TokenKind,
	options: { pkce: boolean; otpLength: number; invited?: boolean }
): Promise<IssuedToken> {
	const otp = generateOtp(options.otpLength);
	const hash = tokenHash(email, otp);
	const stored = options.pkce ? `pkce_${hash}` : hash;
	const c = columns[kind];
	await tx.query(
		`update auth.users set ${c.token} = $2, ${c.sentAt} = now()${options.invited ? ', invited_at = now()' : ''}
		${kind === 'email_change_new' ? ', email_change = $3, email_change_confirm_status = 0' : ''}
		where id = $1::uuid`,
		kind === 'email_change_new' ? [userId, stored, email] : [userId, stored]
	);
	await tx.query(
		`delete from auth.one_time_tokens where user_id = $1::uuid and token_type = $2::auth.one_time_token_type`,
		[userId, c.type]
	);
	await tx.query(
		`insert into auth.one_time_tokens (id, user_id, token_type, token_hash, relates_to, created_at, updated_at)
		values ($1::uuid, $2::uuid, $3::auth.one_time_token_type, $4, lower($5), now(), now())`,
		[randomUUID(), userId, c.type, stored, email]
	);
	return { otp, tokenHash: stored };
}

/** GoTrue's `ConfirmationURL`: `<api>/auth/v1/verify?token=…&type=…&redirect_to=…`. */
export function actionLink(
	env: EmbeddedEnv,
	hash: string,
	type: string,
	redirectTo: string
): string {
	return (
		`${env.apiUrl}/auth/v1/verify?token=${encodeURIComponent(hash)}` +
		`&type=${encodeURIComponent(type)}&redirect_to=${encodeURIComponent(redirectTo)}`
	);
}

export function authEmail(
	env: EmbeddedEnv,
	type: AuthEmail['type'],
	email: string,
	token: IssuedToken,
	redirectTo: string,
	userMetadata: Record<string, unknown>
): AuthEmail {
	return {
		type,
		email,
		token: token.otp,
		tokenHash: token.tokenHash,
		actionLink: actionLink(env, token.tokenHash, type, redirectTo),
		redirectTo,
		userMetadata
	};
}

export interface FoundToken {
	id: string;
	userId: string;
	tokenType: string;
	tokenHash: string;
	expired: boolean;
}

/**
 * Finds a live one-time token among `hashes` of the given types (optionally for one email) and
 * locks it. `expired` when the code's `*_sent_at` or the token row is older than the OTP expiry.
 */
export async function findToken(
	tx: Queryable,
	hashes: string[],
	types: string[],
	otpExpiry: number,
	email?: string
): Promise<FoundToken | null> {
	const { rows } = await tx.query<{
		id: string;
		user_id: string;
		token_type: string;
		token_hash: string;
		expired: string;
	}>(
		`select t.id::text as id, t.user_id::text as user_id, t.token_type::text as token_type, t.token_hash,
			(t.created_at < now()::timestamp - make_interval(secs => $3::float8)
			 or coalesce(case t.token_type
				when 'confirmation_token' then u.confirmation_sent_at
				when 'recovery_token' then u.recovery_sent_at
				else u.email_change_sent_at end, '-infinity'::timestamptz)
				< now() - make_interval(secs => $3::float8))::text as expired
		from auth.one_time_tokens t join auth.users u on u.id = t.user_id
		where t.token_hash = any($1::text[]) and t.token_type::text = any($2::text[])
			and ($4::text is null or lower(t.relates_to) = lower($4))
		order by t.created_at desc limit 1
		for update of t`,
		[toPgArray(hashes), toPgArray(types), String(otpExpiry), email ?? null]
	);
	const row = rows[0];
	if (!row) return null;
	return {
		id: row.id,
		userId: row.user_id,
		tokenType: row.token_type,
		tokenHash: row.token_hash,
		expired: row.expired === 'true'
	};
}

/** Text of a Postgres array literal for plain tokens (hex, `pkce_`, type names). */
function toPgArray(values: string[]): string {
	return `{${values.map((v) => `"${v.replace(/["\\]/g, '')}"`).join(',')}}`;
}

/** Clears one kind of token (after use), in both places GoTrue keeps it. */
export async function clearToken(tx: Queryable, userId: string, kind: TokenKind): Promise<void> {
	const c = columns[kind];
	await tx.query(`update auth.users set ${c.token} = '' where id = $1::uuid`, [userId]);
	await tx.query(
		`delete from auth.one_time_tokens where user_id = $1::uuid and token_type = $2::auth.one_time_token_type`,
		[userId, c.type]
	);
}

export function kindOfTokenType(tokenType: string): TokenKind {
	if (tokenType === 'confirmation_token') return 'confirmation';
	if (tokenType === 'recovery_token') return 'recovery';
	if (tokenType === 'reauthentication_token') return 'reauthentication';
	if (tokenType === 'email_change_token_current') return 'email_change_current';
	return 'email_change_new';
}

/**
 * Locks every live code sent to `email` of the given types and returns their ids: verifications of
 * one address then take turns, so the count of wrong tries below is exact however many race.
 */
export async function lockCodesOf(
	tx: Queryable,
	email: string,
	types: string[]
): Promise<string[]> {
	const { rows } = await tx.query<{ id: string }>(
		`select id::text as id from auth.one_time_tokens
		where lower(relates_to) = lower($1) and token_type::text = any($2::text[])
		order by id for update`,
		[email, toPgArray(types)]
	);
	return rows.map((r) => r.id);
}

/** Wrong tries already made at this code (kept in `auth.rate_limits`, rule `code_attempts`). */
export async function wrongTries(tx: Queryable, tokenId: string): Promise<number> {
	const { rows } = await tx.query<{ hits: string }>(
		`select hits::text as hits from auth.rate_limits where rule = 'code_attempts' and key = $1`,
		[tokenId]
	);
	return Number(rows[0]?.hits ?? 0);
}

/**
 * Counts one wrong try at each of these codes; a code that reaches `max` is spent: deleted, with
 * its send time cleared so that a new code may be asked for at once.
 */
export async function countWrongTry(
	tx: Queryable,
	tokenIds: string[],
	max: number,
	otpExpiry: number
): Promise<void> {
	for (const id of tokenIds) {
		const { rows } = await tx.query<{ hits: string }>(
			`insert into auth.rate_limits as r (rule, key, window_start, expires_at, hits)
			values ('code_attempts', $1, 'epoch', now() + make_interval(secs => $2::float8), 1)
			on conflict (rule, key, window_start) do update set hits = r.hits + 1
			returning r.hits::text as hits`,
			[id, String(otpExpiry)]
		);
		if (Number(rows[0].hits) < max) continue;
		const spent = await tx.query<{ user_id: string; token_type: string }>(
			`delete from auth.one_time_tokens where id = $1::uuid
			returning user_id::text as user_id, token_type::text as token_type`,
			[id]
		);
		const row = spent.rows[0];
		if (!row) continue;
		const c = columns[kindOfTokenType(row.token_type)];
		await tx.query(
			`update auth.users set ${c.token} = '', ${c.sentAt} = null where id = $1::uuid`,
			[row.user_id]
		);
	}
}
