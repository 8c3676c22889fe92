/**
 * The calendar view's island (see README, "Public pages send no JavaScript"): the page shows the
 * month as plain HTML; with JavaScript this puts FullCalendar in its place. Moving to another month
 * loads that month's page, so the address is the one to share and the plain calendar's links and
 * FullCalendar's buttons agree.
 */
import { mountCalendar, type CalendarOptions } from '$lib/components/event-fullcalendar';

type Data = Pick<CalendarOptions, 'month' | 'entries' | 'locale' | 'labels'>;

for (const node of document.querySelectorAll<HTMLElement>('[data-event-calendar]')) {
	const data = JSON.parse(node.dataset.eventCalendar ?? '{}') as Data;
	mountCalendar(node, {
		...data,
		onMonth(month) {
			const params = new URLSearchParams(location.search);
			params.set('view', 'calendar');
			params.set('month', month);
			location.assign(`${location.pathname}?${params}`);
		}
	});
	// The plain month, now shown by FullCalendar.
	const plain = node.nextElementSibling;
	if (plain instanceof HTMLElement) plain.hidden = true;
}
