import { error } from '@sveltejs/kit';
import { shanghaiParts, shanghaiToday } from '$lib/components/calendar-time';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import { walkInAction } from '$lib/server/door/walk-in';
import { consentState } from '$lib/server/families';
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
	const { current } = await consentState(event.locals.supabase, null);
	const zh = getLocale() !== 'en';
	return {
		// What the walk-in form offers; register_walk_in checks again under the event lock.
		places: Math.max(found.capacity - found.seats_taken, 0),
		privacy: current
			? {
					title: zh ? current.title.zh : current.title.en,
					body: zh ? current.body.zh : current.body.en
				}
			: null,
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
	noShows: noShowsAction,
	walkIn: walkInAction
} satisfies Actions;
