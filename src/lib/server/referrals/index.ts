/**
 * Referrals, held places and the care record (关爱名额), thin over the SQL functions of
 * supabase/migrations/20261205190100–190300: who may refer, who may read a referral and its reason,
 * and who gets a held seat are decided there. Failures come back as their stable code for
 * referralFailure().
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from '$lib/database.types';

export type Outcome<T> = { ok: true; data: T } | { ok: false; code: string; hint?: string };

export type ReferralReason = Database['public']['Enums']['referral_reason'];
export type CareContactKind = Database['public']['Enums']['care_contact_kind'];
export type InvitationStatus = Database['public']['Enums']['held_invitation_status'];

export const REASONS: ReferralReason[] = ['left_behind', 'hardship', 'psychological', 'other'];
export const CONTACT_KINDS: CareContactKind[] = [
	'home_visit',
	'phone_call',
	'at_event',
	'talk',
	'other'
];

export { REFERRING_KINDS } from '$lib/referrals';

function codeOf(error: { message: string; hint?: string | null }) {
	const code = /^[a-z_]+$/.test(error.message) ? error.message : 'unknown';
	return { code, hint: error.hint ?? undefined };
}

async function call<T>(
	supabase: SupabaseClient,
	fn: string,
	args: Record<string, unknown>
): Promise<Outcome<T>> {
	const { data, error } = await supabase.rpc(fn, args);
	if (error) {
		const failure = codeOf(error);
		if (failure.code === 'unknown') console.error(`${fn} failed:`, error.code, error.message);
		return { ok: false, ...failure };
	}
	return { ok: true, data: data as T };
}

// ---- referrers ------------------------------------------------------------------------------

export interface StaffMember {
	userId: string;
	email: string;
	role: 'staff' | 'manager';
	referrer: boolean;
}

/** The organisation's staff, and which of them refer (RLS on referrers: the organisation's staff). */
export async function listReferrers(
	supabase: SupabaseClient,
	orgId: string,
	withStaff: boolean
): Promise<{ referrerIds: string[]; staff: StaffMember[] }> {
	const { data, error } = await supabase.from('referrers').select('user_id').eq('org_id', orgId);
	if (error) throw new Error(`referrers: ${error.message}`);
	const referrerIds = (data ?? []).map((r) => r.user_id as string);
	if (!withStaff) return { referrerIds, staff: [] };
	const staff = await supabase.rpc('org_staff', { p_org_id: orgId });
	if (staff.error) throw new Error(`org_staff: ${staff.error.message}`);
	return {
		referrerIds,
		staff: (staff.data as { user_id: string; email: string; role: 'staff' | 'manager' }[]).map(
			(s) => ({
				userId: s.user_id,
				email: s.email,
				role: s.role,
				referrer: referrerIds.includes(s.user_id)
			})
		)
	};
}

/** Marks (or unmarks) a staff member as a referrer; RLS lets only managers and the district. */
export async function setReferrer(
	supabase: SupabaseClient,
	orgId: string,
	userId: string,
	on: boolean
): Promise<Outcome<null>> {
	const { data, error } = on
		? await supabase.from('referrers').insert({ org_id: orgId, user_id: userId }).select('user_id')
		: await supabase
				.from('referrers')
				.delete()
				.eq('org_id', orgId)
				.eq('user_id', userId)
				.select('user_id');
	if (error)
		return { ok: false, code: error.code === '23505' ? 'already_referrer' : 'not_authorised' };
	if (!data || data.length === 0) return { ok: false, code: 'not_authorised' };
	return { ok: true, data: null };
}

// ---- referrals ------------------------------------------------------------------------------

export interface ReferralRow {
	referral_id: string;
	guardian_name: string | null;
	guardian_email: string | null;
	code: string | null;
	reason: ReferralReason;
	starts_on: string;
	ends_on: string;
	ended: boolean;
	linked: boolean;
	participations: number;
	created_at: string;
}

export function orgReferrals(supabase: SupabaseClient, orgId: string) {
	return call<ReferralRow[]>(supabase, 'org_referrals', { p_org_id: orgId });
}

export interface Period {
	reason: ReferralReason;
	startsOn: string;
	endsOn: string;
}

export function referFamily(supabase: SupabaseClient, orgId: string, email: string, p: Period) {
	return call<{ referral_id: string; linked: boolean }>(supabase, 'refer_family', {
		p_org_id: orgId,
		p_email: email,
		p_reason: p.reason,
		p_starts_on: p.startsOn,
		p_ends_on: p.endsOn
	});
}

export function createReferralCode(supabase: SupabaseClient, orgId: string, p: Period) {
	return call<{ referral_id: string; code: string }>(supabase, 'create_referral_code', {
		p_org_id: orgId,
		p_reason: p.reason,
		p_starts_on: p.startsOn,
		p_ends_on: p.endsOn
	});
}

export function endReferral(supabase: SupabaseClient, referralId: string) {
	return call<null>(supabase, 'end_referral', { p_referral_id: referralId });
}

/** One referral as its referrers read it (RLS: the referring organisation's referrers, care staff). */
export async function getReferral(supabase: SupabaseClient, referralId: string) {
	const { data, error } = await supabase
		.from('referrals')
		.select('id, org_id, family_id, guardian_email, code, reason, starts_on, ends_on, ended_at')
		.eq('id', referralId)
		.maybeSingle();
	if (error) throw new Error(`referrals: ${error.message}`);
	return data;
}

export interface Participation {
	event_id: string;
	title_zh: string;
	title_en: string | null;
	starts_at: string;
	organisation_zh: string;
	organisation_en: string | null;
	status: Database['public']['Enums']['registration_status'];
	seats: number;
	held: boolean;
}

export function referralParticipations(supabase: SupabaseClient, referralId: string) {
	return call<Participation[]>(supabase, 'referral_participations', {
		p_referral_id: referralId
	});
}

export async function listCareContacts(supabase: SupabaseClient, referralId: string) {
	const { data, error } = await supabase
		.from('care_contacts')
		.select('id, contact_on, kind, note, created_by')
		.eq('referral_id', referralId)
		.order('contact_on', { ascending: false })
		.order('created_at', { ascending: false });
	if (error) throw new Error(`care_contacts: ${error.message}`);
	return data ?? [];
}

export async function recordCareContact(
	supabase: SupabaseClient,
	contact: { referralId: string; on: string; kind: CareContactKind; note: string }
): Promise<Outcome<null>> {
	const { error } = await supabase.from('care_contacts').insert({
		referral_id: contact.referralId,
		contact_on: contact.on,
		kind: contact.kind,
		note: contact.note
	});
	// RLS refuses another organisation's referral and a day ahead alike (42501).
	if (error)
		return { ok: false, code: error.code === '42501' ? 'not_referrer' : 'invalid_contact' };
	return { ok: true, data: null };
}

export async function removeCareContact(
	supabase: SupabaseClient,
	referralId: string,
	contactId: string
): Promise<Outcome<null>> {
	const { data, error } = await supabase
		.from('care_contacts')
		.delete()
		.eq('id', contactId)
		.eq('referral_id', referralId)
		.select('id');
	if (error || !data?.length) return { ok: false, code: 'not_referrer' };
	return { ok: true, data: null };
}

// ---- held places and invitations --------------------------------------------------------------

export async function listInvitations(supabase: SupabaseClient, referralId: string) {
	const { data, error } = await supabase
		.from('held_invitations')
		.select('id, event_id, seats, status, expires_at, created_at, events(title_zh, title_en)')
		.eq('referral_id', referralId)
		.order('created_at', { ascending: false });
	if (error) throw new Error(`held_invitations: ${error.message}`);
	return (data ?? []).map(({ events, ...invitation }) => ({
		...invitation,
		event: events as unknown as { title_zh: string; title_en: string | null } | null
	}));
}

export interface HeldPlaceEvent {
	event_id: string;
	slug: string;
	title_zh: string;
	title_en: string | null;
	starts_at: string;
	release_at: string;
	free_seats: number;
	max_seats_per_family: number;
}

/** Events ahead that still hold places, for the invitation form (referrers and care staff). */
export function eventsWithHeldPlaces(supabase: SupabaseClient) {
	return call<HeldPlaceEvent[]>(supabase, 'events_with_held_places', {});
}

export function inviteToHeldPlace(
	supabase: SupabaseClient,
	invitation: { referralId: string; eventId: string; seats: number; expiresAt: string | null }
) {
	return call<{ invitation_id: string; expires_at: string }>(supabase, 'invite_to_held_place', {
		p_referral_id: invitation.referralId,
		p_event_id: invitation.eventId,
		p_seats: invitation.seats,
		p_expires_at: invitation.expiresAt
	});
}

export interface EventHold {
	seats: number;
	release_at: string;
	released_at: string | null;
	released_seats: number | null;
}

/** The hold of an event as its staff read it (RLS: the event's staff, the district). */
export async function getEventHold(
	supabase: SupabaseClient,
	eventId: string
): Promise<EventHold | null> {
	const { data, error } = await supabase
		.from('event_holds')
		.select('seats, release_at, released_at, released_seats')
		.eq('event_id', eventId)
		.maybeSingle();
	if (error) throw new Error(`event_holds: ${error.message}`);
	return data;
}

export function setEventHold(
	supabase: SupabaseClient,
	eventId: string,
	seats: number,
	releaseAt: string | null
) {
	return call<{ seats: number; release_at: string | null }>(supabase, 'set_event_hold', {
		p_event_id: eventId,
		p_seats: seats,
		p_release_at: releaseAt
	});
}

// ---- the family's side ----------------------------------------------------------------------

export interface HeldPlace {
	available: boolean;
	seats?: number;
	invited_until?: string | null;
}

/** Whether a held place is there for the signed-in family at an event (never why). */
export async function heldPlaceForMe(
	supabase: SupabaseClient,
	eventId: string
): Promise<HeldPlace> {
	const { data, error } = await supabase.rpc('held_place_for_me', { p_event_id: eventId });
	if (error) {
		console.error('held_place_for_me failed:', error.code);
		return { available: false };
	}
	return data as HeldPlace;
}

/**
 * When the places an event still holds open to every family (null when it holds none): the event
 * page says some places are kept, never for whom or how many are left.
 */
export async function heldPlacesOpenAt(
	supabase: SupabaseClient,
	eventId: string
): Promise<string | null> {
	const { data, error } = await supabase.rpc('held_places_open_at', { p_event_id: eventId });
	if (error) throw new Error(`held_places_open_at: ${error.code} ${error.message}`);
	return (data as string | null) ?? null;
}

export interface MyHeldPlace {
	event_id: string;
	slug: string;
	title_zh: string;
	title_en: string | null;
	starts_at: string;
	invited_until: string | null;
}

export async function myHeldPlaces(supabase: SupabaseClient): Promise<MyHeldPlace[]> {
	const { data, error } = await supabase.rpc('my_held_places');
	if (error) {
		console.error('my_held_places failed:', error.code);
		return [];
	}
	return (data ?? []) as MyHeldPlace[];
}

export function declineHeldInvitation(supabase: SupabaseClient, eventId: string) {
	return call<boolean>(supabase, 'decline_held_invitation', { p_event_id: eventId });
}

/** Redeems a referral code; a wrong code answers {ok: false, error: 'code_invalid'}. */
export async function redeemReferralCode(
	supabase: SupabaseClient,
	code: string
): Promise<Outcome<null>> {
	const result = await call<{ ok: boolean; error?: string }>(supabase, 'redeem_referral_code', {
		p_code: code
	});
	if (!result.ok) return result;
	if (!result.data.ok) return { ok: false, code: result.data.error ?? 'code_invalid' };
	return { ok: true, data: null };
}
