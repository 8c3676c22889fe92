import { fail } from '@sveltejs/kit';
import { shanghaiDay } from '$lib/schemas/admin';
import { formValues } from '$lib/schemas/booking';
import {
	issueCode,
	referByCodeSchema,
	referByEmailSchema,
	referrerSchema
} from '$lib/schemas/referrals';
import {
	REFERRING_KINDS,
	createReferralCode,
	listReferrers,
	orgReferrals,
	referFamily,
	setReferrer
} from '$lib/server/referrals';
import { reasonLabel, referralFailure } from '$lib/server/referrals/messages';
import { requireStaff } from '$lib/server/staff/context';
import type { Actions, PageServerLoad } from './$types';

/**
 * The organisation's referrals for its referrers; its managers mark who refers. Everything here is
 * also refused by the database (RLS and the functions' checks): the page only hides what would fail.
 */
export const load = (async (event) => {
	const { org } = await requireStaff(event);
	const supabase = event.locals.supabase;
	const mayRefer = REFERRING_KINDS.includes(org.kind);
	const manager = org.role === 'manager';
	const { referrerIds, staff } = await listReferrers(supabase, org.id, manager && mayRefer);
	const referrer = mayRefer && referrerIds.includes(event.locals.user!.id);
	const listed = referrer ? await orgReferrals(supabase, org.id) : null;
	return {
		mayRefer,
		manager,
		referrer,
		staff,
		referrals: (listed?.ok ? listed.data : []).map((r) => ({
			...r,
			reasonText: reasonLabel(r.reason)
		})),
		defaults: { startsOn: shanghaiDay(), endsOn: shanghaiDay(180) }
	};
}) satisfies PageServerLoad;

export const actions = {
	refer: async (event) => {
		const { org } = await requireStaff(event);
		const form = await event.request.formData();
		const values = formValues(form);
		const parsed = referByEmailSchema.safeParse(values);
		if (!parsed.success)
			return fail(400, {
				action: 'refer',
				message: referralFailure(issueCode(parsed.error)),
				values
			});
		const done = await referFamily(event.locals.supabase, org.id, parsed.data.email, {
			reason: parsed.data.reason,
			startsOn: parsed.data.starts_on,
			endsOn: parsed.data.ends_on
		});
		if (!done.ok)
			return fail(400, { action: 'refer', message: referralFailure(done.code), values });
		return { action: 'refer', referred: done.data.linked ? 'linked' : 'pending' };
	},
	code: async (event) => {
		const { org } = await requireStaff(event);
		const form = await event.request.formData();
		const values = formValues(form);
		const parsed = referByCodeSchema.safeParse(values);
		if (!parsed.success)
			return fail(400, {
				action: 'code',
				message: referralFailure(issueCode(parsed.error)),
				values
			});
		const done = await createReferralCode(event.locals.supabase, org.id, {
			reason: parsed.data.reason,
			startsOn: parsed.data.starts_on,
			endsOn: parsed.data.ends_on
		});
		if (!done.ok) return fail(400, { action: 'code', message: referralFailure(done.code), values });
		return { action: 'code', code: done.data.code, endsOn: parsed.data.ends_on };
	},
	referrer: async (event) => {
		const { org } = await requireStaff(event);
		const form = await event.request.formData();
		const parsed = referrerSchema.safeParse(formValues(form));
		if (!parsed.success)
			return fail(400, { action: 'referrer', message: referralFailure('not_authorised') });
		const done = await setReferrer(
			event.locals.supabase,
			org.id,
			parsed.data.user_id,
			form.get('on') === '1'
		);
		if (!done.ok) return fail(403, { action: 'referrer', message: referralFailure(done.code) });
		return { action: 'referrer', saved: true };
	}
} satisfies Actions;
