/**
 * The dashboard's panels, built once from the figures for the page, the CSVs and the monthly
 * report: each panel has its title, its chart and the same numbers as a table (columns, rows and,
 * for the drill-down, a link per row).
 */
import { categoryLabel, channelLabel, pick, type Locale } from '$lib/components/promote-labels';
import { m } from '$lib/paraglide/messages';
import { renderChart, type ChartSpec } from './charts';
import { percent, type EventFigures, type Figures, type SmallCount } from './figures';

export const PANEL_IDS = [
	'summary',
	'over_time',
	'by_org',
	'by_category',
	'by_town',
	'by_age_band',
	'families',
	'events',
	'referrals',
	'channels'
] as const;
export type PanelId = (typeof PANEL_IDS)[number];

export type Cell = string | number;

export interface Panel {
	id: PanelId;
	title: string;
	hint?: string;
	columns: string[];
	rows: Cell[][];
	/** Per row: where its first cell leads (drill-down), or null. */
	links?: (string | null)[];
	chart?: ChartSpec;
}

export interface Links {
	/** The dashboard narrowed to one organisation. */
	org?: (orgId: string) => string;
	/** One event's figures. */
	event: (eventId: string) => string;
}

const small = (n: SmallCount): number => (typeof n === 'number' ? n : 0);

/** "2026-10" → "2026年10月" / "Oct 2026"; a week → "10月5日起一周". */
function bucketLabel(bucket: string, grain: string, locale: Locale): string {
	const [y, mo, d] = bucket.split('-').map(Number);
	if (grain === 'month') {
		return locale === 'en'
			? new Date(Date.UTC(y, mo - 1, 1)).toLocaleDateString('en-GB', {
					month: 'short',
					year: 'numeric',
					timeZone: 'UTC'
				})
			: `${y}年${mo}月`;
	}
	const day = locale === 'en' ? `${d}/${mo}` : `${mo}月${d}日`;
	return m.dashboard_week_of({ day }, { locale });
}

/** A day and time in Asia/Shanghai: "2026-10-15 10:00". */
export function shanghaiTime(iso: string): string {
	return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** The key figures: label, value as shown, and an id for tests. */
export function keyFigures(
	f: Figures,
	locale: Locale
): { id: string; label: string; value: Cell }[] {
	const t = f.totals;
	const o = { locale };
	const list: { id: string; label: string; value: Cell }[] = [
		{ id: 'events', label: m.dashboard_events({}, o), value: t.events },
		{ id: 'families', label: m.dashboard_families({}, o), value: t.families },
		{ id: 'people', label: m.dashboard_people({}, o), value: t.people },
		{ id: 'new-families', label: m.dashboard_new_families({}, o), value: t.new_families },
		{
			id: 'returning-families',
			label: m.dashboard_returning_families({}, o),
			value: t.returning_families
		},
		{ id: 'grandparents', label: m.dashboard_grandparents({}, o), value: t.grandparents },
		{ id: 'utilisation', label: m.dashboard_utilisation({}, o), value: percent(t.utilisation) },
		{ id: 'no-show-rate', label: m.dashboard_no_show_rate({}, o), value: percent(t.no_show_rate) },
		{ id: 'turned-away', label: m.dashboard_turned_away({}, o), value: t.events_turning_away },
		{ id: 'receipt-rate', label: m.dashboard_receipt_rate({}, o), value: percent(t.receipt_rate) },
		{
			id: 'feedback-rate',
			label: m.dashboard_feedback_rate({}, o),
			value: percent(t.feedback_rate)
		}
	];
	if (t.referred_participations !== undefined) {
		list.push({
			id: 'referred',
			label: m.dashboard_referred({}, o),
			value: t.referred_participations
		});
	}
	return list;
}

/** Every panel the figures allow (the events panel only for one organisation). */
export function buildPanels(f: Figures, locale: Locale, links: Links): Panel[] {
	const o = { locale };
	const t = f.totals;
	const panels: Panel[] = [];

	panels.push({
		id: 'summary',
		title: m.dashboard_panel_summary({}, o),
		columns: [m.dashboard_col_figure({}, o), m.dashboard_col_value({}, o)],
		rows: [
			...keyFigures(f, locale).map((k) => [k.label, k.value]),
			[m.dashboard_places({}, o), t.places],
			[m.dashboard_attended({}, o), t.attended],
			[m.dashboard_no_show({}, o), t.no_show],
			[m.dashboard_cancelled({}, o), t.events_cancelled],
			[m.dashboard_families_turned_away({}, o), t.families_turned_away],
			[m.dashboard_grandparent_families({}, o), t.grandparent_families],
			[m.dashboard_rating({}, o), t.rating ?? '—']
		]
	});

	const periods = f.over_time.map((b) => bucketLabel(b.bucket, f.grain, locale));
	panels.push({
		id: 'over_time',
		title: m.dashboard_panel_over_time({}, o),
		columns: [
			m.dashboard_col_period({}, o),
			m.dashboard_events({}, o),
			m.dashboard_families({}, o),
			m.dashboard_people({}, o),
			m.dashboard_attended({}, o)
		],
		rows: f.over_time.map((b, i) => [periods[i], b.events, b.families, b.people, b.attended]),
		chart: {
			kind: f.over_time.length > 1 ? 'line' : 'bar',
			categories: periods,
			series: [
				{ name: m.dashboard_people({}, o), values: f.over_time.map((b) => b.people) },
				{ name: m.dashboard_families({}, o), values: f.over_time.map((b) => b.families) }
			]
		}
	});

	const orgName = (x: { name_zh: string; name_en: string }) =>
		pick({ zh: x.name_zh, en: x.name_en }, locale);
	const orgLinks = f.by_org.map((x) => (links.org ? links.org(x.org_id) : null));
	const charted = f.by_org.slice(0, 15);
	panels.push({
		id: 'by_org',
		title: m.dashboard_panel_by_org({}, o),
		hint: links.org ? m.dashboard_panel_by_org_hint({}, o) : undefined,
		columns: [
			m.dashboard_col_org({}, o),
			m.dashboard_col_town({}, o),
			m.dashboard_events({}, o),
			m.dashboard_places({}, o),
			m.dashboard_families({}, o),
			m.dashboard_people({}, o),
			m.dashboard_attended({}, o),
			m.dashboard_no_show({}, o),
			m.dashboard_waitlisted({}, o),
			m.dashboard_utilisation({}, o)
		],
		rows: f.by_org.map((x) => [
			orgName(x),
			x.town ?? m.dashboard_town_none({}, o),
			x.events,
			x.places,
			x.families,
			x.people,
			x.attended,
			x.no_show,
			x.waitlisted,
			percent(x.utilisation)
		]),
		links: orgLinks,
		chart: {
			kind: 'bar',
			horizontal: true,
			categories: charted.map(orgName),
			series: [{ name: m.dashboard_people({}, o), values: charted.map((x) => x.people) }],
			links: orgLinks.slice(0, 15)
		}
	});

	const categories = f.by_category.map((c) => categoryLabel(c.category, locale));
	panels.push({
		id: 'by_category',
		title: m.dashboard_panel_by_category({}, o),
		columns: [
			m.dashboard_col_category({}, o),
			m.dashboard_events({}, o),
			m.dashboard_families({}, o),
			m.dashboard_people({}, o)
		],
		rows: f.by_category.map((c, i) => [categories[i], c.events, c.families, c.people]),
		chart: {
			kind: 'bar',
			horizontal: true,
			categories,
			series: [{ name: m.dashboard_people({}, o), values: f.by_category.map((c) => c.people) }]
		}
	});

	const towns = f.by_town.map((x) => x.town || m.dashboard_town_none({}, o));
	panels.push({
		id: 'by_town',
		title: m.dashboard_panel_by_town({}, o),
		columns: [
			m.dashboard_col_town({}, o),
			m.dashboard_col_orgs({}, o),
			m.dashboard_events({}, o),
			m.dashboard_families({}, o),
			m.dashboard_people({}, o)
		],
		rows: f.by_town.map((x, i) => [towns[i], x.orgs, x.events, x.families, x.people]),
		chart: {
			kind: 'bar',
			horizontal: true,
			categories: towns,
			series: [{ name: m.dashboard_people({}, o), values: f.by_town.map((x) => x.people) }]
		}
	});

	const bands = f.by_age_band.map((b) => m.dashboard_band({ band: b.band }, o));
	panels.push({
		id: 'by_age_band',
		title: m.dashboard_panel_by_age_band({}, o),
		columns: [m.dashboard_col_band({}, o), m.dashboard_col_children({}, o)],
		rows: f.by_age_band.map((b, i) => [bands[i], b.children]),
		chart: {
			kind: 'bar',
			categories: bands,
			series: [
				{
					name: m.dashboard_col_children({}, o),
					values: f.by_age_band.map((b) => small(b.children))
				}
			],
			labels: f.by_age_band.map((b) => (typeof b.children === 'string' ? b.children : null))
		}
	});

	const familyRows: [string, SmallCount][] = [
		[m.dashboard_new_families({}, o), t.new_families],
		[m.dashboard_returning_families({}, o), t.returning_families],
		[m.dashboard_grandparent_families({}, o), t.grandparent_families]
	];
	panels.push({
		id: 'families',
		title: m.dashboard_panel_families({}, o),
		columns: [m.dashboard_col_figure({}, o), m.dashboard_col_value({}, o)],
		rows: familyRows,
		chart: {
			kind: 'bar',
			categories: familyRows.map((r) => r[0]),
			series: [{ name: m.dashboard_families({}, o), values: familyRows.map((r) => small(r[1])) }],
			labels: familyRows.map((r) => (typeof r[1] === 'string' ? r[1] : null))
		}
	});

	if (f.org) {
		panels.push({
			id: 'events',
			title: m.dashboard_panel_events({}, o),
			hint: m.dashboard_panel_events_hint({}, o),
			columns: [
				m.dashboard_col_event({}, o),
				m.dashboard_col_date({}, o),
				m.dashboard_col_category({}, o),
				m.dashboard_col_status({}, o),
				m.dashboard_places({}, o),
				m.dashboard_families({}, o),
				m.dashboard_people({}, o),
				m.dashboard_attended({}, o),
				m.dashboard_no_show({}, o),
				m.dashboard_waitlisted({}, o)
			],
			rows: f.events.map((e) => [
				pick({ zh: e.title_zh, en: e.title_en }, locale),
				shanghaiTime(e.starts_at),
				categoryLabel(e.category, locale),
				e.status === 'cancelled'
					? m.dashboard_status_cancelled({}, o)
					: m.dashboard_status_published({}, o),
				e.capacity,
				e.families,
				e.people,
				e.attended,
				e.no_show,
				e.waitlisted
			]),
			links: f.events.map((e) => links.event(e.id))
		});
	}
	return panels;
}

/** The panels' charts as SVG, by panel id. */
export function renderPanelCharts(panels: Panel[]): Record<string, string> {
	const charts: Record<string, string> = {};
	for (const panel of panels) {
		if (!panel.chart || panel.rows.length === 0) continue;
		const bars = panel.chart.horizontal ? panel.chart.categories.length : 0;
		// Drawn 480 wide: a phone shows it at about 300 px, and its labels stay legible.
		charts[panel.id] = renderChart(panel.chart, {
			width: 480,
			height: Math.max(260, 48 + bars * 32)
		});
	}
	return charts;
}

/** One event's figures as key figures and two panels (age bands, channels). */
export function eventView(
	e: EventFigures,
	locale: Locale
): {
	figures: { id: string; label: string; value: Cell }[];
	panels: Panel[];
	charts: Record<string, string>;
} {
	const o = { locale };
	const answered = (answered: number, asked: number) =>
		asked > 0 ? m.dashboard_event_answered({ answered, asked }, o) : '—';
	const figures = [
		{ id: 'capacity', label: m.dashboard_event_capacity({}, o), value: e.capacity },
		{ id: 'registrations', label: m.dashboard_event_registrations({}, o), value: e.registrations },
		{ id: 'families', label: m.dashboard_families({}, o), value: e.families },
		{ id: 'people', label: m.dashboard_people({}, o), value: e.people },
		{ id: 'attended', label: m.dashboard_attended({}, o), value: e.attended },
		{ id: 'no-show', label: m.dashboard_no_show({}, o), value: e.no_show },
		{ id: 'waitlisted', label: m.dashboard_waitlisted({}, o), value: e.waitlisted },
		{
			id: 'returning-families',
			label: m.dashboard_returning_families({}, o),
			value: e.returning_families
		},
		{ id: 'grandparents', label: m.dashboard_grandparents({}, o), value: e.grandparents },
		{
			id: 'receipts',
			label: m.dashboard_event_receipts({}, o),
			value: answered(e.receipts_answered, e.receipts_asked)
		},
		{
			id: 'feedback',
			label: m.dashboard_event_feedback({}, o),
			value: answered(e.feedback_given, e.feedback_asked)
		},
		{ id: 'rating', label: m.dashboard_rating({}, o), value: e.rating ?? '—' },
		{ id: 'cancelled', label: m.dashboard_event_cancelled_regs({}, o), value: e.cancelled }
	];
	const bands = e.by_age_band.map((b) => m.dashboard_band({ band: b.band }, o));
	const channels = Object.entries(e.channels).sort((a, b) => b[1] - a[1]);
	const channelNames = channels.map(([source]) => channelLabel(source || null, locale));
	const panels: Panel[] = [
		{
			id: 'by_age_band',
			title: m.dashboard_panel_by_age_band({}, o),
			columns: [m.dashboard_col_band({}, o), m.dashboard_col_children({}, o)],
			rows: e.by_age_band.map((b, i) => [bands[i], b.children]),
			chart: {
				kind: 'bar',
				categories: bands,
				series: [
					{
						name: m.dashboard_col_children({}, o),
						values: e.by_age_band.map((b) => small(b.children))
					}
				],
				labels: e.by_age_band.map((b) => (typeof b.children === 'string' ? b.children : null))
			}
		},
		{
			id: 'channels',
			title: m.dashboard_event_channels({}, o),
			columns: [m.dashboard_event_channels({}, o), m.dashboard_event_registrations({}, o)],
			rows: channels.map(([, n], i) => [channelNames[i], n])
		}
	];
	return { figures, panels, charts: renderPanelCharts(panels) };
}
