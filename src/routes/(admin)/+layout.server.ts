import { error, redirect } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';

// hooks.server.ts guards every request to this group; this repeats the check inside the page tree
// so a refused visitor sees the site's own translated error page.
export const load = (async ({ locals, url }) => {
	if (!locals.user)
		redirect(303, `/auth/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`);
	if (!(await locals.roles()).admin) error(403, { message: 'forbidden' });
}) satisfies LayoutServerLoad;
