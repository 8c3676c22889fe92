import { listUpcomingEvents } from '$lib/server/upcoming-events';
import type { PageServerLoad } from './$types';

export const load = (async ({ locals }) => {
	return { events: await listUpcomingEvents(locals.supabase, 6) };
}) satisfies PageServerLoad;
