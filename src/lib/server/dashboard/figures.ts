/**
 * The dashboard's figures (dashboard_figures, dashboard_event_figures) for a filter: a period of
 * whole days, an optional organisation and a grain (week or month). SQL computes every figure and
 * decides who may see which; this only reads the filter from the URL and types the answer.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { z } from 'zod';
import { shanghaiDay } from '$lib/schemas/admin';
import { errorCode } from '$lib/server/admin/errors';

/** A count that describes who families are: "<5" from 1 to 4. */
export type SmallCount = number | '<5';

export interface Totals {
	events: number;
	events_cancelled: number;
	places: number;
	families: number;
	participations: number;
	people: number;
	attended: number;
	no_show: number;
	no_show_rate: number | null;
	utilisation: number | null;
	new_families: number;
	returning_families: number;
	events_turning_away: number;
	families_turned_away: number;
	grandparents: SmallCount;
	grandparent_families: SmallCount;
	receipts_asked: number;
	receipts_answered: number;
	receipt_rate: number | null;
	feedback_asked: number;
	feedback_given: number;
	feedback_rate: number | null;
	rating: number | null;
	/** District administrators only. */
	referred_participations?: SmallCount;
}

export interface OrgFigures {
	org_id: string;
	name_zh: string;
	name_en: string;
	kind: string;
	town: string | null;
	events: number;
	places: number;
	families: number;
	people: number;
	attended: number;
	no_show: number;
	waitlisted: number;
	utilisation: number | null;
}

export interface EventLine {
	id: string;
	title_zh: string;
	title_en: string;
	starts_at: string;
	category: string;
	status: string;
	capacity: number;
	families: number;
	people: number;
	attended: number;
	no_show: number;
	waitlisted: number;
}

export interface Figures {
	from: string;
	to: string;
	org: string | null;
	grain: Grain;
	totals: Totals;
	over_time: { bucket: string; events: number; families: number; people: number; attended: number }[];
	by_org: OrgFigures[];
	by_category: { category: string; events: number; families: number; people: number }[];
	by_town: { town: string; orgs: number; events: number; families: number; people: number }[];
	by_age_band: { band: string; children: SmallCount }[];
	events: EventLine[];
}

export interface EventFigures {
	id: string;
	org_id: string;
	title_zh: string;
	title_en: string;
	organisation_zh: string;
	organisation_en: string;
	category: string;
	status: string;
	starts_at: string;
	ends_at: string;
	capacity: number;
	registrations: number;
	cancelled: number;
	families: number;
	people: number;
	attended: number;
	no_show: number;
	waitlisted: number;
	returning_families: number;
	channels: Record<string, number>;
	grandparents: SmallCount;
	by_age_band: { band: string; children: SmallCount }[];
	receipts_asked: number;
	receipts_answered: number;
	feedback_asked: number;
	feedback_given: number;
	rating: number | null;
}

export const GRAINS = ['month', 'week'] as const;
export type Grain = (typeof GRAINS)[number];

export interface Filter {
	from: string;
	to: string;
	/** An organisation's id, or '' for the whole district. */
	org: string;
	grain: Grain;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const realDay = (v: string) =>
	DAY.test(v) && new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const filterSchema = z
	.object({
		from: z.string().refine(realDay, 'invalid_date'),
		to: z.string().refine(realDay, 'invalid_date'),
		org: z.union([z.literal(''), z.string().regex(UUID, 'invalid_org')]),
		grain: z.enum(GRAINS, 'invalid_grain')
	})
	.refine((f) => f.to >= f.from, { message: 'invalid_period', path: ['to'] });

/** The last three whole months and this one so far. */
export function defaultFilter(now = Date.now()): Filter {
	const today = shanghaiDay(0, now);
	const [y, m] = today.split('-').map(Number);
	const start = new Date(Date.UTC(y, m - 4, 1)).toISOString().slice(0, 10);
	return { from: start, to: today, org: '', grain: 'month' };
}

/**
 * The filter in the URL (?from=&to=&org=&grain=); missing parts take the default's. An empty `to`
 * means today. A filter that does not parse gives the default and its problem's code.
 */
export function filterFrom(url: URL, fixedOrg?: string): { filter: Filter; problem: string | null } {
	const fallback = defaultFilter();
	const q = url.searchParams;
	const parsed = filterSchema.safeParse({
		from: q.get('from') || fallback.from,
		to: q.get('to') || (q.get('from') ? shanghaiDay() : fallback.to),
		org: fixedOrg ?? (q.get('org') || ''),
		grain: q.get('grain') || fallback.grain
	});
	if (parsed.success) return { filter: parsed.data, problem: null };
	return {
		filter: { ...fallback, org: fixedOrg ?? '' },
		problem: parsed.error.issues[0]?.message ?? 'invalid_period'
	};
}

/** The filter as a query string (for links: CSVs, the report, drill-downs). */
export function filterQuery(filter: Filter, extra: Record<string, string> = {}): string {
	const params = new URLSearchParams({ from: filter.from, to: filter.to, grain: filter.grain });
	if (filter.org) params.set('org', filter.org);
	for (const [k, v] of Object.entries(extra)) params.set(k, v);
	return `?${params}`;
}

/** Named periods to pick with one link: last month, this and last quarter, this year. */
export function quickPeriods(now = Date.now()): { id: string; from: string; to: string }[] {
	const today = shanghaiDay(0, now);
	const [y, m] = today.split('-').map(Number);
	const day = (yy: number, mm: number, dd: number) =>
		new Date(Date.UTC(yy, mm - 1, dd)).toISOString().slice(0, 10);
	const q = Math.floor((m - 1) / 3);
	return [
		{ id: 'this_month', from: day(y, m, 1), to: today },
		{ id: 'last_month', from: day(y, m - 1, 1), to: day(y, m, 0) },
		{ id: 'this_quarter', from: day(y, q * 3 + 1, 1), to: today },
		{ id: 'last_quarter', from: day(y, q * 3 - 2, 1), to: day(y, q * 3 + 1, 0) },
		{ id: 'this_year', from: day(y, 1, 1), to: today }
	];
}

export async function loadFigures(
	supabase: SupabaseClient,
	filter: Filter
): Promise<{ data: Figures } | { code: string }> {
	const { data, error } = await supabase.rpc('dashboard_figures', {
		p_from: filter.from,
		p_to: filter.to,
		p_org: filter.org || undefined,
		p_grain: filter.grain
	});
	if (error) return { code: errorCode(error) };
	return { data: data as unknown as Figures };
}

export async function loadEventFigures(
	supabase: SupabaseClient,
	eventId: string
): Promise<{ data: EventFigures } | { code: string }> {
	if (!UUID.test(eventId)) return { code: 'event_not_found' };
	const { data, error } = await supabase.rpc('dashboard_event_figures', { p_event: eventId });
	if (error) return { code: errorCode(error) };
	return { data: data as unknown as EventFigures };
}

/** A 0..1 rate as "45.7%", or "—" when there was nothing to divide. */
export function percent(rate: number | null | undefined): string {
	return rate == null ? '—' : `${Math.round(Number(rate) * 1000) / 10}%`;
}
