/**
 * "Add to calendar": an RFC 5545 file for one event, built by the email pipeline's writer
 * ($lib/server/email/ics) so that the entry from the event page, from "my registrations" and from
 * the confirmation email are the same calendar entry where they should be: the UID is
 * `<registration id>@gongyu` for a family's registration (as in the emails) and the feeds' UID
 * (`event-<id>@gongyu`) for the event itself, so subscribing to a feed after adding the event
 * from its page updates one entry instead of making two.
 */
import { eventUid } from '$lib/server/calendar/ics';
import { calendarLinks, type CalendarLinks } from '$lib/server/calendar/links';
import { buildIcs } from '$lib/server/email/ics';
import type { EventCard, EventDetails } from './index';

type Locale = 'zh-CN' | 'en';

const pick = (text: { zh: string; en: string }, locale: Locale) =>
	locale === 'en' ? text.en : text.zh;

export function eventPlace(event: Pick<EventDetails, 'venue' | 'address'>, locale: Locale): string {
	return [event.venue, event.address]
		.filter((part): part is { zh: string; en: string } => part !== null)
		.map((part) => pick(part, locale))
		.join(' · ');
}

export function eventIcs(
	event: EventDetails,
	options: { origin: string; locale: Locale; registrationId?: string; cancelled?: boolean }
): string {
	const url = `${options.origin}/events/${event.slug}`;
	return buildIcs({
		uid: options.registrationId ? `${options.registrationId}@gongyu` : eventUid(event.id),
		stamp: new Date(event.updatedAt || Date.now()),
		start: new Date(event.startsAt),
		end: new Date(event.endsAt),
		summary: pick(event.title, options.locale),
		location: eventPlace(event, options.locale) || undefined,
		description: [pick(event.organiser.name, options.locale), url].join('\n'),
		url,
		sequence: event.sequence,
		cancelled: options.cancelled ?? event.status === 'cancelled'
	});
}

export function icsResponse(body: string, filename: string): Response {
	return new Response(body, {
		headers: {
			'content-type': 'text/calendar; charset=utf-8',
			'content-disposition': `attachment; filename="${filename}"`,
			'cache-control': 'private, no-cache'
		}
	});
}

/**
 * The "add to calendar" links of a family's registration: Google, Outlook (personal and work) and
 * Apple (the registration's own `.ics`, whose UID the confirmation email's attachment shares).
 */
export function registrationCalendarLinks(
	event: Pick<
		EventCard,
		'slug' | 'title' | 'startsAt' | 'endsAt' | 'venue' | 'address' | 'organiser'
	>,
	options: { origin: string; locale: Locale; registrationId: string }
): CalendarLinks {
	return calendarLinks(
		{
			title: pick(event.title, options.locale),
			start: event.startsAt,
			end: event.endsAt,
			location: eventPlace(event, options.locale) || null,
			details: pick(event.organiser.name, options.locale),
			url: `${options.origin}/events/${event.slug}`
		},
		`${options.origin}/family/registrations/${options.registrationId}/ics`
	);
}
