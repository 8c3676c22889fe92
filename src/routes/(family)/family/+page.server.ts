import { fail, redirect } from '@sveltejs/kit';
import { invalidFields, readMemberForm, readProfileForm } from '$lib/schemas/family';
import { safeRedirectPath } from '$lib/server/auth/redirect';
import {
	consentState,
	deleteAccount,
	getFamilyWithMembers,
	giveConsent,
	removeMember,
	saveMember,
	saveProfile
} from '$lib/server/families';
import { familyFailure } from '$lib/server/families/messages';
import { myRegistrations } from '$lib/server/registrations';
import { pick } from '$lib/components/event-labels';
import { formatDateTime } from '$lib/i18n/format';
import { getLocale } from '$lib/paraglide/runtime';
import { issueCode, redeemSchema } from '$lib/schemas/referrals';
import { myHeldPlaces, redeemReferralCode } from '$lib/server/referrals';
import { referralFailure } from '$lib/server/referrals/messages';
import type { Actions, PageServerLoad } from './$types';

function requireUser(locals: App.Locals) {
	const user = locals.user;
	if (!user) redirect(303, '/auth/sign-in?next=%2Ffamily');
	return { id: user.id, email: user.email ?? '' };
}

export const load = (async ({ locals, url }) => {
	const user = requireUser(locals);
	const found = await getFamilyWithMembers(locals.supabase, user.id);
	const family = found?.family ?? null;
	const members = found?.members ?? [];
	const [consent, registrations, held] = await Promise.all([
		consentState(locals.supabase, family?.id ?? null),
		family ? myRegistrations(locals.supabase) : [],
		family ? myHeldPlaces(locals.supabase) : []
	]);
	const locale = getLocale() === 'en' ? 'en' : 'zh-CN';
	const now = Date.now();
	const next = url.searchParams.get('next');
	return {
		email: user.email,
		family,
		members,
		consent,
		next: next ? safeRedirectPath(next, url.origin, '') || null : null,
		held: held.map((h) => ({
			slug: h.slug,
			title: pick({ zh: h.title_zh, en: h.title_en ?? '' }, locale),
			when: formatDateTime(h.starts_at, locale),
			until: h.invited_until ? formatDateTime(h.invited_until, locale) : null
		})),
		upcoming: registrations
			.filter(
				(r) =>
					(r.status === 'confirmed' || r.status === 'waitlisted') &&
					new Date(r.event.endsAt).getTime() > now
			)
			.map((r) => ({
				id: r.id,
				status: r.status,
				waitlistPosition: r.waitlistPosition,
				promoted: r.status === 'confirmed' && r.waitlistJoinedAt !== null,
				event: {
					slug: r.event.slug,
					title: r.event.title,
					startsAt: r.event.startsAt,
					endsAt: r.event.endsAt
				}
			}))
	};
}) satisfies PageServerLoad;

export const actions = {
	redeemCode: async ({ locals, request }) => {
		requireUser(locals);
		const code = String((await request.formData()).get('code') ?? '');
		const parsed = redeemSchema.safeParse({ code });
		const done = parsed.success
			? await redeemReferralCode(locals.supabase, parsed.data.code)
			: { ok: false as const, code: issueCode(parsed.error) };
		if (!done.ok)
			return fail(done.code === 'too_many_attempts' ? 429 : 400, {
				action: 'redeemCode',
				message: referralFailure(done.code),
				code
			});
		return { action: 'redeemCode', saved: true };
	},
	saveProfile: async ({ locals, request }) => {
		const user = requireUser(locals);
		const parsed = readProfileForm(await request.formData());
		if (!parsed.success) {
			const fields = invalidFields(parsed.error);
			return fail(400, {
				action: 'saveProfile',
				message: familyFailure(
					fields.length === 1 && fields[0] === 'phone' ? 'invalid_phone' : 'invalid_profile'
				),
				fields
			});
		}
		const outcome = await saveProfile(locals.supabase, user, parsed.data);
		if (!outcome.ok) {
			return fail(400, { action: 'saveProfile', message: familyFailure(outcome.code), fields: [] });
		}
		return { action: 'saveProfile', saved: true };
	},

	consent: async ({ locals, request }) => {
		requireUser(locals);
		const version = String((await request.formData()).get('version') ?? '');
		const outcome = await giveConsent(locals.supabase, version);
		if (!outcome.ok) {
			return fail(400, { action: 'consent', message: familyFailure(outcome.code) });
		}
		return { action: 'consent', saved: true };
	},

	saveMember: async ({ locals, request }) => {
		requireUser(locals);
		const form = await request.formData();
		const memberId = String(form.get('id') ?? '') || null;
		const parsed = readMemberForm(form);
		if (!parsed.success) {
			return fail(400, {
				action: 'saveMember',
				memberId,
				kind: String(form.get('kind') ?? ''),
				message: familyFailure('invalid_member'),
				fields: invalidFields(parsed.error)
			});
		}
		const outcome = await saveMember(locals.supabase, parsed.data);
		if (!outcome.ok) {
			return fail(400, {
				action: 'saveMember',
				memberId,
				kind: parsed.data.kind,
				message: familyFailure(outcome.code),
				fields: []
			});
		}
		return {
			action: 'saveMember',
			saved: true,
			memberId: outcome.value.id,
			nickname: parsed.data.nickname
		};
	},

	removeMember: async ({ locals, request }) => {
		requireUser(locals);
		const id = String((await request.formData()).get('id') ?? '');
		if (!/^[0-9a-f-]{36}$/i.test(id)) {
			return fail(400, {
				action: 'removeMember',
				memberId: id,
				message: familyFailure('not_family_member')
			});
		}
		const outcome = await removeMember(locals.supabase, id);
		if (!outcome.ok) {
			return fail(400, {
				action: 'removeMember',
				memberId: id,
				message: familyFailure(outcome.code)
			});
		}
		return { action: 'removeMember', saved: true };
	},

	deleteAccount: async ({ locals, request, cookies }) => {
		requireUser(locals);
		if ((await request.formData()).get('confirm') !== 'yes') {
			return fail(400, { action: 'deleteAccount', message: familyFailure('delete_not_confirmed') });
		}
		const outcome = await deleteAccount(locals.supabase);
		if (!outcome.ok) {
			return fail(400, { action: 'deleteAccount', message: familyFailure(outcome.code) });
		}
		// The user no longer exists: the auth server may refuse to sign it out, so the session
		// cookies go too.
		await locals.supabase.auth.signOut({ scope: 'local' }).catch(() => undefined);
		for (const { name } of cookies.getAll()) {
			if (name.startsWith('sb-')) cookies.delete(name, { path: '/' });
		}
		redirect(303, '/events?account=deleted');
	}
} satisfies Actions;
