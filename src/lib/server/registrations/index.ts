/**
 * Registering a family for an event, cancelling, and the family's own registrations. Capacity,
 * the waitlist and every rule live in SQL (register_family, cancel_registration); these are the
 * calls, with the stable failure code handed back for the page to translate.
 */
import type { PostgrestError, SupabaseClient } from '@supabase/supabase-js';
import type { Json as DbJson } from '$lib/database.types';
import { toEventCard, type EventCard } from '$lib/server/events';
import type { AnswerInput } from '$lib/server/questions';

export type RegistrationStatus = 'confirmed' | 'waitlisted' | 'cancelled' | 'attended' | 'no_show';

export interface MyRegistration {
	id: string;
	status: RegistrationStatus;
	seats: number;
	waitlistPosition: number | null;
	/** Set when the family ever waited: with status confirmed, it was promoted from the waitlist. */
	waitlistJoinedAt: string | null;
	checkInCode: string;
	createdAt: string;
	confirmedAt: string | null;
	cancelledAt: string | null;
	checkedInAt: string | null;
	event: EventCard & { sequence: number; updatedAt: string; cancelledReason: string | null };
	attendees: { id: string; kind: 'child' | 'parent' | 'grandparent'; nickname: string }[];
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; code: string; hint?: string };

/** The stable code of a rule failure (`raise … using message = 'event_full'`), else 'generic'. */
export function failureCode(error: PostgrestError | null): string {
	if (error?.code === 'P0001' && /^[a-z_]{2,60}$/.test(error.message)) return error.message;
	return 'generic';
}

type Json = Record<string, unknown>;

function toRegistration(row: Json): MyRegistration {
	const event = row.event as Json;
	return {
		id: String(row.id),
		status: row.status as RegistrationStatus,
		seats: Number(row.seats),
		waitlistPosition: (row.waitlist_position as number | null) ?? null,
		waitlistJoinedAt: (row.waitlist_joined_at as string | null) ?? null,
		checkInCode: String(row.check_in_code),
		createdAt: String(row.created_at),
		confirmedAt: (row.confirmed_at as string | null) ?? null,
		cancelledAt: (row.cancelled_at as string | null) ?? null,
		checkedInAt: (row.checked_in_at as string | null) ?? null,
		event: {
			...toEventCard(event),
			sequence: Number(event.sequence ?? 0),
			updatedAt: String(event.updated_at ?? ''),
			cancelledReason: (event.cancelled_reason as string | null) ?? null
		},
		attendees: (row.attendees as MyRegistration['attendees']) ?? []
	};
}

export async function myRegistrations(
	supabase: SupabaseClient,
	eventId?: string
): Promise<MyRegistration[]> {
	const { data, error } = await supabase.rpc('my_registrations', { p_event_id: eventId ?? null });
	if (error) throw new Error(`my_registrations: ${error.code} ${error.message}`);
	return ((data ?? []) as Json[]).map(toRegistration);
}

const stillOn = (all: MyRegistration[]) => all.find((r) => r.status !== 'cancelled') ?? null;

/** The registration still on (not cancelled) among my_registrations' rows for one event. */
export function activeOf(rows: unknown[]): MyRegistration | null {
	return stillOn((rows as Json[]).map(toRegistration));
}

/** The family's registration for one event that is still on (confirmed, waitlisted, attended …). */
export async function activeRegistration(
	supabase: SupabaseClient,
	eventId: string
): Promise<MyRegistration | null> {
	return stillOn(await myRegistrations(supabase, eventId));
}

export interface Registered {
	registrationId: string;
	status: 'confirmed' | 'waitlisted';
	waitlistPosition: number | null;
	/** True when the family had already registered (a second submit of the same form). */
	repeated: boolean;
}

/**
 * Registers the family from the form on the page of `slug` (register_on_page, which calls
 * register_family): refused with event_not_found unless `eventId` is that page's event.
 */
export async function register(
	supabase: SupabaseClient,
	input: {
		eventId: string;
		memberIds: string[];
		source: string | null;
		answers?: AnswerInput[];
		note?: string | null;
		slug: string;
	}
): Promise<Outcome<Registered>> {
	const { data, error } = await supabase.rpc('register_on_page', {
		p_slug: input.slug,
		p_event_id: input.eventId,
		p_member_ids: input.memberIds,
		p_source: input.source,
		p_answers: (input.answers ?? []) as unknown as DbJson,
		p_note: input.note ?? null
	});
	if (error) {
		const code = failureCode(error);
		if (code === 'generic') console.error('register_on_page failed:', error.code);
		// A double submit: the first one went through. Answer as it did, not with an error.
		if (code === 'already_registered') {
			const existing = await activeRegistration(supabase, input.eventId);
			if (existing && (existing.status === 'confirmed' || existing.status === 'waitlisted')) {
				return {
					ok: true,
					value: {
						registrationId: existing.id,
						status: existing.status,
						waitlistPosition: existing.waitlistPosition,
						repeated: true
					}
				};
			}
		}
		// Answer failures name their question in the hint.
		return { ok: false, code, hint: error.hint ?? undefined };
	}
	const result = data as {
		registration_id: string;
		status: 'confirmed' | 'waitlisted';
		waitlist_position: number | null;
	};
	return {
		ok: true,
		value: {
			registrationId: result.registration_id,
			status: result.status,
			waitlistPosition: result.waitlist_position,
			repeated: false
		}
	};
}

/** Changes who comes (change_registration_members): places and answers are checked in SQL. */
export async function changeMembers(
	supabase: SupabaseClient,
	input: { registrationId: string; memberIds: string[]; answers: AnswerInput[] }
): Promise<Outcome<{ status: 'confirmed' | 'waitlisted'; seats: number; promoted: number }>> {
	const { data, error } = await supabase.rpc('change_registration_members', {
		p_registration_id: input.registrationId,
		p_member_ids: input.memberIds,
		p_answers: input.answers as unknown as DbJson
	});
	if (error) {
		const code = failureCode(error);
		if (code === 'generic') console.error('change_registration_members failed:', error.code);
		return { ok: false, code, hint: error.hint ?? undefined };
	}
	return {
		ok: true,
		value: data as { status: 'confirmed' | 'waitlisted'; seats: number; promoted: number }
	};
}

export async function cancel(
	supabase: SupabaseClient,
	registrationId: string
): Promise<Outcome<{ promoted: number; was: 'confirmed' | 'waitlisted' }>> {
	const { data, error } = await supabase.rpc('cancel_registration', {
		p_registration_id: registrationId
	});
	if (error) {
		const code = failureCode(error);
		if (code === 'generic') console.error('cancel_registration failed:', error.code);
		return { ok: false, code };
	}
	const result = data as { promoted?: number; was?: string };
	return {
		ok: true,
		value: {
			promoted: Number(result.promoted ?? 0),
			was: result.was === 'waitlisted' ? 'waitlisted' : 'confirmed'
		}
	};
}
