/** The counselling forms (families' requests, counsellors' settings), checked on the server. */
import { z } from 'zod';

const instant = z.iso.datetime({ offset: true });
const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);
const optionalUuid = z
	.string()
	.optional()
	.transform((v) => (v ? v : null))
	.pipe(z.uuid().nullable());

export const bookSchema = z.object({
	counsellor_id: z.uuid(),
	starts_at: instant,
	mode: z.enum(['in_person', 'phone', 'video']),
	subject: z.enum(['child', 'parent', 'family']),
	member_id: optionalUuid,
	topic: z.enum(['study_pressure', 'parent_child', 'emotions_sleep', 'school_transition', 'other']),
	note: z.string().trim().max(1000).default(''),
	contact: z.enum(['phone', 'email'])
});

/** A slot chosen on the reschedule page: "<counsellor>|<starts_at>|<mode>". */
export const rescheduleSchema = z.object({
	slot: z
		.string()
		.transform((v) => v.split('|'))
		.pipe(z.tuple([z.uuid(), instant, z.enum(['in_person', 'phone', 'video'])]))
});

export const idSchema = z.object({ id: z.uuid() });

export const noteSchema = z.object({ body: z.string().trim().min(1).max(10000) });

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const settingsSchema = z.object({
	session_minutes: int(15, 180),
	buffer_minutes: int(0, 120),
	notice_hours: int(0, 336),
	horizon_days: int(1, 120),
	daily_max: int(1, 20),
	requires_acceptance: z
		.string()
		.optional()
		.transform((v) => v === 'on'),
	modes: z.array(z.enum(['in_person', 'phone', 'video'])).min(1),
	venue_id: optionalUuid
});

export const hoursSchema = z
	.object({ weekday: int(1, 7), starts_at: time, ends_at: time })
	.refine((v) => v.ends_at > v.starts_at, { path: ['ends_at'] });

export const exceptionSchema = z
	.object({
		on_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
		kind: z.enum(['off', 'extra']),
		starts_at: z
			.string()
			.optional()
			.transform((v) => v || null)
			.pipe(time.nullable()),
		ends_at: z
			.string()
			.optional()
			.transform((v) => v || null)
			.pipe(time.nullable())
	})
	.refine((v) => (v.starts_at === null) === (v.ends_at === null), { path: ['ends_at'] })
	.refine((v) => v.starts_at === null || v.ends_at! > v.starts_at, { path: ['ends_at'] })
	.refine((v) => v.kind === 'off' || v.starts_at !== null, { path: ['starts_at'] });
