import { BodyLimitError, readLimitedBody } from '../body';
import type { EmbeddedEnv } from '../env';
import { AuthError, badRequest, baseHeaders } from './errors';

export type Json = Record<string, unknown>;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
	return new Response(JSON.stringify(body), {
		status,
		headers: { ...baseHeaders(), 'content-type': 'application/json', ...headers }
	});
}

export function noContent(): Response {
	return new Response(null, { status: 204, headers: baseHeaders() });
}

export function redirect(location: string, status = 303): Response {
	return new Response(null, { status, headers: { ...baseHeaders(), location } });
}

/**
 * The request body as a JSON object: empty → `{}`, too large → 413, nested too deep, not JSON or
 * not an object → 400 `bad_json`. The shared guard reads it (see body.ts).
 */
export async function readJsonBody(request: Request, env: EmbeddedEnv): Promise<Json> {
	let text: string | undefined;
	try {
		text = await readLimitedBody(request, env.limits);
	} catch (error) {
		if (!(error instanceof BodyLimitError)) throw error;
		if (error.kind === 'too_large') throw tooLarge();
		throw badRequest('bad_json', `Could not parse request body as JSON: ${error.message}`);
	}
	if (text === undefined || text.trim() === '') return {};
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch (error) {
		throw badRequest(
			'bad_json',
			`Could not parse request body as JSON: ${(error as Error).message}`
		);
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw badRequest('bad_json', 'Could not parse request body as JSON: expected an object');
	}
	return parsed as Json;
}

function tooLarge(): AuthError {
	return new AuthError(413, 'request_too_large', 'Request body is too large');
}

/** A string field of the body, or `''`; anything else than a string is a 400. */
export function str(body: Json, key: string): string {
	const value = body[key];
	if (value === undefined || value === null) return '';
	if (typeof value !== 'string') {
		throw badRequest('bad_json', `Could not read request body: "${key}" must be a string`);
	}
	return value;
}

export function bool(body: Json, key: string, fallback: boolean): boolean {
	const value = body[key];
	if (value === undefined || value === null) return fallback;
	if (typeof value !== 'boolean') {
		throw badRequest('bad_json', `Could not read request body: "${key}" must be a boolean`);
	}
	return value;
}

export function obj(body: Json, key: string): Json | null {
	const value = body[key];
	if (value === undefined || value === null) return null;
	if (typeof value !== 'object' || Array.isArray(value)) {
		throw badRequest('bad_json', `Could not read request body: "${key}" must be an object`);
	}
	return value as Json;
}

const emailPattern =
	/^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** GoTrue's `validateEmail`: required, at most 255 characters, a valid format; lower-cased. */
export function validateEmail(email: string): string {
	const trimmed = email.trim();
	if (!trimmed) throw badRequest('validation_failed', 'An email address is required');
	if (trimmed.length > 255) throw badRequest('validation_failed', 'An email address is too long');
	if (!emailPattern.test(trimmed)) {
		throw badRequest('validation_failed', 'Unable to validate email address: invalid format');
	}
	return trimmed.toLowerCase();
}
