import { keepUntil } from '$lib/server/page-cache';
import { listPublicEvents } from '$lib/server/promotion/events';
import { ORG_KINDS } from '$lib/server/promotion/labels';
import { listOrganisations } from '$lib/server/promotion/organisations';
import type { PageServerLoad } from './$types';

/** The district page: every organisation, grouped by kind, with how many events are coming up. */
export const load = (async ({ locals }) => {
	const [organisations, upcoming] = await Promise.all([
		listOrganisations(locals.supabase),
		listPublicEvents(locals.supabase, { endsAfter: new Date(), limit: 5000 })
	]);
	keepUntil(
		locals,
		upcoming.map((event) => event.endsAt)
	);
	const counts = new Map<string, number>();
	for (const event of upcoming) {
		if (event.status === 'published') counts.set(event.org.id, (counts.get(event.org.id) ?? 0) + 1);
	}
	const groups = ORG_KINDS.map((kind) => ({
		kind,
		organisations: organisations
			.filter((org) => org.kind === kind)
			.map((org) => ({ ...org, upcoming: counts.get(org.id) ?? 0 }))
	})).filter((group) => group.organisations.length > 0);
	return { groups };
}) satisfies PageServerLoad;
