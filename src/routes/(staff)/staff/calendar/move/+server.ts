import { json } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { moveSchema } from '$lib/schemas/booking';
import { requireStaff } from '$lib/server/staff/context';
import { describeError } from '$lib/server/staff/errors';
import type { RequestHandler } from './$types';

/**
 * A drag or resize on the calendar. The server decides: an event moves with its room booking
 * (save_event, which emails registered families of a published event), a booking or block moves
 * alone (move_venue_booking). A refusal answers 409 with a translated sentence, and the calendar
 * puts the item back.
 */
export const POST: RequestHandler = async (event) => {
	await requireStaff(event);
	const body = await event.request.json().catch(() => null);
	const parsed = moveSchema.safeParse(body);
	if (!parsed.success)
		return json({ ok: false, message: m.staff_error_invalid_period() }, { status: 400 });
	const { kind, id, starts_at, ends_at } = parsed.data;
	const { error } =
		kind === 'event'
			? await event.locals.supabase.rpc('save_event', {
					p_org_id: null,
					p_id: id,
					p_event: { starts_at, ends_at }
				})
			: await event.locals.supabase.rpc('move_venue_booking', {
					p_booking_id: id,
					p_starts_at: starts_at,
					p_ends_at: ends_at
				});
	if (error) {
		return json(
			{ ok: false, code: error.message, message: describeError(error) },
			{ status: error.message === 'not_authorised' ? 403 : 409 }
		);
	}
	return json({ ok: true, message: m.staff_cal_moved() });
};
