/**
 * What an upload sends, read as Storage reads it: either `multipart/form-data` (storage-js sends a
 * Blob or File this way: fields `cacheControl` and `metadata`, then the file) or a raw body with
 * its type in `Content-Type`, `Cache-Control` and base64 JSON metadata in `x-metadata`. The file's
 * bytes are handed on as a stream, never gathered in memory.
 */
import busboy from 'busboy';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebStream } from 'node:stream/web';
import { storageErrors } from './errors';

export interface UploadSource {
	stream: Readable;
	mimetype: string;
	cacheControl: string;
	userMetadata: Record<string, unknown> | null;
	/** Stops reading the request (a refusal before the bytes are stored). */
	cancel(): void;
}

const MAX_METADATA_BYTES = 8 * 1024;
/** The most a multipart body's fields, part headers and boundaries may take besides the file. */
const MULTIPART_FRAMING_BYTES = 128 * 1024;

const isMultipart = (request: Request) =>
	/^multipart\/form-data/i.test(request.headers.get('content-type') ?? '');

/**
 * The least the file can weigh by the request's Content-Length (for multipart, less the most its
 * fields and framing may take); 0 when it does not say. Over the limit, it is refused unread.
 */
export function leastFileSize(request: Request): number {
	const declared = Number(request.headers.get('content-length') ?? NaN);
	if (!Number.isFinite(declared)) return 0;
	return isMultipart(request) ? Math.max(0, declared - MULTIPART_FRAMING_BYTES) : declared;
}

function parseMetadata(text: string | null | undefined): Record<string, unknown> | null {
	if (!text) return null;
	if (Buffer.byteLength(text) > MAX_METADATA_BYTES) {
		throw storageErrors.invalidRequest('metadata is too large');
	}
	try {
		const value = JSON.parse(text);
		if (value && typeof value === 'object' && !Array.isArray(value)) return value;
	} catch {
		// refused below
	}
	throw storageErrors.invalidRequest('metadata must be a JSON object');
}

function nodeBody(request: Request): Readable {
	if (!request.body) throw storageErrors.missingParameter('file');
	const stream = Readable.fromWeb(request.body as unknown as NodeWebStream<Uint8Array>);
	// The server may fail the body before anyone reads it (adapter-node refuses a Content-Length
	// over BODY_SIZE_LIMIT that way): whoever reads it sees the error; unread, it must not become
	// an uncaught exception that stops the process.
	stream.on('error', () => {});
	return stream;
}

export async function readUpload(request: Request): Promise<UploadSource> {
	const contentType = request.headers.get('content-type') ?? '';
	if (!isMultipart(request)) {
		const encoded = request.headers.get('x-metadata');
		let metadata: Record<string, unknown> | null = null;
		if (encoded) metadata = parseMetadata(Buffer.from(encoded, 'base64').toString('utf8'));
		const stream = nodeBody(request);
		return {
			stream,
			mimetype: contentType || 'text/plain;charset=UTF-8',
			cacheControl: request.headers.get('cache-control') ?? 'no-cache',
			userMetadata: metadata,
			cancel: () => stream.destroy()
		};
	}
	const body = nodeBody(request);
	let parser: busboy.Busboy;
	try {
		parser = busboy({
			headers: { 'content-type': contentType },
			limits: { files: 1, fields: 10, fieldSize: MAX_METADATA_BYTES, parts: 12 }
		});
	} catch {
		body.destroy();
		throw storageErrors.invalidRequest('The multipart body cannot be read');
	}
	const fields: Record<string, string> = {};
	return new Promise<UploadSource>((resolve, reject) => {
		let settled = false;
		let file: Readable | null = null;
		const ignore = () => {};
		const cancel = () => {
			// Destroyed midway, the parser and the file stream report the cut: nobody waits for it.
			parser.on('error', ignore);
			file?.on('error', ignore);
			body.on('error', ignore);
			body.unpipe(parser);
			body.destroy();
			parser.destroy();
			file?.destroy();
		};
		const fail = (error: unknown) => {
			if (settled) return;
			settled = true;
			cancel();
			reject(error);
		};
		parser.on('field', (name, value) => {
			fields[name] = value;
		});
		parser.on('file', (_name, stream, info) => {
			if (settled) return void stream.resume();
			settled = true;
			file = stream;
			try {
				resolve({
					stream,
					mimetype: info.mimeType || 'application/octet-stream',
					cacheControl: `max-age=${fields.cacheControl ?? '3600'}`,
					userMetadata: parseMetadata(fields.metadata),
					cancel
				});
			} catch (error) {
				cancel();
				reject(error);
			}
		});
		parser.on('error', () =>
			fail(storageErrors.invalidRequest('The multipart body cannot be read'))
		);
		parser.on('close', () => fail(storageErrors.missingParameter('file')));
		body.on('error', () => fail(storageErrors.invalidRequest('The upload was cut short')));
		body.pipe(parser);
	});
}
