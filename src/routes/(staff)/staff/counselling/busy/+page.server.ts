import { error } from '@sveltejs/kit';
import {
	addDays,
	parseDateParam,
	shanghaiParts,
	shanghaiToday,
	weekStart
} from '$lib/components/calendar-time';
import { busyPeriods, listCounsellors } from '$lib/server/counselling';
import { counsellingStaff } from '$lib/server/counselling/staff';
import type { PageServerLoad } from './$types';

/**
 * The centre manager's busy/free view: when each counsellor is taken, nothing about the family or
 * the topic (public.counsellor_busy returns times only).
 */
export const load = (async (event) => {
	const who = await counsellingStaff(event);
	if (!who.isManager) error(403, { message: 'forbidden' });
	const from = weekStart(parseDateParam(event.url.searchParams.get('week'), shanghaiToday()));
	const [counsellors, busy] = await Promise.all([
		listCounsellors(event.locals.supabase, who.org.id),
		busyPeriods(event.locals.supabase, who.org.id, from, addDays(from, 7))
	]);
	if (!busy.ok) error(500, { message: busy.code });
	const days = Array.from({ length: 7 }, (_, i) => {
		const date = addDays(from, i);
		return {
			date,
			rows: counsellors.map((c) => ({
				id: c.id,
				name: c.name,
				busy: busy.value
					.filter((b) => b.counsellor_id === c.id && shanghaiParts(b.starts_at).date === date)
					.map((b) => ({ startsAt: b.starts_at, endsAt: b.ends_at }))
			}))
		};
	});
	return {
		isCounsellor: !!who.counsellor,
		from,
		prev: addDays(from, -7),
		next: addDays(from, 7),
		days
	};
}) satisfies PageServerLoad;
