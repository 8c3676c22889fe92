import { resolve } from '$app/paths';
import { pageLocale } from '$lib/components/promote-labels';
import { m } from '$lib/paraglide/messages';
import { filterFrom, filterQuery } from '$lib/schemas/dashboard';
import { loadEventPage } from '$lib/server/dashboard/page';
import type { PageServerLoad } from './$types';

/** One of the organisation's events, its figures; dashboard_event_figures refuses another's. */
export const load = (async ({ locals, params, url, parent }) => {
	const { staff } = await parent();
	const { filter } = filterFrom(url, staff.org.id);
	return loadEventPage(locals.supabase, params.id, pageLocale(), () => ({
		href: `${resolve('/staff/figures')}${filterQuery(filter)}`,
		label: m.dashboard_event_back({ org: m.dashboard_staff_title() })
	}));
}) satisfies PageServerLoad;
