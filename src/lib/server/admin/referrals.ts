/**
 * What the district sees of priority care: the counts of district_referral_figures (counts under 5
 * come as "<5" from SQL, so no family can be singled out) and, for the designated care staff only,
 * every organisation's referrals (org_referrals refuses anyone else).
 */
import type { SupabaseClient, User } from '@supabase/supabase-js';
import { m } from '$lib/paraglide/messages';
import { shanghaiDay, type Period } from '$lib/schemas/admin';
import { orgReferrals, type ReferralRow } from '$lib/server/referrals';
import { errorCode } from './errors';

export interface ReferralFigure {
	key: string;
	label: string;
	/** A count, or "<5". */
	value: string;
}

const LABELS: Record<string, () => string> = {
	referred_families: m.referrals_figure_referred_families,
	participations: m.referrals_figure_participations,
	held_seats_used: m.referrals_figure_held_seats_used,
	held_seats_released: m.referrals_figure_held_seats_released,
	care_contacts: m.referrals_figure_care_contacts
};

/** The district's designated care staff: district administrators marked care_staff by the server. */
export function isCareStaff(user: Pick<User, 'app_metadata'> | null): boolean {
	return user?.app_metadata?.role === 'district_admin' && user.app_metadata.care_staff === true;
}

export async function loadReferralFigures(
	supabase: SupabaseClient,
	period: Period
): Promise<{ data: ReferralFigure[] } | { code: string }> {
	const { data, error } = await supabase.rpc('district_referral_figures', {
		p_from: period.from,
		// No end: everything up to a year ahead.
		p_to: period.to || shanghaiDay(366)
	});
	if (error) return { code: errorCode(error) };
	return {
		data: ((data ?? []) as { figure: string; value: string }[]).map((row) => ({
			key: row.figure,
			label: LABELS[row.figure]?.() ?? row.figure,
			value: row.value
		}))
	};
}

export interface CareStaffReferral extends ReferralRow {
	org_name_zh: string;
	org_name_en: string;
}

/** Every organisation's referrals, for the care staff (org_referrals per referring organisation). */
export async function loadAllReferrals(supabase: SupabaseClient): Promise<CareStaffReferral[]> {
	const { data, error } = await supabase
		.from('referrals')
		.select('org_id, organisations(name_zh, name_en)')
		.limit(5000);
	if (error) throw new Error(`referrals: ${error.message}`);
	const orgs = new Map<string, { name_zh: string; name_en: string }>();
	for (const row of data ?? [])
		orgs.set(row.org_id, row.organisations as unknown as { name_zh: string; name_en: string });
	const lists = await Promise.all(
		[...orgs].map(async ([orgId, org]) => {
			const listed = await orgReferrals(supabase, orgId);
			return (listed.ok ? listed.data : []).map((r) => ({
				...r,
				org_name_zh: org.name_zh,
				org_name_en: org.name_en
			}));
		})
	);
	return lists.flat();
}
