import { getLocale } from '$lib/paraglide/runtime';
import type { LayoutServerLoad } from './$types';

export const load = (async ({ locals }) => {
	const user = locals.user;
	const roles = user ? await locals.roles() : { staff: false, admin: false };
	return {
		user: user ? { id: user.id, email: user.email ?? '' } : null,
		roles,
		largeText: locals.largeText,
		locale: getLocale()
	};
}) satisfies LayoutServerLoad;
