/**
 * `auth.users` and `auth.identities`, read and written the way GoTrue does, and the user object
 * GoTrue returns (its JSON field names; empty optional timestamps left out).
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../database';

export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** An ISO timestamp in UTC with microseconds, as Go prints `time.Time`. */
export const ts = (column: string) =>
	`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The user object's `factors` (GoTrue leaves the field out when there are none). */
export const factorsJson = `(select json_agg(json_build_object(
		'id', f.id, 'friendly_name', coalesce(f.friendly_name, ''), 'factor_type', f.factor_type,
		'status', f.status, 'created_at', ${ts('f.created_at')}, 'updated_at', ${ts('f.updated_at')}
	) order by f.created_at, f.id)
	from auth.mfa_factors f where f.user_id = u.id)::text as factors`;

const userColumns = `
	u.id::text as id, u.aud, u.role, u.email, u.phone, u.encrypted_password,
	u.is_anonymous::text as is_anonymous,
	${ts('u.email_confirmed_at')} as email_confirmed_at,
	${ts('u.invited_at')} as invited_at,
	${ts('u.phone_confirmed_at')} as phone_confirmed_at,
	${ts('u.confirmation_sent_at')} as confirmation_sent_at,
	${ts('u.confirmed_at')} as confirmed_at,
	${ts('u.recovery_sent_at')} as recovery_sent_at,
	u.email_change as new_email,
	${ts('u.email_change_sent_at')} as email_change_sent_at,
	u.phone_change as new_phone,
	${ts('u.phone_change_sent_at')} as phone_change_sent_at,
	${ts('u.reauthentication_sent_at')} as reauthentication_sent_at,
	${ts('u.last_sign_in_at')} as last_sign_in_at,
	${ts('u.created_at')} as created_at,
	${ts('u.updated_at')} as updated_at,
	${ts('u.banned_until')} as banned_until,
	${ts('u.deleted_at')} as deleted_at,
	(u.banned_until is not null and u.banned_until > now())::text as banned,
	coalesce(u.raw_app_meta_data, '{}'::jsonb)::text as app_metadata,
	coalesce(u.raw_user_meta_data, '{}'::jsonb)::text as user_metadata,
	(select coalesce(json_agg(json_build_object(
		'identity_id', i.id, 'id', i.provider_id, 'user_id', i.user_id,
		'identity_data', i.identity_data, 'provider', i.provider,
		'last_sign_in_at', ${ts('i.last_sign_in_at')},
		'created_at', ${ts('i.created_at')}, 'updated_at', ${ts('i.updated_at')},
		'email', i.email
	) order by i.created_at, i.id), '[]'::json)
	from auth.identities i where i.user_id = u.id)::text as identities,
	${factorsJson}`;

interface UserRow {
	id: string;
	aud: string | null;
	role: string | null;
	email: string | null;
	phone: string | null;
	encrypted_password: string | null;
	is_anonymous: string | null;
	email_confirmed_at: string | null;
	invited_at: string | null;
	phone_confirmed_at: string | null;
	confirmation_sent_at: string | null;
	confirmed_at: string | null;
	recovery_sent_at: string | null;
	new_email: string | null;
	email_change_sent_at: string | null;
	new_phone: string | null;
	phone_change_sent_at: string | null;
	reauthentication_sent_at: string | null;
	last_sign_in_at: string | null;
	created_at: string | null;
	updated_at: string | null;
	banned_until: string | null;
	deleted_at: string | null;
	banned: string | null;
	app_metadata: string;
	user_metadata: string;
	identities: string;
	factors: string | null;
}

export interface AuthUser {
	id: string;
	email: string;
	encryptedPassword: string | null;
	confirmed: boolean;
	emailConfirmed: boolean;
	banned: boolean;
	isAnonymous: boolean;
	aud: string;
	role: string;
	appMetadata: Record<string, unknown>;
	userMetadata: Record<string, unknown>;
	/** The user object as GoTrue serialises it. */
	json: Record<string, unknown>;
}

function parseObject(text: string | null): Record<string, unknown> {
	try {
		const value = JSON.parse(text ?? '{}');
		return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
	} catch {
		return {};
	}
}

function toUser(row: UserRow): AuthUser {
	const appMetadata = parseObject(row.app_metadata);
	const userMetadata = parseObject(row.user_metadata);
	const identities = (JSON.parse(row.identities ?? '[]') as Record<string, unknown>[]).map(
		(identity) => {
			const out = { ...identity };
			if (out.last_sign_in_at === null) delete out.last_sign_in_at;
			if (out.email === null) delete out.email;
			if (out.identity_data === null) delete out.identity_data;
			return out;
		}
	);
	const json: Record<string, unknown> = {
		id: row.id,
		aud: row.aud ?? '',
		role: row.role ?? '',
		email: row.email ?? ''
	};
	const optional = (key: string, value: string | null) => {
		if (value !== null && value !== '') json[key] = value;
	};
	optional('email_confirmed_at', row.email_confirmed_at);
	optional('invited_at', row.invited_at);
	json.phone = row.phone ?? '';
	optional('phone_confirmed_at', row.phone_confirmed_at);
	optional('confirmation_sent_at', row.confirmation_sent_at);
	optional('confirmed_at', row.confirmed_at);
	optional('recovery_sent_at', row.recovery_sent_at);
	optional('new_email', row.new_email);
	optional('email_change_sent_at', row.email_change_sent_at);
	optional('new_phone', row.new_phone);
	optional('phone_change_sent_at', row.phone_change_sent_at);
	optional('reauthentication_sent_at', row.reauthentication_sent_at);
	optional('last_sign_in_at', row.last_sign_in_at);
	json.app_metadata = appMetadata;
	json.user_metadata = userMetadata;
	json.identities = identities;
	json.created_at = row.created_at;
	json.updated_at = row.updated_at;
	optional('banned_until', row.banned_until);
	optional('deleted_at', row.deleted_at);
	json.is_anonymous = row.is_anonymous === 'true';
	if (row.factors) json.factors = JSON.parse(row.factors);
	return {
		id: row.id,
		email: row.email ?? '',
		encryptedPassword: row.encrypted_password,
		confirmed: row.confirmed_at !== null,
		emailConfirmed: row.email_confirmed_at !== null,
		banned: row.banned === 'true',
		isAnonymous: row.is_anonymous === 'true',
		aud: row.aud || 'authenticated',
		role: row.role || 'authenticated',
		appMetadata,
		userMetadata,
		json
	};
}

export async function findUserById(
	tx: Queryable,
	id: string,
	forUpdate = false
): Promise<AuthUser | null> {
	if (!isUuid(id)) return null;
	const { rows } = await tx.query<UserRow>(
		`select ${userColumns} from auth.users u where u.id = $1::uuid${forUpdate ? ' for update of u' : ''}`,
		[id]
	);
	return rows[0] ? toUser(rows[0]) : null;
}

/**
 * The user and whether the token's session still exists, in one read without a row lock: what
 * GET /user needs on every page a signed-in visitor opens, as JSON with the user's columns and
 * `session_exists` (true when `p_session` is null: the token names none), or null. A PL/pgSQL
 * function made by the bootstrap, so its long query is planned once per connection rather than on
 * every call (planning was most of its cost). Only the owner may call it.
 */
export const userWithSessionSql = `
create or replace function auth.user_with_session(p_id uuid, p_session uuid) returns json
language plpgsql stable as $fn$
begin
	return (select row_to_json(x) from (
		select ${userColumns},
			(p_session is null or exists (select 1 from auth.sessions s where s.id = p_session))::text
				as session_exists
		from auth.users u where u.id = p_id
	) x);
end
$fn$;
revoke all on function auth.user_with_session(uuid, uuid) from public;
`;

export async function findUserWithSession(
	q: Queryable,
	id: string,
	sessionId: string | null
): Promise<{ user: AuthUser | null; sessionExists: boolean }> {
	if (!isUuid(id)) return { user: null, sessionExists: false };
	const { rows } = await q.query<{ row: string | null }>(
		'select auth.user_with_session($1::uuid, $2::uuid)::text as row',
		[id, sessionId]
	);
	const row = rows[0]?.row
		? (JSON.parse(rows[0].row) as UserRow & { session_exists: string })
		: null;
	return row
		? { user: toUser(row), sessionExists: row.session_exists === 'true' }
		: { user: null, sessionExists: false };
}

export async function findUserByEmail(
	tx: Queryable,
	email: string,
	forUpdate = false
): Promise<AuthUser | null> {
	const { rows } = await tx.query<UserRow>(
		`select ${userColumns} from auth.users u
		where lower(u.email) = lower($1) and u.is_sso_user = false
		order by u.created_at limit 1${forUpdate ? ' for update of u' : ''}`,
		[email]
	);
	return rows[0] ? toUser(rows[0]) : null;
}

export async function listUsers(
	tx: Queryable,
	page: number,
	perPage: number
): Promise<{ users: AuthUser[]; total: number }> {
	const { rows } = await tx.query<UserRow & { total: string }>(
		`select ${userColumns}, count(*) over ()::text as total from auth.users u
		where coalesce(u.aud, 'authenticated') = 'authenticated'
		order by u.created_at desc, u.id desc offset $1 limit $2`,
		[String((page - 1) * perPage), String(perPage)]
	);
	let total = rows[0] ? Number(rows[0].total) : 0;
	if (rows.length === 0 && page > 1) {
		const count = await tx.query<{ n: string }>(
			`select count(*)::text as n from auth.users where coalesce(aud, 'authenticated') = 'authenticated'`
		);
		total = Number(count.rows[0].n);
	}
	return { users: rows.map(toUser), total };
}

export function isUuid(value: unknown): value is string {
	return (
		typeof value === 'string' &&
		/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)
	);
}

export interface NewUser {
	id?: string;
	email: string | null;
	encryptedPassword: string | null;
	userMetadata: Record<string, unknown>;
	appMetadata: Record<string, unknown>;
	role?: string;
	confirmed?: boolean;
	invited?: boolean;
	/** Extra keys for the email identity's `identity_data` (sign-up copies `data` there). */
	identityData?: Record<string, unknown>;
	/** An anonymous user: no email, no identity (`is_anonymous`). */
	anonymous?: boolean;
}

/** Inserts the user and its email identity, as GoTrue's sign-up and admin create do. */
export async function insertUser(tx: Queryable, user: NewUser): Promise<string> {
	const id = user.id ?? randomUUID();
	await tx.query(
		`insert into auth.users (
			instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, invited_at,
			confirmation_token, recovery_token, email_change_token_new, email_change,
			raw_app_meta_data, raw_user_meta_data, created_at, updated_at, is_sso_user, is_anonymous
		) values (
			$1::uuid, $2::uuid, 'authenticated', $3, $4, $5,
			case when $6::boolean then now() end, case when $7::boolean then now() end,
			'', '', '', '', $8::jsonb, $9::jsonb, now(), now(), false, $10::boolean
		)`,
		[
			NIL_UUID,
			id,
			user.role ?? 'authenticated',
			user.email,
			user.encryptedPassword,
			String(user.confirmed === true),
			String(user.invited === true),
			JSON.stringify(user.appMetadata),
			JSON.stringify(user.userMetadata),
			String(user.anonymous === true)
		]
	);
	if (user.anonymous) return id;
	const identityData: Record<string, unknown> = {
		sub: id,
		email: user.email,
		email_verified: user.confirmed === true,
		phone_verified: false
	};
	for (const [k, v] of Object.entries(user.identityData ?? {})) {
		if (!(k in identityData)) identityData[k] = v;
	}
	await tx.query(
		`insert into auth.identities (id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
		values ($1::uuid, $2, $3::uuid, $4::jsonb, 'email', now(), now(), now())`,
		[randomUUID(), id, id, JSON.stringify(identityData)]
	);
	return id;
}

/** GoTrue's `user.Confirm`: confirms the email, clears the confirmation token, verifies the identity. */
export async function confirmUser(tx: Queryable, userId: string): Promise<void> {
	await tx.query(
		`update auth.users set email_confirmed_at = coalesce(email_confirmed_at, now()),
			confirmation_token = '', updated_at = now()
		where id = $1::uuid`,
		[userId]
	);
	await tx.query(
		`delete from auth.one_time_tokens where user_id = $1::uuid and token_type = 'confirmation_token'`,
		[userId]
	);
	await tx.query(
		`update auth.identities set identity_data = identity_data || '{"email_verified": true}'::jsonb,
			updated_at = now()
		where user_id = $1::uuid and provider = 'email'
			and lower(identity_data ->> 'email') = lower((select email from auth.users where id = $1::uuid))`,
		[userId]
	);
}

/** Metadata updates merge key by key; a `null` value removes the key (GoTrue's behaviour). */
export function mergeMetadata(
	current: Record<string, unknown>,
	updates: Record<string, unknown>
): Record<string, unknown> {
	const next = { ...current };
	for (const [key, value] of Object.entries(updates)) {
		if (value === null) delete next[key];
		else next[key] = value;
	}
	return next;
}

export const EMAIL_APP_METADATA = { provider: 'email', providers: ['email'] };
