/**
 * An organisation's events as its staff see them (drafts included), who is coming, and the
 * messages sent to them. Thin over supabase-js: RLS and the SQL functions decide.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { shanghaiParts } from '$lib/schemas/booking';
import { readAll } from '$lib/server/paging';

export interface StaffEvent {
	id: string;
	org_id: string;
	slug: string;
	category: string;
	status: 'draft' | 'published' | 'cancelled';
	title_zh: string;
	title_en: string;
	summary_zh: string;
	summary_en: string;
	description_zh: string;
	description_en: string;
	starts_at: string;
	ends_at: string;
	venue_booking_id: string | null;
	address_zh: string | null;
	address_en: string | null;
	capacity: number;
	min_child_age: number | null;
	max_child_age: number | null;
	registration_opens_at: string | null;
	registration_closes_at: string | null;
	max_seats_per_family: number;
	waitlist_enabled: boolean;
	second_reminder: boolean;
	seats_taken: number;
	waitlist_count: number;
	cancelled_reason: string | null;
	series_id: string | null;
	booking: {
		id: string;
		venue_id: string;
		org_id: string;
		starts_at: string;
		ends_at: string;
		venues: {
			id: string;
			name_zh: string;
			name_en: string;
			org_id: string;
			capacity: number;
		} | null;
	} | null;
}

const COLUMNS = `id, org_id, slug, category, status, title_zh, title_en, summary_zh, summary_en,
	description_zh, description_en, starts_at, ends_at, venue_booking_id, address_zh, address_en,
	capacity, min_child_age, max_child_age, registration_opens_at, registration_closes_at,
	max_seats_per_family, waitlist_enabled, second_reminder, seats_taken, waitlist_count,
	cancelled_reason, series_id,
	booking:venue_bookings(id, venue_id, org_id, starts_at, ends_at, venues(id, name_zh, name_en, org_id, capacity))`.replace(
	/\s+/g,
	''
);

export async function getEvent(
	supabase: SupabaseClient,
	orgId: string,
	id: string
): Promise<StaffEvent | null> {
	const { data, error } = await supabase
		.from('events')
		.select(COLUMNS)
		.eq('id', id)
		.eq('org_id', orgId)
		.maybeSingle();
	if (error || !data) return null;
	return data as unknown as StaffEvent;
}

export type EventListItem = Pick<
	StaffEvent,
	| 'id'
	| 'status'
	| 'category'
	| 'title_zh'
	| 'title_en'
	| 'starts_at'
	| 'ends_at'
	| 'capacity'
	| 'seats_taken'
	| 'waitlist_count'
	| 'series_id'
	| 'address_zh'
	| 'address_en'
	| 'booking'
>;

/** The organisation's events from `since` on, soonest first. */
export async function listEvents(
	supabase: SupabaseClient,
	orgId: string,
	since: string,
	limit = 200
): Promise<EventListItem[]> {
	const { data, error } = await supabase
		.from('events')
		.select(
			'id, status, category, title_zh, title_en, starts_at, ends_at, capacity, seats_taken, waitlist_count, series_id, address_zh, address_en, booking:venue_bookings(id, venue_id, org_id, starts_at, ends_at, venues(id, name_zh, name_en, org_id, capacity))'
		)
		.eq('org_id', orgId)
		.gte('ends_at', since)
		.order('starts_at')
		.limit(limit);
	if (error) throw new Error(`events: ${error.message}`);
	return (data ?? []) as unknown as EventListItem[];
}

export interface Attendee {
	registration_id: string;
	status: 'confirmed' | 'waitlisted' | 'attended' | 'no_show';
	seats: number;
	waitlist_position: number | null;
	check_in_code: string;
	source: string | null;
	guardian_name: string;
	phone_masked: string | null;
	attendees: { kind: 'child' | 'parent' | 'grandparent'; nickname: string; age: number | null }[];
	created_at: string;
}

export async function eventAttendees(supabase: SupabaseClient, eventId: string) {
	// An event takes up to 5000 families, plus its waitlist: more than one response may carry.
	const { data, error } = await readAll<Attendee>((from, to) =>
		supabase.rpc('event_attendees', { p_event_id: eventId }).range(from, to)
	);
	return { attendees: data, error };
}

export interface MessageProgress {
	id: string;
	subject: string;
	body: string;
	include_waitlisted: boolean;
	recipients: number;
	created_at: string;
	queued: number;
	sent: number;
	failed: number;
	skipped: number;
}

export async function messageProgress(supabase: SupabaseClient, eventId: string) {
	const { data } = await supabase.rpc('event_message_progress', { p_event_id: eventId });
	return (data ?? []) as MessageProgress[];
}

/** Approved bookings of the organisation at other organisations' rooms (granted room requests). */
export async function grantedBookings(supabase: SupabaseClient, orgId: string) {
	const { data } = await supabase
		.from('venue_bookings')
		.select('id, starts_at, ends_at, venue_id, venues(name_zh, name_en, org_id)')
		.eq('org_id', orgId)
		.eq('status', 'approved')
		.gte('ends_at', new Date().toISOString())
		.order('starts_at')
		.limit(200);
	return (
		(data ?? []) as unknown as {
			id: string;
			starts_at: string;
			ends_at: string;
			venue_id: string;
			venues: { name_zh: string; name_en: string; org_id: string } | null;
		}[]
	).filter((b) => b.venues && b.venues.org_id !== orgId);
}

/** An event as the form's field values. */
export function eventValues(event: StaffEvent): Record<string, string> {
	const start = shanghaiParts(event.starts_at);
	const end = shanghaiParts(event.ends_at);
	const ownRoom = event.booking?.venues && event.booking.venues.org_id === event.org_id;
	const closes = event.registration_closes_at ? shanghaiParts(event.registration_closes_at) : null;
	return {
		category: event.category,
		title_zh: event.title_zh,
		title_en: event.title_en,
		summary_zh: event.summary_zh,
		summary_en: event.summary_en,
		description_zh: event.description_zh,
		description_en: event.description_en,
		date: start.date,
		start: start.time,
		end_date: end.date === start.date ? '' : end.date,
		end: end.time,
		place: event.booking ? (ownRoom ? 'venue' : 'booking') : 'address',
		venue_id: ownRoom ? (event.booking?.venue_id ?? '') : '',
		booking_id: event.booking && !ownRoom ? event.booking.id : '',
		address_zh: event.address_zh ?? '',
		address_en: event.address_en ?? '',
		capacity: String(event.capacity),
		min_child_age: event.min_child_age == null ? '' : String(event.min_child_age),
		max_child_age: event.max_child_age == null ? '' : String(event.max_child_age),
		max_seats_per_family: String(event.max_seats_per_family),
		waitlist_enabled: event.waitlist_enabled ? 'on' : '',
		second_reminder: event.second_reminder ? 'on' : '',
		closes_date: closes?.date ?? '',
		closes_time: closes?.time ?? ''
	};
}

/** The door's actions, shared by the attendee list and the check-in page. */
export async function checkInByCode(supabase: SupabaseClient, eventId: string, code: string) {
	const { data, error } = await supabase.rpc('check_in_at_event', {
		p_event_id: eventId,
		p_code: code
	});
	return {
		result: data as {
			registration_id: string;
			seats: number;
			already_checked_in: boolean;
			guardian_name: string;
			attendees: Attendee['attendees'];
		} | null,
		error
	};
}

/** What create_event_series answers: each week's date, any clash, and how many were created. */
export interface SeriesPreview {
	occurrences: {
		week: number;
		date: string;
		starts_at: string;
		ends_at: string;
		conflict: string | null;
		/** The first booking in the way of a venue_conflict week. */
		clash: SeriesClash | null;
	}[];
	conflicts: number;
	created: number;
	published: number;
}

/** A booking a series week clashes with; titles only for the organisation's own bookings. */
export interface SeriesClash {
	own: boolean;
	kind: 'event' | 'booking' | 'block';
	title_zh: string | null;
	title_en: string | null;
	venue_name_zh: string;
	venue_name_en: string;
	starts_at: string;
	ends_at: string;
}
