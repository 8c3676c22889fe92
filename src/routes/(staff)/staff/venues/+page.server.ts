import { requireStaff } from '$lib/server/staff/context';
import { listVenues } from '$lib/server/venues';
import type { PageServerLoad } from './$types';

export const load = (async (event) => {
	const { org } = await requireStaff(event);
	return { venues: await listVenues(event.locals.supabase, org.id) };
}) satisfies PageServerLoad;
