import { error } from '@sveltejs/kit';
import { listPublicEvents } from '$lib/server/promotion/events';
import { countPastEvents, getOrganisation } from '$lib/server/promotion/organisations';
import type { PageServerLoad } from './$types';

/** An organisation's public page: who they are, where, how to reach them, what is coming up. */
export const load = (async ({ locals, params }) => {
	const org = await getOrganisation(locals.supabase, params.slug);
	if (!org) error(404, { message: 'not_found' });
	const now = new Date();
	const [upcoming, pastCount] = await Promise.all([
		listPublicEvents(locals.supabase, { orgId: org.id, endsAfter: now, limit: 100 }),
		countPastEvents(locals.supabase, org.id, now)
	]);
	return { org, upcoming, pastCount };
}) satisfies PageServerLoad;
