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
	/** Declared size of the bytes, when the request says it (a raw body's Content-Length). */
	declaredSize: number | null;
	/** Stops reading the request (a refusal before the bytes are stored). */
	cancel(): void;
}

const MAX_METADATA_BYTES = 8 * 1024;

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
	if (!/^multipart\/form-data/i.test(contentType)) {
		const encoded = request.headers.get('x-metadata');
		let metadata: Record<string, unknown> | null = null;
		if (encoded) metadata = parseMetadata(Buffer.from(encoded, 'base64').toString('utf8'));
		const stream = nodeBody(request);
		const declared = Number(request.headers.get('content-length') ?? NaN);
		return {
			stream,
			mimetype: contentType || 'text/plain;charset=UTF-8',
			cacheControl: request.headers.get('cache-control') ?? 'no-cache',
			userMetadata: metadata,
			declaredSize: Number.isFinite(declared) ? declared : null,
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
					declaredSize: null,
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
