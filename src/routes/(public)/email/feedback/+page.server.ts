/**
 * Turns feedback requests off from the link in a feedback request email (the family's unsubscribe
 * token), without signing in: GET shows a confirm button, POST turns them off. Reminders and
 * notices are not affected (each has its own choice).
 */
import { fail } from '@sveltejs/kit';
import { unsubscribeFeedbackRequests, isUuid } from '$lib/server/notices';
import type { Actions, PageServerLoad } from './$types';

function tokenFrom(value: unknown): string | null {
	return typeof value === 'string' && isUuid(value.trim()) ? value.trim().toLowerCase() : null;
}

export const load = (async ({ url, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
	return { token: tokenFrom(url.searchParams.get('token')) };
}) satisfies PageServerLoad;

export const actions = {
	default: async ({ request, url, locals }) => {
		const form = await request.formData().catch(() => null);
		const token = tokenFrom(form?.get('token')) ?? tokenFrom(url.searchParams.get('token'));
		if (!token) return fail(400, { invalid: true });
		const result = await unsubscribeFeedbackRequests(locals.supabase, token);
		if (!result.ok) return fail(503, { failed: true });
		if (result.data !== true) return fail(404, { invalid: true });
		return { done: true };
	}
} satisfies Actions;
