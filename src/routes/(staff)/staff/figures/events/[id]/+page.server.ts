import { error } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import { pageLocale, pick } from '$lib/components/promote-labels';
import { m } from '$lib/paraglide/messages';
import { filterFrom, filterQuery } from '$lib/schemas/dashboard';
import { loadEventFigures } from '$lib/server/dashboard/figures';
import { dashboardFailure, failureStatus } from '$lib/server/dashboard/page';
import { eventView, shanghaiTime } from '$lib/server/dashboard/panels';
import type { PageServerLoad } from './$types';

/** One of the organisation's events, its figures; dashboard_event_figures refuses another's. */
export const load = (async ({ locals, params, url, parent }) => {
	const { staff } = await parent();
	const locale = pageLocale();
	const result = await loadEventFigures(locals.supabase, params.id);
	if ('code' in result)
		error(failureStatus(result.code), { message: dashboardFailure(result.code) });
	const e = result.data;
	const { filter } = filterFrom(url, staff.org.id);
	const organisation = pick({ zh: e.organisation_zh, en: e.organisation_en }, locale);
	return {
		title: pick({ zh: e.title_zh, en: e.title_en }, locale),
		subtitle: `${organisation} · ${shanghaiTime(e.starts_at)}`,
		back: {
			href: `${resolve('/staff/figures')}${filterQuery(filter)}`,
			label: m.dashboard_event_back({ org: m.dashboard_staff_title() })
		},
		...eventView(e, locale)
	};
}) satisfies PageServerLoad;
