/**
 * FullCalendar for the event list's calendar view. Loaded only by the calendar view's island
 * ($lib/islands/event-calendar.ts): nothing here (nor FullCalendar) is part of the list view's
 * JavaScript. Words and links come from the page, made by the server.
 */
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

/** The calendar's buttons and empty text, in the visitor's language. */
export interface CalendarLabels {
	previous: string;
	next: string;
	thisMonth: string;
	grid: string;
	list: string;
	empty: string;
}

export interface CalendarOptions {
	month: string;
	entries: LinkedEntry[];
	locale: 'zh-CN' | 'en';
	labels: CalendarLabels;
	/** Called when the visitor moves to another month ('YYYY-MM'). */
	onMonth(month: string): void;
}

/** An entry with its event page's path. */
export type LinkedEntry = CalendarEntry & { href: string };

const inputs = (entries: LinkedEntry[]): EventInput[] =>
	entries.map((entry) => ({
		id: entry.id,
		title: entry.title,
		start: entry.start,
		end: entry.end,
		url: entry.href
	}));

const monthOf = (date: Date) => date.toISOString().slice(0, 7);

/**
 * FullCalendar writes its date headings as <a> without href (links only with navLinks, which this
 * calendar has not): they are text, so they say so to crawlers and assistive technology.
 */
const markHeadingsAsText = ({ el }: { el: HTMLElement }) => {
	for (const anchor of el.querySelectorAll('a:not([href])'))
		anchor.setAttribute('role', 'presentation');
};

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
			prev: options.labels.previous,
			next: options.labels.next,
			today: options.labels.thisMonth,
			dayGridMonth: options.labels.grid,
			listMonth: options.labels.list
		},
		noEventsText: options.labels.empty,
		displayEventEnd: false,
		...CALENDAR_TIMES,
		events: inputs(options.entries),
		dayHeaderDidMount: markHeadingsAsText,
		dayCellDidMount: markHeadingsAsText,
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
}
