import { error, fail } from '@sveltejs/kit';
import { pick } from '$lib/components/event-labels';
import { formatDateTime } from '$lib/i18n/format';
import { getLocale } from '$lib/paraglide/runtime';
import { shanghaiDay } from '$lib/schemas/admin';
import { formValues } from '$lib/schemas/booking';
import {
	contactSchema,
	inviteSchema,
	issueCode,
	removeContactSchema
} from '$lib/schemas/referrals';
import {
	endReferral,
	eventsWithHeldPlaces,
	getReferral,
	inviteToHeldPlace,
	listCareContacts,
	listInvitations,
	orgReferrals,
	recordCareContact,
	referralParticipations,
	removeCareContact
} from '$lib/server/referrals';
import {
	contactKindLabel,
	invitationLabel,
	reasonLabel,
	referralFailure
} from '$lib/server/referrals/messages';
import { requireStaff } from '$lib/server/staff/context';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/** The referral as the current organisation's referrer reads it, else a 404 (RLS decides). */
async function referralOf(event: RequestEvent) {
	const { org } = await requireStaff(event);
	const referral = await getReferral(event.locals.supabase, event.params.id);
	if (!referral || referral.org_id !== org.id) error(404, { message: 'not_found' });
	return referral;
}

/** The care record of one referred family: participations, care contacts, invitations. */
export const load = (async (event) => {
	const referral = await referralOf(event);
	const supabase = event.locals.supabase;
	const locale = getLocale() === 'en' ? 'en' : 'zh-CN';
	const active = !referral.ended_at && referral.ends_on >= shanghaiDay();
	const [listed, participations, contacts, invitations, events] = await Promise.all([
		orgReferrals(supabase, referral.org_id),
		referralParticipations(supabase, referral.id),
		listCareContacts(supabase, referral.id),
		listInvitations(supabase, referral.id),
		active && referral.family_id ? eventsWithHeldPlaces(supabase) : null
	]);
	const row = listed.ok ? listed.data.find((r) => r.referral_id === referral.id) : undefined;
	const title = (e: { title_zh: string; title_en: string | null }) =>
		pick({ zh: e.title_zh, en: e.title_en ?? '' }, locale);
	const heldEvents = events?.ok ? events.data : [];
	return {
		referral: {
			id: referral.id,
			who:
				row?.guardian_name ??
				row?.guardian_email ??
				referral.guardian_email ??
				referral.code ??
				'—',
			email: row?.guardian_email ?? null,
			reason: reasonLabel(referral.reason),
			startsOn: referral.starts_on,
			endsOn: referral.ends_on,
			ended: Boolean(referral.ended_at),
			linked: Boolean(referral.family_id),
			active
		},
		participations: (participations.ok ? participations.data : []).map((p) => ({
			key: `${p.event_id}`,
			title: title(p),
			organisation: pick({ zh: p.organisation_zh, en: p.organisation_en ?? '' }, locale),
			when: formatDateTime(p.starts_at, locale),
			status: p.status,
			seats: p.seats,
			held: p.held
		})),
		contacts: contacts.map((c) => ({
			...c,
			kindText: contactKindLabel(c.kind),
			mine: c.created_by === event.locals.user?.id
		})),
		invitations: invitations.map((i) => ({
			id: i.id,
			title: i.event ? title(i.event) : '—',
			seats: i.seats,
			statusText: invitationLabel(i.status, formatDateTime(i.expires_at, locale))
		})),
		heldEvents: heldEvents
			.filter((e) => e.free_seats > 0)
			.map((e) => ({
				id: e.event_id,
				label: `${title(e)} · ${formatDateTime(e.starts_at, locale)} · ${e.free_seats}`,
				maxSeats: Math.min(e.free_seats, e.max_seats_per_family)
			})),
		today: shanghaiDay()
	};
}) satisfies PageServerLoad;

export const actions = {
	invite: async (event) => {
		const referral = await referralOf(event);
		const values = formValues(await event.request.formData());
		const parsed = inviteSchema.safeParse(values);
		if (!parsed.success)
			return fail(400, {
				action: 'invite',
				message: referralFailure(issueCode(parsed.error)),
				values
			});
		const done = await inviteToHeldPlace(event.locals.supabase, {
			referralId: referral.id,
			eventId: parsed.data.event_id,
			seats: parsed.data.seats,
			expiresAt: parsed.data.expires_at
		});
		if (!done.ok)
			return fail(400, { action: 'invite', message: referralFailure(done.code), values });
		return {
			action: 'invite',
			invitedUntil: formatDateTime(done.data.expires_at, getLocale() === 'en' ? 'en' : 'zh-CN')
		};
	},
	contact: async (event) => {
		const referral = await referralOf(event);
		const values = formValues(await event.request.formData());
		const parsed = contactSchema.safeParse(values);
		if (!parsed.success || parsed.data.contact_on > shanghaiDay())
			return fail(400, { action: 'contact', message: referralFailure('invalid_contact'), values });
		const done = await recordCareContact(event.locals.supabase, {
			referralId: referral.id,
			on: parsed.data.contact_on,
			kind: parsed.data.kind,
			note: parsed.data.note
		});
		if (!done.ok)
			return fail(400, { action: 'contact', message: referralFailure(done.code), values });
		return { action: 'contact', saved: true };
	},
	removeContact: async (event) => {
		const referral = await referralOf(event);
		const parsed = removeContactSchema.safeParse(formValues(await event.request.formData()));
		const done = parsed.success
			? await removeCareContact(event.locals.supabase, referral.id, parsed.data.contact_id)
			: { ok: false as const, code: 'not_referrer' };
		if (!done.ok) return fail(403, { action: 'contact', message: referralFailure(done.code) });
		return { action: 'removeContact', removed: true };
	},
	end: async (event) => {
		const referral = await referralOf(event);
		const done = await endReferral(event.locals.supabase, referral.id);
		if (!done.ok) return fail(403, { action: 'end', message: referralFailure(done.code) });
		return { action: 'end', ended: true };
	}
} satisfies Actions;
