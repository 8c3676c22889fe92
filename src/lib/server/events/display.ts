/**
 * The words and figures an event card shows, made on the server in the visitor's language, so
 * the browser receives text rather than the code and every message needed to make it (the list
 * and event pages stay within their JavaScript budget).
 */
import type { CalendarEntry } from '$lib/components/event-fullcalendar';
import {
	ageRangeText,
	categoryLabel,
	fillPercent,
	pick,
	seatsText,
	type Locale
} from '$lib/components/event-labels';
import { formatRange } from '$lib/i18n/format';
import { getLocale } from '$lib/paraglide/runtime';
import type { EventCard } from './index';

export interface FillView {
	percent: number;
	full: boolean;
	text: string;
}

export function fillView(event: EventCard): FillView {
	return {
		percent: fillPercent(event),
		full: event.seatsTaken >= event.capacity,
		text: seatsText(event)
	};
}

export interface CardView {
	id: string;
	slug: string;
	category: string;
	title: string;
	startsAt: string;
	when: string;
	place: string | null;
	organiser: string;
	ages: string;
	fill: FillView;
	/** A place is kept for the signed-in family ("为您保留的名额"). */
	held?: boolean;
	/** Its cover (or the category's default), when the list shows pictures. */
	cover?: { src: string; srcset: string | null; width: number; height: number };
}

export function cardView(event: EventCard, locale: Locale = getLocale() as Locale): CardView {
	const place = event.venue ?? event.address;
	return {
		id: event.id,
		slug: event.slug,
		category: categoryLabel(event.category),
		title: pick(event.title, locale),
		startsAt: new Date(event.startsAt).toISOString(),
		when: formatRange(event.startsAt, event.endsAt, locale),
		place: place ? pick(place, locale) : null,
		organiser: pick(event.organiser.name, locale),
		ages: ageRangeText(event.minAge, event.maxAge),
		fill: fillView(event)
	};
}

export interface MonthView {
	/** 'YYYY-MM' */
	month: string;
	title: string;
	weekdays: string[];
	/** Weeks of seven cells, Monday first: the day of the month and whether anything happens. */
	weeks: ({ day: number; busy: boolean } | null)[][];
	days: {
		key: string;
		heading: string;
		events: { slug: string; title: string; time: string; iso: string }[];
	}[];
	/** For FullCalendar: Beijing wall-clock times (it runs in UTC, so it shows Beijing time). */
	entries: CalendarEntry[];
}

const WALL_CLOCK_MS = 8 * 3600 * 1000;
const wallClock = (iso: string) => new Date(new Date(iso).getTime() + WALL_CLOCK_MS).toISOString();

/** A month of the calendar view, all words made here. */
export function monthView(
	month: string,
	events: {
		id: string;
		slug: string;
		title: { zh: string; en: string };
		startsAt: string;
		endsAt: string;
	}[],
	locale: Locale = getLocale() as Locale
): MonthView {
	const intl = locale === 'en' ? 'en-GB' : 'zh-CN';
	const [y, mo] = month.split('-').map(Number);
	const byDay = new Map<string, MonthView['days'][number]['events']>();
	for (const event of events) {
		const local = wallClock(event.startsAt);
		const key = local.slice(0, 10);
		byDay.set(key, [
			...(byDay.get(key) ?? []),
			{
				slug: event.slug,
				title: pick(event.title, locale),
				time: local.slice(11, 16),
				iso: new Date(event.startsAt).toISOString()
			}
		]);
	}
	const count = new Date(Date.UTC(y, mo, 0)).getUTCDate();
	const lead = (new Date(Date.UTC(y, mo - 1, 1)).getUTCDay() + 6) % 7;
	const cells: ({ day: number; busy: boolean } | null)[] = Array.from({ length: lead }, () => null);
	for (let d = 1; d <= count; d++) {
		cells.push({ day: d, busy: byDay.has(`${month}-${String(d).padStart(2, '0')}`) });
	}
	while (cells.length % 7) cells.push(null);
	const dayFormat = new Intl.DateTimeFormat(intl, {
		month: 'long',
		day: 'numeric',
		weekday: 'short',
		timeZone: 'UTC'
	});
	const weekday = new Intl.DateTimeFormat(intl, { weekday: 'narrow', timeZone: 'UTC' });
	return {
		month,
		title: new Intl.DateTimeFormat(intl, {
			year: 'numeric',
			month: 'long',
			timeZone: 'UTC'
		}).format(new Date(Date.UTC(y, mo - 1, 1))),
		weekdays: Array.from({ length: 7 }, (_, i) =>
			weekday.format(new Date(Date.UTC(2024, 0, 1 + i)))
		),
		weeks: Array.from({ length: cells.length / 7 }, (_, w) => cells.slice(w * 7, w * 7 + 7)),
		days: [...byDay.entries()]
			.sort(([a], [b]) => a.localeCompare(b))
			.map(([key, dayEvents]) => ({
				key,
				heading: dayFormat.format(new Date(`${key}T00:00:00Z`)),
				events: dayEvents
			})),
		entries: events.map((event) => ({
			id: event.id,
			slug: event.slug,
			title: pick(event.title, locale),
			start: wallClock(event.startsAt),
			end: wallClock(event.endsAt)
		}))
	};
}
