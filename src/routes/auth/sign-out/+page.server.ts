import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';

export const load = (async ({ locals }) => {
	if (!locals.user) redirect(303, '/');
}) satisfies PageServerLoad;

export const actions = {
	default: async ({ locals }) => {
		// Ends this browser's session only; other devices stay signed in.
		await locals.supabase.auth.signOut({ scope: 'local' });
		redirect(303, '/');
	}
} satisfies Actions;
