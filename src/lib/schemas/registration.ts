/**
 * Registering and cancelling: the form fields, checked on the server (and mirrored in the browser
 * for instant feedback), and the age arithmetic the database's register_family uses.
 */
import { z } from 'zod';

const uuid = z.uuid();

/** A `?src=` channel tag (poster, wechat, school-site …): register_family drops anything else. */
export const sourceSchema = z
	.string()
	.trim()
	.toLowerCase()
	.regex(/^[a-z0-9._-]{1,40}$/);

export function parseSource(value: unknown): string | null {
	const parsed = sourceSchema.safeParse(value);
	return parsed.success ? parsed.data : null;
}

export const registerSchema = z.object({
	event_id: uuid,
	member_ids: z.array(uuid).min(1).max(20),
	src: sourceSchema.nullable().catch(null)
});
export type RegisterInput = z.infer<typeof registerSchema>;

export const cancelSchema = z.object({ registration_id: uuid });

/** Reads the register form: `member` checkboxes (repeated), `event_id`, `src`. */
export function readRegisterForm(form: FormData) {
	return registerSchema.safeParse({
		event_id: form.get('event_id'),
		member_ids: [...new Set(form.getAll('member').map(String))],
		src: form.get('src') || null
	});
}

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

/** The calendar date in Asia/Shanghai (no daylight saving since 1991) of an instant. */
export function shanghaiDate(instant: string | Date): { year: number; month: number; day: number } {
	const shifted = new Date(new Date(instant).getTime() + SHANGHAI_OFFSET_MS);
	return {
		year: shifted.getUTCFullYear(),
		month: shifted.getUTCMonth() + 1,
		day: shifted.getUTCDate()
	};
}

/**
 * A child's age in whole years on the Shanghai day an event starts, from the birth year and month
 * ('YYYY-MM' or 'YYYY-MM-DD', the day being the first): the same as SQL's private.age_at.
 */
export function ageAt(birthYearMonth: string, eventStart: string | Date): number {
	const [year, month] = birthYearMonth.split('-').map(Number);
	const on = shanghaiDate(eventStart);
	return on.year - year - (on.month < month ? 1 : 0);
}

/** Whether an age fits an event's range (a missing bound is no bound). */
export function ageFits(age: number, min: number | null, max: number | null): boolean {
	return age >= (min ?? 0) && age <= (max ?? 99);
}
