/**
 * Multi-factor authentication with TOTP and WebAuthn, as GoTrue answers `/factors`: enrol a factor
 * (a TOTP secret, `otpauth://` URI and QR code; a WebAuthn factor gets its credential from its
 * first challenge), challenge it, verify a code or a security key's answer (the session becomes
 * `aal2` and its `amr` gains `totp` or `mfa/webauthn`), unenrol it. WebAuthn factors are off
 * unless `[auth.mfa.web_authn]` enables them. Factors and challenges live in `auth.mfa_factors` and
 * `auth.mfa_challenges`; verification is limited per client address and per factor in
 * `auth.rate_limits`, so a guesser cannot try codes faster however many processes answer.
 */
import { randomUUID } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import type { Queryable } from '../database';
import {
	authenticate,
	inTx,
	loadAuthenticatedUser,
	rateLimit,
	type Authenticated,
	type Ctx
} from './context';
import { AuthError, badRequest, forbidden, notFound, unprocessable } from './errors';
import { json, obj, readJsonBody, str, type Json } from './http';
import { sessionTokens } from './tokens';
import { factorsJson, type AuthUser } from './users';
import {
	checkAssertion,
	checkRegistration,
	creationOptions,
	credentialIdOf,
	requestOptions,
	type StoredCredential
} from './webauthn';

/** GoTrue's defaults: a challenge is good for 5 minutes; at most 10 factors per user. */
const CHALLENGE_EXPIRY_SECONDS = 300;
const MAX_FACTORS = 10;
const TOTP_PERIOD = 30;
const TOTP_DIGITS = 6;

const totpOf = (secret: string, issuer = '', label = '') =>
	new OTPAuth.TOTP({
		issuer,
		label,
		algorithm: 'SHA1',
		digits: TOTP_DIGITS,
		period: TOTP_PERIOD,
		secret: OTPAuth.Secret.fromBase32(secret)
	});

const insufficientAal = (message: string) => new AuthError(403, 'insufficient_aal', message);

interface FactorRow {
	id: string;
	user_id: string;
	friendly_name: string | null;
	factor_type: string;
	status: string;
	secret: string | null;
	web_authn_credential: string | null;
}

async function findFactor(tx: Queryable, userId: string, factorId: string): Promise<FactorRow> {
	const { rows } = /^[0-9a-f-]{36}$/i.test(factorId)
		? await tx.query<FactorRow>(
				`select id::text, user_id::text, friendly_name, factor_type::text, status::text, secret,
					web_authn_credential::text as web_authn_credential
				from auth.mfa_factors where id = $1::uuid for update`,
				[factorId]
			)
		: { rows: [] };
	const factor = rows[0];
	// Another user's factor is answered as GoTrue does: as if it did not exist.
	if (!factor || factor.user_id !== userId)
		throw notFound('mfa_factor_not_found', 'Factor not found');
	return factor;
}

export async function hasVerifiedFactor(tx: Queryable, userId: string): Promise<boolean> {
	const { rows } = await tx.query(
		`select 1 from auth.mfa_factors where user_id = $1::uuid and status = 'verified' limit 1`,
		[userId]
	);
	return rows.length > 0;
}

/** The `aal` claim of the caller's access token. */
export const aalOf = (claims: Record<string, unknown>) => (claims.aal === 'aal2' ? 'aal2' : 'aal1');

/**
 * GoTrue's `validateFactors`: a user with a verified factor adds another only at aal2; at most
 * 10 factors; friendly names are unique per user.
 */
async function checkNewFactor(
	tx: Queryable,
	auth: Authenticated,
	friendlyName: string
): Promise<AuthUser> {
	const user = await loadAuthenticatedUser(tx, auth);
	if ((await hasVerifiedFactor(tx, user.id)) && aalOf(auth.claims) !== 'aal2') {
		throw insufficientAal('AAL2 required to enroll a new factor');
	}
	const { rows: count } = await tx.query<{ n: string }>(
		`select count(*)::text as n from auth.mfa_factors where user_id = $1::uuid`,
		[user.id]
	);
	if (Number(count[0].n) >= MAX_FACTORS) {
		throw unprocessable(
			'too_many_enrolled_mfa_factors',
			'Maximum number of verified factors reached, unenroll to continue'
		);
	}
	if (friendlyName) {
		const { rows } = await tx.query(
			'select 1 from auth.mfa_factors where user_id = $1::uuid and friendly_name = $2',
			[user.id, friendlyName]
		);
		if (rows.length) {
			throw unprocessable(
				'mfa_factor_name_conflict',
				`A factor with the friendly name "${friendlyName}" for this user already exists`
			);
		}
	}
	return user;
}

/**
 * `POST /factors`: a new, unverified factor — TOTP (its secret and QR code) or WebAuthn (its
 * credential comes with the first challenge's answer).
 */
export async function enroll(ctx: Ctx): Promise<Response> {
	const auth = await authenticate(ctx);
	const body = await readJsonBody(ctx.request, ctx.env);
	const factorType = str(body, 'factor_type');
	if (factorType === 'phone') {
		throw unprocessable('mfa_phone_enroll_not_enabled', 'MFA enroll is disabled for phone');
	}
	if (factorType === 'webauthn') return enrollWebauthn(ctx, auth, str(body, 'friendly_name'));
	if (factorType !== 'totp') {
		throw badRequest('validation_failed', 'factor_type needs to be totp, phone or webauthn');
	}
	const friendlyName = str(body, 'friendly_name');
	const issuer = str(body, 'issuer') || new URL(ctx.env.siteUrl).hostname;
	const created = await inTx(ctx, async (tx) => {
		const user = await checkNewFactor(tx, auth, friendlyName);
		const secret = new OTPAuth.Secret({ size: 20 }).base32;
		const id = randomUUID();
		await tx.query(
			`insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, updated_at, secret)
			values ($1::uuid, $2::uuid, $3, 'totp', 'unverified', now(), now(), $4)`,
			[id, user.id, friendlyName, secret]
		);
		const uri = totpOf(secret, issuer, user.email || user.id).toString();
		return { id, secret, uri };
	});
	const qr = await QRCode.toString(created.uri, { type: 'svg', margin: 1 });
	return json({
		id: created.id,
		type: 'totp',
		friendly_name: friendlyName,
		totp: { qr_code: qr, secret: created.secret, uri: created.uri }
	});
}

async function enrollWebauthn(
	ctx: Ctx,
	auth: Authenticated,
	friendlyName: string
): Promise<Response> {
	if (!ctx.settings.webauthnMfaEnroll) {
		throw unprocessable('mfa_webauthn_enroll_not_enabled', 'MFA enroll is disabled for WebAuthn');
	}
	const id = await inTx(ctx, async (tx) => {
		const user = await checkNewFactor(tx, auth, friendlyName);
		const id = randomUUID();
		await tx.query(
			`insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, updated_at)
			values ($1::uuid, $2::uuid, $3, 'webauthn', 'unverified', now(), now())`,
			[id, user.id, friendlyName]
		);
		return id;
	});
	return json({ id, type: 'webauthn', friendly_name: friendlyName });
}

/**
 * `POST /factors/<id>/challenge`: a challenge to answer within 5 minutes. For a WebAuthn factor
 * it carries the options for the browser: creation options while the factor has no credential,
 * request options (naming its credential) once it has.
 */
export async function challenge(ctx: Ctx, factorId: string): Promise<Response> {
	const auth = await authenticate(ctx);
	const result = await inTx(ctx, async (tx) => {
		const user = await loadAuthenticatedUser(tx, auth);
		const factor = await findFactor(tx, user.id, factorId);
		const webauthn =
			factor.factor_type === 'webauthn' ? await webauthnOptions(ctx, tx, user, factor) : null;
		const id = randomUUID();
		const { rows } = await tx.query<{ expires_at: string }>(
			`insert into auth.mfa_challenges (id, factor_id, created_at, ip_address, web_authn_session_data)
			values ($1::uuid, $2::uuid, now(), $3::inet, $5::jsonb)
			returning floor(extract(epoch from created_at))::bigint + $4::int as expires_at`,
			[
				id,
				factor.id,
				inetOrNull(ctx.clientAddress),
				CHALLENGE_EXPIRY_SECONDS,
				webauthn ? JSON.stringify(webauthn.session) : null
			]
		);
		await tx.query(
			'update auth.mfa_factors set last_challenged_at = clock_timestamp(), updated_at = now() where id = $1::uuid',
			[factor.id]
		);
		return {
			id,
			type: factor.factor_type,
			expires_at: Number(rows[0].expires_at),
			...(webauthn ? { webauthn: webauthn.answer } : {})
		};
	});
	return json(result);
}

interface WebauthnSession {
	type: 'create' | 'request';
	challenge: string;
}

/** The stored credential of a verified WebAuthn factor. */
function factorCredential(factor: FactorRow): StoredCredential | null {
	if (!factor.web_authn_credential) return null;
	const c = JSON.parse(factor.web_authn_credential) as Partial<StoredCredential>;
	return typeof c.id === 'string' && typeof c.publicKey === 'string'
		? { id: c.id, publicKey: c.publicKey, counter: c.counter ?? 0, transports: c.transports ?? [] }
		: null;
}

async function webauthnOptions(
	ctx: Ctx,
	tx: Queryable,
	user: AuthUser,
	factor: FactorRow
): Promise<{ session: WebauthnSession; answer: Record<string, unknown> }> {
	if (!ctx.settings.webauthnMfaVerify) {
		throw unprocessable(
			'mfa_webauthn_verify_not_enabled',
			'MFA verification is disabled for WebAuthn'
		);
	}
	const rp = ctx.settings.webauthn;
	const own = factorCredential(factor);
	if (factor.status === 'verified' && own) {
		const publicKey = await requestOptions(rp, [own]);
		return {
			session: { type: 'request', challenge: publicKey.challenge },
			answer: { type: 'request', credential_options: { publicKey } }
		};
	}
	const { rows } = await tx.query<{ credential: string }>(
		`select web_authn_credential::text as credential from auth.mfa_factors
		where user_id = $1::uuid and factor_type = 'webauthn' and web_authn_credential is not null`,
		[user.id]
	);
	const exclude = rows.map((r) => JSON.parse(r.credential) as StoredCredential);
	const name = user.email || user.id;
	const publicKey = await creationOptions(
		rp,
		{ id: user.id, name, displayName: name },
		exclude,
		false
	);
	return {
		session: { type: 'create', challenge: publicKey.challenge },
		answer: { type: 'create', credential_options: { publicKey } }
	};
}

function inetOrNull(address: string | null): string | null {
	if (!address) return null;
	return /^[0-9a-f.:]+$/i.test(address) ? address : null;
}

/** GoTrue's `webauthn` parameter of a verification: `create` or `request`, and the answer. */
function webauthnParam(body: Json): { type: 'create' | 'request'; response: unknown } | null {
	if (body.webauthn === undefined || body.webauthn === null) return null;
	const param = obj(body, 'webauthn') as Json;
	const type = param.type;
	if (type !== 'create' && type !== 'request') {
		throw badRequest('validation_failed', 'WebAuthn type must be create or request');
	}
	if (param.credential_response === undefined || param.credential_response === null) {
		throw badRequest('validation_failed', 'credential_response required');
	}
	return { type, response: param.credential_response };
}

/**
 * Checks a WebAuthn factor's answer to its challenge: a new credential (kept on the factor) or
 * a signature by the factor's credential (its counter moves on). An error when it does not hold.
 */
async function verifyWebauthn(
	ctx: Ctx,
	tx: Queryable,
	factor: FactorRow,
	session: WebauthnSession | null,
	param: { type: 'create' | 'request'; response: unknown } | null
): Promise<AuthError | null> {
	if (!ctx.settings.webauthnMfaVerify) {
		return unprocessable(
			'mfa_webauthn_verify_not_enabled',
			'MFA verification is disabled for WebAuthn'
		);
	}
	if (!param) return badRequest('validation_failed', 'WebAuthn config required');
	const failed = unprocessable('mfa_verification_failed', 'WebAuthn verification failed');
	if (!session || session.type !== param.type) return failed;
	const rp = ctx.settings.webauthn;
	if (param.type === 'create') {
		if (factor.status === 'verified') return failed;
		const created = await checkRegistration(rp, param.response, session.challenge);
		if (!created) return failed;
		const credential: StoredCredential = {
			id: created.id,
			publicKey: created.publicKey,
			counter: created.counter,
			transports: created.transports
		};
		await tx.query(
			`update auth.mfa_factors set web_authn_credential = $2::jsonb, web_authn_aaguid = $3::uuid,
				updated_at = now() where id = $1::uuid`,
			[factor.id, JSON.stringify(credential), created.aaguid]
		);
		return null;
	}
	const own = factorCredential(factor);
	if (!own || credentialIdOf(param.response) !== own.id) return failed;
	const counter = await checkAssertion(rp, param.response, session.challenge, own);
	if (counter === null) return failed;
	await tx.query(
		`update auth.mfa_factors set web_authn_credential = $2::jsonb, updated_at = now()
		where id = $1::uuid`,
		[factor.id, JSON.stringify({ ...own, counter })]
	);
	return null;
}

/**
 * `POST /factors/<id>/verify`: checks the code against the factor's secret (one period either
 * side), or a WebAuthn factor's answer. Right: the factor is verified, the session is raised to
 * `aal2` with the method in its `amr`, and a new access and refresh token are answered. Wrong or
 * stale: 422, and the try is counted.
 */
export async function verify(ctx: Ctx, factorId: string): Promise<Response> {
	const auth = await authenticate(ctx);
	const body = await readJsonBody(ctx.request, ctx.env);
	const challengeId = str(body, 'challenge_id');
	const code = str(body, 'code').trim();
	const webauthn = webauthnParam(body);
	if (!challengeId) throw badRequest('validation_failed', 'challenge_id is required');
	// Per client address and per factor: tries from everywhere at one factor count together.
	await rateLimit(ctx, 'mfa_verifications', null, factorId);
	const result = await inTx(ctx, async (tx) => {
		const user = await loadAuthenticatedUser(tx, auth);
		if (!auth.sessionId) throw forbidden('session_not_found', 'Session not found');
		const factor = await findFactor(tx, user.id, factorId);
		const { rows } = /^[0-9a-f-]{36}$/i.test(challengeId)
			? await tx.query<{
					factor_id: string;
					verified: string;
					expired: string;
					session: string | null;
				}>(
					`select factor_id::text, (verified_at is not null)::text as verified,
						(created_at + make_interval(secs => $2::int) < now())::text as expired,
						web_authn_session_data::text as session
					from auth.mfa_challenges where id = $1::uuid for update`,
					[challengeId, CHALLENGE_EXPIRY_SECONDS]
				)
			: { rows: [] };
		const found = rows[0];
		if (!found || found.factor_id !== factor.id) {
			throw unprocessable('mfa_challenge_not_found', 'Challenge not found');
		}
		if (found.verified === 'true') {
			throw unprocessable('mfa_challenge_expired', 'Challenge has already been verified');
		}
		if (found.expired === 'true') {
			await tx.query('delete from auth.mfa_challenges where id = $1::uuid', [challengeId]);
			return new AuthError(
				422,
				'mfa_challenge_expired',
				`MFA challenge ${challengeId} has expired, verify against another challenge or create a new challenge.`
			);
		}
		let method = 'totp';
		if (factor.factor_type === 'webauthn') {
			const session = found.session ? (JSON.parse(found.session) as WebauthnSession) : null;
			const refused = await verifyWebauthn(ctx, tx, factor, session, webauthn);
			if (refused) return refused;
			method = 'mfa/webauthn';
		} else {
			const ok =
				/^\d{6}$/.test(code) &&
				totpOf(factor.secret ?? '').validate({ token: code, window: 1 }) !== null;
			if (!ok) return unprocessable('mfa_verification_failed', 'Invalid TOTP code entered');
		}
		await tx.query('update auth.mfa_challenges set verified_at = now() where id = $1::uuid', [
			challengeId
		]);
		if (factor.status !== 'verified') {
			await tx.query(
				`update auth.mfa_factors set status = 'verified', updated_at = now() where id = $1::uuid`,
				[factor.id]
			);
			// As GoTrue: once the account has a second factor, sessions that never used it end.
			await tx.query(
				`delete from auth.sessions where user_id = $1::uuid and id <> $2::uuid
					and coalesce(aal, 'aal1') = 'aal1'`,
				[user.id, auth.sessionId]
			);
			if (method === 'mfa/webauthn') {
				// GoTrue's DeleteUnverifiedFactors: other WebAuthn enrolments left half-way go.
				await tx.query(
					`delete from auth.mfa_factors where user_id = $1::uuid and factor_type = 'webauthn'
						and status = 'unverified' and id <> $2::uuid`,
					[user.id, factor.id]
				);
			}
		}
		await tx.query(
			`update auth.sessions set aal = 'aal2', factor_id = $2::uuid, updated_at = now() where id = $1::uuid`,
			[auth.sessionId, factor.id]
		);
		await tx.query(
			`insert into auth.mfa_amr_claims (id, session_id, created_at, updated_at, authentication_method)
			values ($1::uuid, $2::uuid, now(), now(), $3)
			on conflict (session_id, authentication_method) do update set updated_at = excluded.updated_at`,
			[randomUUID(), auth.sessionId, method]
		);
		return sessionTokens(ctx.env, tx, user.id, auth.sessionId);
	});
	if (result instanceof AuthError) throw result;
	return json(result);
}

/** `DELETE /factors/<id>`: a verified factor only from an `aal2` session. */
export async function unenroll(ctx: Ctx, factorId: string): Promise<Response> {
	const auth = await authenticate(ctx);
	const id = await inTx(ctx, async (tx) => {
		const user = await loadAuthenticatedUser(tx, auth);
		const factor = await findFactor(tx, user.id, factorId);
		if (factor.status === 'verified' && aalOf(auth.claims) !== 'aal2') {
			throw insufficientAal('AAL2 required to unenroll verified factor');
		}
		await tx.query('delete from auth.mfa_factors where id = $1::uuid', [factor.id]);
		// Sessions raised by this factor fall back to aal1 (their second-factor claim goes with it).
		await tx.query(
			`update auth.sessions set aal = 'aal1', factor_id = null, updated_at = now()
			where user_id = $1::uuid and factor_id = $2::uuid`,
			[user.id, factor.id]
		);
		await tx.query(
			`delete from auth.mfa_amr_claims c using auth.sessions s
			where c.session_id = s.id and s.user_id = $1::uuid and s.aal = 'aal1'
				and c.authentication_method in ('totp', 'mfa/webauthn')`,
			[user.id]
		);
		return factor.id;
	});
	return json({ id });
}

/** The secret key's view: `GET /admin/users/<id>/factors`. */
export async function adminListFactors(tx: Queryable, userId: string): Promise<unknown[]> {
	const { rows } = /^[0-9a-f-]{36}$/i.test(userId)
		? await tx.query<{ factors: string | null }>(
				`select ${factorsJson} from auth.users u where u.id = $1::uuid`,
				[userId]
			)
		: { rows: [] };
	if (!rows[0]) throw notFound('user_not_found', 'User not found');
	return rows[0].factors ? JSON.parse(rows[0].factors) : [];
}

/** `DELETE /admin/users/<id>/factors/<factor>`: the factor, whatever the session's level. */
export async function adminDeleteFactor(
	tx: Queryable,
	userId: string,
	factorId: string
): Promise<Record<string, unknown>> {
	const factor = await findFactor(tx, userId, factorId);
	await tx.query('delete from auth.mfa_factors where id = $1::uuid', [factor.id]);
	await tx.query(
		`update auth.sessions set aal = 'aal1', factor_id = null where user_id = $1::uuid and factor_id = $2::uuid`,
		[userId, factor.id]
	);
	return { id: factor.id };
}
