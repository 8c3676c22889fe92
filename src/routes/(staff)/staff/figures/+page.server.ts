import { error } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import { pageLocale } from '$lib/components/promote-labels';
import { filterFrom, filterQuery } from '$lib/schemas/dashboard';
import {
	dashboardFailure,
	failureStatus,
	loadDashboard,
	quickLinks
} from '$lib/server/dashboard/page';
import type { PageServerLoad } from './$types';

/** The organisation's own dashboard: the district's panels, for the organisation worked for. */
export const load = (async ({ locals, url, parent }) => {
	const { staff } = await parent();
	const locale = pageLocale();
	const { filter, problem } = filterFrom(url, staff.org.id);
	const base = resolve('/staff/figures');
	const dashboard = await loadDashboard(locals.supabase, filter, locale, {
		event: (id) => `${resolve('/(staff)/staff/figures/events/[id]', { id })}${filterQuery(filter)}`
	});
	if ('code' in dashboard)
		error(failureStatus(dashboard.code), { message: dashboardFailure(dashboard.code) });
	return {
		filter,
		problem: problem ? dashboardFailure(problem) : null,
		quick: quickLinks(base, filter),
		dashboard: dashboard.data
	};
}) satisfies PageServerLoad;
