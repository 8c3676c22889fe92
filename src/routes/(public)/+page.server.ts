import { keepUntil } from '$lib/server/page-cache';
import { listUpcomingEvents } from '$lib/server/upcoming-events';
import type { PageServerLoad } from './$types';

export const load = (async ({ locals }) => {
	const events = await listUpcomingEvents(locals.supabase, 6);
	keepUntil(
		locals,
		events.flatMap((event) => [event.startsAt, event.endsAt])
	);
	return { events };
}) satisfies PageServerLoad;
