import { error, fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { noteSchema } from '$lib/schemas/counselling';
import {
	addNote,
	cancelAppointment,
	decideAppointment,
	diaryEntry,
	markAppointment,
	myNotes
} from '$lib/server/counselling';
import { counsellingFailure } from '$lib/server/counselling/messages';
import { requireCounsellor } from '$lib/server/counselling/staff';
import type { Actions, PageServerLoad } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One of the counsellor's own appointments; anyone else's answers 404 (nothing is shown). */
async function entry(locals: App.Locals, id: string) {
	if (!UUID.test(id)) error(404, { message: 'not_found' });
	const a = await diaryEntry(locals.supabase, id);
	if (!a) error(404, { message: 'not_found' });
	return a;
}

export const load = (async (event) => {
	await requireCounsellor(event);
	const appointment = await entry(event.locals, event.params.id);
	const done = event.url.searchParams.get('done');
	return {
		appointment,
		notes: await myNotes(event.locals.supabase, appointment.id),
		started: Date.parse(appointment.starts_at) <= Date.now(),
		done: ['accepted', 'declined', 'marked', 'cancelled', 'noted'].includes(done ?? '')
			? done
			: null
	};
}) satisfies PageServerLoad;

const back = (id: string, done: string) => redirect(303, `/staff/counselling/${id}?done=${done}`);

export const actions = {
	decide: async (event) => {
		await requireCounsellor(event);
		const form = await event.request.formData();
		const accept = form.get('accept') === 'true';
		const outcome = await decideAppointment(event.locals.supabase, event.params.id, accept);
		if (!outcome.ok) return fail(400, { message: counsellingFailure(outcome.code) });
		back(event.params.id, accept ? 'accepted' : 'declined');
	},
	mark: async (event) => {
		await requireCounsellor(event);
		const parsed = z
			.object({ outcome: z.enum(['attended', 'no_show']) })
			.safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) return fail(400, { message: counsellingFailure('invalid') });
		const outcome = await markAppointment(
			event.locals.supabase,
			event.params.id,
			parsed.data.outcome
		);
		if (!outcome.ok) return fail(400, { message: counsellingFailure(outcome.code) });
		back(event.params.id, 'marked');
	},
	cancel: async (event) => {
		await requireCounsellor(event);
		const outcome = await cancelAppointment(event.locals.supabase, event.params.id);
		if (!outcome.ok) return fail(400, { message: counsellingFailure(outcome.code) });
		back(event.params.id, 'cancelled');
	},
	note: async (event) => {
		await requireCounsellor(event);
		const form = await event.request.formData();
		const parsed = noteSchema.safeParse(Object.fromEntries(form));
		if (!parsed.success)
			return fail(400, {
				message: counsellingFailure('invalid'),
				body: String(form.get('body') ?? '')
			});
		const outcome = await addNote(event.locals.supabase, event.params.id, parsed.data.body);
		if (!outcome.ok)
			return fail(400, { message: counsellingFailure(outcome.code), body: parsed.data.body });
		back(event.params.id, 'noted');
	}
} satisfies Actions;
