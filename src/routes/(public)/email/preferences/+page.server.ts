/**
 * One-click unsubscribe from event reminders, from the link in every reminder email (no sign-in:
 * the family's unsubscribe token is the key). GET only shows a confirm button — mail scanners open
 * links — and POST turns reminders off. Mail apps that support RFC 8058 POST
 * `List-Unsubscribe=One-Click` to the same URL (token in the query), which lands in the same action.
 * Confirmations, changes and cancellations keep coming: they are not optional.
 */
import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function tokenFrom(value: FormDataEntryValue | string | null | undefined): string | null {
	return typeof value === 'string' && uuid.test(value.trim()) ? value.trim().toLowerCase() : null;
}

export const load = (async ({ url, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
	const token = tokenFrom(url.searchParams.get('token'));
	return { token };
}) satisfies PageServerLoad;

export const actions = {
	default: async ({ request, url, locals }) => {
		const form = await request.formData().catch(() => null);
		const token = tokenFrom(form?.get('token')) ?? tokenFrom(url.searchParams.get('token'));
		if (!token) return fail(400, { invalid: true });
		const { data, error } = await locals.supabase.rpc('unsubscribe_reminders', { p_token: token });
		if (error) {
			console.error('unsubscribe_reminders failed:', error.code);
			return fail(503, { failed: true });
		}
		if (data !== true) return fail(404, { invalid: true });
		return { done: true };
	}
} satisfies Actions;
