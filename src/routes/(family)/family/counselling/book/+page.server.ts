import { error, fail, redirect } from '@sveltejs/kit';
import { shanghaiParts, weekStart, addDays } from '$lib/components/calendar-time';
import { bookSchema } from '$lib/schemas/counselling';
import { book, centreById, getCounsellor, listCounsellors } from '$lib/server/counselling';
import { counsellingFailure } from '$lib/server/counselling/messages';
import { weekOfSlots } from '$lib/server/counselling/week';
import { getFamilyWithMembers } from '$lib/server/families';
import { registrationAllowed } from '$lib/server/registrations/limits';
import type { Actions, PageServerLoad } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The slot chosen on the centre's page (?c=<counsellor>&at=<start>), its counsellor and centre. */
async function chosen(locals: App.Locals, url: URL) {
	const c = url.searchParams.get('c') ?? '';
	const at = url.searchParams.get('at') ?? '';
	if (!UUID.test(c) || Number.isNaN(Date.parse(at))) error(404, { message: 'not_found' });
	const counsellor = await getCounsellor(locals.supabase, c);
	if (!counsellor) error(404, { message: 'not_found' });
	const centre = await centreById(locals.supabase, counsellor.orgId);
	if (!centre) error(404, { message: 'not_found' });
	return { counsellor, centre, startsAt: new Date(at).toISOString() };
}

/** Every free time of the centre in the week of `startsAt` (after a lost race). */
async function freshSlots(locals: App.Locals, orgId: string, startsAt: string) {
	const from = weekStart(shanghaiParts(startsAt).date);
	const days = await weekOfSlots(locals.supabase, orgId, {
		from,
		to: addDays(from, 6),
		counsellorId: null
	});
	return days.filter((d) => d.slots.length > 0);
}

export const load = (async ({ locals, url }) => {
	const user = locals.user!;
	const slot = await chosen(locals, url);
	const found = await getFamilyWithMembers(locals.supabase, user.id);
	const family = found?.family ?? null;
	const members = found?.members ?? [];
	return {
		...slot,
		hasFamily: !!family,
		children: members
			.filter((x) => x.kind === 'child')
			.map((x) => ({ id: x.id, nickname: x.nickname })),
		counsellors: await listCounsellors(locals.supabase, slot.centre.orgId)
	};
}) satisfies PageServerLoad;

export const actions = {
	default: async ({ locals, request, url }) => {
		const user = locals.user!;
		const slot = await chosen(locals, url);
		const form = Object.fromEntries(await request.formData()) as Record<string, string>;
		const who = form.for_whom ?? '';
		const parsed = bookSchema.safeParse({
			...form,
			counsellor_id: slot.counsellor.id,
			starts_at: slot.startsAt,
			subject: who.startsWith('child:') ? 'child' : who,
			member_id: who.startsWith('child:') ? who.slice(6) : ''
		});
		const values = {
			for_whom: who,
			topic: form.topic,
			note: form.note,
			contact: form.contact,
			mode: form.mode
		};
		if (!parsed.success) {
			return fail(400, { message: counsellingFailure('invalid'), values, fresh: null });
		}
		if (!(await registrationAllowed(user.id))) {
			return fail(429, { message: counsellingFailure('rate_limited'), values, fresh: null });
		}
		const d = parsed.data;
		const outcome = await book(locals.supabase, {
			counsellorId: d.counsellor_id,
			startsAt: d.starts_at,
			mode: d.mode,
			subject: d.subject,
			memberId: d.member_id,
			topic: d.topic,
			note: d.note,
			contact: d.contact
		});
		if (!outcome.ok) {
			const lost = outcome.code === 'slot_unavailable';
			return fail(lost ? 409 : outcome.code === 'generic' ? 500 : 400, {
				message: counsellingFailure(outcome.code),
				values,
				fresh: lost ? await freshSlots(locals, slot.centre.orgId, slot.startsAt) : null
			});
		}
		redirect(
			303,
			`/family/counselling?done=${outcome.value.status === 'requested' ? 'requested' : 'booked'}`
		);
	}
} satisfies Actions;
