/**
 * An iCalendar (RFC 5545) writer for Gongyu's feeds and per-registration files: no dependencies,
 * no I/O. Times are written in Asia/Shanghai with a VTIMEZONE (China has kept UTC+8 without
 * daylight saving since 1991), so calendar apps show the district's own clock; DTSTAMP and
 * LAST-MODIFIED are UTC as the RFC requires. Lines are folded at 75 octets without splitting a
 * UTF-8 character; TEXT values escape backslash, semicolon, comma and newlines.
 *
 * UIDs are stable (`event-<id>@gongyu`), so a calendar that already holds an event updates it when
 * SEQUENCE grows (events.sequence, bumped by the database on a change of time, place, title or
 * status) and marks it cancelled when STATUS:CANCELLED arrives.
 */

export const TZID = 'Asia/Shanghai';
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const PRODID = '-//Gongyu//Gongyu Calendar 1.0//ZH';
const CRLF = '\r\n';

export type CalendarStatus = 'confirmed' | 'tentative' | 'cancelled';

export interface CalendarEvent {
	/** The event's database id: the UID is `event-<id>@gongyu` unless `uid` is given. */
	id: string;
	uid?: string;
	start: Date | string;
	end: Date | string;
	summary: string;
	description?: string | null;
	location?: string | null;
	/** Absolute http(s) URL of the event page. */
	url?: string | null;
	/** Increases whenever the time, place, title or status changes. */
	sequence?: number | null;
	status?: CalendarStatus;
	/** When this version was last revised (becomes DTSTAMP and LAST-MODIFIED). */
	updatedAt?: Date | string | null;
	created?: Date | string | null;
	organizer?: { name: string; email?: string | null } | null;
	categories?: string[];
	/** A reminder this long before the start, e.g. 120 → TRIGGER:-PT120M. */
	alarmMinutesBefore?: number | null;
}

export interface CalendarOptions {
	/** X-WR-CALNAME / NAME: how the subscribed calendar is labelled. */
	name: string;
	description?: string;
	events: CalendarEvent[];
	/** PUBLISH for feeds and confirmations, CANCEL for a cancellation sent on its own. */
	method?: 'PUBLISH' | 'CANCEL' | null;
	/** Used for DTSTAMP when an event has no updatedAt (default: now). */
	stamp?: Date;
	/** REFRESH-INTERVAL / X-PUBLISHED-TTL in minutes, for subscribed feeds. */
	refreshMinutes?: number;
	/** The feed's own URL (RFC 7986 SOURCE). */
	source?: string;
}

export function eventUid(id: string): string {
	return `event-${id}@gongyu`;
}

function toDate(value: Date | string): Date {
	const date = value instanceof Date ? value : new Date(value);
	if (Number.isNaN(date.getTime())) throw new RangeError(`Not a date: ${String(value)}`);
	return date;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** 20250614T013000Z */
export function formatUtc(value: Date | string): string {
	const d = toDate(value);
	return (
		`${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}` +
		`T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`
	);
}

/** 20250614T093000, the wall-clock time in Asia/Shanghai (no Z). */
export function formatShanghai(value: Date | string): string {
	return formatUtc(new Date(toDate(value).getTime() + SHANGHAI_OFFSET_MS)).slice(0, -1);
}

/**
 * A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, every newline written as
 * `\n`, other control characters (not allowed in TEXT) dropped.
 */
export function escapeText(value: string): string {
	return (
		value
			.replace(/\r\n|\r/g, '\n')
			// eslint-disable-next-line no-control-regex
			.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
			.replace(/\\/g, '\\\\')
			.replace(/;/g, '\\;')
			.replace(/,/g, '\\,')
			.replace(/\n/g, '\\n')
	);
}

/** A parameter value (RFC 5545 3.2): quoted when it holds `:`, `;` or `,`; DQUOTE and controls removed. */
export function paramValue(value: string): string {
	// eslint-disable-next-line no-control-regex
	const clean = value.replace(/["\u0000-\u001f\u007f]/g, '');
	return /[:;,]/.test(clean) ? `"${clean}"` : clean;
}

/** UTF-8 length of the code point starting at UTF-16 index i, and how many code units it takes. */
function utf8At(line: string, i: number): [bytes: number, units: number] {
	const c = line.charCodeAt(i);
	if (c < 0x80) return [1, 1];
	if (c < 0x800) return [2, 1];
	if (c >= 0xd800 && c <= 0xdbff && i + 1 < line.length) {
		const next = line.charCodeAt(i + 1);
		if (next >= 0xdc00 && next <= 0xdfff) return [4, 2];
	}
	return [3, 1];
}

/**
 * Folds one content line (RFC 5545 3.1): no physical line longer than 75 octets, continuation
 * lines begin with a space (which counts), and a multi-byte character is never cut in two.
 */
export function foldLine(line: string): string {
	// At most 3 octets per UTF-16 code unit: short lines need no counting.
	if (line.length <= 25) return line;
	let out = '';
	let start = 0;
	let size = 0;
	let limit = 75;
	for (let i = 0; i < line.length;) {
		const [bytes, units] = utf8At(line, i);
		if (size + bytes > limit) {
			out += `${line.slice(start, i)}${CRLF} `;
			start = i;
			size = 0;
			limit = 74;
		}
		size += bytes;
		i += units;
	}
	return out + line.slice(start);
}

/** A URI value: no escaping in iCalendar, but nothing that could break out of the line. */
function uriValue(value: string): string {
	// eslint-disable-next-line no-control-regex
	return value.replace(/[\u0000-\u0020\u007f]/g, (c) => encodeURIComponent(c));
}

const VTIMEZONE = [
	'BEGIN:VTIMEZONE',
	`TZID:${TZID}`,
	`X-LIC-LOCATION:${TZID}`,
	'BEGIN:STANDARD',
	'TZOFFSETFROM:+0800',
	'TZOFFSETTO:+0800',
	'TZNAME:CST',
	'DTSTART:19700101T000000',
	'END:STANDARD',
	'END:VTIMEZONE'
];

/** The content lines of one VEVENT, unfolded. */
function eventLines(event: CalendarEvent, fallbackStamp: Date): string[] {
	const start = toDate(event.start);
	const end = toDate(event.end);
	if (end.getTime() <= start.getTime()) throw new RangeError('An event must end after it starts.');
	const revised = event.updatedAt ? toDate(event.updatedAt) : fallbackStamp;
	const status = event.status ?? 'confirmed';
	const lines = [
		'BEGIN:VEVENT',
		`UID:${event.uid ?? eventUid(event.id)}`,
		`DTSTAMP:${formatUtc(revised)}`,
		`DTSTART;TZID=${TZID}:${formatShanghai(start)}`,
		`DTEND;TZID=${TZID}:${formatShanghai(end)}`,
		`SEQUENCE:${Math.max(0, Math.floor(event.sequence ?? 0))}`,
		`SUMMARY:${escapeText(event.summary)}`,
		`STATUS:${status.toUpperCase()}`
	];
	if (event.created) lines.push(`CREATED:${formatUtc(event.created)}`);
	if (event.updatedAt) lines.push(`LAST-MODIFIED:${formatUtc(event.updatedAt)}`);
	if (event.location) lines.push(`LOCATION:${escapeText(event.location)}`);
	if (event.description) lines.push(`DESCRIPTION:${escapeText(event.description)}`);
	if (event.url) lines.push(`URL:${uriValue(event.url)}`);
	if (event.organizer?.email) {
		lines.push(
			`ORGANIZER;CN=${paramValue(event.organizer.name)}:mailto:${uriValue(event.organizer.email)}`
		);
	}
	const categories = (event.categories ?? []).filter(Boolean);
	if (categories.length) lines.push(`CATEGORIES:${categories.map(escapeText).join(',')}`);
	// A cancelled event no longer blocks time.
	lines.push(`TRANSP:${status === 'cancelled' ? 'TRANSPARENT' : 'OPAQUE'}`);
	if (event.alarmMinutesBefore && status !== 'cancelled') {
		lines.push(
			'BEGIN:VALARM',
			'ACTION:DISPLAY',
			`DESCRIPTION:${escapeText(event.summary)}`,
			`TRIGGER:-PT${Math.max(1, Math.floor(event.alarmMinutesBefore))}M`,
			'END:VALARM'
		);
	}
	lines.push('END:VEVENT');
	return lines;
}

/** One VEVENT block, folded, CRLF-terminated (for callers assembling their own VCALENDAR). */
export function renderEvent(event: CalendarEvent, stamp: Date = new Date()): string {
	return eventLines(event, stamp).map(foldLine).join(CRLF) + CRLF;
}

/** A whole calendar: VCALENDAR, the Asia/Shanghai VTIMEZONE, and one VEVENT per event. */
export function renderCalendar(options: CalendarOptions): string {
	const stamp = options.stamp ?? new Date();
	const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', `PRODID:${PRODID}`, 'CALSCALE:GREGORIAN'];
	if (options.method !== null) lines.push(`METHOD:${options.method ?? 'PUBLISH'}`);
	lines.push(`NAME:${escapeText(options.name)}`, `X-WR-CALNAME:${escapeText(options.name)}`);
	if (options.description) {
		lines.push(
			`DESCRIPTION:${escapeText(options.description)}`,
			`X-WR-CALDESC:${escapeText(options.description)}`
		);
	}
	lines.push(`X-WR-TIMEZONE:${TZID}`);
	if (options.source) lines.push(`SOURCE;VALUE=URI:${uriValue(options.source)}`);
	if (options.refreshMinutes) {
		const minutes = Math.max(1, Math.floor(options.refreshMinutes));
		lines.push(`REFRESH-INTERVAL;VALUE=DURATION:PT${minutes}M`, `X-PUBLISHED-TTL:PT${minutes}M`);
	}
	lines.push(...VTIMEZONE);
	const head = lines.map(foldLine).join(CRLF) + CRLF;
	const body = options.events.map((event) => renderEvent(event, stamp)).join('');
	return `${head}${body}END:VCALENDAR${CRLF}`;
}
