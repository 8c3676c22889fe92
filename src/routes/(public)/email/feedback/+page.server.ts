/**
 * Turns feedback requests off from the link in a feedback request email (the family's unsubscribe
 * token), without signing in: GET shows a confirm button, POST turns them off. Reminders and
 * notices are not affected (each has its own choice).
 */
import { tokenFromQuery, unsubscribeAction } from '$lib/server/email/unsubscribe';
import { unsubscribeFeedbackRequests } from '$lib/server/notices';
import type { Actions, PageServerLoad } from './$types';

export const load = (async ({ url, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
	return { token: tokenFromQuery(url) };
}) satisfies PageServerLoad;

export const actions = {
	default: unsubscribeAction(unsubscribeFeedbackRequests)
} satisfies Actions;
