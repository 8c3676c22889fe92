/**
 * The public Auth endpoints supabase-js calls: sign-up, the token grants, one-time codes and
 * links, verification, recovery, the current user, and sign-out — GoTrue's behaviour, status codes
 * and error codes.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../database';
import type { AuthEmail } from '../env';
import {
	authenticate,
	inTx,
	loadAuthenticatedUser,
	readAuthenticatedUser,
	rateLimit,
	redirectTarget,
	sendMail,
	type Ctx
} from './context';
import {
	AuthError,
	OAuthError,
	badRequest,
	forbidden,
	linkExpired,
	notFound,
	otpExpired,
	unprocessable
} from './errors';
import { bool, json, noContent, obj, readJsonBody, redirect, str, validateEmail } from './http';
import {
	authEmail,
	checkFrequency,
	checkUnsentFrequency,
	clearToken,
	countWrongTry,
	findToken,
	issueToken,
	kindOfTokenType,
	lockCodesOf,
	tokenHash,
	wrongTries,
	type FoundToken
} from './otp';
import { checkPasswordStrength, hashPassword, verifyPassword } from './passwords';
import { consumeFlowState, createFlowState, issueAuthCode, pkceParams } from './pkce';
import {
	issueSession,
	logout,
	refreshGrant,
	type AuthMethod,
	type SessionResponse
} from './tokens';
import {
	EMAIL_APP_METADATA,
	confirmUser,
	findUserByEmail,
	findUserById,
	insertUser,
	mergeMetadata,
	type AuthUser
} from './users';

// ---------------------------------------------------------------- sign-up

const signupDisabled = () =>
	unprocessable('signup_disabled', 'Signups not allowed for this instance');

/**
 * Sign-up with a password: off unless the instance turns it on (a stranger could otherwise set a
 * password on a parent's address before the parent ever arrives). A password set here is marked
 * unproven until the address is proven by a code or a link, which clears it (see `proveAddress`).
 */
export async function signup(ctx: Ctx): Promise<Response> {
	const { settings, env } = ctx;
	const body = await readJsonBody(ctx.request, env);
	if (!str(body, 'email') && !str(body, 'phone')) return anonymousSignIn(ctx, body);
	if (settings.disableSignup || !settings.emailSignup || !settings.passwordSignup) {
		throw signupDisabled();
	}
	const rawEmail = str(body, 'email');
	if (!rawEmail && str(body, 'phone')) {
		throw badRequest('phone_provider_disabled', 'Phone signups are disabled');
	}
	const email = validateEmail(rawEmail);
	const password = str(body, 'password');
	if (!password) throw unprocessable('validation_failed', 'Signup requires a valid password');
	const weak = checkPasswordStrength(password, settings.minPasswordLength);
	if (weak) throw weak;
	const data = obj(body, 'data') ?? {};
	const pkce = pkceParams(str(body, 'code_challenge'), str(body, 'code_challenge_method'));
	const redirectTo = redirectTarget(ctx);
	await rateLimit(ctx, 'sign_in_sign_ups', email);

	const result = await inTx(ctx, async (tx) => {
		let user = await findUserByEmail(tx, email, true);
		if (user?.emailConfirmed) return { exists: user } as const;
		if (user && settings.autoConfirm) {
			// GoTrue would confirm an unconfirmed account here and sign the caller in whatever the
			// password; we only do so when the password is the account's own.
			if (!(await verifyPassword(tx, user.encryptedPassword, password))) {
				return { exists: user } as const;
			}
		}
		if (!user) {
			const id = await insertUser(tx, {
				email,
				encryptedPassword: await hashPassword(tx, password),
				userMetadata: data,
				appMetadata: { ...EMAIL_APP_METADATA },
				identityData: data
			});
			await tx.query('insert into auth.unproven_passwords (user_id) values ($1::uuid)', [id]);
			user = (await findUserById(tx, id)) as AuthUser;
		}
		if (settings.autoConfirm) {
			await confirmUser(tx, user.id);
			return { session: await issueSession(env, tx, user.id, 'password', ctx.request) } as const;
		}
		if (pkce) await createFlowState(tx, user.id, 'email', 'email/signup', pkce);
		await checkFrequency(tx, user.id, 'confirmation', settings.emailMaxFrequency);
		const token = await issueToken(tx, user.id, email, 'confirmation', {
			pkce: pkce !== null,
			otpLength: settings.otpLength
		});
		await tx.query('update auth.unproven_passwords set token_hash = $2 where user_id = $1::uuid', [
			user.id,
			token.tokenHash
		]);
		const fresh = (await findUserById(tx, user.id)) as AuthUser;
		return {
			user: fresh,
			mail: authEmail(env, 'signup', email, token, redirectTo, fresh.userMetadata)
		} as const;
	});

	if ('exists' in result) {
		if (settings.autoConfirm) {
			throw unprocessable('user_already_exists', 'User already registered');
		}
		return json(obfuscatedUser(randomUUID(), email, data));
	}
	if ('session' in result) return json(result.session);
	await sendMail(ctx, result.mail);
	// The same shape as for a known address, so the answer does not tell them apart.
	return json(obfuscatedUser(result.user.id, email, data));
}

/**
 * GoTrue's anonymous sign-in (`POST /signup` with neither email nor phone): a user with no
 * address and `is_anonymous`, signed in at once; its tokens carry `is_anonymous: true` and the
 * `authenticated` role, so policies can tell it apart with `auth.jwt()->>'is_anonymous'`.
 */
async function anonymousSignIn(ctx: Ctx, body: Record<string, unknown>): Promise<Response> {
	const { settings, env } = ctx;
	if (settings.disableSignup) throw signupDisabled();
	if (!settings.anonymousSignIns) {
		throw unprocessable('anonymous_provider_disabled', 'Anonymous sign-ins are disabled');
	}
	const data = obj(body, 'data') ?? {};
	// Counted per client address, as GoTrue counts anonymous sign-ins.
	await rateLimit(ctx, 'sign_in_sign_ups', null);
	const session = await inTx(ctx, async (tx) => {
		const id = await insertUser(tx, {
			email: null,
			encryptedPassword: null,
			userMetadata: data,
			appMetadata: {},
			anonymous: true
		});
		return issueSession(env, tx, id, 'anonymous', ctx.request);
	});
	return json(session);
}

/** GoTrue's `sanitizeUser`: an answer that does not reveal that the email is registered. */
function obfuscatedUser(
	id: string,
	email: string,
	data: Record<string, unknown>
): Record<string, unknown> {
	const now = new Date().toISOString();
	return {
		id,
		aud: 'authenticated',
		role: '',
		email,
		phone: '',
		confirmation_sent_at: now,
		app_metadata: { ...EMAIL_APP_METADATA },
		user_metadata: data,
		identities: [],
		created_at: now,
		updated_at: now,
		is_anonymous: false
	};
}

// ---------------------------------------------------------------- /token

export async function token(ctx: Ctx): Promise<Response> {
	const grantType = ctx.url.searchParams.get('grant_type') ?? '';
	switch (grantType) {
		case 'password':
			return passwordGrant(ctx);
		case 'refresh_token':
			return refreshTokenGrant(ctx);
		case 'pkce':
			return pkceGrant(ctx);
		case 'id_token':
			return idTokenGrant(ctx);
		case 'web3':
			// Sign-in with a wallet is not offered: GoTrue's answer while its provider is off.
			throw badRequest('web3_provider_disabled', 'Web3 provider is disabled');
		default:
			throw badRequest('invalid_credentials', 'unsupported_grant_type');
	}
}

/** Third-party ID tokens (Google, Apple …): no provider is enabled, as GoTrue answers then. */
async function idTokenGrant(ctx: Ctx): Promise<Response> {
	const body = await readJsonBody(ctx.request, ctx.env);
	const provider = str(body, 'provider');
	const issuers: Record<string, string> = {
		google: 'https://accounts.google.com',
		apple: 'https://appleid.apple.com',
		azure: 'https://login.microsoftonline.com',
		facebook: 'https://www.facebook.com',
		keycloak: 'keycloak',
		kakao: 'https://kauth.kakao.com'
	};
	const issuer = issuers[provider] ?? str(body, 'issuer') ?? provider;
	throw badRequest('provider_disabled', `Provider (issuer "${issuer}") is not enabled`);
}

/** Features of GoTrue this server does not offer, answered as GoTrue does while they are off. */
export function samlDisabled(): Response {
	throw notFound('saml_provider_disabled', 'SAML 2.0 is disabled');
}
export function manualLinkingDisabled(): Response {
	throw notFound('manual_linking_disabled', 'Manual linking is disabled');
}

const invalidCredentials = () => badRequest('invalid_credentials', 'Invalid login credentials');

async function passwordGrant(ctx: Ctx): Promise<Response> {
	const body = await readJsonBody(ctx.request, ctx.env);
	const rawEmail = str(body, 'email');
	const phone = str(body, 'phone');
	const password = str(body, 'password');
	if (rawEmail && phone) {
		throw badRequest(
			'validation_failed',
			'Only an email address or phone number should be provided on login.'
		);
	}
	if (!rawEmail) {
		if (phone) throw unprocessable('phone_provider_disabled', 'Phone logins are disabled');
		throw badRequest('validation_failed', 'missing email or phone');
	}
	const email = rawEmail.trim().toLowerCase();
	await rateLimit(ctx, 'sign_in_sign_ups', email);
	const session = await inTx(ctx, async (tx) => {
		const user = await findUserByEmail(tx, email);
		const ok = await verifyPassword(tx, user?.encryptedPassword ?? null, password);
		if (!user || !ok) throw invalidCredentials();
		if (user.banned) throw badRequest('user_banned', 'User is banned');
		if (!user.emailConfirmed) throw badRequest('email_not_confirmed', 'Email not confirmed');
		return issueSession(ctx.env, tx, user.id, 'password', ctx.request);
	});
	return json(session);
}

async function refreshTokenGrant(ctx: Ctx): Promise<Response> {
	const body = await readJsonBody(ctx.request, ctx.env);
	const refreshToken = str(body, 'refresh_token');
	if (!refreshToken) throw new OAuthError('invalid_request', 'refresh_token required');
	await rateLimit(ctx, 'token_refresh');
	// Errors are returned, not thrown, so that a detected reuse commits the revocation.
	const result = await inTx(ctx, (tx) => refreshGrant(ctx.env, tx, refreshToken));
	if ('error' in result) throw result.error;
	return json(result.session);
}

async function pkceGrant(ctx: Ctx): Promise<Response> {
	const body = await readJsonBody(ctx.request, ctx.env);
	const authCode = str(body, 'auth_code');
	const verifier = str(body, 'code_verifier');
	const session = await inTx(ctx, async (tx) => {
		const flow = await consumeFlowState(tx, authCode, verifier, ctx.settings.flowStateExpiry);
		const user = await findUserById(tx, flow.userId);
		if (!user) throw notFoundUser();
		if (user.banned) throw badRequest('user_banned', 'User is banned');
		return issueSession(ctx.env, tx, user.id, flow.method, ctx.request);
	});
	return json(session);
}

const notFoundUser = () => new AuthError(404, 'user_not_found', 'User not found');

// ---------------------------------------------------------------- /otp and /recover

export async function otp(ctx: Ctx): Promise<Response> {
	const { env, settings } = ctx;
	const body = await readJsonBody(ctx.request, env);
	const rawEmail = str(body, 'email');
	const phone = str(body, 'phone');
	if (rawEmail && phone) {
		throw badRequest(
			'validation_failed',
			'Only an email address or phone number should be provided'
		);
	}
	if (!rawEmail) {
		if (phone) throw badRequest('phone_provider_disabled', 'Unsupported phone provider');
		throw badRequest('validation_failed', 'One of email or phone must be set');
	}
	if (str(body, 'channel')) {
		throw badRequest('validation_failed', 'Channel should only be specified with Phone OTP');
	}
	const email = validateEmail(rawEmail);
	const createUser = bool(body, 'create_user', true);
	const data = obj(body, 'data') ?? {};
	const pkce = pkceParams(str(body, 'code_challenge'), str(body, 'code_challenge_method'));
	const redirectTo = redirectTarget(ctx);
	await rateLimit(ctx, 'email_sent', email);

	const mail = await inTx(ctx, async (tx): Promise<AuthEmail | null> => {
		let user = await findUserByEmail(tx, email, true);
		if (!user) {
			if (!createUser && settings.otpUnknownAddressError) {
				throw unprocessable('otp_disabled', 'Signups not allowed for otp');
			}
			// GoTrue answers 422 here, which tells a stranger the address has no account: unless
			// told to answer as GoTrue, the same empty answer as for a known address is given
			// instead, and nothing is sent.
			if (!createUser || settings.disableSignup || !settings.emailSignup) {
				await checkUnsentFrequency(tx, email, settings.emailMaxFrequency);
				return null;
			}
			const id = await insertUser(tx, {
				email,
				encryptedPassword: null,
				userMetadata: data,
				appMetadata: { ...EMAIL_APP_METADATA },
				identityData: data
			});
			user = (await findUserById(tx, id)) as AuthUser;
		}
		if (!user.emailConfirmed && !settings.autoConfirm) {
			// Not yet confirmed and confirmation is on: the sign-up confirmation email, which also
			// signs the user in (GoTrue's MagicLink → Signup path).
			if (pkce) await createFlowState(tx, user.id, 'email', 'email/signup', pkce);
			// A password sign-up waits on this address: its confirmation (which would keep that
			// password) is replaced at once by the code asked for here, which will clear it.
			if (!(await hasUnprovenPassword(tx, user.id))) {
				await checkFrequency(tx, user.id, 'confirmation', settings.emailMaxFrequency);
			}
			const issued = await issueToken(tx, user.id, email, 'confirmation', {
				pkce: pkce !== null,
				otpLength: settings.otpLength
			});
			return authEmail(env, 'signup', email, issued, redirectTo, user.userMetadata);
		}
		if (pkce) await createFlowState(tx, user.id, 'magiclink', 'magiclink', pkce);
		await checkFrequency(tx, user.id, 'recovery', settings.emailMaxFrequency);
		const issued = await issueToken(tx, user.id, email, 'recovery', {
			pkce: pkce !== null,
			otpLength: settings.otpLength
		});
		return authEmail(env, 'magiclink', email, issued, redirectTo, user.userMetadata);
	});
	await sendMail(ctx, mail);
	return json({});
}

export async function recover(ctx: Ctx): Promise<Response> {
	const { env, settings } = ctx;
	const body = await readJsonBody(ctx.request, env);
	const rawEmail = str(body, 'email');
	if (!rawEmail) throw unprocessable('validation_failed', 'Password recovery requires an email');
	const email = validateEmail(rawEmail);
	const pkce = pkceParams(str(body, 'code_challenge'), str(body, 'code_challenge_method'));
	const redirectTo = redirectTarget(ctx);
	await rateLimit(ctx, 'email_sent', email);
	const mail = await inTx(ctx, async (tx): Promise<AuthEmail | null> => {
		const user = await findUserByEmail(tx, email, true);
		// Unknown addresses get the same answer, so the endpoint does not reveal who is registered.
		if (!user) {
			await checkUnsentFrequency(tx, email, settings.emailMaxFrequency);
			return null;
		}
		if (pkce) await createFlowState(tx, user.id, 'recovery', 'recovery', pkce);
		await checkFrequency(tx, user.id, 'recovery', settings.emailMaxFrequency);
		const issued = await issueToken(tx, user.id, email, 'recovery', {
			pkce: pkce !== null,
			otpLength: settings.otpLength
		});
		return authEmail(env, 'recovery', email, issued, redirectTo, user.userMetadata);
	});
	await sendMail(ctx, mail);
	return json({});
}

/**
 * GoTrue's `/resend`: a new sign-up confirmation for an address not yet confirmed, or a new
 * code for a pending email change (sent to the new address). Unknown or confirmed addresses get
 * the same empty answer, so the endpoint does not reveal who is registered.
 */
export async function resend(ctx: Ctx): Promise<Response> {
	const { env, settings } = ctx;
	const body = await readJsonBody(ctx.request, env);
	const type = str(body, 'type');
	if (!['signup', 'email_change', 'sms', 'phone_change'].includes(type)) {
		throw badRequest(
			'validation_failed',
			'Missing one of these types: signup, email_change, sms, phone_change'
		);
	}
	if (type === 'sms' || type === 'phone_change' || (!str(body, 'email') && str(body, 'phone'))) {
		throw unprocessable('phone_provider_disabled', 'Phone logins are disabled');
	}
	const rawEmail = str(body, 'email');
	if (!rawEmail) throw badRequest('validation_failed', 'Either an email or phone is required');
	const email = validateEmail(rawEmail);
	const pkce = pkceParams(str(body, 'code_challenge'), str(body, 'code_challenge_method'));
	const redirectTo = redirectTarget(ctx);
	await rateLimit(ctx, 'email_sent', email);
	const mail = await inTx(ctx, async (tx): Promise<AuthEmail | null> => {
		const user = await findUserByEmail(tx, email, true);
		if (type === 'signup') {
			if (!user || user.emailConfirmed) {
				await checkUnsentFrequency(tx, email, settings.emailMaxFrequency);
				return null;
			}
			if (pkce) await createFlowState(tx, user.id, 'email', 'email/signup', pkce);
			await checkFrequency(tx, user.id, 'confirmation', settings.emailMaxFrequency);
			const issued = await issueToken(tx, user.id, email, 'confirmation', {
				pkce: pkce !== null,
				otpLength: settings.otpLength
			});
			return authEmail(env, 'signup', email, issued, redirectTo, user.userMetadata);
		}
		const pending = user
			? (
					await tx.query<{ email_change: string | null }>(
						`select nullif(email_change, '') as email_change from auth.users where id = $1::uuid`,
						[user.id]
					)
				).rows[0]?.email_change
			: null;
		if (!user || !pending) {
			await checkUnsentFrequency(tx, email, settings.emailMaxFrequency);
			return null;
		}
		if (pkce) await createFlowState(tx, user.id, 'email_change', 'email_change', pkce);
		await checkFrequency(tx, user.id, 'email_change_new', settings.emailMaxFrequency);
		const issued = await issueToken(tx, user.id, pending, 'email_change_new', {
			pkce: pkce !== null,
			otpLength: settings.otpLength
		});
		return authEmail(env, 'email_change', pending, issued, redirectTo, user.userMetadata);
	});
	await sendMail(ctx, mail);
	return json({});
}

// ---------------------------------------------------------------- /verify

const tokenTypesFor: Record<string, string[]> = {
	email: ['confirmation_token', 'recovery_token'],
	signup: ['confirmation_token'],
	invite: ['confirmation_token'],
	magiclink: ['recovery_token'],
	recovery: ['recovery_token'],
	email_change: ['email_change_token_new', 'email_change_token_current']
};

/** How a verified link authenticated the user, for a PKCE flow (GoTrue's ParseAuthenticationMethod). */
function methodFor(type: string, found: FoundToken): AuthMethod {
	switch (type) {
		case 'signup':
			return 'email/signup';
		case 'invite':
			return 'invite';
		case 'recovery':
			return 'recovery';
		case 'magiclink':
			return 'magiclink';
		case 'email_change':
			return 'email_change';
		default:
			return found.tokenType === 'confirmation_token' ? 'email/signup' : 'magiclink';
	}
}

async function hasUnprovenPassword(tx: Queryable, userId: string): Promise<boolean> {
	const { rows } = await tx.query(
		'select 1 from auth.unproven_passwords where user_id = $1::uuid',
		[userId]
	);
	return rows.length > 0;
}

/**
 * A code or link just proved that whoever holds it reads the address. If the address had not been
 * proven before, or a password was set on it by a sign-up before that, what was done without the
 * proof is undone: every session of the user ends (the one about to be issued is the only one
 * left) and that password is cleared — unless the proof is the sign-up's own confirmation, which
 * the holder of the inbox chose to confirm. A parent who signs in with a code they asked for
 * therefore never inherits a stranger's password. Admin-created users whose address the admin
 * confirmed keep their password: they are never unproven.
 */
async function proveAddress(tx: Queryable, found: FoundToken): Promise<void> {
	const { rows } = await tx.query<{ confirmed: string; unproven: string; signup_hash: string }>(
		`select (u.email_confirmed_at is not null)::text as confirmed, (p.user_id is not null)::text as unproven,
			p.token_hash as signup_hash
		from auth.users u left join auth.unproven_passwords p on p.user_id = u.id
		where u.id = $1::uuid`,
		[found.userId]
	);
	const unproven = rows[0]?.unproven === 'true';
	if (unproven) {
		await tx.query('delete from auth.unproven_passwords where user_id = $1::uuid', [found.userId]);
		if (rows[0].signup_hash !== found.tokenHash) {
			await tx.query(
				'update auth.users set encrypted_password = null, updated_at = now() where id = $1::uuid',
				[found.userId]
			);
		}
	}
	if (unproven || rows[0]?.confirmed !== 'true') await logout(tx, found.userId, null, 'global');
}

/** GoTrue's answer when one of the two addresses of an email change has confirmed it. */
export const SINGLE_CONFIRMATION =
	'Confirmation link accepted. Please proceed to confirm link sent to the other email';

/**
 * Consumes a verified token: confirms, recovers or changes the email, as its kind requires.
 * 'partial' when it is one address's half of a double-confirmed email change: the other
 * address's code is still awaited and nothing has changed yet.
 */
async function applyToken(tx: Queryable, found: FoundToken): Promise<'partial' | void> {
	const kind = kindOfTokenType(found.tokenType);
	const emailChange = kind === 'email_change_new' || kind === 'email_change_current';
	if (!emailChange) await proveAddress(tx, found);
	if (kind === 'confirmation') {
		await confirmUser(tx, found.userId);
		return;
	}
	if (kind === 'recovery') {
		await clearToken(tx, found.userId, 'recovery');
		await tx.query('update auth.users set recovery_sent_at = null where id = $1::uuid', [
			found.userId
		]);
		const { rows } = await tx.query<{ confirmed: string }>(
			'select (email_confirmed_at is not null)::text as confirmed from auth.users where id = $1::uuid',
			[found.userId]
		);
		if (rows[0]?.confirmed !== 'true') await confirmUser(tx, found.userId);
		return;
	}
	// An email change. With double confirmation the first address to confirm waits for the other.
	const other = await tx.query(
		`select 1 from auth.one_time_tokens where user_id = $1::uuid and id <> $2::uuid
			and token_type in ('email_change_token_new', 'email_change_token_current')`,
		[found.userId, found.id]
	);
	if (other.rows.length > 0) {
		await clearToken(tx, found.userId, kind);
		await tx.query(
			'update auth.users set email_change_confirm_status = 1, updated_at = now() where id = $1::uuid',
			[found.userId]
		);
		return 'partial';
	}
	await tx.query(
		`update auth.users set email = email_change, email_change = '', email_change_token_new = '',
			email_change_token_current = '', email_change_confirm_status = 0,
			email_confirmed_at = coalesce(email_confirmed_at, now()), updated_at = now()
		where id = $1::uuid and coalesce(email_change, '') <> ''`,
		[found.userId]
	);
	await tx.query(
		`update auth.identities set identity_data = identity_data
			|| jsonb_build_object('email', (select email from auth.users where id = $1::uuid), 'email_verified', true),
			updated_at = now()
		where user_id = $1::uuid and provider = 'email'`,
		[found.userId]
	);
	await tx.query(
		`delete from auth.one_time_tokens where user_id = $1::uuid
			and token_type in ('email_change_token_new', 'email_change_token_current')`,
		[found.userId]
	);
}

async function checkNotBanned(tx: Queryable, userId: string): Promise<void> {
	const user = await findUserById(tx, userId);
	if (user?.banned) throw forbidden('user_banned', 'User is banned');
}

export async function verifyPost(ctx: Ctx): Promise<Response> {
	const { env, settings } = ctx;
	const body = await readJsonBody(ctx.request, env);
	const type = str(body, 'type');
	const tokenValue = str(body, 'token');
	const hashValue = str(body, 'token_hash');
	const rawEmail = str(body, 'email');
	const phone = str(body, 'phone');
	if (!type) throw badRequest('validation_failed', 'Verify requires a verification type');
	if ((!tokenValue && !hashValue) || (tokenValue && hashValue)) {
		throw badRequest('validation_failed', 'Verify requires either a token or a token hash');
	}
	let email: string | undefined;
	let hashes: string[];
	if (tokenValue) {
		if (!rawEmail || phone) {
			if (phone && !rawEmail) {
				// No phone number ever gets a code here, so none can be right; a malformed number
				// is refused first, as GoTrue refuses it.
				if (!/^[1-9]\d{6,14}$/.test(phone.replace(/^\+/, '').replace(/[\s-]/g, ''))) {
					throw badRequest('validation_failed', 'Invalid phone number format (E.164 required)');
				}
				await rateLimit(ctx, 'token_verifications');
				throw otpExpired();
			}
			throw badRequest(
				'validation_failed',
				'Only an email address or phone number should be provided on verify'
			);
		}
		try {
			email = validateEmail(rawEmail);
		} catch {
			throw unprocessable('validation_failed', 'Invalid email format');
		}
		const hash = tokenHash(email, tokenValue.trim());
		hashes = [hash, `pkce_${hash}`];
	} else {
		if (rawEmail || phone) {
			throw badRequest('validation_failed', 'Only the token_hash and type should be provided');
		}
		hashes = [hashValue];
	}
	const types = tokenTypesFor[type];
	if (!types) {
		if (type === 'sms' || type === 'phone_change') {
			throw badRequest('phone_provider_disabled', 'Unsupported phone provider');
		}
		throw badRequest('validation_failed', 'Unsupported verification type');
	}
	await rateLimit(ctx, 'token_verifications', email);
	// Errors are returned, not thrown, so that a wrong try is committed with the answer.
	const result = await inTx(ctx, async (tx): Promise<SessionResponse | AuthError | 'partial'> => {
		const live = email ? await lockCodesOf(tx, email, types) : [];
		const found = await findToken(tx, hashes, types, settings.otpExpiry, email);
		const usable =
			found !== null &&
			!found.expired &&
			(!email || (await wrongTries(tx, found.id)) < settings.otpMaxAttempts);
		if (!found || !usable) {
			// A typed code: each miss counts against every live code of the address, and the
			// `otpMaxAttempts`-th spends it. A link's hash cannot be guessed; it is not counted.
			if (email) await countWrongTry(tx, live, settings.otpMaxAttempts, settings.otpExpiry);
			return tokenValue ? otpExpired() : linkExpired();
		}
		await checkNotBanned(tx, found.userId);
		if ((await applyToken(tx, found)) === 'partial') return 'partial' as const;
		return issueSession(env, tx, found.userId, 'otp', ctx.request);
	});
	if (result instanceof AuthError) throw result;
	if (result === 'partial') return json({ msg: SINGLE_CONFIRMATION, code: '200' });
	return json(result);
}

const oauthErrors: Record<number, string> = {
	400: 'invalid_request',
	401: 'unauthorized_client',
	403: 'access_denied',
	500: 'server_error',
	503: 'temporarily_unavailable'
};

/** GoTrue's `prepErrorRedirectURL`: the error in the fragment (and the query in PKCE). */
function errorRedirectUrl(target: string, error: AuthError, pkce: boolean): string {
	const url = new URL(target);
	const hash = new URLSearchParams();
	const oauth = oauthErrors[error.status];
	if (oauth) hash.set('error', oauth);
	hash.set('error_code', error.code);
	hash.set('error_description', error.message);
	if (pkce) {
		if (oauth) url.searchParams.set('error', oauth);
		url.searchParams.set('error_code', error.code);
		url.searchParams.set('error_description', error.message);
	}
	hash.set('sb', '');
	url.hash = hash.toString();
	return url.toString();
}

/** The link in an email: verifies, then 303 to `redirect_to` with the session or a PKCE code. */
export async function verifyGet(ctx: Ctx): Promise<Response> {
	const { env, settings } = ctx;
	const tokenValue = ctx.url.searchParams.get('token') ?? '';
	const type = ctx.url.searchParams.get('type') ?? '';
	const target = redirectTarget(ctx);
	if (!type) throw badRequest('validation_failed', 'Verify requires a verification type');
	if (!tokenValue) throw badRequest('validation_failed', 'Verify requires a token or a token hash');
	const pkce = tokenValue.startsWith('pkce_');
	await rateLimit(ctx, 'token_verifications');
	let outcome: { session: SessionResponse } | { code: string } | { partial: true };
	try {
		const types = tokenTypesFor[type];
		if (!types) throw badRequest('validation_failed', 'Unsupported verification type');
		outcome = await inTx(ctx, async (tx) => {
			const found = await findToken(tx, [tokenValue], types, settings.otpExpiry);
			if (!found || found.expired) throw linkExpired();
			await checkNotBanned(tx, found.userId);
			if ((await applyToken(tx, found)) === 'partial') return { partial: true as const };
			if (pkce) {
				const code = await issueAuthCode(tx, found.userId, methodFor(type, found));
				if (!code) {
					throw badRequest(
						'flow_state_not_found',
						'No associated flow state found. No valid flow state found for user.'
					);
				}
				return { code };
			}
			return { session: await issueSession(env, tx, found.userId, 'otp', ctx.request) };
		});
	} catch (error) {
		if (error instanceof AuthError) return redirect(errorRedirectUrl(target, error, pkce));
		throw error;
	}
	if ('partial' in outcome) {
		const fragment = new URLSearchParams([
			['message', SINGLE_CONFIRMATION],
			['sb', '']
		]);
		return redirect(`${target.split('#')[0]}#${fragment.toString()}`);
	}
	if ('code' in outcome) {
		const url = new URL(target);
		url.searchParams.set('code', outcome.code);
		return redirect(url.toString());
	}
	const s = outcome.session;
	const fragment = new URLSearchParams([
		['access_token', s.access_token],
		['expires_at', String(s.expires_at)],
		['expires_in', String(s.expires_in)],
		['refresh_token', s.refresh_token],
		['sb', ''],
		['token_type', s.token_type],
		['type', type]
	]);
	const base = target.split('#')[0];
	return redirect(`${base}#${fragment.toString()}`);
}

// ---------------------------------------------------------------- /user

export async function getUser(ctx: Ctx): Promise<Response> {
	const auth = await authenticate(ctx);
	const aud = auth.claims.aud;
	if (aud !== 'authenticated' && !(Array.isArray(aud) && aud[0] === 'authenticated')) {
		throw badRequest('validation_failed', "Token audience doesn't match request audience");
	}
	const user = await readAuthenticatedUser(ctx, auth);
	return json(user.json);
}

export async function updateUser(ctx: Ctx): Promise<Response> {
	const { env, settings } = ctx;
	const auth = await authenticate(ctx);
	const body = await readJsonBody(ctx.request, env);
	const rawEmail = str(body, 'email');
	const newEmail = rawEmail ? validateEmail(rawEmail) : '';
	const passwordGiven = body.password !== undefined && body.password !== null;
	const password = str(body, 'password');
	const data = obj(body, 'data');
	const appData = obj(body, 'app_metadata');
	if (str(body, 'phone'))
		throw unprocessable('phone_provider_disabled', 'Phone logins are disabled');
	if (passwordGiven) {
		const weak = checkPasswordStrength(password, settings.minPasswordLength);
		if (weak) throw weak;
	}
	const pkce = pkceParams(str(body, 'code_challenge'), str(body, 'code_challenge_method'));
	const redirectTo = redirectTarget(ctx);

	const result = await inTx(ctx, async (tx) => {
		const user = await loadAuthenticatedUser(tx, auth);
		if (appData) {
			throw forbidden('not_admin', 'Updating app_metadata requires admin privileges');
		}
		if (newEmail && newEmail !== user.email) {
			const other = await findUserByEmail(tx, newEmail);
			if (other && other.id !== user.id) {
				throw unprocessable(
					'email_exists',
					'A user with this email address has already been registered'
				);
			}
		}
		if (passwordGiven && password) {
			const nonce = str(body, 'nonce');
			if (nonce) await spendNonce(ctx, tx, user, nonce);
			else if (settings.securePasswordChange && !(await recentlySignedIn(tx, auth.sessionId))) {
				throw badRequest('reauthentication_needed', 'Password update requires reauthentication');
			}
			if (user.encryptedPassword && (await verifyPassword(tx, user.encryptedPassword, password))) {
				throw unprocessable(
					'same_password',
					'New password should be different from the old password.'
				);
			}
			const hash = await hashPassword(tx, password);
			// GoTrue's UpdatePassword: every outstanding code is void, other sessions end.
			await tx.query(
				`update auth.users set encrypted_password = $2, confirmation_token = '', confirmation_sent_at = null,
					recovery_token = '', recovery_sent_at = null, email_change_token_current = '',
					email_change_token_new = '', email_change_sent_at = null, reauthentication_token = '',
					reauthentication_sent_at = null, updated_at = now()
				where id = $1::uuid`,
				[user.id, hash]
			);
			await tx.query('delete from auth.one_time_tokens where user_id = $1::uuid', [user.id]);
			await logout(tx, user.id, auth.sessionId, 'others');
		}
		if (data) {
			await tx.query(
				'update auth.users set raw_user_meta_data = $2::jsonb, updated_at = now() where id = $1::uuid',
				[user.id, JSON.stringify(mergeMetadata(user.userMetadata, data))]
			);
		}
		let mail: AuthEmail | null = null;
		let currentMail: AuthEmail | null = null;
		if (newEmail && newEmail !== user.email) {
			if (pkce) await createFlowState(tx, user.id, 'email_change', 'email_change', pkce);
			await checkFrequency(tx, user.id, 'email_change_new', settings.emailMaxFrequency);
			const issued = await issueToken(tx, user.id, newEmail, 'email_change_new', {
				pkce: pkce !== null,
				otpLength: settings.otpLength
			});
			mail = authEmail(env, 'email_change', newEmail, issued, redirectTo, user.userMetadata);
			if (settings.secureEmailChange && user.email) {
				// The current address confirms too (its own code), before the change is made.
				const current = await issueToken(tx, user.id, user.email, 'email_change_current', {
					pkce: pkce !== null,
					otpLength: settings.otpLength
				});
				currentMail = authEmail(
					env,
					'email_change',
					user.email,
					current,
					redirectTo,
					user.userMetadata
				);
			}
		}
		await tx.query('update auth.users set updated_at = now() where id = $1::uuid', [user.id]);
		return { user: (await findUserById(tx, user.id)) as AuthUser, mail, currentMail };
	});
	await sendMail(ctx, result.mail);
	await sendMail(ctx, result.currentMail);
	return json(result.user.json);
}

/** GoTrue's "recently signed in": the session began within the last 24 hours. */
async function recentlySignedIn(tx: Queryable, sessionId: string | null): Promise<boolean> {
	if (!sessionId) return false;
	const { rows } = await tx.query(
		`select 1 from auth.sessions where id = $1::uuid and created_at > now() - interval '24 hours'`,
		[sessionId]
	);
	return rows.length > 0;
}

// ---------------------------------------------------------------- /reauthenticate

/**
 * GoTrue's `/reauthenticate`: a code to the signed-in user's address, which `updateUser` takes as
 * `nonce` to change the password where a recent proof is required (`secure_password_change`).
 */
export async function reauthenticate(ctx: Ctx): Promise<Response> {
	const { env, settings } = ctx;
	const auth = await authenticate(ctx);
	await rateLimit(ctx, 'email_sent');
	const mail = await inTx(ctx, async (tx) => {
		const user = await loadAuthenticatedUser(tx, auth);
		if (!user.email) {
			throw unprocessable(
				'reauthentication_not_valid',
				'Reauthentication requires the user to have an email or a phone number'
			);
		}
		await checkFrequency(tx, user.id, 'reauthentication', settings.emailMaxFrequency);
		const issued = await issueToken(tx, user.id, user.email, 'reauthentication', {
			pkce: false,
			otpLength: settings.otpLength
		});
		return authEmail(env, 'reauthentication', user.email, issued, env.siteUrl, user.userMetadata);
	});
	await sendMail(ctx, mail);
	return json({});
}

/** The nonce of `/reauthenticate`, spent by a password change; 422 when missing, wrong or old. */
async function spendNonce(ctx: Ctx, tx: Queryable, user: AuthUser, nonce: string): Promise<void> {
	const notValid = () => unprocessable('reauthentication_not_valid', 'Requires reauthentication');
	const { rows } = await tx.query<{ token: string | null; fresh: string }>(
		`select reauthentication_token as token,
			(reauthentication_sent_at + make_interval(secs => $2::float8) > now())::text as fresh
		from auth.users where id = $1::uuid`,
		[user.id, String(ctx.settings.otpExpiry)]
	);
	const row = rows[0];
	if (!row?.token || row.fresh !== 'true') throw notValid();
	if (tokenHash(user.email, nonce.trim()) !== row.token) throw notValid();
	await clearToken(tx, user.id, 'reauthentication');
}

// ---------------------------------------------------------------- /logout

export async function logoutRoute(ctx: Ctx): Promise<Response> {
	const scope = ctx.url.searchParams.get('scope') || 'global';
	if (scope !== 'global' && scope !== 'local' && scope !== 'others') {
		throw badRequest('validation_failed', `Unsupported logout scope "${scope}"`);
	}
	const auth = await authenticate(ctx);
	await inTx(ctx, async (tx) => {
		const user = await loadAuthenticatedUser(tx, auth);
		await logout(tx, user.id, auth.sessionId, scope);
	});
	return noContent();
}

// ---------------------------------------------------------------- /settings, /health

export function settingsRoute(ctx: Ctx): Response {
	return json({
		external: {
			anonymous_users: false,
			apple: false,
			azure: false,
			bitbucket: false,
			discord: false,
			facebook: false,
			snapchat: false,
			figma: false,
			fly: false,
			github: false,
			gitlab: false,
			google: false,
			keycloak: false,
			kakao: false,
			linkedin: false,
			linkedin_oidc: false,
			notion: false,
			spotify: false,
			slack: false,
			slack_oidc: false,
			workos: false,
			twitch: false,
			twitter: false,
			email: true,
			phone: false,
			zoom: false
		},
		disable_signup: ctx.settings.disableSignup,
		mailer_autoconfirm: ctx.settings.autoConfirm,
		phone_autoconfirm: false,
		sms_provider: '',
		saml_enabled: false,
		saml_private_key_next_configured: false,
		passkeys_enabled: ctx.settings.passkeys
	});
}

export function healthRoute(): Response {
	return json({
		version: 'embedded',
		name: 'GoTrue',
		description: 'GoTrue is a user registration and authentication API'
	});
}
