import { error } from '@sveltejs/kit';
import { channelLabel, pageLocale, pick } from '$lib/server/promotion/labels';
import type { PageServerLoad } from './$types';

interface Row {
	event_id: string;
	event_slug: string;
	title_zh: string;
	title_en: string;
	starts_at: string;
	source: string | null;
	registrations: number;
	people: number;
	cancelled: number;
}

type Counts = { registrations: number; people: number; cancelled: number };

/**
 * Registrations per channel (?src=) for the events of the caller's organisations: counts only,
 * from public.event_channel_counts (RLS keeps staff to their own events).
 */
export const load = (async ({ locals }) => {
	if (!locals.user) return { events: [], totals: [] };
	const locale = pageLocale();
	const { data, error: failure } = await locals.supabase.rpc('event_channel_counts');
	if (failure) {
		console.error('event_channel_counts:', failure.code);
		error(500, { message: 'error_generic' });
	}
	const rows = (data ?? []) as Row[];

	const events = new Map<
		string,
		{ slug: string; title: string; startsAt: string; channels: Array<Counts & { label: string }> }
	>();
	const totals = new Map<string, Counts & { label: string }>();
	for (const row of rows) {
		const label = channelLabel(row.source, locale);
		let event = events.get(row.event_id);
		if (!event) {
			event = {
				slug: row.event_slug,
				title: pick({ zh: row.title_zh, en: row.title_en }, locale),
				startsAt: row.starts_at,
				channels: []
			};
			events.set(row.event_id, event);
		}
		const counts = { registrations: row.registrations, people: row.people, cancelled: row.cancelled };
		event.channels.push({ label, ...counts });
		const key = row.source ?? '';
		const total = totals.get(key) ?? { label, registrations: 0, people: 0, cancelled: 0 };
		total.registrations += counts.registrations;
		total.people += counts.people;
		total.cancelled += counts.cancelled;
		totals.set(key, total);
	}
	return {
		events: [...events.values()],
		totals: [...totals.values()].sort((a, b) => b.registrations - a.registrations)
	};
}) satisfies PageServerLoad;
