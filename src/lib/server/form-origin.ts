/**
 * SvelteKit's CSRF rule for form posts, which the app runs itself (hooks.server.ts, formOrigin) so
 * that a refusal can be answered in the visitor's language: a cross-site form submission is
 * refused, except RFC 8058 one-click unsubscribe (see email/one-click.ts).
 */
import { isOneClickUnsubscribe } from './email/one-click';

// The content types SvelteKit protects (its own binary form encoding included).
const formTypes = [
	'application/x-www-form-urlencoded',
	'multipart/form-data',
	'text/plain',
	'application/x-sveltekit-formdata'
];
/** SvelteKit's own rule (a cross-site form submission is refused), minus the one-click exception. */
export function crossSiteFormBlocked(
	request: Request,
	url: URL,
	trustedOrigins: string[] = []
): boolean {
	if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(request.method)) return false;
	const type = (request.headers.get('content-type') ?? '').split(';', 1)[0].trim().toLowerCase();
	if (!formTypes.includes(type)) return false;
	const origin = request.headers.get('origin');
	if (origin === url.origin || (origin && trustedOrigins.includes(origin))) return false;
	return !isOneClickUnsubscribe(request, url);
}
