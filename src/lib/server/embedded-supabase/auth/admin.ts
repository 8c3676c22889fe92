/**
 * GoTrue's admin API (secret key only): users, invitations and `generate_link`, which tests and
 * server code use to sign someone in without an inbox.
 */
import type { Queryable } from '../database';
import { inTx, redirectTarget, sendMail, type Ctx } from './context';
import { badRequest, notFound, unprocessable } from './errors';
import { bool, json, obj, readJsonBody, str, validateEmail, type Json } from './http';
import { actionLink, authEmail, issueToken, type TokenKind } from './otp';
import { MAX_PASSWORD_LENGTH, checkPasswordStrength, hashPassword } from './passwords';
import { logout } from './tokens';
import {
	EMAIL_APP_METADATA,
	confirmUser,
	findUserByEmail,
	findUserById,
	insertUser,
	isUuid,
	listUsers,
	mergeMetadata,
	type AuthUser
} from './users';

const emailExists = () =>
	unprocessable('email_exists', 'A user with this email address has already been registered');

/** Go's `time.ParseDuration` for what bans use: `24h`, `1h30m`, `90s`, `none`. */
export function parseBanDuration(value: string): number | null {
	if (value === 'none') return 0;
	const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
	const units: Record<string, number> = {
		ns: 1e-6,
		us: 1e-3,
		µs: 1e-3,
		ms: 1,
		s: 1000,
		m: 60_000,
		h: 3_600_000
	};
	let total = 0;
	let matched = 0;
	let m: RegExpExecArray | null;
	while ((m = re.exec(value))) {
		total += Number(m[1]) * units[m[2]];
		matched += m[0].length;
	}
	if (matched !== value.length || value.length === 0) return null;
	return total;
}

function banDurationParam(body: Json): number | null | undefined {
	const raw = str(body, 'ban_duration');
	if (!raw) return undefined;
	const ms = parseBanDuration(raw);
	if (ms === null) {
		throw badRequest(
			'validation_failed',
			`invalid format for ban duration: time: invalid duration "${raw}"`
		);
	}
	return ms;
}

async function setBan(tx: Queryable, userId: string, ms: number): Promise<void> {
	await tx.query(
		`update auth.users set banned_until = case when $2::float8 = 0 then null
			else now() + make_interval(secs => $2::float8 / 1000) end, updated_at = now()
		where id = $1::uuid`,
		[userId, String(ms)]
	);
}

function passwordParam(body: Json): string | null {
	if (body.password === undefined || body.password === null) return null;
	const password = str(body, 'password');
	if (Buffer.byteLength(password) > MAX_PASSWORD_LENGTH) {
		throw badRequest(
			'validation_failed',
			`Password cannot be longer than ${MAX_PASSWORD_LENGTH} characters`
		);
	}
	return password;
}

// ---------------------------------------------------------------- users

export async function createUser(ctx: Ctx): Promise<Response> {
	const body = await readJsonBody(ctx.request, ctx.env);
	const rawEmail = str(body, 'email');
	const phone = str(body, 'phone');
	if (!rawEmail && !phone) {
		throw badRequest('validation_failed', 'Cannot create a user without either an email or phone');
	}
	if (!rawEmail) throw badRequest('phone_provider_disabled', 'Phone users are not supported here');
	const email = validateEmail(rawEmail);
	const password = passwordParam(body);
	const passwordHash = str(body, 'password_hash');
	if (password && passwordHash) {
		throw badRequest('validation_failed', 'Only a password or a password hash should be provided');
	}
	if (passwordHash && !/^\$2[abxy]\$\d\d\$[./A-Za-z0-9]{53}$/.test(passwordHash)) {
		throw badRequest('validation_failed', 'Only bcrypt password hashes are supported');
	}
	const id = str(body, 'id');
	if (id && !isUuid(id))
		throw badRequest('validation_failed', 'ID must conform to the uuid v4 format');
	if (id === '00000000-0000-0000-0000-000000000000') {
		throw badRequest('validation_failed', 'ID cannot be a nil uuid');
	}
	const userMetadata = obj(body, 'user_metadata') ?? {};
	const appMetadata = obj(body, 'app_metadata');
	const emailConfirm = bool(body, 'email_confirm', false);
	const role = str(body, 'role');
	const ban = banDurationParam(body);

	const user = await inTx(ctx, async (tx) => {
		if (await findUserByEmail(tx, email)) throw emailExists();
		if (id && (await findUserById(tx, id))) {
			throw unprocessable('user_already_exists', 'A user with this ID already exists');
		}
		const userId = await insertUser(tx, {
			id: id || undefined,
			email,
			encryptedPassword: password ? await hashPassword(tx, password) : passwordHash || null,
			userMetadata,
			appMetadata: mergeMetadata({ ...EMAIL_APP_METADATA }, appMetadata ?? {}),
			role: role || 'authenticated'
		});
		if (phone) {
			await tx.query('update auth.users set phone = $2 where id = $1::uuid', [userId, phone]);
		}
		if (emailConfirm) await confirmUser(tx, userId);
		if (ban !== undefined && ban !== null) await setBan(tx, userId, ban);
		return (await findUserById(tx, userId)) as AuthUser;
	});
	return json(user.json);
}

/** `page` and `per_page` of an admin listing, as GoTrue reads them (50 a page, at most 1000). */
export function pagination(ctx: Ctx): { page: number; perPage: number } {
	const params = ctx.url.searchParams;
	const parse = (name: string, fallback: number) => {
		const raw = params.get(name);
		if (raw === null || raw === '') return fallback;
		if (!/^\d+$/.test(raw)) {
			throw badRequest('validation_failed', `Bad Pagination Parameters: invalid ${name}`);
		}
		return Number(raw);
	};
	return {
		page: Math.max(1, parse('page', 1)),
		perPage: Math.min(1000, Math.max(1, parse('per_page', 50)))
	};
}

/** GoTrue's `Link` (next and last pages) and `X-Total-Count` headers of an admin listing. */
export function paginationHeaders(
	path: string,
	page: number,
	perPage: number,
	total: number
): Record<string, string> {
	const totalPages = Math.ceil(total / perPage);
	const link = (p: number) => `<${path}?page=${p}&per_page=${perPage}>`;
	let header = '';
	if (totalPages > page) header += `${link(page + 1)}; rel="next", `;
	header += `${link(totalPages)}; rel="last"`;
	return { link: header, 'x-total-count': String(total) };
}

export async function listUsersRoute(ctx: Ctx): Promise<Response> {
	const { page, perPage } = pagination(ctx);
	const { users, total } = await inTx(ctx, (tx) => listUsers(tx, page, perPage));
	return json(
		{ users: users.map((u) => u.json), aud: 'authenticated' },
		200,
		paginationHeaders('/auth/v1/admin/users', page, perPage, total)
	);
}

function userIdFrom(path: string): string {
	const id = decodeURIComponent(path.slice('/admin/users/'.length));
	if (!isUuid(id)) throw notFound('validation_failed', 'user_id must be an UUID');
	return id.toLowerCase();
}

async function loadUser(tx: Queryable, id: string): Promise<AuthUser> {
	const user = await findUserById(tx, id, true);
	if (!user) throw notFound('user_not_found', 'User not found');
	return user;
}

export async function getUserRoute(ctx: Ctx, path: string): Promise<Response> {
	const id = userIdFrom(path);
	const user = await inTx(ctx, (tx) => loadUser(tx, id));
	return json(user.json);
}

export async function updateUserRoute(ctx: Ctx, path: string): Promise<Response> {
	const id = userIdFrom(path);
	const body = await readJsonBody(ctx.request, ctx.env);
	const rawEmail = str(body, 'email');
	const email = rawEmail ? validateEmail(rawEmail) : '';
	const password = passwordParam(body);
	if (password !== null) {
		const weak = checkPasswordStrength(password, ctx.settings.minPasswordLength);
		if (weak) throw weak;
	}
	const emailConfirm = bool(body, 'email_confirm', false);
	const userMetadata = obj(body, 'user_metadata');
	const appMetadata = obj(body, 'app_metadata');
	const role = str(body, 'role');
	const phone = str(body, 'phone');
	const ban = banDurationParam(body);

	const user = await inTx(ctx, async (tx) => {
		const user = await loadUser(tx, id);
		if (role) {
			await tx.query('update auth.users set role = $2 where id = $1::uuid', [id, role]);
		}
		if (emailConfirm) await confirmUser(tx, id);
		if (password !== null) {
			await tx.query(
				`update auth.users set encrypted_password = $2, confirmation_token = '', recovery_token = '',
					email_change_token_current = '', email_change_token_new = '', reauthentication_token = '',
					confirmation_sent_at = null, recovery_sent_at = null, email_change_sent_at = null
				where id = $1::uuid`,
				[id, await hashPassword(tx, password)]
			);
			await tx.query('delete from auth.one_time_tokens where user_id = $1::uuid', [id]);
			await logout(tx, id, null, 'global');
		}
		if (email && email !== user.email) {
			const other = await findUserByEmail(tx, email);
			if (other && other.id !== id) throw emailExists();
			await tx.query('update auth.users set email = $2 where id = $1::uuid', [id, email]);
			const { rowCount } = await tx.query(
				`update auth.identities set identity_data = identity_data
					|| jsonb_build_object('email', $2::text, 'email_verified', $3::boolean), updated_at = now()
				where user_id = $1::uuid and provider = 'email'`,
				[id, email, String(emailConfirm)]
			);
			if (rowCount === 0) {
				await tx.query(
					`insert into auth.identities (id, provider_id, user_id, identity_data, provider, created_at, updated_at)
					values (gen_random_uuid(), $1::text, $4::uuid, jsonb_build_object('sub', $1::text, 'email', $2::text,
						'email_verified', $3::boolean, 'phone_verified', false), 'email', now(), now())`,
					[id, email, String(emailConfirm), id]
				);
			}
		}
		if (phone) await tx.query('update auth.users set phone = $2 where id = $1::uuid', [id, phone]);
		if (appMetadata) {
			await tx.query('update auth.users set raw_app_meta_data = $2::jsonb where id = $1::uuid', [
				id,
				JSON.stringify(mergeMetadata(user.appMetadata, appMetadata))
			]);
		}
		if (userMetadata) {
			await tx.query('update auth.users set raw_user_meta_data = $2::jsonb where id = $1::uuid', [
				id,
				JSON.stringify(mergeMetadata(user.userMetadata, userMetadata))
			]);
		}
		if (ban !== undefined && ban !== null) await setBan(tx, id, ban);
		await tx.query('update auth.users set updated_at = now() where id = $1::uuid', [id]);
		return (await findUserById(tx, id)) as AuthUser;
	});
	return json(user.json);
}

export async function deleteUserRoute(ctx: Ctx, path: string): Promise<Response> {
	const id = userIdFrom(path);
	const body = await readJsonBody(ctx.request, ctx.env);
	const soft = bool(body, 'should_soft_delete', false);
	await inTx(ctx, async (tx) => {
		const user = await loadUser(tx, id);
		if (!soft) {
			await tx.query('delete from auth.users where id = $1::uuid', [id]);
			return;
		}
		if (user.json.deleted_at) return;
		await logout(tx, id, null, 'global');
		await tx.query('delete from auth.identities where user_id = $1::uuid', [id]);
		await tx.query('delete from auth.one_time_tokens where user_id = $1::uuid', [id]);
		await tx.query(
			`update auth.users set deleted_at = now(), email = null, phone = null, encrypted_password = '',
				confirmation_token = '', recovery_token = '', email_change = '', email_change_token_new = '',
				raw_user_meta_data = '{}'::jsonb, updated_at = now()
			where id = $1::uuid`,
			[id]
		);
	});
	return json({});
}

// ---------------------------------------------------------------- invite and generate_link

export async function invite(ctx: Ctx): Promise<Response> {
	const body = await readJsonBody(ctx.request, ctx.env);
	const email = validateEmail(str(body, 'email'));
	const data = obj(body, 'data') ?? {};
	const redirectTo = redirectTarget(ctx);
	const result = await inTx(ctx, async (tx) => {
		let user = await findUserByEmail(tx, email, true);
		if (user?.emailConfirmed) throw emailExists();
		if (!user) {
			const id = await insertUser(tx, {
				email,
				encryptedPassword: null,
				userMetadata: data,
				appMetadata: { ...EMAIL_APP_METADATA }
			});
			user = (await findUserById(tx, id)) as AuthUser;
		}
		const issued = await issueToken(tx, user.id, email, 'confirmation', {
			pkce: false,
			otpLength: ctx.settings.otpLength,
			invited: true
		});
		const fresh = (await findUserById(tx, user.id)) as AuthUser;
		return {
			user: fresh,
			mail: authEmail(ctx.env, 'invite', email, issued, redirectTo, fresh.userMetadata)
		};
	});
	await sendMail(ctx, result.mail);
	return json(result.user.json);
}

const linkKinds: Record<string, TokenKind> = {
	magiclink: 'recovery',
	recovery: 'recovery',
	signup: 'confirmation',
	invite: 'confirmation'
};

/**
 * An email change link for one of the two addresses: the change is recorded as `updateUser`
 * records it (both codes when changes are double-confirmed, else the new address's only), and the
 * link of the address asked for is answered. No email is sent.
 */
async function emailChangeLink(
	ctx: Ctx,
	type: 'email_change_current' | 'email_change_new',
	email: string,
	rawNewEmail: string,
	redirectTo: string
): Promise<Response> {
	if (!rawNewEmail) {
		throw badRequest('validation_failed', 'The new email address must be provided');
	}
	const newEmail = validateEmail(rawNewEmail);
	const result = await inTx(ctx, async (tx) => {
		const user = await findUserByEmail(tx, email, true);
		if (!user) throw notFound('user_not_found', 'User with this email not found');
		const taken = await findUserByEmail(tx, newEmail);
		if (taken && taken.id !== user.id) throw emailExists();
		const options = { pkce: false, otpLength: ctx.settings.otpLength };
		const fresh = await issueToken(tx, user.id, newEmail, 'email_change_new', options);
		const current =
			ctx.settings.secureEmailChange || type === 'email_change_current'
				? await issueToken(tx, user.id, email, 'email_change_current', options)
				: null;
		const issued = type === 'email_change_current' && current ? current : fresh;
		return { user: (await findUserById(tx, user.id)) as AuthUser, issued };
	});
	return json({
		...result.user.json,
		action_link: actionLink(ctx.env, result.issued.tokenHash, 'email_change', redirectTo),
		email_otp: result.issued.otp,
		hashed_token: result.issued.tokenHash,
		verification_type: type,
		redirect_to: redirectTo
	});
}

/**
 * GoTrue's `adminGenerateLink`: the user's fields plus `action_link`, `email_otp`, `hashed_token`,
 * `redirect_to` and `verification_type` at the top level (auth-js splits them into `properties`).
 * No email is sent.
 */
export async function generateLink(ctx: Ctx): Promise<Response> {
	const body = await readJsonBody(ctx.request, ctx.env);
	let type = str(body, 'type');
	const email = validateEmail(str(body, 'email'));
	const data = obj(body, 'data');
	const password = passwordParam(body);
	const redirectTo = redirectTarget(ctx, str(body, 'redirect_to') || undefined);
	if (type === 'email_change_current' || type === 'email_change_new') {
		return emailChangeLink(ctx, type, email, str(body, 'new_email'), redirectTo);
	}
	if (!linkKinds[type]) {
		throw badRequest('validation_failed', `Invalid email action link type requested: ${type}`);
	}

	const result = await inTx(ctx, async (tx) => {
		let user = await findUserByEmail(tx, email, true);
		if (!user) {
			if (type === 'recovery') throw notFound('user_not_found', 'User with this email not found');
			if (type === 'magiclink') type = 'signup';
		}
		if ((type === 'signup' || type === 'invite') && user?.emailConfirmed) throw emailExists();
		if (!user) {
			let encryptedPassword: string | null = null;
			if (type === 'signup' && password) {
				const weak = checkPasswordStrength(password, ctx.settings.minPasswordLength);
				if (weak) throw weak;
				encryptedPassword = await hashPassword(tx, password);
			}
			const id = await insertUser(tx, {
				email,
				encryptedPassword,
				userMetadata: data ?? {},
				appMetadata: { ...EMAIL_APP_METADATA },
				identityData: type === 'signup' ? (data ?? {}) : {}
			});
			user = (await findUserById(tx, id)) as AuthUser;
		} else if (type === 'signup' && data) {
			await tx.query('update auth.users set raw_user_meta_data = $2::jsonb where id = $1::uuid', [
				user.id,
				JSON.stringify(mergeMetadata(user.userMetadata, data))
			]);
		}
		const issued = await issueToken(tx, user.id, email, linkKinds[type], {
			pkce: false,
			otpLength: ctx.settings.otpLength,
			invited: type === 'invite'
		});
		const fresh = (await findUserById(tx, user.id)) as AuthUser;
		return { user: fresh, issued };
	});
	return json({
		...result.user.json,
		action_link: actionLink(ctx.env, result.issued.tokenHash, type, redirectTo),
		email_otp: result.issued.otp,
		hashed_token: result.issued.tokenHash,
		verification_type: type,
		redirect_to: redirectTo
	});
}
