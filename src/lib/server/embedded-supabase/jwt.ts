import { SignJWT, jwtVerify, errors } from 'jose';

const encoder = new TextEncoder();

export async function signJwt(payload: Record<string, unknown>, secret: string): Promise<string> {
	return new SignJWT(payload)
		.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
		.sign(encoder.encode(secret));
}

export type VerifyResult =
	| { ok: true; claims: Record<string, unknown> }
	| { ok: false; reason: 'expired' | 'invalid' };

/** Verifies an HS256 token's signature and expiry (and `aud` for user tokens). */
export async function verifyJwt(token: string, secret: string): Promise<VerifyResult> {
	try {
		const { payload } = await jwtVerify(token, encoder.encode(secret), { algorithms: ['HS256'] });
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
