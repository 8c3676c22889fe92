import { requireStaff } from '$lib/server/staff/context';
import { listEvents } from '$lib/server/staff/events';
import type { PageServerLoad } from './$types';

export const load = (async (event) => {
	const { org } = await requireStaff(event);
	const supabase = event.locals.supabase;
	const [requests, events] = await Promise.all([
		supabase.rpc('staff_room_requests', { p_org_id: org.id }),
		listEvents(supabase, org.id, new Date().toISOString(), 8)
	]);
	const incoming = ((requests.data?.incoming ?? []) as { status: string }[]).filter(
		(r) => r.status === 'requested'
	).length;
	return { pendingRequests: incoming, upcoming: events };
}) satisfies PageServerLoad;
