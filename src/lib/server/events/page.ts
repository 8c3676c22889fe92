/**
 * The event page's reads in one request (public.event_page, migration
 * 20261206000300_create_event_page.sql): the event, the sources of its pictures, materials, the
 * course it is a session of, when held places open to all, its questions, and for a signed-in
 * guardian the family with its members, its registration for the event and a place kept for it.
 * Read as the visitor, so RLS decides each part as it did for the separate reads; each part is
 * turned into the same shape by the same mapper as those reads.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Question } from '$lib/questions';
import { courseLink, type CourseLink } from '$lib/server/courses';
import { familyWithMembers, type FamilyWithMembersRow } from '$lib/server/families';
import type { EventPictureSources } from '$lib/server/pictures/cards';
import type { CoverRow } from '$lib/server/pictures/store';
import type { Material } from '$lib/server/pictures/uploads';
import type { HeldPlace } from '$lib/server/referrals';
import { activeOf, type MyRegistration } from '$lib/server/registrations';
import { isSlug, toEventDetails, type EventDetails } from '.';

export interface EventPage {
	event: EventDetails;
	pictures: EventPictureSources;
	materials: Material[];
	course: CourseLink | null;
	/** When the places held back open to every family (null: none held). */
	heldOpenAt: string | null;
	questions: Question[];
	/** Signed in: the family with its members (null: none yet). Always null for anon. */
	family: ReturnType<typeof familyWithMembers> | null;
	/** The family's registration for the event that is still on. */
	registration: MyRegistration | null;
	held: HeldPlace;
}

interface EventPageRow {
	event: Record<string, unknown>;
	cover: CoverRow | null;
	logo_path: string | null;
	materials: Material[];
	course: Parameters<typeof courseLink>[0] | null;
	held_open_at: string | null;
	questions: Question[];
	family: FamilyWithMembersRow | null;
	registrations: unknown[];
	held: HeldPlace;
}

/** What the registration form's post needs: the event, its questions, the visitor's family. */
export type EventForm = Pick<EventPage, 'event' | 'questions' | 'family'>;

async function call(supabase: SupabaseClient, slug: string, form: boolean) {
	if (!isSlug(slug)) return null;
	const { data, error } = await supabase.rpc('event_page', { p_slug: slug, p_form: form });
	if (error) throw new Error(`event_page: ${error.code} ${error.message}`);
	return (data as unknown as EventPageRow | null) ?? null;
}

/** The form post's reads for `slug` (event_page's p_form), or null as readEventPage. */
export async function readEventForm(
	supabase: SupabaseClient,
	slug: string
): Promise<EventForm | null> {
	const row = await call(supabase, slug, true);
	if (!row) return null;
	return {
		event: toEventDetails(row.event),
		questions: row.questions,
		family: row.family && familyWithMembers(row.family)
	};
}

/** The event page's data for `slug`, or null when there is no such event the visitor may see. */
export async function readEventPage(
	supabase: SupabaseClient,
	slug: string
): Promise<EventPage | null> {
	const row = await call(supabase, slug, false);
	if (!row) return null;
	return {
		event: toEventDetails(row.event),
		pictures: { cover: row.cover, logoPath: row.logo_path },
		materials: row.materials,
		course: row.course && courseLink(row.course),
		heldOpenAt: row.held_open_at,
		questions: row.questions,
		family: row.family && familyWithMembers(row.family),
		registration: activeOf(row.registrations),
		held: row.held
	};
}
