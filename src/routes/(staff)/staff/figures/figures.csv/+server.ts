import { error, redirect } from '@sveltejs/kit';
import { pageLocale } from '$lib/components/promote-labels';
import { filterFrom } from '$lib/schemas/dashboard';
import { panelCsv } from '$lib/server/dashboard/downloads';
import { dashboardFailure } from '$lib/server/dashboard/page';
import { staffContext } from '$lib/server/staff/context';
import type { RequestHandler } from './$types';

/** One panel of the organisation's dashboard as a spreadsheet (the organisation worked for). */
export const GET: RequestHandler = async (event) => {
	const { locals, url } = event;
	if (!locals.user) redirect(303, `/auth/sign-in?next=${encodeURIComponent('/staff/figures')}`);
	const staff = await staffContext(event);
	if (!staff) error(403, { message: dashboardFailure('not_authorised') });
	const { filter, problem } = filterFrom(url, staff.org.id);
	if (problem) error(400, { message: dashboardFailure(problem) });
	return panelCsv(locals.supabase, filter, url.searchParams.get('panel'), pageLocale(), {
		event: () => ''
	});
};
