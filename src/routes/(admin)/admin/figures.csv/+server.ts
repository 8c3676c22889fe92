import { error, redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import { pageLocale } from '$lib/components/promote-labels';
import { filterFrom, filterQuery } from '$lib/schemas/dashboard';
import { panelCsv } from '$lib/server/dashboard/downloads';
import { dashboardFailure } from '$lib/server/dashboard/page';
import type { RequestHandler } from './$types';

/**
 * One dashboard panel as a spreadsheet: ?panel= and the dashboard's filter. A GET endpoint runs no
 * layout, so this checks the role itself; dashboard_figures checks again.
 */
export const GET: RequestHandler = async ({ locals, url }) => {
	if (!locals.user) redirect(303, `/auth/sign-in?next=${encodeURIComponent('/admin')}`);
	if (!(await locals.roles()).admin) error(403, { message: dashboardFailure('not_authorised') });
	const { filter, problem } = filterFrom(url);
	if (problem) error(400, { message: dashboardFailure(problem) });
	return panelCsv(locals.supabase, filter, url.searchParams.get('panel'), pageLocale(), {
		org: (id) => `${url.origin}${resolve('/admin')}${filterQuery({ ...filter, org: id })}`,
		event: (id) => `${url.origin}${resolve('/(admin)/admin/events/[id]', { id })}`
	});
};
