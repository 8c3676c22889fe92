/**
 * The dashboard's filter (a period of whole days in Asia/Shanghai, an organisation or the whole
 * district, weeks or months): parsed from a page's address, written back into links, and the
 * named periods offered as one-click links. Issue messages are stable codes that
 * src/lib/server/dashboard/page.ts translates.
 */
import { z } from 'zod';
import { shanghaiDay } from './admin';

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
export function filterFrom(
	url: URL,
	fixedOrg?: string
): { filter: Filter; problem: string | null } {
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
