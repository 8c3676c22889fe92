/**
 * The form actions at the door (签到), shared by the attendee list and the check-in page: check a
 * family in by code (scanned, typed or tapped), take a mistaken check-in back, and after the start
 * mark the rest as no-shows.
 */
import { fail, type RequestEvent } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { checkInSchema } from '$lib/schemas/event';
import { describeError } from './errors';
import { checkInByCode } from './events';

type DoorEvent = RequestEvent<{ id: string }>;

export async function checkInAction(event: DoorEvent) {
	const form = await event.request.formData();
	const parsed = checkInSchema.safeParse({ code: String(form.get('code') ?? '') });
	if (!parsed.success) {
		return fail(400, {
			door: 'checkIn',
			ok: false,
			message: m.staff_error_code_format(),
			code: String(form.get('code') ?? '')
		});
	}
	const { result, error } = await checkInByCode(
		event.locals.supabase,
		event.params.id,
		parsed.data.code
	);
	if (error || !result) {
		return fail(400, {
			door: 'checkIn',
			ok: false,
			message: describeError(error),
			code: parsed.data.code
		});
	}
	return {
		door: 'checkIn',
		ok: true,
		message: result.already_checked_in
			? m.staff_checkin_already({ name: result.guardian_name })
			: m.staff_checkin_done({ name: result.guardian_name, seats: result.seats }),
		already: result.already_checked_in,
		registrationId: result.registration_id,
		attendees: result.attendees,
		code: parsed.data.code
	};
}

export async function undoCheckInAction(event: DoorEvent) {
	const form = await event.request.formData();
	const { error } = await event.locals.supabase.rpc('undo_check_in', {
		p_registration_id: String(form.get('registration_id') ?? '')
	});
	if (error) return fail(400, { door: 'undo', ok: false, message: describeError(error) });
	return { door: 'undo', ok: true, message: m.staff_checkin_undone() };
}

export async function noShowsAction(event: DoorEvent) {
	const { data, error } = await event.locals.supabase.rpc('mark_no_shows', {
		p_event_id: event.params.id
	});
	if (error) return fail(400, { door: 'noShows', ok: false, message: describeError(error) });
	return {
		door: 'noShows',
		ok: true,
		message: m.staff_no_shows_done({ count: Number(data) || 0 })
	};
}
