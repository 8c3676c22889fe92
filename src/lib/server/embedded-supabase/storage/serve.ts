/**
 * An object's bytes as an HTTP answer: its type, Cache-Control, ETag and Last-Modified as stored,
 * `304` for a matching If-None-Match, `206` for one byte range, `416` for a range past the end.
 * Objects are served from the app's own origin, so anything a browser could run as a page is
 * sandboxed by its Content-Security-Policy and never sniffed into another type.
 */
import { storageErrors } from './errors';

export interface ObjectMetadata {
	eTag?: string;
	size?: number;
	mimetype?: string;
	cacheControl?: string;
	lastModified?: string;
}

/** Headers every object answer carries, whatever its type. */
export function safetyHeaders(mimetype: string): Record<string, string> {
	const headers: Record<string, string> = { 'x-content-type-options': 'nosniff' };
	// A PDF opens in the browser's viewer, which a sandboxed document may not use.
	if (!/^application\/pdf\b/i.test(mimetype)) {
		headers['content-security-policy'] =
			"sandbox; default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'";
	}
	return headers;
}

/** `filename*=` for a `download` name, or the key's last segment when `download` is empty. */
export function contentDisposition(download: string | null, key: string): string | null {
	if (download === null) return null;
	const name = download || key.split('/').pop() || 'download';
	return `attachment; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export type ByteRange = { start: number; end: number };

/**
 * One `bytes=` range of a file of `size` bytes (null: the whole file). More than one range is
 * answered with the whole file, as a server may; a range that cannot be met is refused.
 */
export function parseRange(header: string | null, size: number): ByteRange | null {
	if (!header) return null;
	const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
	if (!match) {
		if (/^bytes=.*,/.test(header)) return null;
		throw storageErrors.invalidRange(size);
	}
	const [, from, to] = match;
	if (from === '' && to === '') throw storageErrors.invalidRange(size);
	if (from === '') {
		const suffix = Number(to);
		if (suffix === 0 || size === 0) throw storageErrors.invalidRange(size);
		return { start: Math.max(0, size - suffix), end: size - 1 };
	}
	const start = Number(from);
	const end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
	if (start >= size || end < start) throw storageErrors.invalidRange(size);
	return { start, end };
}

export function objectHeaders(
	metadata: ObjectMetadata,
	updatedAt: string | null
): Record<string, string> {
	const mimetype = metadata.mimetype ?? 'application/octet-stream';
	const headers: Record<string, string> = {
		'content-type': mimetype,
		'cache-control': metadata.cacheControl ?? 'no-cache',
		'accept-ranges': 'bytes',
		...safetyHeaders(mimetype)
	};
	if (metadata.eTag) headers.etag = metadata.eTag;
	const modified = metadata.lastModified ?? updatedAt;
	if (modified && !Number.isNaN(Date.parse(modified))) {
		headers['last-modified'] = new Date(modified).toUTCString();
	}
	return headers;
}

/** Whether If-None-Match names this ETag (or `*`). */
export function notModified(request: Request, etag: string | undefined): boolean {
	const header = request.headers.get('if-none-match');
	if (!header || !etag) return false;
	return header
		.split(',')
		.map((t) => t.trim().replace(/^W\//, ''))
		.some((t) => t === '*' || t === etag);
}
