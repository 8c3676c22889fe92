/**
 * One-click unsubscribe from event reminders, from the link in every reminder email (no sign-in:
 * the family's unsubscribe token is the key). GET only shows a confirm button — mail scanners open
 * links — and POST turns reminders off. Mail apps that support RFC 8058 POST
 * `List-Unsubscribe=One-Click` to the same URL (token in the query), which lands in the same action.
 * Confirmations, changes and cancellations keep coming: they are not optional.
 */
import { tokenFromQuery, unsubscribeAction } from '$lib/server/email/unsubscribe';
import { unsubscribeReminders } from '$lib/server/notices';
import type { Actions, PageServerLoad } from './$types';

export const load = (async ({ url, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
	return { token: tokenFromQuery(url) };
}) satisfies PageServerLoad;

export const actions = {
	default: unsubscribeAction(unsubscribeReminders)
} satisfies Actions;
