/**
 * RFC 8058 one-click unsubscribe vs SvelteKit's CSRF check. A mail provider (Gmail, Outlook…)
 * POSTs `List-Unsubscribe=One-Click` as a form to the link in the List-Unsubscribe header, from its
 * own servers, with no Origin header — and SvelteKit's built-in check refuses every cross-site form
 * post before any hook runs. So the app turns the built-in check off
 * (`kit.csrf.trustedOrigins: ['*']`) and runs this same check in a hook, with one exception: a POST
 * to /email/preferences carrying an unsubscribe token, which can do nothing but turn that family's
 * reminders off.
 */

// The content types SvelteKit protects (its own binary form encoding included).
const formTypes = [
	'application/x-www-form-urlencoded',
	'multipart/form-data',
	'text/plain',
	'application/x-sveltekit-formdata'
];
const token = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isOneClickUnsubscribe(request: Request, url: URL): boolean {
	return (
		request.method === 'POST' &&
		url.pathname === '/email/preferences' &&
		token.test(url.searchParams.get('token') ?? '')
	);
}

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
