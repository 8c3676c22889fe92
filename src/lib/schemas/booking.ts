/**
 * Room bookings on the staff calendar: the times staff type or drag, in Asia/Shanghai wall-clock
 * time, and the requests the calendar sends to the server. China keeps no daylight saving time, so
 * Shanghai is always UTC+08:00 and a wall-clock time converts with a fixed offset, in the browser
 * and on the server alike.
 */
import { z } from 'zod';

export const SHANGHAI_OFFSET = '+08:00';
const OFFSET_MS = 8 * 3600_000;

export const dateString = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const timeString = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/);

/** '2026-12-05' + '09:30' → '2026-12-05T09:30:00+08:00' ('24:00' becomes the next midnight). */
export function shanghaiIso(date: string, time: string): string {
	if (time === '24:00') return `${addDays(date, 1)}T00:00:00${SHANGHAI_OFFSET}`;
	return `${date}T${time}:00${SHANGHAI_OFFSET}`;
}

/** The Shanghai wall-clock parts of an instant: { date: 'YYYY-MM-DD', time: 'HH:MM' }. */
export function shanghaiParts(value: string | number | Date): { date: string; time: string } {
	const shifted = new Date(new Date(value).getTime() + OFFSET_MS).toISOString();
	return { date: shifted.slice(0, 10), time: shifted.slice(11, 16) };
}

/**
 * An instant as a Shanghai wall-clock string without offset ('2026-12-05T09:30:00'): FullCalendar
 * runs in its 'UTC' time zone and shows these as they read, whatever the browser's zone.
 */
export function wallClock(value: string | number | Date): string {
	return new Date(new Date(value).getTime() + OFFSET_MS).toISOString().slice(0, 19);
}

/** The inverse of wallClock for a Date FullCalendar hands back (its UTC fields are wall-clock). */
export function fromWallClock(date: Date): string {
	return `${date.toISOString().slice(0, 19)}${SHANGHAI_OFFSET}`;
}

/** Today's date in Shanghai. */
export function shanghaiToday(now = Date.now()): string {
	return shanghaiParts(now).date;
}

export function addDays(date: string, days: number): string {
	const [y, m, d] = date.split('-').map(Number);
	return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** ISO weekday, 1 Monday … 7 Sunday, of a 'YYYY-MM-DD'. */
export function isoWeekday(date: string): number {
	const [y, m, d] = date.split('-').map(Number);
	return ((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7) + 1;
}

/** The Monday of the week that holds `date`. */
export function weekStart(date: string): string {
	return addDays(date, 1 - isoWeekday(date));
}

export function monthStart(date: string): string {
	return `${date.slice(0, 7)}-01`;
}

/** A valid 'YYYY-MM-DD' from a query parameter, or the fallback. */
export function parseDateParam(value: string | null, fallback: string): string {
	if (!value || !dateString.safeParse(value).success) return fallback;
	const [y, m, d] = value.split('-').map(Number);
	const check = new Date(Date.UTC(y, m - 1, d));
	return check.getUTCMonth() === m - 1 && check.getUTCDate() === d ? value : fallback;
}

const isoInstant = z.iso.datetime({ offset: true });

/** A calendar drag or resize: the server decides, the calendar puts the item back on refusal. */
export const moveSchema = z
	.object({
		kind: z.enum(['event', 'booking']),
		id: z.uuid(),
		starts_at: isoInstant,
		ends_at: isoInstant
	})
	.refine((v) => Date.parse(v.ends_at) > Date.parse(v.starts_at), {
		path: ['ends_at'],
		message: 'invalid_period'
	});
export type MoveInput = z.infer<typeof moveSchema>;

/** A period typed into a form: date + start time, and an end date (default the same) + end time. */
export const periodFields = {
	date: dateString,
	start: timeString,
	end_date: dateString.optional(),
	end: timeString
};

export function periodOf(v: { date: string; start: string; end_date?: string; end: string }) {
	return { starts_at: shanghaiIso(v.date, v.start), ends_at: shanghaiIso(v.end_date || v.date, v.end) };
}

/** Blocking a room (maintenance, holidays): may span days. */
export const blockSchema = z
	.object({
		...periodFields,
		reason: z.string().trim().max(500)
	})
	.refine((v) => Date.parse(periodOf(v).ends_at) > Date.parse(periodOf(v).starts_at), {
		path: ['end'],
		message: 'invalid_period'
	});

/** A booking without an event (the room held for the organisation's own use), from the calendar. */
export const bookSchema = z
	.object({
		venue_id: z.uuid(),
		...periodFields,
		purpose: z.string().trim().max(500)
	})
	.refine((v) => Date.parse(periodOf(v).ends_at) > Date.parse(periodOf(v).starts_at), {
		path: ['end'],
		message: 'invalid_period'
	});

/** A room request at another organisation's venue. */
export const requestSchema = z
	.object({
		venue_id: z.uuid(),
		...periodFields,
		purpose: z.string().trim().min(1).max(500)
	})
	.refine((v) => Date.parse(periodOf(v).ends_at) > Date.parse(periodOf(v).starts_at), {
		path: ['end'],
		message: 'invalid_period'
	});

export const decisionSchema = z.object({
	booking_id: z.uuid(),
	reason: z.string().trim().max(500)
});

/** Field values of a submitted form, to put back into the form after a refusal. */
export function formValues(form: FormData): Record<string, string> {
	const values: Record<string, string> = {};
	for (const [key, value] of form) if (typeof value === 'string') values[key] = value;
	return values;
}

/** The first field of each issue: which inputs to mark invalid. */
export function issueFields(error: z.ZodError): string[] {
	return [...new Set(error.issues.map((issue) => String(issue.path[0] ?? '')))].filter(Boolean);
}
