/**
 * Events as parents see them: the list with its filters, the month calendar and one event's page.
 * Thin over supabase-js: the SQL functions find_events and event_details (migration
 * 20261129001100_parents.sql) do the filtering, under the caller's own RLS.
 */
import { Constants } from '$lib/database.types';
import type { SupabaseClient } from '@supabase/supabase-js';

// The schema's own enum, from the generated types: one list, never out of step with SQL.
export const EVENT_CATEGORIES = Constants.public.Enums.event_category;
export type EventCategory = (typeof EVENT_CATEGORIES)[number];

export interface Bilingual {
	zh: string;
	en: string;
}

export interface EventCard {
	id: string;
	slug: string;
	category: EventCategory;
	status: 'draft' | 'published' | 'cancelled';
	title: Bilingual;
	summary: Bilingual;
	startsAt: string;
	endsAt: string;
	capacity: number;
	seatsTaken: number;
	waitlistCount: number;
	waitlistEnabled: boolean;
	minAge: number | null;
	maxAge: number | null;
	registrationOpensAt: string | null;
	registrationClosesAt: string | null;
	maxSeatsPerFamily: number;
	organiser: { id: string; slug: string; name: Bilingual; phone: string | null };
	venue: Bilingual | null;
	address: Bilingual | null;
}

export interface EventDetails extends EventCard {
	description: Bilingual;
	cancelledReason: string | null;
	sequence: number;
	updatedAt: string;
}

export interface EventFilters {
	query?: string | null;
	category?: EventCategory | null;
	orgId?: string | null;
	age?: number | null;
	from?: Date | null;
	to?: Date | null;
}

type Json = Record<string, unknown>;

const text = (value: unknown) => (typeof value === 'string' ? value : '');
const both = (zh: unknown, en: unknown): Bilingual => ({ zh: text(zh), en: text(en) || text(zh) });
const maybe = (zh: unknown, en: unknown): Bilingual | null => (text(zh) ? both(zh, en) : null);
const num = (value: unknown) => (typeof value === 'number' ? value : null);

export function toEventCard(row: Json): EventCard {
	const org = (row.organisation ?? {}) as Json;
	const place = (row.place ?? {}) as Json;
	return {
		id: text(row.id),
		slug: text(row.slug),
		category: row.category as EventCategory,
		status: row.status as EventCard['status'],
		title: both(row.title_zh, row.title_en),
		summary: both(row.summary_zh, row.summary_en),
		startsAt: text(row.starts_at),
		endsAt: text(row.ends_at),
		capacity: num(row.capacity) ?? 0,
		seatsTaken: num(row.seats_taken) ?? 0,
		waitlistCount: num(row.waitlist_count) ?? 0,
		waitlistEnabled: row.waitlist_enabled === true,
		minAge: num(row.min_child_age),
		maxAge: num(row.max_child_age),
		registrationOpensAt: (row.registration_opens_at as string | null) ?? null,
		registrationClosesAt: (row.registration_closes_at as string | null) ?? null,
		maxSeatsPerFamily: num(row.max_seats_per_family) ?? 1,
		organiser: {
			id: text(org.id),
			slug: text(org.slug),
			name: both(org.name_zh, org.name_en),
			phone: (org.contact_phone as string | null) ?? null
		},
		venue: maybe(place.venue_zh, place.venue_en),
		address: maybe(place.address_zh, place.address_en)
	};
}

export function toEventDetails(row: Json): EventDetails {
	return {
		...toEventCard(row),
		description: both(row.description_zh, row.description_en),
		cancelledReason: (row.cancelled_reason as string | null) ?? null,
		sequence: num(row.sequence) ?? 0,
		updatedAt: text(row.updated_at)
	};
}

/** Places left (never negative). */
export function seatsLeft(event: Pick<EventCard, 'capacity' | 'seatsTaken'>): number {
	return Math.max(0, event.capacity - event.seatsTaken);
}

export type RegistrationWindow = 'not_open' | 'open' | 'closed';

/** Whether registration is open now, as register_family decides it. */
export function registrationWindow(
	event: Pick<EventCard, 'registrationOpensAt' | 'registrationClosesAt' | 'startsAt' | 'status'>,
	now = new Date()
): RegistrationWindow {
	if (event.status !== 'published') return 'closed';
	if (event.registrationOpensAt && now < new Date(event.registrationOpensAt)) return 'not_open';
	const start = new Date(event.startsAt);
	const closes = event.registrationClosesAt ? new Date(event.registrationClosesAt) : start;
	return now >= (closes < start ? closes : start) ? 'closed' : 'open';
}

export interface EventPage {
	total: number;
	items: EventCard[];
}

export async function findEvents(
	supabase: SupabaseClient,
	filters: EventFilters,
	page: { limit: number; offset: number }
): Promise<EventPage> {
	const { data, error } = await supabase.rpc('find_events', {
		p_query: filters.query || null,
		p_category: filters.category ?? null,
		p_org_id: filters.orgId ?? null,
		p_age: filters.age ?? null,
		p_from: filters.from?.toISOString() ?? null,
		p_to: filters.to?.toISOString() ?? null,
		p_limit: page.limit,
		p_offset: page.offset
	});
	if (error) throw new Error(`find_events: ${error.code} ${error.message}`);
	const result = (data ?? { total: 0, items: [] }) as { total: number; items: Json[] };
	return { total: result.total, items: result.items.map(toEventCard) };
}

export interface CalendarEvent {
	id: string;
	slug: string;
	title: Bilingual;
	startsAt: string;
	endsAt: string;
}

/** A date range's events with only what a calendar shows (up to 500). */
export async function findCalendarEvents(
	supabase: SupabaseClient,
	filters: EventFilters
): Promise<{ total: number; items: CalendarEvent[] }> {
	const { data, error } = await supabase.rpc('find_events', {
		p_query: filters.query || null,
		p_category: filters.category ?? null,
		p_org_id: filters.orgId ?? null,
		p_age: filters.age ?? null,
		p_from: filters.from?.toISOString() ?? null,
		p_to: filters.to?.toISOString() ?? null,
		p_limit: 500,
		p_offset: 0,
		p_compact: true
	});
	if (error) throw new Error(`find_events: ${error.code} ${error.message}`);
	const result = (data ?? { total: 0, items: [] }) as { total: number; items: Json[] };
	return {
		total: result.total,
		items: result.items.map((row) => ({
			id: text(row.id),
			slug: text(row.slug),
			title: both(row.title_zh, row.title_en),
			startsAt: text(row.starts_at),
			endsAt: text(row.ends_at)
		}))
	};
}

/** Whether `slug` could be an event's (anything else is answered 404 without asking). */
export function isSlug(slug: string): boolean {
	return /^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug) && slug.length <= 80;
}

export async function getEvent(
	supabase: SupabaseClient,
	slug: string
): Promise<EventDetails | null> {
	if (!isSlug(slug)) return null;
	const { data, error } = await supabase.rpc('event_details', { p_slug: slug });
	if (error) throw new Error(`event_details: ${error.code} ${error.message}`);
	return data ? toEventDetails(data as Json) : null;
}

export interface OrganisationOption {
	id: string;
	name: Bilingual;
}

/** Organisations for the filter, by Chinese name. */
export async function listOrganisations(supabase: SupabaseClient): Promise<OrganisationOption[]> {
	const { data, error } = await supabase
		.from('organisations')
		.select('id, name_zh, name_en')
		.order('name_zh')
		.limit(200);
	if (error) throw new Error(`organisations: ${error.code} ${error.message}`);
	return (data ?? []).map((row) => ({ id: row.id, name: both(row.name_zh, row.name_en) }));
}
