import {
	SignJWT,
	decodeProtectedHeader,
	errors,
	exportJWK,
	generateKeyPair,
	importJWK,
	jwtVerify,
	type JWK
} from 'jose';

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

/**
 * An asymmetric signing key (ES256 or RS256), as Supabase's JWT signing keys: access tokens are signed with
 * its private half and carry its `kid`; anyone verifies them with the public half from
 * `/auth/v1/.well-known/jwks.json` (`supabase.auth.getClaims()` does so without asking Auth).
 */
export interface SigningKey {
	kid: string;
	alg: 'ES256' | 'RS256';
	privateKey: CryptoKey;
	publicKey: CryptoKey;
	/** The public key as published in the JWKS. */
	publicJwk: JWK;
}

/** What verifies a token: the shared secret (HS256), and the signing key when there is one. */
export interface JwtKeys {
	secret: string;
	signing: SigningKey | null;
}

/**
 * A signing key from a private JWK (the Supabase CLI's `signing_keys.json` holds an array of
 * them: `supabase gen signing-key --algorithm ES256`).
 */
export async function importSigningKey(jwk: JWK): Promise<SigningKey> {
	const alg =
		jwk.kty === 'EC' && jwk.crv === 'P-256' ? 'ES256' : jwk.kty === 'RSA' ? 'RS256' : null;
	if (!alg || (jwk.alg && jwk.alg !== alg) || !jwk.d) {
		throw new Error(
			'The JWT signing key must be a private ES256 (P-256) or RS256 key in JWK form.'
		);
	}
	const kid = jwk.kid ?? crypto.randomUUID();
	// `key_ops` of a key pair (["sign", "verify"]) would be refused for either half alone.
	const { key_ops: _ops, ...pair } = jwk;
	const privateKey = (await importJWK({ ...pair, alg }, alg)) as CryptoKey;
	// The public half: the private members of an EC or RSA key left out.
	const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = pair;
	const publicKey = (await importJWK({ ...pub, alg }, alg)) as CryptoKey;
	return {
		kid,
		alg,
		privateKey,
		publicKey,
		publicJwk: { ...pub, kid, alg, use: 'sig', key_ops: ['verify'], ext: true }
	};
}

/** A new key pair (a local server's own, when no key is configured). */
export async function newSigningKey(
	alg: 'ES256' | 'RS256' = 'ES256'
): Promise<{ key: SigningKey; privateJwk: JWK }> {
	const { privateKey } = await generateKeyPair(alg, { extractable: true });
	const privateJwk = { ...(await exportJWK(privateKey)), kid: crypto.randomUUID(), alg };
	return { key: await importSigningKey(privateJwk), privateJwk };
}

/** Signs a user's access token: with the signing key (ES256) when there is one, else HS256. */
export async function signAccessToken(
	payload: Record<string, unknown>,
	keys: JwtKeys
): Promise<string> {
	if (!keys.signing) return signJwt(payload, keys.secret);
	return new SignJWT(payload)
		.setProtectedHeader({ alg: keys.signing.alg, typ: 'JWT', kid: keys.signing.kid })
		.sign(keys.signing.privateKey);
}

/**
 * Tokens whose signature has been checked, by their exact text: a page load makes a dozen API
 * calls with the same access token, and an HMAC through WebCrypto costs more than the rest of the
 * call's own work. Only good signatures are kept, with the keys that checked them; expiry and
 * not-before are checked again on every use. Whether the session still exists is not a property
 * of the token and is never kept: Auth's /user asks the database each time.
 */
interface Verified {
	secret: string;
	signing: SigningKey | null;
	claims: Record<string, unknown>;
	exp: number | null;
	nbf: number | null;
}
const VERIFIED_MAX = 10_000;
const verified = new Map<string, Verified>();

function remember(token: string, entry: Verified) {
	if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
	verified.set(token, entry);
}

export type VerifyResult =
	{ ok: true; claims: Record<string, unknown> } | { ok: false; reason: 'expired' | 'invalid' };

/**
 * Verifies a token's signature and expiry (and `aud` for user tokens): HS256 with the secret, or
 * ES256 or RS256 with the signing key its `kid` names. Tokens signed with the secret stay valid beside a
 * signing key (the legacy API keys are, and sessions from before the key was added).
 */
export async function verifyJwt(token: string, keys: string | JwtKeys): Promise<VerifyResult> {
	const { secret, signing } = typeof keys === 'string' ? { secret: keys, signing: null } : keys;
	const known = verified.get(token);
	if (known && known.secret === secret && known.signing === signing) {
		// The signature was checked; the time is checked on every use, as jose does.
		const now = Math.floor(Date.now() / 1000);
		if (known.exp !== null && known.exp <= now) return { ok: false, reason: 'expired' };
		if (known.nbf !== null && known.nbf > now) return { ok: false, reason: 'invalid' };
		return { ok: true, claims: { ...known.claims } };
	}
	try {
		let alg: unknown;
		let kid: unknown;
		try {
			({ alg, kid } = decodeProtectedHeader(token));
		} catch {
			return { ok: false, reason: 'invalid' };
		}
		const asymmetric = alg !== 'HS256';
		if (asymmetric && (!signing || kid !== signing.kid || alg !== signing.alg)) {
			return { ok: false, reason: 'invalid' };
		}
		const { payload } = asymmetric
			? await jwtVerify(token, signing!.publicKey, { algorithms: [signing!.alg] })
			: await jwtVerify(token, await keyFor(secret), { algorithms: ['HS256'] });
		if (payload.role === 'authenticated' && payload.aud !== 'authenticated') {
			return { ok: false, reason: 'invalid' };
		}
		remember(token, {
			secret,
			signing,
			claims: { ...payload },
			exp: typeof payload.exp === 'number' ? payload.exp : null,
			nbf: typeof payload.nbf === 'number' ? payload.nbf : null
		});
		return { ok: true, claims: payload as Record<string, unknown> };
	} catch (error) {
		if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired' };
		return { ok: false, reason: 'invalid' };
	}
}

export function looksLikeJwt(value: string): boolean {
	return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(value);
}
