/**
 * The unsubscribe links in emails (reminders, feedback requests): the family's unsubscribe token
 * is the key, so unknown tokens tried from one address are limited in the database
 * (client-attempts.ts, kind `unsubscribe_link`), as the notice and feedback links are.
 */
import { fail, type RequestEvent } from '@sveltejs/kit';
import { attemptAllowed, clientOf, countAttempt } from '$lib/server/client-attempts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An unsubscribe token as it may be (a UUID, lower case), or null. */
export function unsubscribeToken(value: unknown): string | null {
	return typeof value === 'string' && uuid.test(value.trim()) ? value.trim().toLowerCase() : null;
}

export function tokenFromQuery(url: URL): string | null {
	return unsubscribeToken(url.searchParams.get('token'));
}

type Outcome = { ok: true; data: boolean } | { ok: false; code: string };

/**
 * The form action of an unsubscribe page: the token from the form or the query (RFC 8058 one-click
 * posts it in the query), refused once the address has tried too many unknown ones.
 */
export function unsubscribeAction(unsubscribe: (token: string) => Promise<Outcome>) {
	return async (event: RequestEvent) => {
		const client = clientOf(event);
		if (!(await attemptAllowed('unsubscribe_link', client))) return fail(429, { limited: true });
		const form = await event.request.formData().catch(() => null);
		const token = unsubscribeToken(form?.get('token')) ?? tokenFromQuery(event.url);
		if (!token) return fail(400, { invalid: true });
		const result = await unsubscribe(token);
		if (!result.ok) return fail(503, { failed: true });
		if (result.data !== true) {
			await countAttempt('unsubscribe_link', client);
			return fail(404, { invalid: true });
		}
		return { done: true };
	};
}
