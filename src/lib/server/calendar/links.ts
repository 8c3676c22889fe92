/**
 * "Add to calendar" links for calendars on the web, besides the `.ics` file: Google Calendar's
 * event template, Outlook's compose deep link (outlook.live.com for personal accounts,
 * outlook.office.com for work and school ones) and Apple Calendar, which takes the `.ics` file
 * itself. Times go in UTC (the `Z` forms each service documents), so nobody's time zone setting
 * moves the event; every value is percent-encoded with encodeURIComponent (spaces as %20, which
 * all three read, where `+` is read as a plus by Outlook). No dependencies, no I/O.
 */
import { formatUtc } from './ics';

export interface CalendarLinkEvent {
	title: string;
	start: Date | string;
	end: Date | string;
	/** Venue and address, as one line. */
	location?: string | null;
	/** Free text: the organiser, a line about the registration. */
	details?: string | null;
	/** Absolute URL of the event page, added to the details. */
	url?: string | null;
}

export interface CalendarLinks {
	google: string;
	outlook: string;
	office: string;
	/** The `.ics` file (Apple Calendar, and any calendar app). */
	apple: string;
}

function query(params: [string, string | null | undefined][]): string {
	return params
		.filter((pair): pair is [string, string] => Boolean(pair[1]))
		.map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
		.join('&');
}

function body(event: CalendarLinkEvent): string {
	return [event.details, event.url].filter(Boolean).join('\n');
}

/** 2026-12-05T01:30:00Z (Outlook's startdt/enddt). */
export function isoUtc(value: Date | string): string {
	const date = value instanceof Date ? value : new Date(value);
	if (Number.isNaN(date.getTime())) throw new RangeError(`Not a date: ${String(value)}`);
	return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** https://calendar.google.com/calendar/render?action=TEMPLATE&text=…&dates=<UTC>/<UTC>&… */
export function googleCalendarUrl(event: CalendarLinkEvent): string {
	const dates = `${formatUtc(event.start)}/${formatUtc(event.end)}`;
	return (
		'https://calendar.google.com/calendar/render?action=TEMPLATE&' +
		query([
			['text', event.title],
			['dates', dates],
			['details', body(event)],
			['location', event.location]
		])
	);
}

/** Outlook on the web: `live` (Outlook.com, Hotmail) or `office` (Microsoft 365). */
export function outlookCalendarUrl(event: CalendarLinkEvent, host: 'live' | 'office'): string {
	const origin = host === 'live' ? 'https://outlook.live.com' : 'https://outlook.office.com';
	return (
		`${origin}/calendar/0/action/compose?` +
		query([
			['path', '/calendar/action/compose'],
			['rru', 'addevent'],
			['subject', event.title],
			['startdt', isoUtc(event.start)],
			['enddt', isoUtc(event.end)],
			['body', body(event)],
			['location', event.location]
		])
	);
}

/** Every link for one event; `icsUrl` is the event's `.ics` file (for Apple Calendar). */
export function calendarLinks(event: CalendarLinkEvent, icsUrl: string): CalendarLinks {
	return {
		google: googleCalendarUrl(event),
		outlook: outlookCalendarUrl(event, 'live'),
		office: outlookCalendarUrl(event, 'office'),
		apple: icsUrl
	};
}

/** WeChat's built-in browser (its user agent says MicroMessenger) cannot download files. */
export function isWeChat(userAgent: string | null | undefined): boolean {
	return /MicroMessenger/i.test(userAgent ?? '');
}
