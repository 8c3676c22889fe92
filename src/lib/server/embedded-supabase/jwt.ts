import { SignJWT, jwtVerify, errors } from 'jose';

// Importing the key costs more than checking a signature, and jose turns a KeyObject into a
// CryptoKey on every call: keep one CryptoKey per secret.
const keyCache = new Map<string, Promise<CryptoKey>>();
function keyFor(secret: string): Promise<CryptoKey> {
	let key = keyCache.get(secret);
	if (!key) {
		key = crypto.subtle.importKey(
			'raw',
			new TextEncoder().encode(secret),
			{ name: 'HMAC', hash: 'SHA-256' },
			false,
			['sign', 'verify']
		);
		keyCache.set(secret, key);
	}
	return key;
}

export async function signJwt(payload: Record<string, unknown>, secret: string): Promise<string> {
	return new SignJWT(payload)
		.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
		.sign(await keyFor(secret));
}

export type VerifyResult =
	{ ok: true; claims: Record<string, unknown> } | { ok: false; reason: 'expired' | 'invalid' };

/** Verifies an HS256 token's signature and expiry (and `aud` for user tokens). */
export async function verifyJwt(token: string, secret: string): Promise<VerifyResult> {
	try {
		const { payload } = await jwtVerify(token, await keyFor(secret), { algorithms: ['HS256'] });
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
