/**
 * Forms of the district administrators' area: the participation period, an organisation's
 * profile, and adding or removing a staff member. Issue messages are stable codes that
 * src/lib/server/admin/errors.ts translates.
 */
import { z } from 'zod';
import { ORG_KINDS } from '$lib/components/promote-labels';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function realDay(value: string): boolean {
	if (!DAY.test(value)) return false;
	const date = new Date(`${value}T00:00:00Z`);
	return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** `YYYY-MM-DD` in Asia/Shanghai, `days` from today. */
export function shanghaiDay(days = 0, now = Date.now()): string {
	const local = new Date(now + 8 * 3600_000 + days * 86_400_000);
	return local.toISOString().slice(0, 10);
}

/** The first instant of a Shanghai day, and the first instant of the day after. */
export function dayStart(day: string): string {
	return `${day}T00:00:00+08:00`;
}
export function dayAfter(day: string): string {
	const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
	return dayStart(next);
}

export const periodSchema = z
	.object({
		from: z.string().refine(realDay, 'invalid_date'),
		/** Empty: no end, every upcoming event. */
		to: z.union([z.literal(''), z.string().refine(realDay, 'invalid_date')])
	})
	.refine((p) => p.to === '' || p.to >= p.from, { message: 'invalid_period', path: ['to'] });
export type Period = z.infer<typeof periodSchema>;

/** The period in the URL (?from=&to=), or the default: the last 90 days and everything upcoming. */
export function periodFrom(url: URL): { period: Period; invalid: boolean } {
	const fallback: Period = { from: shanghaiDay(-90), to: '' };
	if (!url.searchParams.has('from') && !url.searchParams.has('to')) {
		return { period: fallback, invalid: false };
	}
	const parsed = periodSchema.safeParse({
		from: url.searchParams.get('from') || fallback.from,
		to: url.searchParams.get('to') ?? ''
	});
	return parsed.success
		? { period: parsed.data, invalid: false }
		: { period: fallback, invalid: true };
}

const optionalText = (max: number) =>
	z
		.string()
		.trim()
		.max(max, 'too_long')
		.transform((v) => (v === '' ? null : v));

export const orgSchema = z.object({
	kind: z.enum(ORG_KINDS, 'invalid_kind'),
	slug: z
		.string()
		.trim()
		.toLowerCase()
		.max(60, 'too_long')
		.regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'invalid_slug'),
	name_zh: z.string().trim().min(1, 'required').max(100, 'too_long'),
	name_en: z.string().trim().min(1, 'required').max(150, 'too_long'),
	address_zh: optionalText(200),
	address_en: optionalText(300),
	town: optionalText(50),
	contact_name: optionalText(100),
	contact_phone: optionalText(40),
	contact_email: z
		.string()
		.trim()
		.max(254, 'too_long')
		.refine((v) => v === '' || /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v), 'invalid_email')
		.transform((v) => (v === '' ? null : v))
});
export type OrgInput = z.infer<typeof orgSchema>;
export const ORG_FIELDS = [
	'kind',
	'slug',
	'name_zh',
	'name_en',
	'address_zh',
	'address_en',
	'town',
	'contact_name',
	'contact_phone',
	'contact_email'
] as const;

export const addStaffSchema = z.object({
	email: z
		.string()
		.trim()
		.min(1, 'required')
		.max(254, 'too_long')
		.regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'invalid_email'),
	role: z.enum(['staff', 'manager'], 'invalid_role')
});

export const removeStaffSchema = z.object({
	user_id: z.uuid('member_not_found')
});
