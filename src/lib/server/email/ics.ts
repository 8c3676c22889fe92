/**
 * A one-event iCalendar file (RFC 5545) for confirmation and change emails, written by hand: one
 * VEVENT, times in UTC, text escaped and lines folded at 75 octets without splitting a UTF-8
 * character. The UID is stable per registration, so a changed event updates the calendar entry
 * (higher SEQUENCE) and a cancellation removes it (METHOD:CANCEL, STATUS:CANCELLED).
 */

export interface IcsEvent {
	uid: string;
	/** When this version of the entry was made (deterministic: the outbox row's creation time). */
	stamp: Date;
	start: Date;
	end: Date;
	summary: string;
	description?: string;
	location?: string;
	url?: string;
	/** Increases with every change of the event. */
	sequence?: number;
	cancelled?: boolean;
}

export function icsDate(date: Date): string {
	return date
		.toISOString()
		.replace(/[-:]/g, '')
		.replace(/\.\d{3}/, '');
}

export function escapeText(value: string): string {
	return value
		.replace(/\\/g, '\\\\')
		.replace(/;/g, '\\;')
		.replace(/,/g, '\\,')
		.replace(/\r\n|\r|\n/g, '\\n');
}

/** Folds a content line into chunks of at most 75 octets, continuation lines starting with a space. */
export function foldLine(line: string): string {
	const encoder = new TextEncoder();
	if (encoder.encode(line).length <= 75) return line;
	const parts: string[] = [];
	let current = '';
	let currentBytes = 0;
	let limit = 75;
	for (const char of line) {
		const bytes = encoder.encode(char).length;
		if (currentBytes + bytes > limit) {
			parts.push(current);
			current = '';
			currentBytes = 0;
			limit = 74; // the leading space counts
		}
		current += char;
		currentBytes += bytes;
	}
	parts.push(current);
	return parts.join('\r\n ');
}

export function buildIcs(event: IcsEvent): string {
	const lines = [
		'BEGIN:VCALENDAR',
		'VERSION:2.0',
		'PRODID:-//Gongyu//Gongyu 1.0//ZH',
		'CALSCALE:GREGORIAN',
		`METHOD:${event.cancelled ? 'CANCEL' : 'PUBLISH'}`,
		'BEGIN:VEVENT',
		`UID:${event.uid}`,
		`DTSTAMP:${icsDate(event.stamp)}`,
		`DTSTART:${icsDate(event.start)}`,
		`DTEND:${icsDate(event.end)}`,
		`SEQUENCE:${Math.max(0, Math.floor(event.sequence ?? 0))}`,
		`SUMMARY:${escapeText(event.summary)}`
	];
	if (event.location) lines.push(`LOCATION:${escapeText(event.location)}`);
	if (event.description) lines.push(`DESCRIPTION:${escapeText(event.description)}`);
	if (event.url) lines.push(`URL:${event.url}`);
	lines.push(`STATUS:${event.cancelled ? 'CANCELLED' : 'CONFIRMED'}`, 'TRANSP:OPAQUE');
	if (!event.cancelled) {
		lines.push(
			'BEGIN:VALARM',
			'ACTION:DISPLAY',
			`DESCRIPTION:${escapeText(event.summary)}`,
			'TRIGGER:-PT2H',
			'END:VALARM'
		);
	}
	lines.push('END:VEVENT', 'END:VCALENDAR');
	return lines.map(foldLine).join('\r\n') + '\r\n';
}
