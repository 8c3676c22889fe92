/**
 * Bucket names and object keys as Supabase Storage accepts them (the characters S3 calls safe),
 * and stricter still where a key could mean something to a file system: no empty, `.` or `..`
 * segment, no leading or trailing `/`. Keys never name a file on disk (blobs.ts names files by
 * version), so this is about refusing what Storage refuses, not the only guard against traversal.
 */
import { storageErrors } from './errors';

const VALID_KEY = /^[A-Za-z0-9_/!.*'() &$=@;:+,?-]+$/;
const VALID_BUCKET = /^[A-Za-z0-9_!.*'() &$=@;:+,?-]+$/;
const MAX_KEY_BYTES = 1024;

export function isValidKey(key: string): boolean {
	if (!VALID_KEY.test(key) || Buffer.byteLength(key) > MAX_KEY_BYTES) return false;
	return key.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

export function isValidBucketName(name: string): boolean {
	return name.length > 0 && name.length < 101 && VALID_BUCKET.test(name) && !/^\.+$/.test(name);
}

export function mustBeValidKey(key: string): string {
	if (!isValidKey(key)) throw storageErrors.invalidKey(key);
	return key;
}

export function mustBeValidBucketName(name: unknown): string {
	if (typeof name !== 'string' || !isValidBucketName(name)) throw storageErrors.invalidBucketName();
	return name;
}

function decode(part: string): string {
	try {
		return decodeURIComponent(part);
	} catch {
		throw storageErrors.invalidKey(part);
	}
}

/** `bucket/some/key` from the rest of a URL path (percent-encoded as it came), validated. */
export function bucketAndKey(rest: string): { bucket: string; key: string } {
	const slash = rest.indexOf('/');
	if (slash <= 0) throw storageErrors.invalidKey(decode(rest));
	const bucket = mustBeValidBucketName(decode(rest.slice(0, slash)));
	const key = mustBeValidKey(decode(rest.slice(slash + 1)));
	return { bucket, key };
}
