import { createSecretKey, type KeyObject } from 'node:crypto';
import { SignJWT, jwtVerify, errors } from 'jose';

// Importing the key costs more than verifying a signature: keep one per secret.
const keyCache = new Map<string, KeyObject>();
function keyFor(secret: string): KeyObject {
	let key = keyCache.get(secret);
	if (!key) {
		key = createSecretKey(Buffer.from(secret, 'utf8'));
		keyCache.set(secret, key);
	}
	return key;
}

export async function signJwt(payload: Record<string, unknown>, secret: string): Promise<string> {
	return new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(keyFor(secret));
}

export type VerifyResult =
	{ ok: true; claims: Record<string, unknown> } | { ok: false; reason: 'expired' | 'invalid' };

/** Verifies an HS256 token's signature and expiry (and `aud` for user tokens). */
export async function verifyJwt(token: string, secret: string): Promise<VerifyResult> {
	try {
		const { payload } = await jwtVerify(token, keyFor(secret), { algorithms: ['HS256'] });
		if (payload.role === 'authenticated' && payload.aud !== 'authenticated') {
			return { ok: false, reason: 'invalid' };
		}
		return { ok: true, claims: payload as Record<string, unknown> };
	} catch (error) {
		if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired' };
		return { ok: false, reason: 'invalid' };
	}
}

export function looksLikeJwt(value: string): boolean {
	return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(value);
}
