/**
 * Upcoming published events for the home page and the event list, read through the request's own
 * client so RLS decides what the visitor sees.
 */
import type { SupabaseClient } from '@supabase/supabase-js';

export interface EventSummary {
	id: string;
	title: { zh: string; en: string };
	startsAt: string;
	endsAt: string | null;
	organiser: { zh: string; en: string } | null;
	place: { zh: string; en: string } | null;
}

type Named = { name_zh: string | null; name_en: string | null } | null;

interface EventRow {
	id: string;
	title_zh: string;
	title_en: string | null;
	starts_at: string;
	ends_at: string | null;
	address_zh: string | null;
	address_en: string | null;
	organisation: Named;
}

const columns = [
	'id, title_zh, title_en, starts_at, ends_at, address_zh, address_en',
	'organisation:organisations(name_zh, name_en)'
].join(', ');

const named = (value: Named) =>
	value ? { zh: value.name_zh ?? '', en: value.name_en || value.name_zh || '' } : null;

export async function listUpcomingEvents(
	supabase: SupabaseClient,
	limit: number,
	now = new Date()
): Promise<EventSummary[]> {
	const { data, error } = await supabase
		.from('events')
		.select(columns)
		.eq('status', 'published')
		.gte('starts_at', now.toISOString())
		.order('starts_at')
		.limit(limit);
	if (error) {
		// Until the events table exists (or if it cannot be read) the page shows its empty state.
		console.error('upcoming events:', error.code, error.message);
		return [];
	}
	return ((data ?? []) as unknown as EventRow[]).map((row) => ({
		id: row.id,
		title: { zh: row.title_zh, en: row.title_en || row.title_zh },
		startsAt: row.starts_at,
		endsAt: row.ends_at,
		organiser: named(row.organisation),
		// Visitors may not read venue bookings, so the place is the address on the event itself.
		place: row.address_zh ? { zh: row.address_zh, en: row.address_en || row.address_zh } : null
	}));
}
