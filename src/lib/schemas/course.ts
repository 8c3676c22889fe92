/**
 * The staff's course form: what the course is, how many places, when families may enrol, the
 * completion rule, and which of the organisation's events are its sessions. save_course checks the
 * rules that must hold against the database (sessions of the organisation, places, enrolments) again.
 */
import { z } from 'zod';
import { Constants } from '$lib/database.types';
import { dateString, shanghaiIso, timeString } from './booking';

/** The kinds of course, as the database's enum has them. */
export const COURSE_KINDS = Constants.public.Enums.course_kind;

const optional = <T extends z.ZodType>(schema: T) =>
	z.preprocess((v) => (v === '' || v == null ? undefined : v), schema.optional());

export const courseSchema = z
	.object({
		kind: z.enum(COURSE_KINDS),
		status: z.enum(['draft', 'published']),
		title_zh: z.string().trim().min(1).max(100),
		title_en: z.string().trim().max(150),
		summary_zh: z.string().trim().max(1000),
		summary_en: z.string().trim().max(1500),
		capacity: z.coerce.number().int().min(1).max(5000),
		max_seats_per_family: z.coerce.number().int().min(1).max(20),
		opens_date: optional(dateString),
		opens_time: optional(timeString),
		closes_date: optional(dateString),
		closes_time: optional(timeString),
		waitlist_enabled: z.boolean(),
		drop_in_enabled: z.boolean(),
		sessions_required: z.coerce.number().int().min(1).max(100),
		excused_allowed: z.coerce.number().int().min(0).max(100),
		event_ids: z.array(z.uuid()).max(100)
	})
	.superRefine((v, ctx) => {
		if (v.event_ids.length === 0) {
			ctx.addIssue({ code: 'custom', path: ['event_ids'], message: 'no_sessions' });
		} else if (v.sessions_required > v.event_ids.length) {
			ctx.addIssue({
				code: 'custom',
				path: ['sessions_required'],
				message: 'sessions_required_too_high'
			});
		}
		if (v.excused_allowed >= v.sessions_required) {
			ctx.addIssue({ code: 'custom', path: ['excused_allowed'], message: 'excused_within_rule' });
		}
		for (const side of ['opens', 'closes'] as const) {
			if (!!v[`${side}_date`] !== !!v[`${side}_time`]) {
				ctx.addIssue({ code: 'custom', path: [`${side}_date`], message: 'incomplete' });
			}
		}
		const { enrol_opens_at, enrol_closes_at } = enrolWindow(v);
		if (enrol_opens_at && enrol_closes_at && enrol_opens_at >= enrol_closes_at) {
			ctx.addIssue({ code: 'custom', path: ['closes_date'], message: 'invalid_window' });
		}
	});
export type CourseInput = z.infer<typeof courseSchema>;

function enrolWindow(v: {
	opens_date?: string;
	opens_time?: string;
	closes_date?: string;
	closes_time?: string;
}) {
	const at = (date?: string, time?: string) => (date && time ? shanghaiIso(date, time) : null);
	return {
		enrol_opens_at: at(v.opens_date, v.opens_time),
		enrol_closes_at: at(v.closes_date, v.closes_time)
	};
}

export function readCourseForm(form: FormData) {
	const text = (name: string) => String(form.get(name) ?? '');
	return courseSchema.safeParse({
		kind: text('kind'),
		status: text('status') || 'draft',
		title_zh: text('title_zh'),
		title_en: text('title_en'),
		summary_zh: text('summary_zh'),
		summary_en: text('summary_en'),
		capacity: text('capacity'),
		max_seats_per_family: text('max_seats_per_family') || '2',
		opens_date: text('opens_date'),
		opens_time: text('opens_time'),
		closes_date: text('closes_date'),
		closes_time: text('closes_time'),
		waitlist_enabled: form.get('waitlist_enabled') === 'on',
		drop_in_enabled: form.get('drop_in_enabled') === 'on',
		sessions_required: text('sessions_required'),
		excused_allowed: text('excused_allowed') || '0',
		event_ids: [...new Set(form.getAll('event_ids').map(String))]
	});
}

/** The p_course argument of save_course (p_event_ids is `event_ids`). */
export function coursePayload(v: CourseInput): Record<string, unknown> {
	return {
		kind: v.kind,
		status: v.status,
		title_zh: v.title_zh,
		title_en: v.title_en,
		summary_zh: v.summary_zh,
		summary_en: v.summary_en,
		capacity: v.capacity,
		max_seats_per_family: v.max_seats_per_family,
		...enrolWindow(v),
		waitlist_enabled: v.waitlist_enabled,
		drop_in_enabled: v.drop_in_enabled,
		sessions_required: v.sessions_required,
		excused_allowed: v.excused_allowed
	};
}
