/**
 * What a dashboard page, its CSVs and its report share: the figures for a filter turned into key
 * figures, panels and charts; a panel as a CSV download; failures as sentences.
 */
import { error } from '@sveltejs/kit';
import type { SupabaseClient } from '@supabase/supabase-js';
import { pick, type Locale } from '$lib/components/promote-labels';
import { m } from '$lib/paraglide/messages';
import { filterQuery, quickPeriods } from '$lib/schemas/dashboard';
import { attachmentHeader, toCsv } from '$lib/server/staff/csv';
import {
	loadEventFigures,
	loadFigures,
	type EventFigures,
	type Figures,
	type Filter
} from './figures';
import {
	buildPanels,
	eventView,
	keyFigures,
	PANEL_IDS,
	renderPanelCharts,
	shanghaiTime,
	type Links,
	type Panel
} from './panels';

export interface DashboardView {
	figures: Figures;
	keyFigures: ReturnType<typeof keyFigures>;
	panels: Panel[];
	charts: Record<string, string>;
}

export async function loadDashboard(
	supabase: SupabaseClient,
	filter: Filter,
	locale: Locale,
	links: Links
): Promise<{ data: DashboardView } | { code: string }> {
	const result = await loadFigures(supabase, filter);
	if ('code' in result) return result;
	const panels = buildPanels(result.data, locale, links);
	return {
		data: {
			figures: result.data,
			keyFigures: keyFigures(result.data, locale),
			panels,
			charts: renderPanelCharts(panels)
		}
	};
}

export function dashboardFailure(code: string): string {
	switch (code) {
		case 'not_authorised':
		case 'forbidden':
			return m.dashboard_error_not_authorised();
		case 'invalid_period':
			return m.dashboard_error_invalid_period();
		case 'invalid_date':
			return m.dashboard_error_invalid_date();
		case 'invalid_org':
			return m.dashboard_error_invalid_org();
		case 'invalid_grain':
			return m.dashboard_error_invalid_grain();
		case 'invalid_month':
			return m.dashboard_error_invalid_month();
		case 'event_not_found':
			return m.dashboard_error_event_not_found();
		default:
			return m.dashboard_error_unknown();
	}
}

/** The HTTP status a failure code deserves. */
export function failureStatus(code: string): number {
	if (code === 'not_authorised' || code === 'forbidden') return 403;
	if (code === 'event_not_found') return 404;
	if (code.startsWith('invalid_')) return 400;
	return 500;
}

export function isPanelId(value: string | null): value is (typeof PANEL_IDS)[number] {
	return (PANEL_IDS as readonly (string | null)[]).includes(value);
}

/** One panel's table as a spreadsheet (UTF-8 with BOM, quoted, formula-safe). */
export function panelCsvResponse(panel: Panel, filter: Filter): Response {
	const span = `${filter.from}_${filter.to}`;
	return new Response(toCsv(panel.columns, panel.rows), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': attachmentHeader(
				`figures-${panel.id}-${span}.csv`,
				`${panel.title}-${span}.csv`
			),
			'cache-control': 'private, no-store'
		}
	});
}

/** An event's figures page (the drill-down's end), or the failure as an HTTP error. */
export async function loadEventPage(
	supabase: SupabaseClient,
	eventId: string,
	locale: Locale,
	back: (event: EventFigures, organisation: string) => { href: string; label: string }
) {
	const result = await loadEventFigures(supabase, eventId);
	if ('code' in result)
		error(failureStatus(result.code), { message: dashboardFailure(result.code) });
	const e = result.data;
	const organisation = pick({ zh: e.organisation_zh, en: e.organisation_en }, locale);
	return {
		title: pick({ zh: e.title_zh, en: e.title_en }, locale),
		subtitle: `${organisation} · ${shanghaiTime(e.starts_at)}`,
		back: back(e, organisation),
		...eventView(e, locale)
	};
}

const quickLabels: Record<string, () => string> = {
	this_month: m.dashboard_quick_this_month,
	last_month: m.dashboard_quick_last_month,
	this_quarter: m.dashboard_quick_this_quarter,
	last_quarter: m.dashboard_quick_last_quarter,
	this_year: m.dashboard_quick_this_year
};

/** The named periods as links to the page at `base`, keeping the rest of the filter. */
export function quickLinks(base: string, filter: Filter) {
	return quickPeriods().map((q) => ({
		id: q.id,
		label: quickLabels[q.id](),
		href: `${base}${filterQuery({ ...filter, from: q.from, to: q.to })}`
	}));
}
