/**
 * Rooms (场地/活动室) for the staff pages: thin over supabase-js, RLS applies. Writes go through
 * save_venue (the room and its opening hours in one transaction), block_venue and
 * cancel_venue_booking.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { m } from '$lib/paraglide/messages';
import { issueFields } from '$lib/schemas/booking';
import {
	hourField,
	invalidDays,
	INTERVALS_PER_DAY,
	readVenueForm,
	type OpeningInterval,
	type VenueInput
} from '$lib/schemas/venue';
import { describeError, staffFailure } from '$lib/server/staff/errors';

export interface Venue {
	id: string;
	org_id: string;
	name_zh: string;
	name_en: string;
	description_zh: string;
	address_zh: string | null;
	address_en: string | null;
	capacity: number;
	buffer_minutes: number;
	active: boolean;
	hours: OpeningInterval[];
}

export interface Block {
	id: string;
	starts_at: string;
	ends_at: string;
	reason: string | null;
}

const COLUMNS =
	'id, org_id, name_zh, name_en, description_zh, address_zh, address_en, capacity, buffer_minutes, active, venue_opening_hours(weekday, opens_at, closes_at)';

type Row = Omit<Venue, 'hours'> & { venue_opening_hours: OpeningInterval[] | null };

const hhmm = (time: string) => (time.startsWith('24') ? '24:00' : time.slice(0, 5));

function toVenue(row: Row): Venue {
	const { venue_opening_hours, ...rest } = row;
	return {
		...rest,
		hours: (venue_opening_hours ?? [])
			.map((h) => ({
				weekday: h.weekday,
				opens_at: hhmm(h.opens_at),
				closes_at: hhmm(h.closes_at)
			}))
			.sort((a, b) => a.weekday - b.weekday || a.opens_at.localeCompare(b.opens_at))
	};
}

export async function listVenues(supabase: SupabaseClient, orgId: string): Promise<Venue[]> {
	const { data, error } = await supabase
		.from('venues')
		.select(COLUMNS)
		.eq('org_id', orgId)
		.order('active', { ascending: false })
		.order('name_zh');
	if (error) throw new Error(`venues: ${error.message}`);
	return ((data ?? []) as unknown as Row[]).map(toVenue);
}

/** A room of the organisation, or null (another organisation's room counts as none). */
export async function getVenue(
	supabase: SupabaseClient,
	orgId: string,
	id: string
): Promise<Venue | null> {
	const { data, error } = await supabase
		.from('venues')
		.select(COLUMNS)
		.eq('id', id)
		.eq('org_id', orgId)
		.maybeSingle();
	if (error || !data) return null;
	return toVenue(data as unknown as Row);
}

export function saveVenue(
	supabase: SupabaseClient,
	orgId: string,
	input: VenueInput,
	id: string | null
) {
	return supabase.rpc('save_venue', {
		p_org_id: orgId,
		p_name_zh: input.name_zh,
		p_name_en: input.name_en,
		p_capacity: input.capacity,
		p_buffer_minutes: input.buffer_minutes,
		p_active: input.active,
		p_opening_hours: input.hours,
		p_description_zh: input.description_zh,
		p_address_zh: input.address_zh,
		p_address_en: input.address_en,
		p_id: id
	});
}

/** Blocked periods of a room that have not ended yet. */
export async function upcomingBlocks(supabase: SupabaseClient, venueId: string): Promise<Block[]> {
	const { data } = await supabase
		.from('venue_bookings')
		.select('id, starts_at, ends_at, reason')
		.eq('venue_id', venueId)
		.eq('status', 'blocked')
		.gte('ends_at', new Date().toISOString())
		.order('starts_at')
		.limit(100);
	return (data ?? []) as Block[];
}

/** Active rooms of other organisations, for a room request. Public information. */
export async function requestableVenues(supabase: SupabaseClient, orgId: string) {
	const { data } = await supabase
		.from('venues')
		.select('id, name_zh, name_en, capacity, org_id, organisations(name_zh, name_en)')
		.eq('active', true)
		.neq('org_id', orgId)
		.order('org_id')
		.order('name_zh');
	return (
		(data ?? []) as unknown as {
			id: string;
			name_zh: string;
			name_en: string;
			capacity: number;
			org_id: string;
			organisations: { name_zh: string; name_en: string } | null;
		}[]
	).map((v) => ({
		id: v.id,
		name_zh: v.name_zh,
		name_en: v.name_en,
		capacity: v.capacity,
		org_name_zh: v.organisations?.name_zh ?? '',
		org_name_en: v.organisations?.name_en ?? ''
	}));
}

export async function openingHours(
	supabase: SupabaseClient,
	venueId: string
): Promise<OpeningInterval[]> {
	const { data } = await supabase
		.from('venue_opening_hours')
		.select('weekday, opens_at, closes_at')
		.eq('venue_id', venueId)
		.order('weekday')
		.order('opens_at');
	return ((data ?? []) as OpeningInterval[]).map((h) => ({
		weekday: h.weekday,
		opens_at: hhmm(h.opens_at),
		closes_at: hhmm(h.closes_at)
	}));
}

/** A room as the form's field values (hours as h<day>_<slot>_open / _close). */
export function venueValues(venue: Venue | null): Record<string, string> {
	const values: Record<string, string> = venue
		? {
				name_zh: venue.name_zh,
				name_en: venue.name_en,
				description_zh: venue.description_zh,
				address_zh: venue.address_zh ?? '',
				address_en: venue.address_en ?? '',
				capacity: String(venue.capacity),
				buffer_minutes: String(venue.buffer_minutes),
				active: venue.active ? 'on' : ''
			}
		: { buffer_minutes: '15', active: 'on' };
	const hours = venue
		? venue.hours
		: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens_at: '09:00', closes_at: '17:00' }));
	const slots = new Map<number, number>();
	for (const h of hours) {
		const slot = (slots.get(h.weekday) ?? 0) + 1;
		slots.set(h.weekday, slot);
		if (slot > INTERVALS_PER_DAY) continue;
		values[hourField(h.weekday, slot, 'open')] = h.opens_at;
		values[hourField(h.weekday, slot, 'close')] = h.closes_at;
	}
	return values;
}

/**
 * The room form's action: validate, save_venue, and on success the saved room's id; on refusal
 * what the form needs to show the problem (nothing was changed).
 */
export async function submitVenueForm(
	supabase: SupabaseClient,
	orgId: string,
	form: FormData,
	id: string | null
): Promise<
	| { ok: true; venueId: string; outsideHours: number }
	| { ok: false; message: string; invalid: string[]; invalidDays: number[] }
> {
	const { result, badDays, hours } = readVenueForm(form);
	if (!result.success || badDays.length) {
		const days = new Set(badDays);
		if (!result.success) for (const day of invalidDays(result.error, hours)) days.add(day);
		const fields = result.success
			? []
			: issueFields(result.error).filter((f) => !f.startsWith('hours'));
		return {
			ok: false,
			message: days.size > 0 ? staffFailure('invalid_opening_hours') : m.staff_error_form(),
			invalid: fields,
			invalidDays: [...days]
		};
	}
	const { data, error } = await saveVenue(supabase, orgId, result.data, id);
	if (error) return { ok: false, message: describeError(error), invalid: [], invalidDays: [] };
	const saved = data as { venue_id: string; bookings_outside_hours: number };
	return { ok: true, venueId: saved.venue_id, outsideHours: saved.bookings_outside_hours };
}
