/**
 * The staff calendar's data: one rpc (staff_calendar) for a period of an organisation's rooms,
 * turned into FullCalendar entries with their labels already in the staff member's language, so
 * the browser only draws them. The no-JavaScript week list reads the same entries.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { m } from '$lib/paraglide/messages';
import { addDays, shanghaiIso, wallClock } from '$lib/schemas/booking';
import type { OpeningInterval } from '$lib/schemas/venue';

export type Locale = 'zh-CN' | 'en';

export interface CalendarVenue {
	id: string;
	name_zh: string;
	name_en: string;
	capacity: number;
	buffer_minutes: number;
	active: boolean;
	hours: OpeningInterval[];
}

export type ItemKind =
	'event' | 'booking' | 'request' | 'block' | 'elsewhere' | 'outgoing' | 'counselling';

/** An item of staff_calendar; null fields are left out of the JSON. */
export interface CalendarItem {
	key: string;
	kind: ItemKind;
	booking_id?: string | null;
	event_id?: string | null;
	venue_id?: string | null;
	starts_at: string;
	ends_at: string;
	status?: string | null;
	event_status?: 'draft' | 'published' | 'cancelled' | null;
	title_zh?: string | null;
	title_en?: string | null;
	purpose?: string | null;
	reason?: string | null;
	org_name_zh?: string | null;
	org_name_en?: string | null;
	own: boolean;
	seats_taken?: number | null;
	capacity?: number | null;
	waitlist_count?: number | null;
	editable: boolean;
}

export interface CalendarData {
	venues: CalendarVenue[];
	items: CalendarItem[];
}

/** What the calendar draws: a FullCalendar EventInput with the facts the page needs. */
export interface CalendarEntry {
	id: string;
	title: string;
	start: string;
	end: string;
	editable: boolean;
	classNames: string[];
	extendedProps: {
		kind: ItemKind;
		label: string;
		eventId: string | null;
		bookingId: string | null;
		venueId: string | null;
		venue: string;
		/** 0–100, events only. */
		fill: number | null;
		detail: string;
		/** ISO instants, for the list without JavaScript. */
		startsAt: string;
		endsAt: string;
	};
}

/** Reads [from, to) (Shanghai dates) of the organisation, or one of its rooms. */
export async function loadCalendar(
	supabase: SupabaseClient,
	orgId: string,
	fromDate: string,
	toDate: string,
	venueId: string | null
): Promise<{
	data: CalendarData | null;
	error: { message: string; hint?: string; code?: string } | null;
}> {
	const { data, error } = await supabase.rpc('staff_calendar', {
		p_org_id: orgId,
		p_from: shanghaiIso(fromDate, '00:00'),
		p_to: shanghaiIso(toDate, '00:00'),
		p_venue_id: venueId
	});
	return { data: (data as CalendarData | null) ?? null, error };
}

const pickName = (zh: string | null | undefined, en: string | null | undefined, locale: Locale) =>
	(locale === 'en' ? en || zh : zh) ?? '';

export function venueName(venue: Pick<CalendarVenue, 'name_zh' | 'name_en'>, locale: Locale) {
	return pickName(venue.name_zh, venue.name_en, locale);
}

export function kindLabel(kind: ItemKind, status: string | null | undefined): string {
	switch (kind) {
		case 'event':
			return m.staff_cal_kind_event();
		case 'request':
			return m.staff_cal_kind_request();
		case 'block':
			return m.staff_cal_kind_block();
		case 'elsewhere':
			return m.staff_cal_kind_elsewhere();
		case 'counselling':
			return m.counselling_room_occupied();
		case 'outgoing':
			return status === 'approved'
				? m.staff_cal_kind_outgoing_approved()
				: m.staff_cal_kind_outgoing();
		default:
			return m.staff_cal_kind_booking();
	}
}

export function toEntries(data: CalendarData, locale: Locale): CalendarEntry[] {
	const venues = new Map(data.venues.map((v) => [v.id, v]));
	return data.items.map((item) => {
		const venue = item.venue_id ? venues.get(item.venue_id) : undefined;
		const venueLabel = venue
			? venueName(venue, locale)
			: item.kind === 'outgoing' || item.kind === 'elsewhere'
				? pickName(item.org_name_zh, item.org_name_en, locale)
				: '';
		const title = pickName(item.title_zh, item.title_en, locale);
		const org = pickName(item.org_name_zh, item.org_name_en, locale);
		let text: string;
		let detail = '';
		let fill: number | null = null;
		switch (item.kind) {
			case 'event':
			case 'elsewhere': {
				const taken = item.seats_taken ?? 0;
				const capacity = item.capacity ?? 0;
				fill = capacity > 0 ? Math.min(100, Math.round((taken / capacity) * 100)) : null;
				detail = m.staff_cal_fill({ taken, capacity });
				if (item.waitlist_count)
					detail += ` · ${m.staff_cal_waitlist({ count: item.waitlist_count })}`;
				if (item.event_status === 'draft') detail = `${m.staff_event_status_draft()} · ${detail}`;
				text = title;
				if (item.kind === 'elsewhere' && item.purpose) detail += ` · ${item.purpose}`;
				break;
			}
			case 'request':
				text = org;
				detail = item.purpose ?? '';
				break;
			case 'block':
				text = item.reason || m.staff_cal_kind_block();
				break;
			case 'counselling':
				// Occupied, and nothing more: who and why stay with the counsellor.
				text = m.counselling_room_occupied();
				break;
			case 'outgoing':
				text = pickName(item.title_zh, item.title_en, locale);
				detail = item.purpose ?? '';
				break;
			default:
				text = item.purpose || org;
				if (!item.own) detail = org;
		}
		const label = kindLabel(item.kind, item.status);
		return {
			id: item.key,
			title: `${item.kind === 'event' || item.kind === 'booking' || item.kind === 'counselling' ? '' : `${label} · `}${text}`,
			start: wallClock(item.starts_at),
			end: wallClock(item.ends_at),
			editable: item.editable,
			classNames: [
				'gy-item',
				`gy-${item.kind}`,
				item.event_status === 'draft' ? 'gy-draft' : '',
				fill != null && fill >= 100 ? 'gy-full' : ''
			].filter(Boolean),
			extendedProps: {
				kind: item.kind,
				label,
				eventId: item.event_id ?? null,
				bookingId: item.booking_id ?? null,
				venueId: item.venue_id ?? null,
				venue: venueLabel,
				fill,
				detail,
				startsAt: item.starts_at,
				endsAt: item.ends_at
			}
		};
	});
}

/** FullCalendar's businessHours (daysOfWeek: 0 Sunday … 6 Saturday) from ISO-weekday intervals. */
export function businessHours(hours: OpeningInterval[]) {
	return hours.map((h) => ({
		daysOfWeek: [h.weekday % 7],
		startTime: h.opens_at,
		endTime: h.closes_at
	}));
}

/** The earliest opening and latest closing of some rooms, to size the day views. */
export function slotRange(venues: CalendarVenue[]): { min: string; max: string } {
	const hours = venues.flatMap((v) => v.hours);
	if (hours.length === 0) return { min: '07:00:00', max: '22:00:00' };
	const min = hours.reduce((a, h) => (h.opens_at < a ? h.opens_at : a), '23:59');
	const max = hours.reduce((a, h) => (h.closes_at > a ? h.closes_at : a), '00:00');
	const floor = `${String(Math.max(0, Number(min.slice(0, 2)) - 1)).padStart(2, '0')}:00:00`;
	const ceil = `${String(Math.min(24, Number(max.slice(0, 2)) + 1)).padStart(2, '0')}:00:00`;
	return { min: floor, max: ceil };
}

/** Days [from, to) grouped for the list view: [{ date, entries }]. */
export function groupByDay(entries: CalendarEntry[], from: string, to: string) {
	const days: { date: string; entries: CalendarEntry[] }[] = [];
	for (let d = from; d < to; d = addDays(d, 1)) {
		days.push({
			date: d,
			entries: entries.filter(
				(e) =>
					e.start.slice(0, 10) <= d &&
					e.end.slice(0, 10) >= d &&
					!(e.end.slice(0, 10) === d && e.end.slice(11, 16) === '00:00' && e.start.slice(0, 10) < d)
			)
		});
	}
	return days;
}
