/**
 * The district's participation overview: district_participation's rows (one per organisation and
 * category, counts only) grouped by organisation kind and organisation, with totals and the
 * registrations per channel, plus the same table as CSV rows.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import {
	categoryLabel,
	channelLabel,
	kindLabel,
	ORG_KINDS,
	pick,
	type Locale
} from '$lib/components/promote-labels';
import { m } from '$lib/paraglide/messages';
import { dayAfter, dayStart, type Period } from '$lib/schemas/admin';
import { readAll } from '$lib/server/paging';
import type { Database } from '$lib/database.types';
import { errorCode } from './errors';

type SqlRow = Database['public']['Functions']['district_participation']['Returns'][number];

export interface Counts {
	eventsPublished: number;
	eventsHeld: number;
	eventsCancelled: number;
	places: number;
	families: number;
	people: number;
	attended: number;
	noShow: number;
	waitlisted: number;
	/** 0–100, or null without places. */
	fillPercent: number | null;
}

export interface CategoryLine extends Counts {
	category: string;
	label: string;
}

export interface OrgBlock {
	id: string;
	name: string;
	slug: string;
	lines: CategoryLine[];
	total: Counts;
}

export interface KindBlock {
	kind: string;
	label: string;
	orgs: OrgBlock[];
	total: Counts;
}

export interface Channel {
	source: string;
	label: string;
	registrations: number;
}

export interface Participation {
	kinds: KindBlock[];
	total: Counts;
	channels: Channel[];
}

const zero = (): Counts => ({
	eventsPublished: 0,
	eventsHeld: 0,
	eventsCancelled: 0,
	places: 0,
	families: 0,
	people: 0,
	attended: 0,
	noShow: 0,
	waitlisted: 0,
	fillPercent: null
});

function add(sum: Counts, part: Counts): void {
	sum.eventsPublished += part.eventsPublished;
	sum.eventsHeld += part.eventsHeld;
	sum.eventsCancelled += part.eventsCancelled;
	sum.places += part.places;
	sum.families += part.families;
	sum.people += part.people;
	sum.attended += part.attended;
	sum.noShow += part.noShow;
	sum.waitlisted += part.waitlisted;
	sum.fillPercent = percent(sum.people, sum.places);
}

function percent(people: number, places: number): number | null {
	return places > 0 ? Math.round((people / places) * 1000) / 10 : null;
}

const num = (value: unknown) => Number(value ?? 0) || 0;

/**
 * The refusals of district_participation (not a district administrator; a second factor the
 * district requires is missing) without its tables: data null when the caller may read.
 */
export async function districtAccess(
	supabase: SupabaseClient
): Promise<{ data: null } | { code: string }> {
	const { error } = await supabase.rpc('district_access');
	return error ? { code: errorCode(error) } : { data: null };
}

export async function loadParticipation(
	supabase: SupabaseClient,
	period: Period,
	locale: Locale
): Promise<{ data: Participation } | { code: string }> {
	// One row per organisation and category: a large district has more than one response carries.
	const { data, error } = await readAll<SqlRow>((from, to) =>
		supabase
			.rpc('district_participation', {
				p_from: dayStart(period.from),
				p_to: (period.to ? dayAfter(period.to) : null) as string
			})
			.range(from, to)
	);
	if (error) return { code: errorCode(error) };
	const kinds = new Map<string, KindBlock>();
	const channels = new Map<string, number>();
	const total = zero();
	for (const row of data) {
		let kind = kinds.get(row.org_kind);
		if (!kind) {
			kind = {
				kind: row.org_kind,
				label: kindLabel(row.org_kind, locale),
				orgs: [],
				total: zero()
			};
			kinds.set(row.org_kind, kind);
		}
		let org = kind.orgs.find((o) => o.id === row.org_id);
		if (!org) {
			org = {
				id: row.org_id,
				slug: row.org_slug,
				name: pick({ zh: row.org_name_zh, en: row.org_name_en }, locale),
				lines: [],
				total: zero()
			};
			kind.orgs.push(org);
		}
		if (!row.category) continue;
		const people = num(row.people_registered);
		const places = num(row.places_offered);
		const line: CategoryLine = {
			category: row.category,
			label: categoryLabel(row.category, locale),
			eventsPublished: num(row.events_published),
			eventsHeld: num(row.events_held),
			eventsCancelled: num(row.events_cancelled),
			places,
			families: num(row.families_registered),
			people,
			attended: num(row.people_attended),
			noShow: num(row.people_no_show),
			waitlisted: num(row.families_waitlisted),
			fillPercent: percent(people, places)
		};
		org.lines.push(line);
		add(org.total, line);
		add(kind.total, line);
		add(total, line);
		for (const [source, count] of Object.entries((row.channels ?? {}) as Record<string, number>)) {
			channels.set(source, (channels.get(source) ?? 0) + num(count));
		}
	}
	const order = (kind: string) => (ORG_KINDS as readonly string[]).indexOf(kind);
	return {
		data: {
			kinds: [...kinds.values()].sort((a, b) => order(a.kind) - order(b.kind)),
			total,
			channels: [...channels.entries()]
				.map(([source, registrations]) => ({
					source,
					label: channelLabel(source || null, locale),
					registrations
				}))
				.sort((a, b) => b.registrations - a.registrations || a.label.localeCompare(b.label))
		}
	};
}

const countCells = (c: Counts) => [
	c.eventsPublished,
	c.eventsHeld,
	c.eventsCancelled,
	c.places,
	c.families,
	c.people,
	c.attended,
	c.noShow,
	c.waitlisted,
	c.fillPercent == null ? '' : `${c.fillPercent}%`
];

export function csvHeader(): string[] {
	return [
		m.admin_col_kind(),
		m.admin_col_org(),
		m.admin_col_category(),
		m.admin_col_events_published(),
		m.admin_col_events_held(),
		m.admin_col_events_cancelled(),
		m.admin_col_places(),
		m.admin_col_families(),
		m.admin_col_people(),
		m.admin_col_attended(),
		m.admin_col_no_show(),
		m.admin_col_waitlisted(),
		m.admin_col_fill()
	];
}

/** One line per organisation and category (an organisation without events: one line of zeros). */
export function csvRows(data: Participation): unknown[][] {
	const rows: unknown[][] = [];
	for (const kind of data.kinds) {
		for (const org of kind.orgs) {
			if (org.lines.length === 0) rows.push([kind.label, org.name, '', ...countCells(org.total)]);
			for (const line of org.lines)
				rows.push([kind.label, org.name, line.label, ...countCells(line)]);
		}
	}
	rows.push([m.admin_total(), '', '', ...countCells(data.total)]);
	return rows;
}
