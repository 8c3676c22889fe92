/**
 * Published and cancelled events as the public sees them, through public.public_events (which
 * adds the place: a room comes from a venue booking the visitor may not read). Read with the
 * request's own client; drafts never come back.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Category, OrgKind } from './labels';
import { readAll } from '$lib/server/paging';

type Bilingual = { zh: string; en: string };

export interface PublicEvent {
	id: string;
	slug: string;
	status: 'published' | 'cancelled';
	category: Category;
	title: Bilingual;
	summary: Bilingual;
	startsAt: string;
	endsAt: string;
	place: Bilingual | null;
	minAge: number | null;
	maxAge: number | null;
	capacity: number;
	seatsTaken: number;
	waitlistEnabled: boolean;
	registrationClosesAt: string;
	cancelledReason: string | null;
	sequence: number;
	createdAt: string;
	updatedAt: string;
	org: { id: string; slug: string; kind: OrgKind; name: Bilingual; email: string | null };
}

interface Row {
	id: string;
	slug: string;
	status: 'published' | 'cancelled';
	category: Category;
	title_zh: string;
	title_en: string;
	summary_zh: string;
	summary_en: string;
	starts_at: string;
	ends_at: string;
	place_zh: string | null;
	place_en: string | null;
	min_child_age: number | null;
	max_child_age: number | null;
	capacity: number;
	seats_taken: number;
	waitlist_enabled: boolean;
	registration_closes_at: string;
	cancelled_reason: string | null;
	sequence: number;
	created_at: string;
	updated_at: string;
	org_id: string;
	org_slug: string;
	org_kind: OrgKind;
	org_name_zh: string;
	org_name_en: string;
	org_email: string | null;
}

export interface EventFilter {
	orgId?: string;
	category?: Category;
	/** Only events still running after this instant. */
	endsAfter?: Date;
	slug?: string;
	limit?: number;
}

export class PromotionReadError extends Error {
	constructor(
		readonly code: string | undefined,
		message: string
	) {
		super(message);
	}
}

function toEvent(row: Row): PublicEvent {
	return {
		id: row.id,
		slug: row.slug,
		status: row.status,
		category: row.category,
		title: { zh: row.title_zh, en: row.title_en || row.title_zh },
		summary: { zh: row.summary_zh, en: row.summary_en || row.summary_zh },
		startsAt: row.starts_at,
		endsAt: row.ends_at,
		place: row.place_zh ? { zh: row.place_zh, en: row.place_en || row.place_zh } : null,
		minAge: row.min_child_age,
		maxAge: row.max_child_age,
		capacity: row.capacity,
		seatsTaken: row.seats_taken,
		waitlistEnabled: row.waitlist_enabled,
		registrationClosesAt: row.registration_closes_at,
		cancelledReason: row.cancelled_reason,
		sequence: row.sequence,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
		org: {
			id: row.org_id,
			slug: row.org_slug,
			kind: row.org_kind,
			name: { zh: row.org_name_zh, en: row.org_name_en || row.org_name_zh },
			email: row.org_email
		}
	};
}

export async function listPublicEvents(
	supabase: SupabaseClient,
	filter: EventFilter = {}
): Promise<PublicEvent[]> {
	const args = {
		p_org_id: filter.orgId ?? null,
		p_category: filter.category ?? null,
		p_ends_after: filter.endsAfter?.toISOString() ?? null,
		p_slug: filter.slug ?? null
	};
	// Feeds and the sitemap ask for thousands: more than one response may carry.
	const { data, error } = await readAll<Row>(
		(from, to) => supabase.rpc('public_events', args).range(from, to),
		filter.limit || Infinity
	);
	if (error) throw new PromotionReadError(error.code, `public_events: ${error.message}`);
	return data.map(toEvent);
}

export async function getPublicEvent(
	supabase: SupabaseClient,
	slug: string
): Promise<PublicEvent | null> {
	if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug) || slug.length > 80) return null;
	const [event] = await listPublicEvents(supabase, { slug });
	return event ?? null;
}

/** Places left, or null when the event is cancelled. */
export function placesLeft(event: PublicEvent): number | null {
	if (event.status === 'cancelled') return null;
	return Math.max(0, event.capacity - event.seatsTaken);
}
