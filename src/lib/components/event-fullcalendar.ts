/**
 * FullCalendar for the event list's calendar view. Loaded only by the action in
 * event-calendar.svelte, with a dynamic import: nothing here (nor FullCalendar) is part of the
 * list view's JavaScript.
 */
import { resolve } from '$app/paths';
import { m } from '$lib/paraglide/messages';
import { CALENDAR_TIMES } from './calendar-time';
import { Calendar, type EventInput } from '@fullcalendar/core';
import zhCn from '@fullcalendar/core/locales/zh-cn';
import dayGridPlugin from '@fullcalendar/daygrid';
import listPlugin from '@fullcalendar/list';

export interface CalendarEntry {
	id: string;
	slug: string;
	title: string;
	/** Beijing wall-clock time written as UTC: the calendar runs in UTC. */
	start: string;
	end: string;
}

export interface CalendarOptions {
	month: string;
	entries: CalendarEntry[];
	locale: 'zh-CN' | 'en';
	/** Called when the visitor moves to another month ('YYYY-MM'). */
	onMonth(month: string): void;
}

const inputs = (entries: CalendarEntry[]): EventInput[] =>
	entries.map((entry) => ({
		id: entry.id,
		title: entry.title,
		start: entry.start,
		end: entry.end,
		url: resolve('/(public)/events/[slug]', { slug: entry.slug })
	}));

const monthOf = (date: Date) => date.toISOString().slice(0, 7);

export function mountCalendar(node: HTMLElement, options: CalendarOptions) {
	let month = options.month;
	const calendar = new Calendar(node, {
		plugins: [dayGridPlugin, listPlugin],
		locale: options.locale === 'en' ? 'en-gb' : zhCn,
		timeZone: 'UTC',
		firstDay: 1,
		height: 'auto',
		// Only this month's days: the faded days of the next month are unreadable (contrast).
		showNonCurrentDates: false,
		fixedWeekCount: false,
		initialDate: `${month}-01`,
		initialView: node.clientWidth < 600 ? 'listMonth' : 'dayGridMonth',
		headerToolbar: { start: 'title', center: '', end: 'prev,today,next' },
		footerToolbar: { start: '', center: 'dayGridMonth,listMonth', end: '' },
		// Text, not FullCalendar's icon font (a data: URL font, which the CSP refuses).
		buttonIcons: false,
		buttonText: {
			prev: m.events_calendar_previous(),
			next: m.events_calendar_next(),
			today: m.events_calendar_this_month(),
			dayGridMonth: m.events_calendar_grid(),
			listMonth: m.events_calendar_list()
		},
		noEventsText: m.events_calendar_empty(),
		displayEventEnd: false,
		...CALENDAR_TIMES,
		events: inputs(options.entries),
		datesSet: (info) => {
			// currentStart is the first of the month in view (the grid itself starts earlier).
			const shown = monthOf(info.view.currentStart);
			if (shown !== month) {
				month = shown;
				options.onMonth(shown);
			}
		}
	});
	calendar.render();
	return {
		update(next: { month: string; entries: CalendarEntry[] }) {
			month = next.month;
			calendar.removeAllEvents();
			calendar.addEventSource(inputs(next.entries));
			if (monthOf(calendar.getDate()) !== next.month) calendar.gotoDate(`${next.month}-01`);
		},
		destroy() {
			calendar.destroy();
		}
	};
}
