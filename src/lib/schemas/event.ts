/**
 * The staff's event form: what, when, where (a room of the organisation, an approved booking at
 * another centre, or an outside address), who and how many, and optionally every week for N weeks.
 * save_event / create_event_series check the rules that must hold (times, rooms, capacity) again.
 */
import { z } from 'zod';
import { dateString, shanghaiIso, timeString } from './booking';

import { CATEGORIES } from '$lib/components/staff-constants';

export { CATEGORIES, type Category } from '$lib/components/staff-constants';

export const PLACES = ['venue', 'booking', 'address'] as const;

const optionalInt = (min: number, max: number) =>
	z.preprocess(
		(v) => (v === '' || v == null ? null : v),
		z.coerce.number().int().min(min).max(max).nullable()
	);

export const eventSchema = z
	.object({
		category: z.enum(CATEGORIES),
		title_zh: z.string().trim().min(1).max(100),
		title_en: z.string().trim().max(150),
		summary_zh: z.string().trim().max(300),
		summary_en: z.string().trim().max(500),
		description_zh: z.string().trim().max(8000),
		description_en: z.string().trim().max(12000),
		date: dateString,
		start: timeString,
		end_date: z.preprocess((v) => (v === '' ? undefined : v), dateString.optional()),
		end: timeString,
		place: z.enum(PLACES),
		venue_id: z.preprocess((v) => (v === '' ? null : v), z.uuid().nullable()),
		booking_id: z.preprocess((v) => (v === '' ? null : v), z.uuid().nullable()),
		address_zh: z.string().trim().max(200),
		address_en: z.string().trim().max(300),
		capacity: z.coerce.number().int().min(1).max(5000),
		min_child_age: optionalInt(0, 18),
		max_child_age: optionalInt(0, 18),
		max_seats_per_family: z.coerce.number().int().min(1).max(20),
		waitlist_enabled: z.boolean(),
		second_reminder: z.boolean(),
		closes_date: z.preprocess((v) => (v === '' ? undefined : v), dateString.optional()),
		closes_time: z.preprocess((v) => (v === '' ? undefined : v), timeString.optional()),
		weeks: z.coerce.number().int().min(1).max(52)
	})
	.superRefine((v, ctx) => {
		const { starts_at, ends_at } = eventPeriod(v);
		if (Date.parse(ends_at) <= Date.parse(starts_at)) {
			ctx.addIssue({ code: 'custom', path: ['end'], message: 'invalid_period' });
		}
		if (v.place === 'venue' && !v.venue_id) {
			ctx.addIssue({ code: 'custom', path: ['venue_id'], message: 'required' });
		}
		if (v.place === 'booking' && !v.booking_id) {
			ctx.addIssue({ code: 'custom', path: ['booking_id'], message: 'required' });
		}
		if (v.place === 'address' && !v.address_zh) {
			ctx.addIssue({ code: 'custom', path: ['address_zh'], message: 'required' });
		}
		if (v.min_child_age != null && v.max_child_age != null && v.min_child_age > v.max_child_age) {
			ctx.addIssue({ code: 'custom', path: ['max_child_age'], message: 'invalid_age_range' });
		}
		if (!!v.closes_date !== !!v.closes_time) {
			ctx.addIssue({ code: 'custom', path: ['closes_date'], message: 'incomplete' });
		}
	});
export type EventInput = z.infer<typeof eventSchema>;

export function eventPeriod(v: { date: string; start: string; end_date?: string; end: string }) {
	return {
		starts_at: shanghaiIso(v.date, v.start),
		ends_at: shanghaiIso(v.end_date || v.date, v.end)
	};
}

export function readEventForm(form: FormData) {
	const text = (name: string) => String(form.get(name) ?? '');
	return eventSchema.safeParse({
		category: text('category'),
		title_zh: text('title_zh'),
		title_en: text('title_en'),
		summary_zh: text('summary_zh'),
		summary_en: text('summary_en'),
		description_zh: text('description_zh'),
		description_en: text('description_en'),
		date: text('date'),
		start: text('start'),
		end_date: text('end_date'),
		end: text('end'),
		place: text('place') || 'venue',
		venue_id: text('venue_id'),
		booking_id: text('booking_id'),
		address_zh: text('address_zh'),
		address_en: text('address_en'),
		capacity: text('capacity'),
		min_child_age: text('min_child_age'),
		max_child_age: text('max_child_age'),
		max_seats_per_family: text('max_seats_per_family') || '4',
		waitlist_enabled: form.get('waitlist_enabled') === 'on',
		second_reminder: form.get('second_reminder') === 'on',
		closes_date: text('closes_date'),
		closes_time: text('closes_time'),
		weeks: text('weeks') || '1'
	});
}

/** The p_event argument of save_event / create_event_series. */
export function eventPayload(v: EventInput): Record<string, unknown> {
	const place =
		v.place === 'venue'
			? { venue_id: v.venue_id }
			: v.place === 'booking'
				? { booking_id: v.booking_id }
				: { address_zh: v.address_zh, address_en: v.address_en };
	return {
		category: v.category,
		title_zh: v.title_zh,
		title_en: v.title_en,
		summary_zh: v.summary_zh,
		summary_en: v.summary_en,
		description_zh: v.description_zh,
		description_en: v.description_en,
		...eventPeriod(v),
		...place,
		capacity: v.capacity,
		min_child_age: v.min_child_age,
		max_child_age: v.max_child_age,
		max_seats_per_family: v.max_seats_per_family,
		waitlist_enabled: v.waitlist_enabled,
		second_reminder: v.second_reminder,
		registration_closes_at:
			v.closes_date && v.closes_time ? shanghaiIso(v.closes_date, v.closes_time) : null
	};
}

/** A quick event from a calendar selection: title, category and places; the rest defaults. */
export const quickEventSchema = z
	.object({
		venue_id: z.uuid(),
		title_zh: z.string().trim().min(1).max(100),
		category: z.enum(CATEGORIES),
		capacity: z.coerce.number().int().min(1).max(5000),
		date: dateString,
		start: timeString,
		end_date: z.preprocess((v) => (v === '' ? undefined : v), dateString.optional()),
		end: timeString
	})
	.refine((v) => Date.parse(eventPeriod(v).ends_at) > Date.parse(eventPeriod(v).starts_at), {
		path: ['end'],
		message: 'invalid_period'
	});

export const messageSchema = z.object({
	subject: z.string().trim().min(1).max(120),
	body: z.string().trim().min(1).max(5000),
	include_waitlisted: z.boolean()
});

export const checkInSchema = z.object({
	code: z
		.string()
		.transform((v) => v.toUpperCase().replace(/[\s-]/g, ''))
		.pipe(z.string().regex(/^[0-9A-Z]{6}$/))
});
