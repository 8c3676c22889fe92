import { requireStaff } from '$lib/server/staff/context';
import { listEvents } from '$lib/server/staff/events';
import type { PageServerLoad } from './$types';

export const load = (async (event) => {
	const { org } = await requireStaff(event);
	const since = new Date(Date.now() - 30 * 24 * 3600_000).toISOString();
	const events = await listEvents(event.locals.supabase, org.id, since);
	const now = Date.now();
	return {
		drafts: events.filter((e) => e.status === 'draft' && Date.parse(e.ends_at) > now),
		upcoming: events.filter((e) => e.status !== 'draft' && Date.parse(e.ends_at) > now),
		past: events.filter((e) => Date.parse(e.ends_at) <= now).reverse(),
		series: event.url.searchParams.get('series'),
		published: event.url.searchParams.get('published')
	};
}) satisfies PageServerLoad;
