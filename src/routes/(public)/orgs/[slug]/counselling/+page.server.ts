import { error } from '@sveltejs/kit';
import { centreBySlug, listCounsellors } from '$lib/server/counselling';
import { chosenWeek, weekOfSlots } from '$lib/server/counselling/week';
import type { PageServerLoad } from './$types';

/**
 * A counselling centre's booking page: the crisis hotline, the counsellors, and — for a signed-in
 * family — a week of free times for one counsellor or any, each a link to the request form.
 */
export const load = (async ({ locals, params, url }) => {
	const centre = await centreBySlug(locals.supabase, params.slug);
	if (!centre) error(404, { message: 'not_found' });
	const counsellors = await listCounsellors(locals.supabase, centre.orgId);
	const week = chosenWeek(url, counsellors);
	const days = locals.user ? await weekOfSlots(locals.supabase, centre.orgId, week) : null;
	return { centre, counsellors, week, days, signedIn: !!locals.user };
}) satisfies PageServerLoad;
