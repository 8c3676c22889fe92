/**
 * A guardian's own household: contact details, members, the consent to store children's data,
 * exporting and deleting it all. Thin over supabase-js, under the guardian's own RLS; the rules
 * (consent before a child, nothing half-removed) are in SQL.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import {
	birthYearMonth,
	type MemberInput,
	type MemberKind,
	type ProfileInput
} from '$lib/schemas/family';
import { failureCode, type Outcome } from '$lib/server/registrations';

export interface Family {
	id: string;
	guardianName: string;
	phone: string | null;
	email: string;
	locale: 'zh-CN' | 'en';
	remindersEnabled: boolean;
}

export interface FamilyMember {
	id: string;
	kind: MemberKind;
	nickname: string;
	/** 'YYYY-MM-01' (children; optional for adults). */
	birthYearMonth: string | null;
	grade: string | null;
	notes: string | null;
}

export interface PrivacyText {
	version: string;
	title: { zh: string; en: string };
	body: { zh: string; en: string };
}

export interface ConsentState {
	/** The text a guardian must agree to now (null if none is published). */
	current: PrivacyText | null;
	/** When the family agreed to the current version, if it has. */
	agreedAt: string | null;
}

const familyColumns = 'id, guardian_name, phone, email, locale, reminders_enabled';
const memberColumns = 'id, kind, nickname, birth_year_month, grade, notes, created_at';

interface FamilyRow {
	id: string;
	guardian_name: string;
	phone: string | null;
	email: string;
	locale: string;
	reminders_enabled: boolean;
}

interface MemberRow {
	id: string;
	kind: string;
	nickname: string;
	birth_year_month: string | null;
	grade: string | null;
	notes: string | null;
}

function toFamily(data: FamilyRow): Family {
	return {
		id: data.id,
		guardianName: data.guardian_name,
		phone: data.phone,
		email: data.email,
		locale: data.locale === 'en' ? 'en' : 'zh-CN',
		remindersEnabled: data.reminders_enabled
	};
}

/** Children first, then parents, then grandparents; in the order they were added within each. */
function toMembers(rows: MemberRow[]): FamilyMember[] {
	const order: Record<MemberKind, number> = { child: 0, parent: 1, grandparent: 2 };
	return rows
		.map((row) => ({
			id: row.id,
			kind: row.kind as MemberKind,
			nickname: row.nickname,
			birthYearMonth: row.birth_year_month,
			grade: row.grade,
			notes: row.notes
		}))
		.sort((a, b) => order[a.kind] - order[b.kind]);
}

export async function getFamily(supabase: SupabaseClient, userId: string): Promise<Family | null> {
	const { data, error } = await supabase
		.from('families')
		.select(familyColumns)
		.eq('guardian_id', userId)
		.maybeSingle();
	if (error) throw new Error(`families: ${error.code} ${error.message}`);
	return data ? toFamily(data) : null;
}

/**
 * The guardian's family with its members, in one request (every page that shows or offers the
 * members: the family page, event and course pages, counselling): null when there is none yet.
 */
export async function getFamilyWithMembers(
	supabase: SupabaseClient,
	userId: string
): Promise<{ family: Family; members: FamilyMember[] } | null> {
	const { data, error } = await supabase
		.from('families')
		.select(`${familyColumns}, family_members(${memberColumns})`)
		.eq('guardian_id', userId)
		.order('created_at', { referencedTable: 'family_members' })
		.maybeSingle();
	if (error) throw new Error(`families: ${error.code} ${error.message}`);
	return data ? familyWithMembers(data as unknown as FamilyWithMembersRow) : null;
}

export type FamilyWithMembersRow = FamilyRow & { family_members: MemberRow[] | null };

/** A family row with its family_members (as PostgREST embeds them, or event_page returns them). */
export function familyWithMembers(row: FamilyWithMembersRow): {
	family: Family;
	members: FamilyMember[];
} {
	return { family: toFamily(row), members: toMembers(row.family_members ?? []) };
}

/** Creates the family (first visit) or updates its contact details. */
export async function saveProfile(
	supabase: SupabaseClient,
	user: { id: string; email: string },
	input: ProfileInput
): Promise<Outcome<null>> {
	const existing = await getFamily(supabase, user.id);
	const fields = { guardian_name: input.guardian_name, phone: input.phone, locale: input.locale };
	const { error } = existing
		? await supabase.from('families').update(fields).eq('id', existing.id)
		: await supabase
				.from('families')
				.insert({ ...fields, guardian_id: user.id, email: user.email });
	if (error) {
		// A check constraint (23514) is bad input the form did not catch.
		if (error.code === '23514')
			return {
				ok: false,
				code: error.message.includes('families_phone_callable')
					? 'invalid_phone'
					: 'invalid_profile'
			};
		console.error('saving a family failed:', error.code);
		return { ok: false, code: failureCode(error) };
	}
	return { ok: true, value: null };
}

export async function consentState(
	supabase: SupabaseClient,
	familyId: string | null
): Promise<ConsentState> {
	const { data: version, error } = await supabase.rpc('current_privacy_version');
	if (error) throw new Error(`current_privacy_version: ${error.code} ${error.message}`);
	if (!version) return { current: null, agreedAt: null };
	const { data: text, error: textError } = await supabase
		.from('privacy_texts')
		.select('version, title_zh, title_en, body_zh, body_en')
		.eq('version', version)
		.single();
	if (textError) throw new Error(`privacy_texts: ${textError.code} ${textError.message}`);
	let agreedAt: string | null = null;
	if (familyId) {
		const { data: consent } = await supabase
			.from('consents')
			.select('agreed_at')
			.eq('family_id', familyId)
			.eq('version', version)
			.maybeSingle();
		agreedAt = consent?.agreed_at ?? null;
	}
	return {
		current: {
			version: text.version,
			title: { zh: text.title_zh, en: text.title_en },
			body: { zh: text.body_zh, en: text.body_en }
		},
		agreedAt
	};
}

export async function giveConsent(
	supabase: SupabaseClient,
	version: string
): Promise<Outcome<{ agreedAt: string }>> {
	const { data, error } = await supabase.rpc('give_consent', { p_version: version });
	if (error) return { ok: false, code: failureCode(error) };
	return { ok: true, value: { agreedAt: (data as { agreed_at: string }).agreed_at } };
}

export async function saveMember(
	supabase: SupabaseClient,
	input: MemberInput
): Promise<Outcome<{ id: string }>> {
	const { data, error } = await supabase.rpc('save_family_member', {
		p_kind: input.kind,
		p_nickname: input.nickname,
		p_birth_year_month: birthYearMonth(input),
		p_grade: input.grade,
		p_notes: input.notes,
		p_id: input.id
	});
	if (error) {
		const code = error.code === '23514' ? 'invalid_member' : failureCode(error);
		if (code === 'generic') console.error('save_family_member failed:', error.code);
		return { ok: false, code };
	}
	return { ok: true, value: { id: (data as { id: string }).id } };
}

export async function removeMember(supabase: SupabaseClient, id: string): Promise<Outcome<null>> {
	const { error } = await supabase.rpc('remove_family_member', { p_id: id });
	if (error) return { ok: false, code: failureCode(error) };
	return { ok: true, value: null };
}

export async function exportFamily(supabase: SupabaseClient): Promise<unknown> {
	const { data, error } = await supabase.rpc('export_my_family');
	if (error) throw new Error(`export_my_family: ${error.code} ${error.message}`);
	return data;
}

/** Deletes the account with the family's data (see delete_my_account in SQL for why there). */
export async function deleteAccount(supabase: SupabaseClient): Promise<Outcome<null>> {
	const { error } = await supabase.rpc('delete_my_account');
	if (error) return { ok: false, code: failureCode(error) };
	return { ok: true, value: null };
}
