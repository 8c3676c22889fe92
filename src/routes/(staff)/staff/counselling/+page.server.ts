import { error } from '@sveltejs/kit';
import { addDays, parseDateParam, shanghaiToday, weekStart } from '$lib/components/calendar-time';
import { counsellorDiary } from '$lib/server/counselling';
import { counsellingStaff } from '$lib/server/counselling/staff';
import type { PageServerLoad } from './$types';

/**
 * A counsellor's diary: the week's appointments as a list (the page without JavaScript) under
 * FullCalendar (week and list views), each with for whom, topic and the family's note — readable
 * by the assigned counsellor alone (public.counsellor_appointments).
 */
export const load = (async (event) => {
	const who = await counsellingStaff(event);
	const from = weekStart(parseDateParam(event.url.searchParams.get('week'), shanghaiToday()));
	const to = addDays(from, 7);
	let entries = null;
	if (who.counsellor) {
		const diary = await counsellorDiary(event.locals.supabase, from, to);
		if (!diary.ok) error(500, { message: diary.code });
		entries = diary.value;
	}
	return {
		isCounsellor: !!who.counsellor,
		isManager: who.isManager,
		from,
		prev: addDays(from, -7),
		next: addDays(from, 7),
		entries
	};
}) satisfies PageServerLoad;
