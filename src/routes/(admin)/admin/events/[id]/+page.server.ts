import { resolve } from '$app/paths';
import { pageLocale } from '$lib/components/promote-labels';
import { m } from '$lib/paraglide/messages';
import { filterFrom, filterQuery } from '$lib/schemas/dashboard';
import { loadEventPage } from '$lib/server/dashboard/page';
import type { PageServerLoad } from './$types';

/** One event's figures, the end of the district's drill-down; back to its organisation. */
export const load = (({ locals, params, url }) => {
	const { filter } = filterFrom(url);
	return loadEventPage(locals.supabase, params.id, pageLocale(), (e, organisation) => ({
		href: `${resolve('/admin')}${filterQuery({ ...filter, org: e.org_id })}`,
		label: m.dashboard_event_back({ org: organisation })
	}));
}) satisfies PageServerLoad;
