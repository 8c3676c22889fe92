import { fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import {
	addDays,
	formValues,
	issueFields,
	parseDateParam,
	periodOf,
	requestSchema,
	shanghaiIso,
	shanghaiToday,
	weekStart
} from '$lib/schemas/booking';
import { requireStaff } from '$lib/server/staff/context';
import { describeError, fieldsFor } from '$lib/server/staff/errors';
import { openingHours, requestableVenues } from '$lib/server/venues';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
	const { org } = await requireStaff(event);
	const supabase = event.locals.supabase;
	const venues = await requestableVenues(supabase, org.id);
	const venue = venues.find((v) => v.id === event.url.searchParams.get('venue')) ?? null;
	const date = parseDateParam(event.url.searchParams.get('date'), shanghaiToday());
	const from = weekStart(date);
	let busy: { busy_from: string; busy_until: string }[] = [];
	let hours: Awaited<ReturnType<typeof openingHours>> = [];
	if (venue) {
		// Free/busy only: when the room is taken, never by whom or why.
		const [periods, opening] = await Promise.all([
			supabase.rpc('venue_busy_periods', {
				p_venue_id: venue.id,
				p_from: shanghaiIso(from, '00:00'),
				p_to: shanghaiIso(addDays(from, 7), '00:00')
			}),
			openingHours(supabase, venue.id)
		]);
		busy = (periods.data ?? []) as typeof busy;
		hours = opening;
	}
	return { venues, venue, date, from, busy, hours };
}) satisfies PageServerLoad;

export const actions = {
	request: async (event) => {
		const { org } = await requireStaff(event);
		const form = await event.request.formData();
		const values = formValues(form);
		const parsed = requestSchema.safeParse(Object.fromEntries(form));
		if (!parsed.success) {
			const invalid = issueFields(parsed.error);
			return fail(400, {
				message: invalid.includes('purpose')
					? m.staff_request_purpose_required()
					: m.staff_error_invalid_period(),
				invalid,
				values
			});
		}
		const { starts_at, ends_at } = periodOf(parsed.data);
		const { error } = await event.locals.supabase.rpc('request_venue_booking', {
			p_venue_id: parsed.data.venue_id,
			p_starts_at: starts_at,
			p_ends_at: ends_at,
			p_purpose: parsed.data.purpose,
			p_org_id: org.id
		});
		if (error)
			return fail(400, {
				message: describeError(error),
				invalid: fieldsFor(error.message),
				values
			});
		redirect(303, '/staff/requests?sent=1');
	}
} satisfies Actions;
