/**
 * Tokens of signed URLs, as Supabase Storage makes them: a JWT signed with the project's secret
 * naming the one object it opens (`url`: `bucket/key`) and when it stops working. A download token
 * may also carry the image transformation it was signed for; an upload token carries who will own
 * the object and whether it may overwrite one. Each kind is refused where the other is expected.
 */
import { signJwt, verifyJwt } from '../jwt';
import { storageErrors } from './errors';

/** Seconds a signed upload URL stays valid (Storage's default: two hours). */
export const UPLOAD_URL_EXPIRY = 2 * 60 * 60;

export interface DownloadClaims {
	url: string;
	transformations?: string;
}

export interface UploadClaims {
	url: string;
	owner?: string;
	upsert: boolean;
}

export async function signDownload(
	secret: string,
	claims: DownloadClaims,
	expiresIn: number
): Promise<string> {
	const iat = Math.floor(Date.now() / 1000);
	return signJwt({ ...claims, iat, exp: iat + expiresIn }, secret);
}

export async function signUpload(secret: string, claims: UploadClaims): Promise<string> {
	const iat = Math.floor(Date.now() / 1000);
	return signJwt({ ...claims, kind: 'storage_upload', iat, exp: iat + UPLOAD_URL_EXPIRY }, secret);
}

async function verified(
	secret: string,
	token: string | null,
	url: string
): Promise<Record<string, unknown>> {
	if (!token) throw storageErrors.invalidJwt('Missing token');
	const result = await verifyJwt(token, secret);
	if (!result.ok) {
		throw storageErrors.invalidJwt(
			result.reason === 'expired' ? 'jwt expired' : 'invalid signature'
		);
	}
	if (result.claims.url !== url) throw storageErrors.invalidSignature();
	return result.claims;
}

export async function verifyDownload(
	secret: string,
	token: string | null,
	url: string
): Promise<DownloadClaims> {
	const claims = await verified(secret, token, url);
	if (claims.kind !== undefined || typeof claims.exp !== 'number') {
		throw storageErrors.invalidSignature();
	}
	return {
		url,
		transformations: typeof claims.transformations === 'string' ? claims.transformations : undefined
	};
}

export async function verifyUpload(
	secret: string,
	token: string | null,
	url: string
): Promise<UploadClaims> {
	const claims = await verified(secret, token, url);
	if (claims.kind !== 'storage_upload') throw storageErrors.invalidSignature();
	return {
		url,
		owner: typeof claims.owner === 'string' ? claims.owner : undefined,
		upsert: claims.upsert === true
	};
}
