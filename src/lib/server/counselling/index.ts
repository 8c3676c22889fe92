/**
 * The counselling centre (校外心理辅导中心): its hotline, counsellors and bookable slots, a family's
 * appointments and a counsellor's diary. Thin over supabase-js under the caller's RLS; every rule
 * (slots, races, cut-off, who reads the topic) is in SQL — see supabase/migrations/20261205170*.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { addDays, shanghaiIso } from '$lib/components/calendar-time';
import { failureCode, type Outcome } from '$lib/server/registrations';
import type { Database } from '$lib/database.types';

type Enums = Database['public']['Enums'];
export type AppointmentMode = Enums['appointment_mode'];
export type AppointmentStatus = Enums['appointment_status'];
export type CounsellingTopic = Enums['counselling_topic'];
export type CounsellingSubject = Enums['counselling_subject'];
export type ContactPreference = Enums['contact_preference'];

export const MODES: AppointmentMode[] = ['in_person', 'phone', 'video'];
export const TOPICS: CounsellingTopic[] = [
	'study_pressure',
	'parent_child',
	'emotions_sleep',
	'school_transition',
	'other'
];
export const SUBJECTS: CounsellingSubject[] = ['child', 'parent', 'family'];
export const CONTACTS: ContactPreference[] = ['phone', 'email'];

export interface Bilingual {
	zh: string;
	en: string;
}

export interface Centre {
	orgId: string;
	slug: string;
	name: Bilingual;
	phone: string | null;
	hotline: string;
	hotlineHours: Bilingual;
	cutoffHours: number;
}

export interface Counsellor {
	id: string;
	orgId: string;
	name: Bilingual;
	intro: Bilingual;
	sessionMinutes: number;
	modes: AppointmentMode[];
	requiresAcceptance: boolean;
}

export interface Slot {
	counsellorId: string;
	startsAt: string;
	endsAt: string;
	modes: AppointmentMode[];
}

const orgColumns = 'id, slug, kind, name_zh, name_en, contact_phone';
type OrgRow = {
	id: string;
	slug: string;
	kind: string;
	name_zh: string;
	name_en: string;
	contact_phone: string | null;
};

async function centreOf(supabase: SupabaseClient, org: OrgRow | null): Promise<Centre | null> {
	if (!org || org.kind !== 'counselling_centre') return null;
	const { data, error } = await supabase
		.from('counselling_centres')
		.select('crisis_hotline, hotline_hours_zh, hotline_hours_en, cancel_cutoff_hours')
		.eq('org_id', org.id)
		.maybeSingle();
	if (error) throw new Error(`counselling_centres: ${error.code} ${error.message}`);
	if (!data) return null;
	return {
		orgId: org.id,
		slug: org.slug,
		name: { zh: org.name_zh, en: org.name_en },
		phone: org.contact_phone,
		hotline: data.crisis_hotline,
		hotlineHours: { zh: data.hotline_hours_zh, en: data.hotline_hours_en },
		cutoffHours: data.cancel_cutoff_hours
	};
}

/** A counselling centre by its organisation's slug, or null. */
export async function centreBySlug(supabase: SupabaseClient, slug: string): Promise<Centre | null> {
	const { data, error } = await supabase
		.from('organisations')
		.select(orgColumns)
		.eq('slug', slug)
		.maybeSingle();
	if (error) throw new Error(`organisations: ${error.code} ${error.message}`);
	return centreOf(supabase, data as OrgRow | null);
}

export async function centreById(supabase: SupabaseClient, orgId: string): Promise<Centre | null> {
	const { data, error } = await supabase
		.from('organisations')
		.select(orgColumns)
		.eq('id', orgId)
		.maybeSingle();
	if (error) throw new Error(`organisations: ${error.code} ${error.message}`);
	return centreOf(supabase, data as OrgRow | null);
}

/** Every counselling centre that has set up its hotline (the families' starting page). */
export async function listCentres(supabase: SupabaseClient): Promise<Centre[]> {
	const { data, error } = await supabase
		.from('organisations')
		.select(orgColumns)
		.eq('kind', 'counselling_centre')
		.order('name_zh');
	if (error) throw new Error(`organisations: ${error.code} ${error.message}`);
	const centres = await Promise.all(((data ?? []) as OrgRow[]).map((o) => centreOf(supabase, o)));
	return centres.filter((c): c is Centre => c !== null);
}

const counsellorColumns =
	'user_id, org_id, display_name_zh, display_name_en, intro_zh, intro_en, session_minutes, modes, requires_acceptance';

function toCounsellor(row: Record<string, unknown>): Counsellor {
	return {
		id: String(row.user_id),
		orgId: String(row.org_id),
		name: { zh: String(row.display_name_zh), en: String(row.display_name_en ?? '') },
		intro: { zh: String(row.intro_zh ?? ''), en: String(row.intro_en ?? '') },
		sessionMinutes: Number(row.session_minutes),
		modes: (row.modes as AppointmentMode[]) ?? [],
		requiresAcceptance: Boolean(row.requires_acceptance)
	};
}

/** The centre's active counsellors (public). */
export async function listCounsellors(
	supabase: SupabaseClient,
	orgId: string
): Promise<Counsellor[]> {
	const { data, error } = await supabase
		.from('counsellors')
		.select(counsellorColumns)
		.eq('org_id', orgId)
		.eq('active', true)
		.order('display_name_zh');
	if (error) throw new Error(`counsellors: ${error.code} ${error.message}`);
	return (data ?? []).map((row) => toCounsellor(row as Record<string, unknown>));
}

export async function getCounsellor(
	supabase: SupabaseClient,
	userId: string
): Promise<Counsellor | null> {
	const { data, error } = await supabase
		.from('counsellors')
		.select(counsellorColumns)
		.eq('user_id', userId)
		.maybeSingle();
	if (error) throw new Error(`counsellors: ${error.code} ${error.message}`);
	return data ? toCounsellor(data as Record<string, unknown>) : null;
}

type SlotRow = Database['public']['Functions']['counselling_slots']['Returns'][number];

/** Bookable slots on the local dates from … to (inclusive), for one counsellor or any. */
export async function listSlots(
	supabase: SupabaseClient,
	orgId: string,
	from: string,
	to: string,
	counsellorId: string | null
): Promise<Outcome<Slot[]>> {
	const { data, error } = await supabase.rpc('counselling_slots', {
		p_org_id: orgId,
		p_from: from,
		p_to: to,
		...(counsellorId ? { p_counsellor_id: counsellorId } : {})
	});
	if (error) return { ok: false, code: failureCode(error) };
	return {
		ok: true,
		value: ((data ?? []) as SlotRow[]).map((s) => ({
			counsellorId: s.counsellor_id,
			startsAt: s.starts_at,
			endsAt: s.ends_at,
			modes: s.modes as AppointmentMode[]
		}))
	};
}

/** Slots grouped by local date, every day of the week shown (an empty day says so). */
export function slotsByDay(slots: Slot[], from: string, days: number) {
	const out: { date: string; slots: Slot[] }[] = [];
	for (let i = 0; i < days; i++) out.push({ date: addDays(from, i), slots: [] });
	for (const slot of slots) {
		const date = new Date(new Date(slot.startsAt).getTime() + 8 * 3600_000)
			.toISOString()
			.slice(0, 10);
		out.find((d) => d.date === date)?.slots.push(slot);
	}
	return out;
}

export interface FamilyAppointment {
	id: string;
	orgId: string;
	counsellorId: string;
	counsellorName: Bilingual;
	startsAt: string;
	endsAt: string;
	mode: AppointmentMode;
	status: AppointmentStatus;
	cancelledBy: string | null;
	cancelledLate: boolean;
	subject: CounsellingSubject | null;
	memberNickname: string | null;
	topic: CounsellingTopic | null;
	note: string;
	contact: ContactPreference | null;
}

/** The signed-in family's appointments, newest first. */
export async function myAppointments(
	supabase: SupabaseClient,
	familyId: string
): Promise<FamilyAppointment[]> {
	const { data, error } = await supabase
		.from('appointments')
		.select(
			'id, org_id, counsellor_id, starts_at, ends_at, mode, status, cancelled_by, cancelled_late, counsellors(display_name_zh, display_name_en), appointment_details(subject, topic, note, contact, family_members(nickname))'
		)
		.eq('family_id', familyId)
		.order('starts_at', { ascending: false })
		.limit(100);
	if (error) throw new Error(`appointments: ${error.code} ${error.message}`);
	return (data ?? []).map((row) => {
		const c = (row.counsellors ?? {}) as { display_name_zh?: string; display_name_en?: string };
		const d = (Array.isArray(row.appointment_details)
			? row.appointment_details[0]
			: row.appointment_details) as unknown as {
			subject: CounsellingSubject;
			topic: CounsellingTopic;
			note: string;
			contact: ContactPreference;
			family_members: { nickname: string } | null;
		} | null;
		return {
			id: row.id,
			orgId: row.org_id,
			counsellorId: row.counsellor_id,
			counsellorName: { zh: c.display_name_zh ?? '', en: c.display_name_en ?? '' },
			startsAt: row.starts_at,
			endsAt: row.ends_at,
			mode: row.mode,
			status: row.status,
			cancelledBy: row.cancelled_by,
			cancelledLate: row.cancelled_late,
			subject: d?.subject ?? null,
			memberNickname: d?.family_members?.nickname ?? null,
			topic: d?.topic ?? null,
			note: d?.note ?? '',
			contact: d?.contact ?? null
		};
	});
}

export interface BookInput {
	counsellorId: string;
	startsAt: string;
	mode: AppointmentMode;
	subject: CounsellingSubject;
	memberId: string | null;
	topic: CounsellingTopic;
	note: string;
	contact: ContactPreference;
}

type Booked = { id: string; status: AppointmentStatus; starts_at: string; ends_at: string };

async function call<T>(
	request: PromiseLike<{ data: unknown; error: Parameters<typeof failureCode>[0] }>
): Promise<Outcome<T>> {
	const { data, error } = await request;
	if (error) return { ok: false, code: failureCode(error) };
	return { ok: true, value: data as T };
}

export function book(supabase: SupabaseClient, input: BookInput): Promise<Outcome<Booked>> {
	return call(
		supabase.rpc('book_appointment', {
			p_counsellor_id: input.counsellorId,
			p_starts_at: input.startsAt,
			p_mode: input.mode,
			p_subject: input.subject,
			p_topic: input.topic,
			p_member_id: input.memberId ?? undefined,
			p_note: input.note,
			p_contact: input.contact
		})
	);
}

export function reschedule(
	supabase: SupabaseClient,
	id: string,
	startsAt: string,
	counsellorId: string,
	mode: AppointmentMode
): Promise<Outcome<Booked>> {
	return call(
		supabase.rpc('reschedule_appointment', {
			p_id: id,
			p_starts_at: startsAt,
			p_mode: mode,
			p_counsellor_id: counsellorId
		})
	);
}

export function cancelAppointment(
	supabase: SupabaseClient,
	id: string
): Promise<Outcome<{ id: string; cancelled_late: boolean }>> {
	return call(supabase.rpc('cancel_appointment', { p_id: id }));
}

export function decideAppointment(
	supabase: SupabaseClient,
	id: string,
	accept: boolean
): Promise<Outcome<{ id: string; status: AppointmentStatus }>> {
	return call(supabase.rpc('decide_appointment', { p_id: id, p_accept: accept }));
}

export function markAppointment(
	supabase: SupabaseClient,
	id: string,
	outcome: 'attended' | 'no_show'
): Promise<Outcome<{ id: string; status: AppointmentStatus }>> {
	return call(supabase.rpc('mark_appointment', { p_id: id, p_outcome: outcome }));
}

/** One of the signed-in counsellor's own appointments, with its details; null if not theirs. */
export async function diaryEntry(supabase: SupabaseClient, id: string): Promise<DiaryEntry | null> {
	const { data, error } = await supabase.rpc('counsellor_appointments', {
		p_from: null as unknown as string,
		p_to: null as unknown as string,
		p_id: id
	});
	if (error) throw new Error(`counsellor_appointments: ${error.code} ${error.message}`);
	return data?.[0] ?? null;
}

export type DiaryEntry =
	Database['public']['Functions']['counsellor_appointments']['Returns'][number];

/** The signed-in counsellor's own appointments starting on the local dates from … to (exclusive). */
export async function counsellorDiary(
	supabase: SupabaseClient,
	from: string,
	to: string
): Promise<Outcome<DiaryEntry[]>> {
	return call(
		supabase.rpc('counsellor_appointments', {
			p_from: shanghaiIso(from, '00:00'),
			p_to: shanghaiIso(to, '00:00')
		})
	);
}

export interface SessionNote {
	id: string;
	body: string;
	createdAt: string;
	updatedAt: string;
}

/** The caller's own notes on an appointment (RLS: their author alone reads them). */
export async function myNotes(
	supabase: SupabaseClient,
	appointmentId: string
): Promise<SessionNote[]> {
	const { data, error } = await supabase
		.from('session_notes')
		.select('id, body, created_at, updated_at')
		.eq('appointment_id', appointmentId)
		.order('created_at');
	if (error) throw new Error(`session_notes: ${error.code} ${error.message}`);
	return (data ?? []).map((n) => ({
		id: n.id,
		body: n.body,
		createdAt: n.created_at,
		updatedAt: n.updated_at
	}));
}

export async function addNote(
	supabase: SupabaseClient,
	appointmentId: string,
	body: string
): Promise<Outcome<null>> {
	const { error } = await supabase
		.from('session_notes')
		.insert({ appointment_id: appointmentId, body });
	if (error) return { ok: false, code: error.code === '42501' ? 'not_authorised' : 'generic' };
	return { ok: true, value: null };
}

/** Busy periods of a centre's counsellors (no family, no topic), for its staff. */
export async function busyPeriods(
	supabase: SupabaseClient,
	orgId: string,
	from: string,
	to: string
): Promise<Outcome<{ counsellor_id: string; starts_at: string; ends_at: string }[]>> {
	return call(
		supabase.rpc('counsellor_busy', {
			p_org_id: orgId,
			p_from: shanghaiIso(from, '00:00'),
			p_to: shanghaiIso(to, '00:00')
		})
	);
}
