/**
 * What the staff calendars share: drawing an entry (with text nodes only: titles come from the
 * database), sending a drag or resize to the server and putting the item back when it refuses,
 * and fetching a period's entries. Browser-side; FullCalendar itself is loaded by the action.
 */
import type {
	BusinessHoursInput,
	EventApi,
	EventChangeArg,
	EventContentArg,
	EventMountArg
} from '@fullcalendar/core';
import type {} from '@fullcalendar/interaction';
import type { CalendarEntry } from '$lib/server/staff/calendar';
import { fromWallClock } from './calendar-time';

/** One calendar item as the server builds it ($lib/server/staff/calendar). */
export type Entry = CalendarEntry;
export type EntryProps = CalendarEntry['extendedProps'];

const el = (tag: string, className: string, text?: string) => {
	const node = document.createElement(tag);
	node.className = className;
	if (text) node.textContent = text;
	return node;
};

export function entryContent(arg: EventContentArg) {
	const props = arg.event.extendedProps as EntryProps;
	const box = el('div', 'gy-content');
	if (arg.timeText) box.append(el('div', 'gy-time', arg.timeText));
	box.append(el('div', 'gy-title', arg.event.title));
	if (props.detail) box.append(el('div', 'gy-detail', props.detail));
	if (props.fill != null) {
		const bar = el('div', 'gy-bar');
		const fill = el('div', 'gy-bar-fill');
		fill.style.width = `${props.fill}%`;
		bar.append(fill);
		box.append(bar);
	}
	return { domNodes: [box] };
}

export function entryMounted(arg: EventMountArg) {
	const props = arg.event.extendedProps as EntryProps;
	arg.el.dataset.key = arg.event.id;
	arg.el.dataset.kind = props.kind;
	arg.el.title = [props.label, arg.event.title, props.venue, props.detail]
		.filter(Boolean)
		.join(' · ');
}

/** Where clicking an entry leads, or null (a plain booking: the page shows its panel). */
export function entryHref(event: EventApi): string | null {
	const props = event.extendedProps as EntryProps;
	if ((props.kind === 'event' || props.kind === 'elsewhere') && props.eventId)
		return `/staff/events/${props.eventId}`;
	if (props.kind === 'request' || props.kind === 'outgoing') return '/staff/requests';
	if (props.kind === 'block' && props.venueId) return `/staff/venues/${props.venueId}`;
	return null;
}

export interface MoveResult {
	ok: boolean;
	message: string;
}

/** Sends a drag or resize to the server; on refusal the item goes back where it was. */
export async function persistChange(info: EventChangeArg, fallback: string): Promise<MoveResult> {
	const event = info.event;
	const props = event.extendedProps as EntryProps;
	const isEvent = props.kind === 'event' || props.kind === 'elsewhere';
	const start = event.start;
	const end =
		event.end ??
		(start && info.oldEvent.end && info.oldEvent.start
			? new Date(start.getTime() + info.oldEvent.end.getTime() - info.oldEvent.start.getTime())
			: null);
	if (!start || !end) {
		info.revert();
		return { ok: false, message: fallback };
	}
	try {
		const response = await fetch('/staff/calendar/move', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				kind: isEvent ? 'event' : 'booking',
				id: isEvent ? props.eventId : props.bookingId,
				starts_at: fromWallClock(start),
				ends_at: fromWallClock(end)
			})
		});
		const body = (await response.json().catch(() => null)) as MoveResult | null;
		if (!response.ok || !body?.ok) {
			info.revert();
			return { ok: false, message: body?.message || fallback };
		}
		return body;
	} catch {
		info.revert();
		return { ok: false, message: fallback };
	}
}

/** Entries for [from, to) — Shanghai dates — of the organisation, or one room. */
export async function fetchEntries(
	from: string,
	to: string,
	venueId: string | null
): Promise<Entry[]> {
	const params = new URLSearchParams({ from, to });
	if (venueId) params.set('venue', venueId);
	const response = await fetch(`/staff/calendar/feed?${params}`);
	if (!response.ok) throw new Error(`feed ${response.status}`);
	return ((await response.json()) as { entries: Entry[] }).entries;
}

/** FullCalendar's businessHours (0 Sunday … 6 Saturday) from ISO-weekday opening intervals. */
export function businessHoursOf(
	hours: { weekday: number; opens_at: string; closes_at: string }[]
): BusinessHoursInput {
	return hours.map((h) => ({
		daysOfWeek: [h.weekday % 7],
		startTime: h.opens_at,
		endTime: h.closes_at
	}));
}
