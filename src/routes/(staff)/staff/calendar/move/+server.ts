import { json } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { moveSchema } from '$lib/schemas/booking';
import { requireStaff } from '$lib/server/staff/context';
import { describeError } from '$lib/server/staff/errors';
import type { RequestHandler } from './$types';

/**
 * A drag or resize on the calendar (or its undo). The server decides: an event moves with its room
 * booking (move_event, which emails registered families of a published event — and, unless
 * `confirmed`, first answers 409 with `confirm` and how many families that is), a booking or block
 * moves alone (move_venue_booking). Any other refusal answers 409 with a translated sentence, and
 * the calendar puts the item back.
 */
export const POST: RequestHandler = async (event) => {
	await requireStaff(event);
	const body = await event.request.json().catch(() => null);
	const parsed = moveSchema.safeParse(body);
	if (!parsed.success)
		return json({ ok: false, message: m.staff_error_invalid_period() }, { status: 400 });
	const { kind, id, starts_at, ends_at, confirmed } = parsed.data;
	const { data, error } =
		kind === 'event'
			? await event.locals.supabase.rpc('move_event', {
					p_event_id: id,
					p_starts_at: starts_at,
					p_ends_at: ends_at,
					p_confirmed: confirmed ?? false
				})
			: await event.locals.supabase.rpc('move_venue_booking', {
					p_booking_id: id,
					p_starts_at: starts_at,
					p_ends_at: ends_at
				});
	if (error) {
		const confirm = error.message === 'move_needs_confirmation';
		return json(
			{
				ok: false,
				code: error.message,
				message: describeError(error),
				...(confirm ? { confirm: true, families: Number(error.hint) || 0 } : {})
			},
			{ status: error.message === 'not_authorised' ? 403 : 409 }
		);
	}
	const notified = kind === 'event' ? (data as { families_notified: number }).families_notified : 0;
	return json({
		ok: true,
		notified,
		message: notified ? m.staff_cal_moved_notified({ count: notified }) : m.staff_cal_moved()
	});
};
