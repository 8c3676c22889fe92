/**
 * The district's priority-care figures (district_referral_figures: counts under 5 as "<5") for the
 * dashboard's period, as a panel: district administrators only, and for the whole district.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Locale } from '$lib/components/promote-labels';
import { m } from '$lib/paraglide/messages';
import type { Filter } from './figures';
import type { Panel } from './panels';

const labels: Record<string, (o: { locale: Locale }) => string> = {
	referred_families: (o) => m.dashboard_referral_families({}, o),
	participations: (o) => m.dashboard_referral_participations({}, o),
	held_seats_used: (o) => m.dashboard_referral_held_used({}, o),
	held_seats_released: (o) => m.dashboard_referral_held_released({}, o),
	care_contacts: (o) => m.dashboard_referral_contacts({}, o)
};

export async function loadReferralFigures(
	supabase: SupabaseClient,
	filter: Filter,
	locale: Locale
): Promise<Panel | null> {
	const { data, error } = await supabase.rpc('district_referral_figures', {
		p_from: filter.from,
		p_to: filter.to
	});
	if (error || !data) return null;
	const o = { locale };
	return {
		id: 'referrals',
		title: m.dashboard_panel_referrals({}, o),
		hint: m.dashboard_panel_referrals_hint({}, o),
		columns: [m.dashboard_col_figure({}, o), m.dashboard_col_value({}, o)],
		rows: (data as { figure: string; value: string }[]).map((r) => [
			labels[r.figure]?.(o) ?? r.figure,
			r.value
		])
	};
}
