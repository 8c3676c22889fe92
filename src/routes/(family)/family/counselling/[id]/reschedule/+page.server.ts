import { error, fail, redirect } from '@sveltejs/kit';
import { rescheduleSchema } from '$lib/schemas/counselling';
import { centreById, listCounsellors, myAppointments, reschedule } from '$lib/server/counselling';
import { counsellingFailure } from '$lib/server/counselling/messages';
import { chosenWeek, weekOfSlots } from '$lib/server/counselling/week';
import { getFamily } from '$lib/server/families';
import { registrationAllowed } from '$lib/server/registrations/limits';
import type { Actions, PageServerLoad } from './$types';

async function mine(locals: App.Locals, id: string) {
	const family = await getFamily(locals.supabase, locals.user!.id);
	const appointment = family
		? (await myAppointments(locals.supabase, family.id)).find((a) => a.id === id)
		: undefined;
	if (!appointment) error(404, { message: 'not_found' });
	return appointment;
}

/** Another free time for the family's appointment: a week of slots, one radio button each. */
export const load = (async ({ locals, params, url }) => {
	const appointment = await mine(locals, params.id);
	const centre = await centreById(locals.supabase, appointment.orgId);
	if (!centre) error(404, { message: 'not_found' });
	const counsellors = await listCounsellors(locals.supabase, centre.orgId);
	const week = chosenWeek(url, counsellors);
	return {
		appointment,
		centre,
		counsellors,
		week,
		days: await weekOfSlots(locals.supabase, centre.orgId, week)
	};
}) satisfies PageServerLoad;

export const actions = {
	default: async ({ locals, params, request }) => {
		const parsed = rescheduleSchema.safeParse(Object.fromEntries(await request.formData()));
		if (!parsed.success) return fail(400, { message: counsellingFailure('invalid') });
		if (!(await registrationAllowed(locals.user!.id))) {
			return fail(429, { message: counsellingFailure('rate_limited') });
		}
		const [counsellorId, startsAt, mode] = parsed.data.slot;
		const outcome = await reschedule(locals.supabase, params.id, startsAt, counsellorId, mode);
		// After a refusal the page loads again: the slots shown are the fresh ones.
		if (!outcome.ok) {
			return fail(
				outcome.code === 'generic' ? 500 : outcome.code === 'slot_unavailable' ? 409 : 400,
				{
					message: counsellingFailure(outcome.code)
				}
			);
		}
		redirect(303, '/family/counselling?done=rescheduled');
	}
} satisfies Actions;
