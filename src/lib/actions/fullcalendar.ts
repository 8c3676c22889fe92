/**
 * Mounts FullCalendar v6 (core + daygrid + timegrid + interaction, zh-cn or en-gb locale — the
 * site writes English dates the British way, "5 Dec"; the list plugin
 * when a list view is first opened) on an element. The library is imported dynamically, so only the pages that use this action load it
 * (the calendar routes), and the server-rendered list underneath stays for browsers without
 * JavaScript. `update` passes changed options on; `ready` hands the calendar to the page (to
 * refetch after a change).
 */
import type { Calendar, CalendarOptions, PluginDef } from '@fullcalendar/core';

export interface FullCalendarParams {
	options: CalendarOptions;
	/** 'zh-CN' loads FullCalendar's zh-cn locale, anything else en-gb. */
	locale: string;
	ready?: (calendar: Calendar) => void;
}

/** A view the list plugin draws (listDay, listWeek, …). */
const isListView = (name: string) => /^list[A-Z]?/.test(name);

/** List-view names in the header toolbar, e.g. 'listWeek'. */
function listButtons(options: CalendarOptions): string[] {
	const toolbar = options.headerToolbar;
	if (!toolbar) return [];
	return Object.values(toolbar)
		.flatMap((section) => (typeof section === 'string' ? section.split(/[ ,]/) : []))
		.filter(isListView);
}

/**
 * Core, day grid, time grid and interaction come at once; the list plugin only when a list view is
 * opened (or is the first view), so the first draw does without it.
 */
async function loadLibrary(locale: string, withList: boolean) {
	const [core, dayGrid, timeGrid, interaction, localeDef, list] = await Promise.all([
		import('@fullcalendar/core'),
		import('@fullcalendar/daygrid'),
		import('@fullcalendar/timegrid'),
		import('@fullcalendar/interaction'),
		locale === 'zh-CN'
			? import('@fullcalendar/core/locales/zh-cn')
			: import('@fullcalendar/core/locales/en-gb'),
		withList ? import('@fullcalendar/list') : Promise.resolve(null)
	]);
	const plugins = [dayGrid.default, timeGrid.default, interaction.default];
	return {
		Calendar: core.Calendar,
		plugins: list ? [...plugins, list.default] : plugins,
		locale: localeDef.default
	};
}

export function fullcalendar(node: HTMLElement, params: FullCalendarParams) {
	let calendar: Calendar | null = null;
	let destroyed = false;
	let current = params;

	const initialView = params.options.initialView ?? '';
	loadLibrary(params.locale, isListView(initialView)).then((lib) => {
		if (destroyed) return;
		const lazy = isListView(initialView) ? [] : listButtons(current.options);
		// Until the list plugin is here, its toolbar buttons are stand-ins with the same name, text
		// and hint (so the same look); the first click loads it and opens the view.
		const named = (name: string) =>
			(current.options.buttonText as Record<string, string> | undefined)?.[name] ??
			lib.locale.buttonText?.list ??
			'list';
		// FullCalendar's own hint: the button text with zh-cn, "List view" in English.
		const hint = (text: string) => (params.locale === 'zh-CN' ? text : `${text} view`);
		const standIns = Object.fromEntries(
			lazy.map((name) => [
				name,
				{
					text: named(name),
					hint: hint(named(name)),
					click: () => void openList(lib.plugins, name)
				}
			])
		);
		calendar = new lib.Calendar(node, {
			plugins: lib.plugins,
			locale: lib.locale,
			...current.options,
			customButtons: { ...standIns, ...current.options.customButtons }
		});
		calendar.render();
		current.ready?.(calendar);
	});

	let listLoading: Promise<void> | null = null;
	async function openList(plugins: PluginDef[], view: string) {
		listLoading ??= import('@fullcalendar/list').then((list) => {
			calendar?.resetOptions(
				{ plugins: [...plugins, list.default], customButtons: current.options.customButtons ?? {} },
				['plugins', 'customButtons']
			);
		});
		await listLoading;
		calendar?.changeView(view);
	}

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
