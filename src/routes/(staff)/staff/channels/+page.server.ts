import { error } from '@sveltejs/kit';
import { channelLabel, pageLocale, pick } from '$lib/server/promotion/labels';
import { requireStaff } from '$lib/server/staff/context';
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
 * Registrations per channel (?src=) for the events of the organisation the staff member works for:
 * counts only, from public.event_channel_counts (RLS keeps staff to their own events).
 */
export const load = (async ({ locals, cookies, url }) => {
	const locale = pageLocale();
	// The organisation chosen in the staff area's switcher.
	const { org } = await requireStaff({ locals, cookies, url });
	const { data, error: failure } = await locals.supabase.rpc('event_channel_counts', {
		p_org_id: org.id
	});
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
		const counts = {
			registrations: row.registrations,
			people: row.people,
			cancelled: row.cancelled
		};
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
