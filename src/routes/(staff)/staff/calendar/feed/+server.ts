import { error, json } from '@sveltejs/kit';
import { getLocale } from '$lib/paraglide/runtime';
import { addDays, parseDateParam, shanghaiToday } from '$lib/schemas/booking';
import { loadCalendar, toEntries, type Locale } from '$lib/server/staff/calendar';
import { requireStaff } from '$lib/server/staff/context';
import { describeError } from '$lib/server/staff/errors';
import type { RequestHandler } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The calendar's events for [from, to) (Shanghai dates), of the organisation or one of its rooms.
 * GET endpoints are not role-checked by the hooks (only page loads and writes are), so this checks
 * membership itself; staff_calendar checks it again.
 */
export const GET: RequestHandler = async (event) => {
	const { org } = await requireStaff(event);
	const params = event.url.searchParams;
	const from = parseDateParam(params.get('from'), shanghaiToday());
	let to = parseDateParam(params.get('to'), addDays(from, 7));
	if (to <= from) to = addDays(from, 1);
	const venue = params.get('venue');
	const { data, error: failure } = await loadCalendar(
		event.locals.supabase,
		org.id,
		from,
		to,
		venue && UUID.test(venue) ? venue : null
	);
	if (failure || !data) error(400, { message: describeError(failure) });
	return json(
		{ entries: toEntries(data, getLocale() as Locale) },
		{ headers: { 'cache-control': 'private, no-store' } }
	);
};
