/**
 * Errors as PostgREST reports them: `{code, message, details, hint}` with the HTTP status PostgREST
 * derives from the SQLSTATE (or its own `PGRSTxxx` code).
 */
import { isPgError } from '../database';

export interface ErrorBody {
	code: string;
	message: string;
	details: unknown;
	hint: string | null;
}

/** An error with a known status and PostgREST body, thrown by the parser, catalogue and planner. */
export class RestError extends Error {
	readonly status: number;
	readonly code: string;
	readonly details: unknown;
	readonly hint: string | null;
	readonly headers: Record<string, string>;

	constructor(
		status: number,
		code: string,
		message: string,
		details: unknown = null,
		hint: string | null = null,
		headers: Record<string, string> = {}
	) {
		super(message);
		this.name = 'RestError';
		this.status = status;
		this.code = code;
		this.details = details;
		this.hint = hint;
		this.headers = headers;
	}

	body(): ErrorBody {
		return { code: this.code, details: this.details, hint: this.hint, message: this.message };
	}
}

/** The only error the parser throws: a malformed query string or header (400 `PGRST100`). */
export class ParseError extends RestError {
	constructor(message: string, details: unknown = null, hint: string | null = null) {
		super(400, 'PGRST100', message, details, hint);
		this.name = 'ParseError';
	}
}

/** PostgREST's table from SQLSTATE to HTTP status. */
export function statusForSqlState(code: string, anonymous: boolean): number {
	if (/^PT\d{3}$/.test(code)) return Number(code.slice(2));
	switch (code) {
		case '23503':
		case '23505':
		case '23P01':
			return 409;
		case '25006':
			return 405;
		case '42883':
		case '42P01':
			return 404;
		case '42P17':
			return 500;
		case '42501':
			return anonymous ? 401 : 403;
		case 'P0001':
			return 400;
		case '53400':
			return 500;
	}
	const prefix = code.slice(0, 2);
	switch (prefix) {
		case '08':
		case '53':
			return 503;
		case '0L':
		case '0P':
		case '28':
			return 403;
		case '09':
		case '25':
		case '2D':
		case '38':
		case '39':
		case '3B':
		case '40':
		case '54':
		case '55':
		case '57':
		case '58':
		case 'F0':
		case 'HV':
		case 'P0':
		case 'XX':
			return 500;
	}
	return 400;
}

export function jsonResponse(
	status: number,
	body: unknown,
	headers: Record<string, string> = {}
): Response {
	return new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json; charset=utf-8', ...headers }
	});
}

/** Turns anything thrown while answering a request into PostgREST's error response. */
export function errorResponse(error: unknown, anonymous: boolean): Response {
	if (error instanceof RestError) {
		const headers = { ...error.headers };
		if (error.status === 401) headers['www-authenticate'] ??= 'Bearer';
		return jsonResponse(error.status, error.body(), headers);
	}
	if (isPgError(error)) {
		const status = statusForSqlState(error.code, anonymous);
		const body: ErrorBody = {
			code: error.code,
			details: error.detail ?? null,
			hint: error.hint ?? null,
			message: error.message
		};
		const headers: Record<string, string> = {};
		if (status === 401) headers['www-authenticate'] = 'Bearer';
		return jsonResponse(status, body, headers);
	}
	const message = error instanceof Error ? error.message : String(error);
	return jsonResponse(500, {
		code: 'PGRST000',
		details: null,
		hint: null,
		message: `Internal error: ${message}`
	});
}

/** The gateway's and PostgREST's answers for a request whose key or token is not accepted. */
export function authErrorResponse(
	reason: 'no_api_key' | 'invalid_api_key' | 'jwt_expired' | 'jwt_invalid'
): Response {
	switch (reason) {
		case 'no_api_key':
			return jsonResponse(401, {
				message: 'No API key found in request',
				hint: 'No `apikey` request header or url param was found.'
			});
		case 'invalid_api_key':
			return jsonResponse(401, {
				message: 'Invalid API key',
				hint: 'Double check your Supabase `anon` or `service_role` API key.'
			});
		case 'jwt_expired':
			return jsonResponse(
				401,
				{ code: 'PGRST303', details: null, hint: null, message: 'JWT expired' },
				{ 'www-authenticate': 'Bearer error="invalid_token", error_description="JWT expired"' }
			);
		case 'jwt_invalid':
			return jsonResponse(
				401,
				{
					code: 'PGRST301',
					details: null,
					hint: null,
					message: 'JWSError JWSInvalidSignature'
				},
				{ 'www-authenticate': 'Bearer error="invalid_token"' }
			);
	}
}
