import { error, redirect } from '@sveltejs/kit';
import { staffContext } from '$lib/server/staff/context';
import type { LayoutServerLoad } from './$types';

// hooks.server.ts guards every request to this group; this repeats the check inside the page tree
// so a refused visitor sees the site's own translated error page. It also says which organisation
// the staff member is working for (the organisation switcher: ?org= or the gongyu_org cookie).
export const load = (async (event) => {
	const { locals, url } = event;
	if (!locals.user)
		redirect(303, `/auth/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`);
	if (!(await locals.roles()).staff) error(403, { message: 'forbidden' });
	const staff = await staffContext(event);
	if (!staff) error(403, { message: 'forbidden' });
	return { staff };
}) satisfies LayoutServerLoad;
