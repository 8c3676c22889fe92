/**
 * Mounts FullCalendar v6 (core + daygrid + timegrid + list + interaction, zh-cn locale) on an
 * element. The library is imported dynamically, so only the pages that use this action load it
 * (the calendar routes), and the server-rendered list underneath stays for browsers without
 * JavaScript. `update` passes changed options on; `ready` hands the calendar to the page (to
 * refetch after a change).
 */
import type { Calendar, CalendarOptions } from '@fullcalendar/core';

export interface FullCalendarParams {
	options: CalendarOptions;
	/** 'zh-CN' loads FullCalendar's zh-cn locale; English is built in. */
	locale: string;
	ready?: (calendar: Calendar) => void;
}

async function loadLibrary(locale: string) {
	const [core, dayGrid, timeGrid, list, interaction, zh] = await Promise.all([
		import('@fullcalendar/core'),
		import('@fullcalendar/daygrid'),
		import('@fullcalendar/timegrid'),
		import('@fullcalendar/list'),
		import('@fullcalendar/interaction'),
		locale === 'zh-CN' ? import('@fullcalendar/core/locales/zh-cn') : Promise.resolve(null)
	]);
	return {
		Calendar: core.Calendar,
		plugins: [dayGrid.default, timeGrid.default, list.default, interaction.default],
		locale: zh?.default
	};
}

export function fullcalendar(node: HTMLElement, params: FullCalendarParams) {
	let calendar: Calendar | null = null;
	let destroyed = false;
	let current = params;

	loadLibrary(params.locale).then((lib) => {
		if (destroyed) return;
		calendar = new lib.Calendar(node, {
			plugins: lib.plugins,
			...(lib.locale ? { locale: lib.locale } : {}),
			...current.options
		});
		calendar.render();
		current.ready?.(calendar);
	});

	return {
		update(next: FullCalendarParams) {
			const previous = current.options;
			current = next;
			if (!calendar) return;
			const changed: Partial<CalendarOptions> = {};
			for (const key of Object.keys(next.options) as (keyof CalendarOptions)[]) {
				if (next.options[key] !== previous[key]) {
					(changed as Record<string, unknown>)[key] = next.options[key];
				}
			}
			for (const [key, value] of Object.entries(changed)) {
				// A new initialDate (the page moved to another day) moves the calendar there.
				if (key === 'initialDate') calendar.gotoDate(value as string);
				else calendar.setOption(key as keyof CalendarOptions, value as never);
			}
		},
		destroy() {
			destroyed = true;
			calendar?.destroy();
			calendar = null;
		}
	};
}
