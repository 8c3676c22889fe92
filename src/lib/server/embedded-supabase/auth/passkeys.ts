/**
 * Passkeys, as GoTrue answers `/passkeys/*` (supabase-js's `auth.passkey`): a signed-in user
 * registers a discoverable credential, then signs in with it alone; lists, renames and deletes
 * her passkeys; the secret key lists and deletes anyone's. Off unless `[auth.passkey] enabled`.
 * Beginning a ceremony is limited per client address in `auth.rate_limits`; each challenge is
 * answered at most once and lasts 5 minutes.
 */
import type { Queryable } from '../database';
import {
	authenticate,
	inTx,
	loadAuthenticatedUser,
	rateLimit,
	type Authenticated,
	type Ctx
} from './context';
import { badRequest, forbidden, notFound, unprocessable } from './errors';
import { json, noContent, readJsonBody, str, type Json } from './http';
import { aalOf, hasVerifiedFactor } from './mfa';
import { issueSession } from './tokens';
import { findUserById, isUuid, type AuthUser } from './users';
import {
	checkAssertion,
	checkRegistration,
	consumeChallenge,
	creationOptions,
	credentialIdOf,
	requestOptions,
	storeChallenge,
	userIdFromHandle,
	type ChallengeType
} from './webauthn';

/** GoTrue's default `max_passkeys_per_user`. */
const MAX_PASSKEYS = 10;

const verificationFailed = () =>
	badRequest('webauthn_verification_failed', 'Credential verification failed');
const passkeyNotFound = () => notFound('validation_failed', 'Passkey not found');

/** PostgreSQL 15 decodes base64, not base64url: credentials travel as the one, bytea as the other. */
const base64ToUrl = (b64: string) => Buffer.from(b64, 'base64').toString('base64url');
const urlToBase64 = (b64url: string) => Buffer.from(b64url, 'base64url').toString('base64');

function requirePasskeys(ctx: Ctx): void {
	if (!ctx.settings.passkeys) throw notFound('passkey_disabled', 'Passkeys are disabled');
}

interface PasskeyRow {
	id: string;
	friendly_name: string;
	created_at: string;
	last_used_at: string | null;
}

const passkeyColumns = `id::text, friendly_name,
	to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_at,
	to_char(last_used_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as last_used_at`;

/** GoTrue's `PasskeyListItem`: empty names and unused dates are left out. */
function passkeyJson(row: PasskeyRow): Json {
	return {
		id: row.id,
		...(row.friendly_name ? { friendly_name: row.friendly_name } : {}),
		created_at: row.created_at,
		...(row.last_used_at ? { last_used_at: row.last_used_at } : {})
	};
}

async function passkeysOf(tx: Queryable, userId: string): Promise<Json[]> {
	const { rows } = await tx.query<PasskeyRow>(
		`select ${passkeyColumns} from auth.webauthn_credentials
		where user_id = $1::uuid order by created_at, id`,
		[userId]
	);
	return rows.map(passkeyJson);
}

/** GoTrue's `requireNotAnonymous`, then its rule that an MFA user manages passkeys at aal2. */
async function managingUser(tx: Queryable, auth: Authenticated): Promise<AuthUser> {
	const user = await loadAuthenticatedUser(tx, auth);
	if (user.isAnonymous)
		throw forbidden('no_authorization', 'Anonymous user not allowed to perform these actions');
	if ((await hasVerifiedFactor(tx, user.id)) && aalOf(auth.claims) !== 'aal2') {
		throw forbidden(
			'insufficient_aal',
			'AAL2 session is required to manage passkeys when MFA is enabled'
		);
	}
	return user;
}

async function challengeBody(ctx: Ctx): Promise<{ challengeId: string; credential: unknown }> {
	const body = await readJsonBody(ctx.request, ctx.env);
	const challengeId = str(body, 'challenge_id');
	if (!challengeId) throw badRequest('validation_failed', 'challenge_id is required');
	if (body.credential === undefined || body.credential === null) {
		throw badRequest('validation_failed', 'credential is required');
	}
	if (!isUuid(challengeId)) {
		throw badRequest('validation_failed', 'challenge_id must be a valid UUID');
	}
	return { challengeId, credential: body.credential };
}

/**
 * Takes the challenge in a transaction of its own, so that it is spent even when the answer then
 * fails (GoTrue consumes it before verifying).
 */
async function spendChallenge(
	ctx: Ctx,
	id: string,
	type: ChallengeType,
	userId: string | null
): Promise<string> {
	const found = await inTx(ctx, (tx) => consumeChallenge(tx, id, type, userId));
	if (!found) {
		throw badRequest('webauthn_challenge_not_found', 'Challenge not found or already used');
	}
	if (found.expired) throw badRequest('webauthn_challenge_expired', 'Challenge has expired');
	return found.challenge;
}

function displayName(user: AuthUser): string {
	const name = user.userMetadata.name;
	return typeof name === 'string' && name ? name : user.email || user.id;
}

/** `POST /passkeys/registration/options`: creation options for a new passkey of the caller. */
export async function registrationOptions(ctx: Ctx): Promise<Response> {
	requirePasskeys(ctx);
	const auth = await authenticate(ctx);
	await rateLimit(ctx, 'passkeys');
	const result = await inTx(ctx, async (tx) => {
		const user = await managingUser(tx, auth);
		const { rows } = await tx.query<{ id: string; transports: string[] }>(
			`select encode(credential_id, 'base64') as id, transports
			from auth.webauthn_credentials where user_id = $1::uuid`,
			[user.id]
		);
		if (rows.length >= MAX_PASSKEYS) {
			throw unprocessable('too_many_passkeys', 'Maximum number of passkeys reached');
		}
		const options = await creationOptions(
			ctx.settings.webauthn,
			{ id: user.id, name: user.email || user.id, displayName: displayName(user) },
			rows.map((r) => ({ id: base64ToUrl(r.id), transports: r.transports })),
			true
		);
		const stored = await storeChallenge(tx, 'registration', user.id, options.challenge);
		return { challenge_id: stored.id, options, expires_at: stored.expiresAt };
	});
	return json(result);
}

/** `POST /passkeys/registration/verify`: checks the new credential and keeps it. */
export async function registrationVerify(ctx: Ctx): Promise<Response> {
	requirePasskeys(ctx);
	const auth = await authenticate(ctx);
	const { challengeId, credential } = await challengeBody(ctx);
	const user = await inTx(ctx, (tx) => managingUser(tx, auth));
	const challenge = await spendChallenge(ctx, challengeId, 'registration', user.id);
	const created = await checkRegistration(ctx.settings.webauthn, credential, challenge);
	if (!created) throw verificationFailed();
	const row = await inTx(ctx, async (tx) => {
		// Serialises registrations of one user, so that the count below holds.
		await tx.query('select 1 from auth.users where id = $1::uuid for update', [user.id]);
		const { rows: count } = await tx.query<{ n: string }>(
			'select count(*)::text as n from auth.webauthn_credentials where user_id = $1::uuid',
			[user.id]
		);
		if (Number(count[0].n) >= MAX_PASSKEYS) {
			throw unprocessable('too_many_passkeys', 'Maximum number of passkeys reached');
		}
		const { rows: taken } = await tx.query(
			`select 1 from auth.webauthn_credentials where credential_id = decode($1, 'base64')`,
			[urlToBase64(created.id)]
		);
		if (taken.length) {
			throw unprocessable('webauthn_credential_exists', 'This credential is already registered');
		}
		const { rows } = await tx.query<PasskeyRow>(
			`insert into auth.webauthn_credentials (user_id, credential_id, public_key, attestation_type,
				aaguid, sign_count, transports, backup_eligible, backed_up, friendly_name)
			values ($1::uuid, decode($2, 'base64'), decode($3, 'base64'), $4, $5::uuid, $6, $7::jsonb,
				$8, $9, 'Passkey')
			returning ${passkeyColumns}`,
			[
				user.id,
				urlToBase64(created.id),
				urlToBase64(created.publicKey),
				created.attestationType,
				created.aaguid,
				created.counter,
				JSON.stringify(created.transports),
				created.backupEligible,
				created.backedUp
			]
		);
		return rows[0];
	});
	return json({ id: row.id, friendly_name: row.friendly_name, created_at: row.created_at });
}

/** `POST /passkeys/authentication/options`: a discoverable sign-in, bound to no user. */
export async function authenticationOptions(ctx: Ctx): Promise<Response> {
	requirePasskeys(ctx);
	await rateLimit(ctx, 'passkeys');
	const options = await requestOptions(ctx.settings.webauthn, []);
	const stored = await inTx(ctx, (tx) =>
		storeChallenge(tx, 'authentication', null, options.challenge)
	);
	return json({ challenge_id: stored.id, options, expires_at: stored.expiresAt });
}

/**
 * `POST /passkeys/authentication/verify`: the signature of a registered passkey over the
 * challenge signs its user in (the user handle names the user, the credential id the key).
 */
export async function authenticationVerify(ctx: Ctx): Promise<Response> {
	requirePasskeys(ctx);
	const { challengeId, credential } = await challengeBody(ctx);
	const challenge = await spendChallenge(ctx, challengeId, 'authentication', null);
	const credentialId = credentialIdOf(credential);
	const response = (credential ?? {}) as { response?: { userHandle?: unknown } };
	const userId = userIdFromHandle(response.response?.userHandle);
	if (!credentialId || !userId || !isUuid(userId)) throw verificationFailed();
	const stored = await inTx(ctx, async (tx) => {
		const { rows } = await tx.query<{
			id: string;
			public_key: string;
			sign_count: string;
			transports: string[];
		}>(
			`select id::text, encode(public_key, 'base64') as public_key, sign_count::text, transports
			from auth.webauthn_credentials
			where credential_id = decode($1, 'base64') and user_id = $2::uuid`,
			[urlToBase64(credentialId), userId]
		);
		return rows[0] ?? null;
	});
	if (!stored) throw verificationFailed();
	const counter = await checkAssertion(ctx.settings.webauthn, credential, challenge, {
		id: credentialId,
		publicKey: base64ToUrl(stored.public_key),
		counter: Number(stored.sign_count),
		transports: stored.transports
	});
	if (counter === null) throw verificationFailed();
	const session = await inTx(ctx, async (tx) => {
		const user = await findUserById(tx, userId);
		if (!user) throw verificationFailed();
		if (user.email && !user.emailConfirmed) {
			throw forbidden('email_not_confirmed', 'Email not confirmed');
		}
		if (user.banned) throw forbidden('user_banned', 'User is banned');
		await tx.query(
			`update auth.webauthn_credentials set sign_count = $2, last_used_at = now(), updated_at = now()
			where id = $1::uuid`,
			[stored.id, counter]
		);
		await tx.query('update auth.users set last_sign_in_at = now() where id = $1::uuid', [user.id]);
		return issueSession(ctx.env, tx, user.id, 'passkey', ctx.request);
	});
	return json(session);
}

/** `GET /passkeys`: the caller's passkeys. */
export async function listPasskeys(ctx: Ctx): Promise<Response> {
	requirePasskeys(ctx);
	const auth = await authenticate(ctx);
	return json(
		await inTx(ctx, async (tx) => passkeysOf(tx, (await loadAuthenticatedUser(tx, auth)).id))
	);
}

/** `PATCH /passkeys/<id>`: renames one of the caller's passkeys. */
export async function updatePasskey(ctx: Ctx, passkeyId: string): Promise<Response> {
	requirePasskeys(ctx);
	const auth = await authenticate(ctx);
	const body = await readJsonBody(ctx.request, ctx.env);
	const name = str(body, 'friendly_name');
	if (!name) throw badRequest('validation_failed', 'friendly_name is required');
	if (name.length > 120) {
		throw badRequest('validation_failed', 'friendly_name must be 120 characters or less');
	}
	const row = await inTx(ctx, async (tx) => {
		const user = await loadAuthenticatedUser(tx, auth);
		if (!isUuid(passkeyId)) throw passkeyNotFound();
		const { rows } = await tx.query<PasskeyRow>(
			`update auth.webauthn_credentials set friendly_name = $3, updated_at = now()
			where id = $1::uuid and user_id = $2::uuid returning ${passkeyColumns}`,
			[passkeyId, user.id, name]
		);
		if (!rows[0]) throw passkeyNotFound();
		return rows[0];
	});
	return json(passkeyJson(row));
}

/** `DELETE /passkeys/<id>`: one of the caller's passkeys (at aal2 when she has MFA). */
export async function deletePasskey(ctx: Ctx, passkeyId: string): Promise<Response> {
	requirePasskeys(ctx);
	const auth = await authenticate(ctx);
	await inTx(ctx, async (tx) => {
		const user = await managingUser(tx, auth);
		await deleteOne(tx, user.id, passkeyId);
	});
	return noContent();
}

async function deleteOne(tx: Queryable, userId: string, passkeyId: string): Promise<void> {
	if (!isUuid(passkeyId)) throw passkeyNotFound();
	const { rows } = await tx.query(
		'delete from auth.webauthn_credentials where id = $1::uuid and user_id = $2::uuid returning id',
		[passkeyId, userId]
	);
	if (!rows.length) throw passkeyNotFound();
}

async function adminUser(tx: Queryable, userId: string): Promise<string> {
	if (!isUuid(userId)) throw notFound('validation_failed', 'user_id must be an UUID');
	const user = await findUserById(tx, userId, true);
	if (!user) throw notFound('user_not_found', 'User not found');
	return user.id;
}

/** `GET /admin/users/<id>/passkeys` (secret key). */
export async function adminListPasskeys(ctx: Ctx, userId: string): Promise<Response> {
	return json(await inTx(ctx, async (tx) => passkeysOf(tx, await adminUser(tx, userId))));
}

/** `DELETE /admin/users/<id>/passkeys/<passkey>` (secret key). */
export async function adminDeletePasskey(
	ctx: Ctx,
	userId: string,
	passkeyId: string
): Promise<Response> {
	await inTx(ctx, async (tx) => deleteOne(tx, await adminUser(tx, userId), passkeyId));
	return noContent();
}
