import { fail, redirect } from '@sveltejs/kit';
import { idSchema } from '$lib/schemas/counselling';
import { cancelAppointment, listCentres, myAppointments } from '$lib/server/counselling';
import { counsellingFailure } from '$lib/server/counselling/messages';
import { getFamily } from '$lib/server/families';
import { registrationAllowed } from '$lib/server/registrations/limits';
import type { Actions, PageServerLoad } from './$types';

/** The family's counselling appointments: state, change the time, cancel (until the cut-off). */
export const load = (async ({ locals, url }) => {
	const user = locals.user!;
	const family = await getFamily(locals.supabase, user.id);
	const [all, centres] = await Promise.all([
		family ? myAppointments(locals.supabase, family.id) : Promise.resolve([]),
		listCentres(locals.supabase)
	]);
	const now = Date.now();
	const rows = all.map((a) => {
		const centre = centres.find((c) => c.orgId === a.orgId);
		const cutoff = Date.parse(a.startsAt) - (centre?.cutoffHours ?? 24) * 3600_000;
		const active = a.status === 'requested' || a.status === 'confirmed';
		return {
			...a,
			upcoming: active && Date.parse(a.startsAt) > now,
			cancellable: active && Date.parse(a.startsAt) > now,
			reschedulable: active && now < cutoff
		};
	});
	const done = url.searchParams.get('done');
	return {
		centres,
		cutoffHours: centres[0]?.cutoffHours ?? 24,
		upcoming: rows.filter((r) => r.upcoming).reverse(),
		past: rows.filter((r) => !r.upcoming),
		done: ['booked', 'requested', 'rescheduled', 'cancelled', 'cancelled_late'].includes(done ?? '')
			? done
			: null
	};
}) satisfies PageServerLoad;

export const actions = {
	cancel: async ({ locals, request }) => {
		const user = locals.user!;
		const parsed = idSchema.safeParse(Object.fromEntries(await request.formData()));
		if (!parsed.success) return fail(400, { message: counsellingFailure('not_found'), id: null });
		if (!(await registrationAllowed(user.id))) {
			return fail(429, { message: counsellingFailure('rate_limited'), id: parsed.data.id });
		}
		const outcome = await cancelAppointment(locals.supabase, parsed.data.id);
		if (!outcome.ok) {
			return fail(outcome.code === 'generic' ? 500 : 400, {
				message: counsellingFailure(outcome.code),
				id: parsed.data.id
			});
		}
		redirect(
			303,
			`/family/counselling?done=${outcome.value.cancelled_late ? 'cancelled_late' : 'cancelled'}`
		);
	}
} satisfies Actions;
