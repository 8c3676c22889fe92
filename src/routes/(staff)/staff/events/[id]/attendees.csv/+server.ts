import { error } from '@sveltejs/kit';
import { statusLabel } from '$lib/components/event-labels';
import { peopleText } from '$lib/components/staff-people';
import { formatDateTime } from '$lib/i18n/format';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import { answerText, questionLabel } from '$lib/questions';
import { eventAnswers, listQuestions } from '$lib/server/questions';
import { shanghaiParts } from '$lib/schemas/booking';
import { requireStaff } from '$lib/server/staff/context';
import { attachmentHeader, toCsv } from '$lib/server/staff/csv';
import { describeError } from '$lib/server/staff/errors';
import { eventAttendees, getEvent } from '$lib/server/staff/events';
import type { RequestHandler } from './$types';

/**
 * The attendee list as a spreadsheet (UTF-8 with BOM, CRLF, quoted, formula-safe). GET endpoints
 * are not role-checked by the hooks, so this checks membership; event_attendees checks it again.
 */
export const GET: RequestHandler = async (event) => {
	const { org } = await requireStaff(event);
	const found = await getEvent(event.locals.supabase, org.id, event.params.id);
	if (!found) error(404, { message: m.staff_error_event_not_found() });
	const { attendees, error: failure } = await eventAttendees(event.locals.supabase, found.id);
	if (failure) error(403, { message: describeError(failure) });
	const locale = getLocale();
	const [questions, answers] = await Promise.all([
		listQuestions(event.locals.supabase, found.id),
		eventAnswers(event.locals.supabase, found.id)
	]);
	const header = [
		m.staff_csv_number(),
		m.staff_csv_status(),
		m.staff_csv_waitlist(),
		m.staff_csv_guardian(),
		m.staff_csv_phone(),
		m.staff_csv_seats(),
		m.staff_csv_people(),
		m.staff_csv_code(),
		m.staff_csv_registered(),
		m.staff_csv_source(),
		...questions.map((q) => questionLabel(q, locale)),
		m.questions_csv_note()
	];
	const rows = attendees.map((a, index) => [
		index + 1,
		statusLabel(a.status, a.waitlist_position),
		a.waitlist_position ?? '',
		a.guardian_name,
		a.phone_masked ?? '',
		a.seats,
		peopleText(a.attendees, locale),
		a.check_in_code,
		formatDateTime(a.created_at, locale),
		a.source ?? '',
		// One column per question; a person's answer is prefixed with their nickname.
		...questions.map((q) =>
			(answers.get(a.registration_id)?.answers ?? [])
				.filter((x) => x.question_id === q.id)
				.map((x) => (x.nickname ? `${x.nickname}: ` : '') + answerText(q, x.value, locale))
				.join('; ')
		),
		answers.get(a.registration_id)?.note ?? ''
	]);
	const day = shanghaiParts(found.starts_at).date;
	return new Response(toCsv(header, rows), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': attachmentHeader(
				`attendees-${day}-${found.slug}.csv`,
				`${m.staff_csv_filename()}-${day}-${found.title_zh}.csv`
			),
			'cache-control': 'private, no-store'
		}
	});
};
