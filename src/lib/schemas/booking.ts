/**
 * Room bookings on the staff calendar: the times staff type or drag (Asia/Shanghai wall-clock time,
 * see calendar-time.ts) and the requests the calendar and the booking forms send to the server.
 */
import { z } from 'zod';
import { shanghaiIso } from '$lib/components/calendar-time';

export * from '$lib/components/calendar-time';

export const dateString = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const timeString = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/);

const isoInstant = z.iso.datetime({ offset: true });

/** A calendar drag or resize: the server decides, the calendar puts the item back on refusal. */
export const moveSchema = z
	.object({
		kind: z.enum(['event', 'booking']),
		id: z.uuid(),
		starts_at: isoInstant,
		ends_at: isoInstant,
		/** Staff agreed to email the registered families (or it is an undo). */
		confirmed: z.boolean().optional()
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
	return {
		starts_at: shanghaiIso(v.date, v.start),
		ends_at: shanghaiIso(v.end_date || v.date, v.end)
	};
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
