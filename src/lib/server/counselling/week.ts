/**
 * The week of slots a family looks at: `?week=` (any date; its Monday is shown) and `?c=` (a
 * counsellor's id, or nothing for any counsellor), within this week … the longest horizon.
 */
import { addDays, parseDateParam, shanghaiToday, weekStart } from '$lib/components/calendar-time';
import type { SupabaseClient } from '@supabase/supabase-js';
import { listSlots, slotsByDay, type Counsellor } from './index';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function chosenWeek(url: URL, counsellors: Counsellor[]) {
	const thisWeek = weekStart(shanghaiToday());
	const last = weekStart(addDays(shanghaiToday(), 120));
	let from = weekStart(parseDateParam(url.searchParams.get('week'), thisWeek));
	if (from < thisWeek) from = thisWeek;
	if (from > last) from = last;
	const c = url.searchParams.get('c');
	const counsellor = c && UUID.test(c) ? (counsellors.find((x) => x.id === c) ?? null) : null;
	return {
		from,
		to: addDays(from, 6),
		prev: from > thisWeek ? addDays(from, -7) : null,
		next: from < last ? addDays(from, 7) : null,
		counsellorId: counsellor?.id ?? null
	};
}

/** The week's slots by day, for a signed-in family (slots are not shown to anonymous visitors). */
export async function weekOfSlots(
	supabase: SupabaseClient,
	orgId: string,
	week: { from: string; to: string; counsellorId: string | null }
) {
	const slots = await listSlots(supabase, orgId, week.from, week.to, week.counsellorId);
	if (!slots.ok) throw new Error(`counselling_slots: ${slots.code}`);
	return slotsByDay(slots.value, week.from, 7);
}
