import { error } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import { pageLocale, pick } from '$lib/components/promote-labels';
import { m } from '$lib/paraglide/messages';
import { filterFrom, filterQuery } from '$lib/schemas/dashboard';
import { loadEventFigures } from '$lib/server/dashboard/figures';
import { dashboardFailure, failureStatus } from '$lib/server/dashboard/page';
import { eventView, shanghaiTime } from '$lib/server/dashboard/panels';
import type { PageServerLoad } from './$types';

/** One event's figures, the end of the district's drill-down; back to its organisation. */
export const load = (async ({ locals, params, url }) => {
	const locale = pageLocale();
	const result = await loadEventFigures(locals.supabase, params.id);
	if ('code' in result)
		error(failureStatus(result.code), { message: dashboardFailure(result.code) });
	const e = result.data;
	const { filter } = filterFrom(url);
	const organisation = pick({ zh: e.organisation_zh, en: e.organisation_en }, locale);
	return {
		title: pick({ zh: e.title_zh, en: e.title_en }, locale),
		subtitle: `${organisation} · ${shanghaiTime(e.starts_at)}`,
		back: {
			href: `${resolve('/admin')}${filterQuery({ ...filter, org: e.org_id })}`,
			label: m.dashboard_event_back({ org: organisation })
		},
		...eventView(e, locale)
	};
}) satisfies PageServerLoad;
