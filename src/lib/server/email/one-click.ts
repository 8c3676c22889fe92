/**
 * RFC 8058 one-click unsubscribe vs SvelteKit's CSRF check. A mail provider (Gmail, Outlook…)
 * POSTs `List-Unsubscribe=One-Click` as a form to the link in the List-Unsubscribe header, from its
 * own servers, with no Origin header — and SvelteKit's built-in check refuses every cross-site form
 * post before any hook runs. So the app turns the built-in check off
 * (`kit.csrf.trustedOrigins: ['*']`) and runs the same check in a hook (src/lib/server/form-origin.ts)
 * with one exception, recognised here: a POST to /email/preferences carrying an unsubscribe token,
 * which can do nothing but turn that family's reminders off.
 */

import { tokenFromQuery } from './unsubscribe';

export function isOneClickUnsubscribe(request: Request, url: URL): boolean {
	return (
		request.method === 'POST' &&
		url.pathname === '/email/preferences' &&
		tokenFromQuery(url) !== null
	);
}
