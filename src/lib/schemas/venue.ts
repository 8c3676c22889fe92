/**
 * The room form: name, capacity, buffer between bookings, active flag and opening hours per
 * weekday (up to two intervals a day, e.g. a lunch break). save_venue checks the same again.
 */
import { z } from 'zod';
import { timeString } from './booking';

import { hourField, INTERVALS_PER_DAY, WEEKDAYS } from '$lib/components/staff-constants';

export { hourField, INTERVALS_PER_DAY, WEEKDAYS } from '$lib/components/staff-constants';

export interface OpeningInterval {
	weekday: number;
	opens_at: string;
	closes_at: string;
}

const interval = z
	.object({ weekday: z.number().int().min(1).max(7), opens_at: timeString, closes_at: timeString })
	.refine((v) => v.closes_at > v.opens_at, { message: 'closes_before_opens' });

export const venueSchema = z
	.object({
		name_zh: z.string().trim().min(1).max(100),
		name_en: z.string().trim().max(150),
		description_zh: z.string().trim().max(2000),
		address_zh: z.string().trim().max(200),
		address_en: z.string().trim().max(300),
		capacity: z.coerce.number().int().min(1).max(10000),
		buffer_minutes: z.coerce.number().int().min(0).max(240),
		active: z.boolean(),
		hours: z.array(interval).max(28)
	})
	.superRefine((v, ctx) => {
		for (const day of WEEKDAYS) {
			const list = v.hours
				.filter((h) => h.weekday === day)
				.sort((a, b) => a.opens_at.localeCompare(b.opens_at));
			for (let i = 1; i < list.length; i++) {
				if (list[i].opens_at < list[i - 1].closes_at) {
					ctx.addIssue({ code: 'custom', path: [`hours_${day}`], message: 'overlap' });
				}
			}
		}
	});
export type VenueInput = z.infer<typeof venueSchema>;

export function readVenueForm(form: FormData) {
	const hours: { weekday: number; opens_at: string; closes_at: string }[] = [];
	const badDays: number[] = [];
	for (const day of WEEKDAYS) {
		for (let slot = 1; slot <= INTERVALS_PER_DAY; slot++) {
			const opens = String(form.get(hourField(day, slot, 'open')) ?? '').trim();
			const closes = String(form.get(hourField(day, slot, 'close')) ?? '').trim();
			if (!opens && !closes) continue;
			if (!opens || !closes) badDays.push(day);
			hours.push({ weekday: day, opens_at: opens, closes_at: closes });
		}
	}
	const result = venueSchema.safeParse({
		name_zh: form.get('name_zh') ?? '',
		name_en: form.get('name_en') ?? '',
		description_zh: form.get('description_zh') ?? '',
		address_zh: form.get('address_zh') ?? '',
		address_en: form.get('address_en') ?? '',
		capacity: form.get('capacity') ?? '',
		buffer_minutes: form.get('buffer_minutes') ?? '0',
		active: form.get('active') === 'on',
		hours
	});
	return { result, badDays, hours };
}

/** Which weekdays a failed parse complains about (the hours table marks them). */
export function invalidDays(error: z.ZodError, hours: { weekday: number }[]): number[] {
	const days = new Set<number>();
	for (const issue of error.issues) {
		const [first, index] = issue.path;
		if (first === 'hours' && typeof index === 'number' && hours[index])
			days.add(hours[index].weekday);
		if (typeof first === 'string' && /^hours_\d$/.test(first)) days.add(Number(first.slice(6)));
	}
	return [...days];
}
