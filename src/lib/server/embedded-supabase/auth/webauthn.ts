/**
 * WebAuthn ceremonies shared by passkeys and WebAuthn factors, as GoTrue runs them: the options a
 * browser hands to `navigator.credentials.create()` / `get()`, the challenge kept in the database
 * until it is answered once, and the checks of the answer — attestation and assertion are verified
 * by @simplewebauthn/server, never parsed here.
 */
import {
	generateAuthenticationOptions,
	generateRegistrationOptions,
	verifyAuthenticationResponse,
	verifyRegistrationResponse,
	type AuthenticationResponseJSON,
	type AuthenticatorTransportFuture,
	type RegistrationResponseJSON
} from '@simplewebauthn/server';
import type { Queryable } from '../database';
import type { AuthSettings } from './settings';

/** GoTrue's default: a ceremony must be finished within 5 minutes. */
export const CHALLENGE_SECONDS = 300;

export type RelyingParty = AuthSettings['webauthn'];

/** A credential as stored: its id and public key as base64url, the signature counter. */
export interface StoredCredential {
	id: string;
	publicKey: string;
	counter: number;
	transports: string[];
}

/** A credential the authenticator has just created and the server has checked. */
export interface NewCredential extends StoredCredential {
	aaguid: string | null;
	backupEligible: boolean;
	backedUp: boolean;
	attestationType: string;
}

/**
 * GoTrue's `WebAuthnID`: the user's id as text. Authenticators return it as the user handle of a
 * discoverable credential, which is how a passkey sign-in finds its user.
 */
export const userHandleOf = (userId: string) => new TextEncoder().encode(userId);

export function userIdFromHandle(handle: unknown): string | null {
	if (typeof handle !== 'string' || handle === '') return null;
	try {
		return Buffer.from(handle, 'base64url').toString('utf8');
	} catch {
		return null;
	}
}

export function creationOptions(
	rp: RelyingParty,
	user: { id: string; name: string; displayName: string },
	exclude: { id: string; transports?: string[] }[],
	discoverable: boolean
) {
	return generateRegistrationOptions({
		rpName: rp.rpDisplayName,
		rpID: rp.rpId,
		userID: userHandleOf(user.id),
		userName: user.name,
		userDisplayName: user.displayName,
		attestationType: 'none',
		excludeCredentials: exclude.map((c) => ({
			id: c.id,
			transports: c.transports as AuthenticatorTransportFuture[] | undefined
		})),
		authenticatorSelection: discoverable
			? { residentKey: 'required', requireResidentKey: true, userVerification: 'preferred' }
			: { residentKey: 'discouraged', userVerification: 'preferred' }
	});
}

export function requestOptions(rp: RelyingParty, allow: { id: string; transports?: string[] }[]) {
	return generateAuthenticationOptions({
		rpID: rp.rpId,
		userVerification: 'preferred',
		allowCredentials: allow.map((c) => ({
			id: c.id,
			transports: c.transports as AuthenticatorTransportFuture[] | undefined
		}))
	});
}

/** The authenticator's answer to a creation challenge, checked; `null` when it does not hold. */
export async function checkRegistration(
	rp: RelyingParty,
	response: unknown,
	challenge: string
): Promise<NewCredential | null> {
	if (!response || typeof response !== 'object') return null;
	try {
		const result = await verifyRegistrationResponse({
			response: response as RegistrationResponseJSON,
			expectedChallenge: challenge,
			expectedOrigin: rp.rpOrigins,
			expectedRPID: rp.rpId,
			requireUserVerification: false
		});
		if (!result.verified) return null;
		const info = result.registrationInfo;
		return {
			id: info.credential.id,
			publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
			counter: info.credential.counter,
			transports: info.credential.transports ?? [],
			aaguid: info.aaguid === '00000000-0000-0000-0000-000000000000' ? null : info.aaguid,
			backupEligible: info.credentialDeviceType === 'multiDevice',
			backedUp: info.credentialBackedUp,
			attestationType: info.fmt
		};
	} catch {
		return null;
	}
}

/** The authenticator's signature over a request challenge, checked: the new counter, or `null`. */
export async function checkAssertion(
	rp: RelyingParty,
	response: unknown,
	challenge: string,
	credential: StoredCredential
): Promise<number | null> {
	if (!response || typeof response !== 'object') return null;
	try {
		const result = await verifyAuthenticationResponse({
			response: response as AuthenticationResponseJSON,
			expectedChallenge: challenge,
			expectedOrigin: rp.rpOrigins,
			expectedRPID: rp.rpId,
			credential: {
				id: credential.id,
				publicKey: new Uint8Array(Buffer.from(credential.publicKey, 'base64url')),
				counter: credential.counter,
				transports: credential.transports as AuthenticatorTransportFuture[]
			},
			requireUserVerification: false
		});
		return result.verified ? result.authenticationInfo.newCounter : null;
	} catch {
		return null;
	}
}

/** The id of the credential an answer names (its `rawId`, else `id`), as base64url. */
export function credentialIdOf(response: unknown): string | null {
	if (!response || typeof response !== 'object') return null;
	const r = response as { id?: unknown; rawId?: unknown };
	const id = typeof r.rawId === 'string' ? r.rawId : r.id;
	return typeof id === 'string' && /^[A-Za-z0-9_-]+={0,2}$/.test(id) ? id.replace(/=+$/, '') : null;
}

export type ChallengeType = 'registration' | 'authentication';

/**
 * Keeps a passkey ceremony's challenge until it is answered; expired ones are swept on the way
 * (an indexed delete), so the table holds at most what was asked for in the last 5 minutes.
 */
export async function storeChallenge(
	tx: Queryable,
	type: ChallengeType,
	userId: string | null,
	challenge: string
): Promise<{ id: string; expiresAt: number }> {
	await tx.query('delete from auth.webauthn_challenges where expires_at < now()');
	const { rows } = await tx.query<{ id: string; expires_at: string }>(
		`insert into auth.webauthn_challenges (user_id, challenge_type, session_data, expires_at)
		values ($1::uuid, $2, $3::jsonb, now() + make_interval(secs => $4::int))
		returning id::text, floor(extract(epoch from expires_at))::bigint::text as expires_at`,
		[userId, type, JSON.stringify({ challenge }), CHALLENGE_SECONDS]
	);
	return { id: rows[0].id, expiresAt: Number(rows[0].expires_at) };
}

/**
 * Takes a challenge out of the table (so it is answered at most once, whatever the answer):
 * `null` when there is none of that type for that user (none at all for a sign-in).
 */
export async function consumeChallenge(
	tx: Queryable,
	id: string,
	type: ChallengeType,
	userId: string | null
): Promise<{ challenge: string; expired: boolean } | null> {
	const { rows } = await tx.query<{ challenge: string; expired: string }>(
		`delete from auth.webauthn_challenges
		where id = $1::uuid and challenge_type = $2 and user_id is not distinct from $3::uuid
		returning session_data->>'challenge' as challenge, (expires_at < now())::text as expired`,
		[id, type, userId]
	);
	const row = rows[0];
	return row ? { challenge: row.challenge, expired: row.expired === 'true' } : null;
}
