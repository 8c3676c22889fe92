/**
 * What the district's designated care staff see of priority care: every organisation's referrals
 * (org_referrals refuses anyone else). The district's counts are a dashboard panel
 * ($lib/server/dashboard/referrals.ts).
 */
import type { SupabaseClient, User } from '@supabase/supabase-js';
import { orgReferrals, type ReferralRow } from '$lib/server/referrals';

/** The district's designated care staff: district administrators marked care_staff by the server. */
export function isCareStaff(user: Pick<User, 'app_metadata'> | null): boolean {
	return user?.app_metadata?.role === 'district_admin' && user.app_metadata.care_staff === true;
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
