/**
 * The event list's address bar: ?q=&category=&org=&age=&from=&to=&page=&view=&month=. Anything
 * that does not parse is ignored (a filter left out), so a mangled link still shows events.
 */
import { EVENT_CATEGORIES, type EventCategory, type EventFilters } from './index';
import { shanghaiDate } from '$lib/schemas/registration';

export const PAGE_SIZE = 12;

export interface ListQuery {
	q: string;
	category: EventCategory | null;
	org: string | null;
	age: number | null;
	from: string | null;
	to: string | null;
	page: number;
	view: 'list' | 'calendar';
	/** 'YYYY-MM', the calendar's month. */
	month: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;

function validDay(value: string | null): string | null {
	const match = value ? DAY.exec(value) : null;
	if (!match) return null;
	const [, y, m, d] = match.map(Number);
	const date = new Date(Date.UTC(y, m - 1, d));
	return date.getUTCMonth() === m - 1 && date.getUTCDate() === d && y >= 2000 && y <= 2100
		? value
		: null;
}

export function currentMonth(now = new Date()): string {
	const today = shanghaiDate(now);
	return `${today.year}-${String(today.month).padStart(2, '0')}`;
}

export function parseListQuery(params: URLSearchParams, now = new Date()): ListQuery {
	// Words only: LIKE's own wildcards and stray punctuation mean nothing to a parent.
	const q = (params.get('q') ?? '')
		.replace(/[%_*\\]/g, ' ')
		.replace(/\s+/g, ' ')
		.trim()
		.slice(0, 60);
	const category = params.get('category');
	const org = params.get('org');
	const ageText = params.get('age');
	const age =
		ageText && /^\d{1,2}$/.test(ageText) && Number(ageText) <= 18 ? Number(ageText) : null;
	const pageText = params.get('page');
	const page =
		pageText && /^\d{1,4}$/.test(pageText) && Number(pageText) >= 1 ? Number(pageText) : 1;
	const monthText = params.get('month');
	const monthMatch = monthText ? MONTH.exec(monthText) : null;
	const month =
		monthMatch && Number(monthMatch[2]) >= 1 && Number(monthMatch[2]) <= 12
			? monthText!
			: currentMonth(now);
	let from = validDay(params.get('from'));
	let to = validDay(params.get('to'));
	if (from && to && to < from) [from, to] = [to, from];
	return {
		q,
		category: EVENT_CATEGORIES.includes(category as EventCategory)
			? (category as EventCategory)
			: null,
		org: org && UUID.test(org) ? org.toLowerCase() : null,
		age,
		from,
		to,
		page,
		view: params.get('view') === 'calendar' ? 'calendar' : 'list',
		month
	};
}

/** Midnight at the start of a Shanghai day ('YYYY-MM-DD'), plus `days`. */
export function shanghaiMidnight(day: string, days = 0): Date {
	const [y, m, d] = day.split('-').map(Number);
	return new Date(Date.UTC(y, m - 1, d + days) - 8 * 3600 * 1000);
}

export function monthRange(month: string): { from: Date; to: Date } {
	const [y, m] = month.split('-').map(Number);
	return {
		from: new Date(Date.UTC(y, m - 1, 1) - 8 * 3600 * 1000),
		to: new Date(Date.UTC(y, m, 1) - 8 * 3600 * 1000)
	};
}

export function shiftMonth(month: string, by: number): string {
	const [y, m] = month.split('-').map(Number);
	const date = new Date(Date.UTC(y, m - 1 + by, 1));
	return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

export function toFilters(query: ListQuery): EventFilters {
	return {
		query: query.q || null,
		category: query.category,
		orgId: query.org,
		age: query.age,
		from: query.from ? shanghaiMidnight(query.from) : null,
		// The end date is inclusive: events starting any time that day.
		to: query.to ? shanghaiMidnight(query.to, 1) : null
	};
}

/** The query string for a link that keeps the filters and changes some of them. */
export function listHref(query: ListQuery, change: Partial<ListQuery>): string {
	const next = { ...query, ...change };
	const params = new URLSearchParams();
	if (next.q) params.set('q', next.q);
	if (next.category) params.set('category', next.category);
	if (next.org) params.set('org', next.org);
	if (next.age != null) params.set('age', String(next.age));
	if (next.from) params.set('from', next.from);
	if (next.to) params.set('to', next.to);
	if (next.view === 'calendar') {
		params.set('view', 'calendar');
		params.set('month', next.month);
	} else if (next.page > 1) params.set('page', String(next.page));
	const search = params.toString();
	return search ? `?${search}` : '?';
}
