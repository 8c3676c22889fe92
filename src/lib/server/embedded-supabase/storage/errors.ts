/**
 * Errors as Supabase Storage reports them: `{ statusCode, code, error, message }`, where
 * `statusCode` is the status the error stands for as a string, and the HTTP status itself is 400
 * for every client error (500 for the server's own), as Storage answers unless it says otherwise.
 * storage-js reads `statusCode` and `message`; `exists()` takes a 400 or 404 for "no".
 */
import { isPgError } from '../database';

export class StorageError extends Error {
	constructor(
		/** The status the error stands for ('404' for a missing object). */
		readonly statusCode: string,
		/** Storage's error code, e.g. `NoSuchKey`. */
		readonly code: string,
		/** Storage's short error name, e.g. `not_found`. */
		readonly error: string,
		message: string,
		readonly httpStatus = statusCode === '500' ? 500 : 400,
		readonly headers: Record<string, string> = {}
	) {
		super(message);
		this.name = 'StorageError';
	}

	response(): Response {
		return Response.json(
			{ statusCode: this.statusCode, code: this.code, error: this.error, message: this.message },
			{ status: this.httpStatus, headers: this.headers }
		);
	}
}

export const storageErrors = {
	noSuchBucket: () =>
		new StorageError('404', 'NoSuchBucket', 'Bucket not found', 'Bucket not found'),
	noSuchKey: () => new StorageError('404', 'NoSuchKey', 'not_found', 'Object not found'),
	invalidKey: (key: string) =>
		new StorageError('400', 'InvalidKey', 'InvalidKey', `Invalid key: ${key}`),
	invalidBucketName: () =>
		new StorageError('400', 'InvalidBucketName', 'Invalid Input', 'Bucket name invalid'),
	duplicate: () => new StorageError('409', 'Duplicate', 'Duplicate', 'The resource already exists'),
	bucketNotEmpty: () =>
		new StorageError(
			'409',
			'InvalidRequest',
			'InvalidRequest',
			'The bucket you tried to delete is not empty'
		),
	entityTooLarge: () =>
		new StorageError(
			'413',
			'EntityTooLarge',
			'Payload too large',
			'The object exceeded the maximum allowed size'
		),
	invalidMimeType: (mimeType: string) =>
		new StorageError(
			'415',
			'InvalidMimeType',
			'invalid_mime_type',
			`mime type ${mimeType} is not supported`
		),
	accessDenied: (message = 'new row violates row-level security policy') =>
		new StorageError('403', 'AccessDenied', 'Unauthorized', message),
	invalidJwt: (message: string) => new StorageError('400', 'InvalidJWT', 'InvalidJWT', message),
	invalidSignature: () =>
		new StorageError('400', 'InvalidSignature', 'InvalidSignature', 'Invalid signature'),
	invalidRequest: (message: string) =>
		new StorageError('400', 'InvalidRequest', 'InvalidRequest', message),
	missingParameter: (name: string) =>
		new StorageError(
			'400',
			'MissingParameter',
			'MissingParameter',
			`Missing Required Parameter ${name}`
		),
	invalidRange: (size: number) =>
		new StorageError('416', 'InvalidRange', 'invalid_range', 'invalid range provided', 416, {
			'content-range': `bytes */${size}`
		}),
	notFound: () => new StorageError('404', 'NotFound', 'Not Found', 'Route not found', 404),
	tooManyRequests: (seconds: number) =>
		new StorageError(
			'429',
			'SlowDown',
			'too_many_requests',
			'Too many requests: this client has used its share of database time',
			429,
			{ 'retry-after': String(seconds) }
		),
	internal: () => new StorageError('500', 'InternalError', 'Internal', 'Internal Server Error', 500)
};

/** A database error in Storage's words (the SQLSTATEs Storage itself translates). */
export function fromDbError(error: unknown): StorageError | null {
	if (!isPgError(error)) return null;
	switch (error.code) {
		case '42501':
			return storageErrors.accessDenied(
				/row-level security/.test(error.message)
					? 'new row violates row-level security policy'
					: error.message
			);
		case '23505':
			return storageErrors.duplicate();
		case '23503':
			return error.detail?.includes('is still referenced')
				? storageErrors.bucketNotEmpty()
				: storageErrors.noSuchBucket();
		case '57014':
			return new StorageError('544', 'DatabaseTimeout', 'DatabaseTimeout', 'Database timeout', 544);
		case '22P02':
			return storageErrors.invalidRequest(error.message);
	}
	if (error.code.startsWith('08')) {
		return new StorageError(
			'503',
			'DatabaseError',
			'DatabaseError',
			'The database is not answering; try again shortly.',
			503
		);
	}
	return null;
}

export function errorResponse(error: unknown): Response {
	if (error instanceof StorageError) return error.response();
	const translated = fromDbError(error);
	if (translated) return translated.response();
	console.error('[storage]', error);
	return storageErrors.internal().response();
}
