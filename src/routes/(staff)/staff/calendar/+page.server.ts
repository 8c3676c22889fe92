import { error, fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import {
	addDays,
	bookSchema,
	formValues,
	parseDateParam,
	periodOf,
	shanghaiToday,
	weekStart
} from '$lib/schemas/booking';
import { eventPeriod, quickEventSchema } from '$lib/schemas/event';
import {
	loadCalendar,
	slotRange,
	toEntries,
	groupByDay,
	type Locale
} from '$lib/server/staff/calendar';
import { requireStaff } from '$lib/server/staff/context';
import { describeError, staffFailure } from '$lib/server/staff/errors';
import { listVenues } from '$lib/server/venues';
import type { Actions, PageServerLoad } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const load = (async (event) => {
	const { org } = await requireStaff(event);
	const { url, locals } = event;
	const venues = await listVenues(locals.supabase, org.id);
	const venueParam = url.searchParams.get('venue');
	const venue =
		venueParam && UUID.test(venueParam) ? venues.find((v) => v.id === venueParam) : null;
	if (venueParam && !venue) error(404, { message: m.staff_error_venue_not_found() });
	const view = url.searchParams.get('view') === 'rooms' ? 'rooms' : 'calendar';
	const date = parseDateParam(url.searchParams.get('date'), shanghaiToday());
	// The list (and the first paint of the calendar): the week of `date`, or that day for rooms.
	const from = view === 'rooms' ? date : weekStart(date);
	const to = addDays(from, view === 'rooms' ? 1 : 7);
	const { data, error: failure } = await loadCalendar(
		locals.supabase,
		org.id,
		from,
		to,
		venue?.id ?? null
	);
	if (failure || !data) error(500, { message: staffFailure(failure?.message ?? 'unknown') });
	const locale = getLocale() as Locale;
	const entries = toEntries(data, locale);
	const shown = venue ? [venue] : venues.filter((v) => v.active);
	return {
		view,
		date,
		from,
		to,
		venue,
		venues,
		entries,
		days: groupByDay(entries, from, to),
		slots: slotRange(shown)
	};
}) satisfies PageServerLoad;

export const actions = {
	/** A draft event in the selected slot of a room (the room is booked with it). */
	createEvent: async (event) => {
		const { org } = await requireStaff(event);
		const form = await event.request.formData();
		const parsed = quickEventSchema.safeParse(Object.fromEntries(form));
		if (!parsed.success) {
			return fail(400, {
				action: 'createEvent',
				message: m.staff_error_form(),
				values: formValues(form)
			});
		}
		const venues = await listVenues(event.locals.supabase, org.id);
		const { data, error: failure } = await event.locals.supabase.rpc('save_event', {
			p_org_id: org.id,
			p_event: {
				category: parsed.data.category,
				title_zh: parsed.data.title_zh,
				capacity: parsed.data.capacity,
				venue_id: parsed.data.venue_id,
				...eventPeriod(parsed.data)
			}
		});
		if (failure) {
			return fail(400, {
				action: 'createEvent',
				message: describeError(failure, {
					venueCapacity: venues.find((v) => v.id === parsed.data.venue_id)?.capacity
				}),
				values: formValues(form)
			});
		}
		return { action: 'createEvent', created: (data as { event_id: string }).event_id };
	},
	/** The room held for the organisation's own use, without an event. */
	book: async (event) => {
		const { org } = await requireStaff(event);
		const form = await event.request.formData();
		const parsed = bookSchema.safeParse(Object.fromEntries(form));
		if (!parsed.success) {
			return fail(400, { action: 'book', message: m.staff_error_form(), values: formValues(form) });
		}
		const { starts_at, ends_at } = periodOf(parsed.data);
		const { error: failure } = await event.locals.supabase.rpc('request_venue_booking', {
			p_venue_id: parsed.data.venue_id,
			p_starts_at: starts_at,
			p_ends_at: ends_at,
			p_purpose: parsed.data.purpose,
			p_org_id: org.id
		});
		if (failure)
			return fail(400, {
				action: 'book',
				message: describeError(failure),
				values: formValues(form)
			});
		return { action: 'book', booked: true };
	},
	/** Blocks the selected period of a room (maintenance, a holiday). */
	block: async (event) => {
		const form = await event.request.formData();
		const parsed = bookSchema.safeParse({ ...Object.fromEntries(form), purpose: '' });
		if (!parsed.success) {
			return fail(400, {
				action: 'block',
				message: m.staff_error_form(),
				values: formValues(form)
			});
		}
		const { starts_at, ends_at } = periodOf(parsed.data);
		const { error: failure } = await event.locals.supabase.rpc('block_venue', {
			p_venue_id: parsed.data.venue_id,
			p_starts_at: starts_at,
			p_ends_at: ends_at,
			p_reason: String(form.get('reason') ?? '')
				.trim()
				.slice(0, 500)
		});
		if (failure)
			return fail(400, {
				action: 'block',
				message: describeError(failure),
				values: formValues(form)
			});
		return { action: 'block', blocked: true };
	},
	/** Frees a booking or a block (not one that holds an event). */
	cancelBooking: async (event) => {
		const form = await event.request.formData();
		const id = String(form.get('booking_id') ?? '');
		if (!UUID.test(id))
			return fail(400, { action: 'cancelBooking', message: m.staff_error_form() });
		const { error: failure } = await event.locals.supabase.rpc('cancel_venue_booking', {
			p_booking_id: id
		});
		if (failure) return fail(400, { action: 'cancelBooking', message: describeError(failure) });
		return { action: 'cancelBooking', cancelled: true };
	}
} satisfies Actions;
