/**
 * Upcoming published events for the home page and the event list, read through the request's own
 * client so RLS decides what the visitor sees.
 */
import type { SupabaseClient } from '@supabase/supabase-js';

export interface EventSummary {
	id: string;
	slug: string;
	title: { zh: string; en: string };
	startsAt: string;
	endsAt: string | null;
	organiser: { zh: string; en: string } | null;
	place: { zh: string; en: string } | null;
}

interface EventRow {
	id: string;
	slug: string;
	title_zh: string;
	title_en: string | null;
	starts_at: string;
	ends_at: string | null;
	place_zh: string | null;
	place_en: string | null;
	org_name_zh: string | null;
	org_name_en: string | null;
}

const both = (zh: string | null, en: string | null) => (zh ? { zh, en: en || zh } : null);

export async function listUpcomingEvents(
	supabase: SupabaseClient,
	limit: number,
	now = new Date()
): Promise<EventSummary[]> {
	// public_events names the place (room and address) without exposing the room's bookings.
	const { data, error } = await supabase
		.rpc('public_events')
		.select(
			'id, slug, title_zh, title_en, starts_at, ends_at, place_zh, place_en, org_name_zh, org_name_en'
		)
		.eq('status', 'published')
		.gte('starts_at', now.toISOString())
		.order('starts_at')
		.limit(limit);
	if (error) {
		console.error('upcoming events:', error.code, error.message);
		return [];
	}
	return ((data ?? []) as EventRow[]).map((row) => ({
		id: row.id,
		slug: row.slug,
		title: { zh: row.title_zh, en: row.title_en || row.title_zh },
		startsAt: row.starts_at,
		endsAt: row.ends_at,
		organiser: both(row.org_name_zh, row.org_name_en),
		place: both(row.place_zh, row.place_en)
	}));
}
