/**
 * The dashboard's figures (dashboard_figures, dashboard_event_figures) for a filter: a period of
 * whole days, an optional organisation and a grain (week or month). SQL computes every figure and
 * decides who may see which; this only reads the filter from the URL and types the answer.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Filter, Grain } from '$lib/schemas/dashboard';
import { errorCode } from '$lib/server/admin/errors';

export type { Filter, Grain };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
	over_time: {
		bucket: string;
		events: number;
		families: number;
		people: number;
		attended: number;
	}[];
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
