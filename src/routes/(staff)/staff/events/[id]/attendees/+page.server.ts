import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import { questionLabel } from '$lib/questions';
import { answerLines, eventAnswers, listQuestions } from '$lib/server/questions';
import { contactHint, contactWindow, revealPhoneAction } from '$lib/server/staff/contact';
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
	const [questions, answers] = await Promise.all([
		listQuestions(event.locals.supabase, found.id),
		eventAnswers(event.locals.supabase, found.id)
	]);
	const locale = getLocale();
	// What each family answered and wrote, as lines to read at a glance.
	const replies = Object.fromEntries(
		attendees.map((a) => {
			const mine = answers.get(a.registration_id);
			return [
				a.registration_id,
				{
					note: mine?.note ?? null,
					lines: answerLines(questions, mine, locale).map((line) => ({
						label: questionLabel(line.question, locale),
						text: line.text,
						sensitive: line.question.sensitive
					}))
				}
			];
		})
	);
	return {
		event: found,
		attendees,
		replies,
		// Full numbers only by an explicit reveal, inside the event's contact window.
		contact: {
			open: contactWindow(found.starts_at, found.ends_at).open,
			hint: contactHint(found.starts_at, found.ends_at)
		}
	};
}) satisfies PageServerLoad;

export const actions = {
	checkIn: checkInAction,
	undo: undoCheckInAction,
	noShows: noShowsAction,
	reveal: revealPhoneAction
} satisfies Actions;
