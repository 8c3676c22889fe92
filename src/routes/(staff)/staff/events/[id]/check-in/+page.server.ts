import { error } from '@sveltejs/kit';
import { shanghaiParts, shanghaiToday } from '$lib/components/calendar-time';
import { m } from '$lib/paraglide/messages';
import { requireStaff } from '$lib/server/staff/context';
import { checkInAction, noShowsAction, undoCheckInAction } from '$lib/server/staff/door';
import { describeError } from '$lib/server/staff/errors';
import { eventAttendees, getEvent } from '$lib/server/staff/events';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
	const { org } = await requireStaff(event);
	const found = await getEvent(event.locals.supabase, org.id, event.params.id);
	if (!found) error(404, { message: m.staff_error_event_not_found() });
	const { attendees, error: failure } = await eventAttendees(event.locals.supabase, found.id);
	if (failure) error(403, { message: describeError(failure) });
	// The door opens on the event's day, Beijing time: check_in refuses earlier taps, the page
	// only says so instead of offering them.
	const opensOn = shanghaiParts(found.starts_at).date;
	return {
		opensOn,
		open: shanghaiToday() >= opensOn,
		event: found,
		waiting: attendees.filter((a) => a.status === 'confirmed'),
		attended: attendees.filter((a) => a.status === 'attended'),
		families: attendees.filter((a) => a.status !== 'waitlisted').length
	};
}) satisfies PageServerLoad;

export const actions = {
	checkIn: checkInAction,
	undo: undoCheckInAction,
	noShows: noShowsAction
} satisfies Actions;
