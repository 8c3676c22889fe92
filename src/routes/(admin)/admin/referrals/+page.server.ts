import { error } from '@sveltejs/kit';
import { pick } from '$lib/components/event-labels';
import { getLocale } from '$lib/paraglide/runtime';
import { isCareStaff, loadAllReferrals } from '$lib/server/admin/referrals';
import { reasonLabel } from '$lib/server/referrals/messages';
import type { PageServerLoad } from './$types';

/** The care staff's view: every organisation's referrals (other administrators get a 403). */
export const load = (async ({ locals }) => {
	if (!isCareStaff(locals.user)) error(403, { message: 'forbidden' });
	const locale = getLocale() === 'en' ? 'en' : 'zh-CN';
	const referrals = await loadAllReferrals(locals.supabase);
	return {
		referrals: referrals.map((r) => ({
			id: r.referral_id,
			organisation: pick({ zh: r.org_name_zh, en: r.org_name_en }, locale),
			who: r.guardian_name ?? r.guardian_email ?? '—',
			reason: reasonLabel(r.reason),
			period: `${r.starts_on} – ${r.ends_on}`,
			ended: r.ended,
			linked: r.linked,
			participations: r.participations
		}))
	};
}) satisfies PageServerLoad;
