import { error, json } from '@sveltejs/kit';
import { parseDateParam, shanghaiToday } from '$lib/components/calendar-time';
import { counsellorDiary } from '$lib/server/counselling';
import { requireCounsellor } from '$lib/server/counselling/staff';
import type { RequestHandler } from './$types';

/** The signed-in counsellor's appointments for FullCalendar (?from=&to=, local dates). */
export const GET: RequestHandler = async (event) => {
	await requireCounsellor(event);
	const today = shanghaiToday();
	const from = parseDateParam(event.url.searchParams.get('from'), today);
	const to = parseDateParam(event.url.searchParams.get('to'), today);
	const diary = await counsellorDiary(event.locals.supabase, from, to);
	if (!diary.ok) error(400, { message: diary.code });
	return json(diary.value, { headers: { 'cache-control': 'private, no-store' } });
};
