/**
 * The walk-in form at the door (现场报名): the parent, a phone to call back, an optional email for
 * claiming the family later, and up to WALK_IN_ROWS people (empty rows ignored). register_walk_in
 * checks the same rules again, with places, ages and consent, under the event lock.
 */
import { z } from 'zod';
import { WALK_IN_ROWS, type WalkInValues } from '$lib/components/door/walk-in-rows';
import { isChinesePhone, MEMBER_KINDS } from './family';

export { WALK_IN_ROWS, type WalkInValues } from '$lib/components/door/walk-in-rows';

const person = z.discriminatedUnion('kind', [
	z.object({
		kind: z.literal('child'),
		nickname: z.string().trim().min(1).max(30),
		age: z.coerce.number().int().min(0).max(18)
	}),
	z.object({
		kind: z.enum(MEMBER_KINDS.filter((k) => k !== 'child') as ['parent', 'grandparent']),
		nickname: z.string().trim().min(1).max(30)
	})
]);

export const walkInSchema = z.object({
	guardian_name: z.string().trim().min(1, 'name').max(50, 'name'),
	phone: z
		.string()
		.trim()
		.max(20, 'phone')
		.refine((value) => isChinesePhone(value), 'phone'),
	email: z
		.string()
		.trim()
		.toLowerCase()
		.max(254, 'email')
		.refine((value) => value === '' || /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value), 'email'),
	members: z.array(z.unknown()).min(1, 'members'),
	consent: z.boolean()
});
export type WalkInInput = z.infer<typeof walkInSchema> & { members: z.infer<typeof person>[] };

export type WalkInProblem = 'name' | 'phone' | 'email' | 'members' | 'member' | 'consent';

/** The form as typed (to show it again after a refusal), one entry per row. */
export function walkInValues(form: FormData): WalkInValues {
	const text = (name: string) => String(form.get(name) ?? '');
	return {
		guardian_name: text('guardian_name'),
		phone: text('phone'),
		email: text('email'),
		consent: form.get('consent') === 'on',
		members: Array.from({ length: WALK_IN_ROWS }, (_, i) => ({
			kind: text(`kind_${i}`),
			nickname: text(`nickname_${i}`),
			age: text(`age_${i}`)
		}))
	};
}

/** The walk-in, or the first problem with it, in the order of the form. */
export function readWalkIn(
	values: WalkInValues
): { ok: true; data: WalkInInput } | { ok: false; problem: WalkInProblem } {
	const filled = values.members.filter(
		(row) => row.kind !== '' || row.nickname.trim() !== '' || row.age.trim() !== ''
	);
	const parsed = walkInSchema.safeParse({ ...values, members: filled });
	if (!parsed.success) {
		return { ok: false, problem: parsed.error.issues[0].message as WalkInProblem };
	}
	const members: z.infer<typeof person>[] = [];
	for (const row of filled) {
		const one = person.safeParse({
			kind: row.kind,
			nickname: row.nickname,
			age: row.age.trim() === '' ? undefined : row.age.trim()
		});
		if (!one.success) return { ok: false, problem: 'member' };
		members.push(one.data);
	}
	if (members.some((p) => p.kind === 'child') && !parsed.data.consent) {
		return { ok: false, problem: 'consent' };
	}
	return { ok: true, data: { ...parsed.data, members } };
}
