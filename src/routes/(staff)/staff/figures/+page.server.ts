import { error } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import { pageLocale } from '$lib/components/promote-labels';
import { m } from '$lib/paraglide/messages';
import { filterFrom, filterQuery, quickPeriods } from '$lib/schemas/dashboard';
import { dashboardFailure, failureStatus, loadDashboard } from '$lib/server/dashboard/page';
import type { PageServerLoad } from './$types';

/** The organisation's own dashboard: the district's panels, for the organisation worked for. */
export const load = (async ({ locals, url, parent }) => {
	const { staff } = await parent();
	const locale = pageLocale();
	const { filter, problem } = filterFrom(url, staff.org.id);
	const base = resolve('/staff/figures');
	const dashboard = await loadDashboard(locals.supabase, filter, locale, {
		event: (id) =>
			`${resolve('/(staff)/staff/figures/events/[id]', { id })}${filterQuery(filter)}`
	});
	if ('code' in dashboard)
		error(failureStatus(dashboard.code), { message: dashboardFailure(dashboard.code) });
	const quickLabels: Record<string, () => string> = {
		this_month: m.dashboard_quick_this_month,
		last_month: m.dashboard_quick_last_month,
		this_quarter: m.dashboard_quick_this_quarter,
		last_quarter: m.dashboard_quick_last_quarter,
		this_year: m.dashboard_quick_this_year
	};
	return {
		filter,
		problem: problem ? dashboardFailure(problem) : null,
		quick: quickPeriods().map((q) => ({
			id: q.id,
			label: quickLabels[q.id](),
			href: `${base}${filterQuery({ ...filter, from: q.from, to: q.to })}`
		})),
		dashboard: dashboard.data
	};
}) satisfies PageServerLoad;
