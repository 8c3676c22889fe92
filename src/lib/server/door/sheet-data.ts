/**
 * What the sign-in sheet shows, for the PDF and the print view alike: the event, its families
 * coming (confirmed, checked in or not, in order of the guardian's name), and the words in the
 * staff member's language. Staff of the organising organisation only: getEvent reads through RLS
 * and event_attendees refuses anyone else.
 */
import { error, type RequestEvent } from '@sveltejs/kit';
import { peopleText } from '$lib/components/staff-people';
import { formatRange } from '$lib/i18n/format';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import { requireStaff } from '$lib/server/staff/context';
import { describeError } from '$lib/server/staff/errors';
import { eventAttendees, getEvent } from '$lib/server/staff/events';
import type { SheetInput, SheetLabels, SheetRow } from './sheet';

export async function sheetData(
	event: RequestEvent<{ id: string }>
): Promise<SheetInput & { eventId: string; people: number }> {
	const { org } = await requireStaff(event);
	const found = await getEvent(event.locals.supabase, org.id, event.params.id);
	if (!found) error(404, { message: m.staff_error_event_not_found() });
	const { attendees, error: failure } = await eventAttendees(event.locals.supabase, found.id);
	if (failure) error(403, { message: describeError(failure) });
	const locale = getLocale() === 'en' ? 'en' : 'zh-CN';
	const en = locale === 'en';
	const collator = new Intl.Collator(en ? 'en' : 'zh-CN');
	const rows: SheetRow[] = attendees
		.filter((a) => a.status !== 'waitlisted')
		.sort((a, b) => collator.compare(a.guardian_name, b.guardian_name))
		.map((a) => ({
			guardian: a.guardian_name,
			seats: a.seats,
			members: peopleText(a.attendees, locale),
			phone: a.phone_masked,
			attended: a.status === 'attended'
		}));
	const people = rows.reduce((sum, row) => sum + row.seats, 0);
	const venue = found.booking?.venues;
	const address = en ? found.address_en || found.address_zh : found.address_zh;
	const place = venue ? (en ? venue.name_en || venue.name_zh : venue.name_zh) : (address ?? '');
	const labels: SheetLabels = {
		title: m.door_sheet_title(),
		time: m.door_sheet_time(),
		place: m.door_sheet_place(),
		organiser: m.door_sheet_organiser(),
		total: m.door_sheet_total({ families: rows.length, people }),
		no: m.door_sheet_no(),
		guardian: m.door_sheet_guardian(),
		seats: m.door_sheet_seats(),
		members: m.door_sheet_members(),
		phone: m.door_sheet_phone(),
		signature: m.door_sheet_signature(),
		scan: m.door_sheet_scan(),
		attended: m.door_sheet_attended(),
		empty: m.door_sheet_empty(),
		page: (page, pages) => m.door_sheet_page({ page, pages })
	};
	return {
		eventId: found.id,
		eventTitle: en ? found.title_en || found.title_zh : found.title_zh,
		when: formatRange(found.starts_at, found.ends_at, locale),
		place,
		organiser: en ? org.name_en || org.name_zh : org.name_zh,
		checkInUrl: new URL(`/staff/events/${found.id}/check-in`, event.url.origin).href,
		rows,
		people,
		labels,
		lang: locale
	};
}
