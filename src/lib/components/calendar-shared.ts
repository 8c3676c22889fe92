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
import { m } from '$lib/paraglide/messages';
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

/** What the move endpoint is sent: an entry's new period (or, for an undo, its old one). */
export interface MoveRequest {
	kind: 'event' | 'booking';
	id: string;
	starts_at: string;
	ends_at: string;
	confirmed?: boolean;
}

export interface MoveResult {
	ok: boolean;
	message: string;
	/** Sending this puts the entry back where it was (offered as "Undo"). */
	undo?: MoveRequest;
}

/** Asked before a move that emails families: the sentence to show; true to go ahead. */
export type ConfirmMove = (question: string) => Promise<boolean>;

interface MoveAnswer {
	ok: boolean;
	message?: string;
	/** The move would email families: ask, then send it again confirmed. */
	confirm?: boolean;
	/** Families emailed about the move. */
	notified?: number;
}

/** Sends one move to the server (no question asked: the caller has its answer). */
export async function sendMove(request: MoveRequest): Promise<MoveAnswer> {
	const response = await fetch('/staff/calendar/move', {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(request)
	});
	const body = (await response.json().catch(() => null)) as MoveAnswer | null;
	return { ...body, ok: response.ok && !!body?.ok };
}

/**
 * Sends a drag or resize to the server; on refusal the item goes back where it was. A move that
 * would email registered families is asked about first (`confirm`); declined, it goes back too.
 */
export async function persistChange(
	info: EventChangeArg,
	fallback: string,
	confirm: ConfirmMove,
	kept: string
): Promise<MoveResult> {
	const event = info.event;
	const props = event.extendedProps as EntryProps;
	const isEvent = props.kind === 'event' || props.kind === 'elsewhere';
	const start = event.start;
	const end =
		event.end ??
		(start && info.oldEvent.end && info.oldEvent.start
			? new Date(start.getTime() + info.oldEvent.end.getTime() - info.oldEvent.start.getTime())
			: null);
	const oldStart = info.oldEvent.start;
	const oldEnd =
		info.oldEvent.end ??
		(oldStart && start && end
			? new Date(oldStart.getTime() + end.getTime() - start.getTime())
			: null);
	if (!start || !end || !oldStart || !oldEnd) {
		info.revert();
		return { ok: false, message: fallback };
	}
	const request: MoveRequest = {
		kind: isEvent ? 'event' : 'booking',
		id: (isEvent ? props.eventId : props.bookingId) ?? '',
		starts_at: fromWallClock(start),
		ends_at: fromWallClock(end)
	};
	try {
		let answer = await sendMove(request);
		if (!answer.ok && answer.confirm) {
			if (!(await confirm(answer.message || fallback))) {
				info.revert();
				return { ok: true, message: kept };
			}
			answer = await sendMove({ ...request, confirmed: true });
		}
		if (!answer.ok) {
			info.revert();
			return { ok: false, message: answer.message || fallback };
		}
		return {
			ok: true,
			message: answer.message || '',
			undo: {
				...request,
				starts_at: fromWallClock(oldStart),
				ends_at: fromWallClock(oldEnd),
				confirmed: true
			}
		};
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

/** The staff calendars' view buttons in the site's words (FullCalendar's English is lower-case). */
export function calendarButtons() {
	return {
		today: m.staff_today(),
		timeGridDay: m.staff_cal_button_day(),
		timeGridWeek: m.staff_cal_button_week(),
		dayGridMonth: m.staff_cal_button_month(),
		listWeek: m.staff_cal_button_list()
	};
}
