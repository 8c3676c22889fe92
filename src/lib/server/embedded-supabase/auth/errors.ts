/**
 * Errors as Supabase Auth (GoTrue) reports them. With `X-Supabase-Api-Version: 2024-01-01` (which
 * auth-js always sends) the body is `{code: "<error_code>", message}`; older clients get
 * `{code: <status>, error_code, msg}`. auth-js reads `code` (new) or `error_code` (old), and the
 * text from `msg` or `message` — the new shape carries both so either reader finds it.
 */
export const API_VERSION = '2024-01-01';

export class AuthError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		/** Extra top-level fields (e.g. `weak_password`). */
		readonly extra?: Record<string, unknown>,
		/** Extra response headers (e.g. `retry-after` on a 429). */
		readonly headers?: Record<string, string>
	) {
		super(message);
	}
}

/** The OAuth-style error GoTrue answers for a few `/token` mistakes: `{error, error_description}`. */
export class OAuthError extends Error {
	constructor(
		readonly error: string,
		readonly description: string
	) {
		super(description);
	}
}

export const badRequest = (code: string, message: string) => new AuthError(400, code, message);
export const unauthorized = (code: string, message: string) => new AuthError(401, code, message);
export const forbidden = (code: string, message: string) => new AuthError(403, code, message);
export const notFound = (code: string, message: string) => new AuthError(404, code, message);
export const unprocessable = (code: string, message: string) => new AuthError(422, code, message);
export const tooManyRequests = (code: string, message: string) => new AuthError(429, code, message);
export const internal = (message: string) => new AuthError(500, 'unexpected_failure', message);

export const otpExpired = () => forbidden('otp_expired', 'Token has expired or is invalid');
export const linkExpired = () => forbidden('otp_expired', 'Email link is invalid or has expired');

export function weakPassword(message: string, reasons: string[]): AuthError {
	return new AuthError(422, 'weak_password', message, { weak_password: { reasons } });
}

function usesNewApi(request: Request): boolean {
	const value = request.headers.get('x-supabase-api-version');
	if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
	return value >= API_VERSION;
}

export function baseHeaders(): Record<string, string> {
	return { 'x-supabase-api-version': API_VERSION };
}

export function errorResponse(error: AuthError | OAuthError, request: Request): Response {
	const headers: Record<string, string> = {
		...baseHeaders(),
		'content-type': 'application/json'
	};
	if (error instanceof OAuthError) {
		return new Response(
			JSON.stringify({ error: error.error, error_description: error.description }),
			{ status: 400, headers }
		);
	}
	headers['x-sb-error-code'] = error.code;
	Object.assign(headers, error.headers);
	const body = usesNewApi(request)
		? { code: error.code, message: error.message, msg: error.message, ...error.extra }
		: { code: error.status, error_code: error.code, msg: error.message, ...error.extra };
	return new Response(JSON.stringify(body), { status: error.status, headers });
}
