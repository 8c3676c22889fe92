/**
 * The family forms: the guardian's contact details and a family member. The database checks the
 * same limits again (families / family_members constraints, save_family_member).
 */
import { z } from 'zod';
import { MEMBER_KINDS } from '$lib/member-kinds';

export { MEMBER_KINDS, type MemberKind } from '$lib/member-kinds';
export const LOCALES = ['zh-CN', 'en'] as const;

const optionalText = (max: number) =>
	z
		.string()
		.trim()
		.max(max)
		.transform((value) => value || null);

/**
 * A number someone in the district can call back: a mainland mobile (1[3-9] and nine digits) or
 * a landline with its area code (0572-1234567, 057212345678), optionally after +86. Spaces,
 * hyphens and brackets are ignored. The same rule as private.is_chinese_phone in SQL.
 */
export function isChinesePhone(value: string): boolean {
	return /^((\+?86)?1[3-9][0-9]{9}|0[0-9]{9,11}|\+?86[1-9][0-9]{8,10})$/.test(
		value.replace(/[\s()-]/g, '')
	);
}

export const profileSchema = z.object({
	guardian_name: z.string().trim().min(1).max(50),
	// Empty means none.
	phone: z
		.string()
		.trim()
		.max(20)
		.refine((value) => value === '' || isChinesePhone(value), { message: 'invalid_phone' })
		.transform((value) => value || null),
	locale: z.enum(LOCALES)
});
export type ProfileInput = z.infer<typeof profileSchema>;

/** The earliest and latest birth years the form offers for a child (the database allows 18 years). */
export function childBirthYears(now = new Date()): number[] {
	const year = now.getUTCFullYear();
	return Array.from({ length: 19 }, (_, i) => year - i);
}

export const memberSchema = z
	.object({
		id: z.uuid().nullable(),
		kind: z.enum(MEMBER_KINDS),
		nickname: z.string().trim().min(1).max(30),
		birth_year: z.coerce.number().int().min(1900).max(2100).nullable(),
		birth_month: z.coerce.number().int().min(1).max(12).nullable(),
		grade: optionalText(30),
		notes: optionalText(500)
	})
	.superRefine((value, ctx) => {
		if (value.kind === 'child' && (value.birth_year == null || value.birth_month == null)) {
			ctx.addIssue({ code: 'custom', path: ['birth_year'], message: 'birth_required' });
		}
		if ((value.birth_year == null) !== (value.birth_month == null)) {
			ctx.addIssue({ code: 'custom', path: ['birth_month'], message: 'birth_incomplete' });
		}
	});
export type MemberInput = z.infer<typeof memberSchema>;

const blankToNull = (value: FormDataEntryValue | null) =>
	value === null || (typeof value === 'string' && value.trim() === '') ? null : value;

export function readProfileForm(form: FormData) {
	return profileSchema.safeParse({
		guardian_name: form.get('guardian_name') ?? '',
		phone: form.get('phone') ?? '',
		locale: form.get('locale') ?? 'zh-CN'
	});
}

export function readMemberForm(form: FormData) {
	return memberSchema.safeParse({
		id: blankToNull(form.get('id')),
		kind: form.get('kind'),
		nickname: form.get('nickname') ?? '',
		birth_year: blankToNull(form.get('birth_year')),
		birth_month: blankToNull(form.get('birth_month')),
		grade: form.get('grade') ?? '',
		notes: form.get('notes') ?? ''
	});
}

/** 'YYYY-MM-01' for the database, or null. */
export function birthYearMonth(
	input: Pick<MemberInput, 'birth_year' | 'birth_month'>
): string | null {
	if (input.birth_year == null || input.birth_month == null) return null;
	return `${input.birth_year}-${String(input.birth_month).padStart(2, '0')}-01`;
}

/** Field names with a problem, for the form to mark (aria-invalid) and explain. */
export function invalidFields(error: z.ZodError): string[] {
	return [...new Set(error.issues.map((issue) => String(issue.path[0] ?? '')))].filter(Boolean);
}
