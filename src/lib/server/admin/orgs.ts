/**
 * Organisations and their staff for the district administrators' pages, through the signed-in
 * administrator's own client: RLS lets district administrators write organisations and
 * memberships, add_org_member / org_staff check the role again.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { addStaffSchema, ORG_FIELDS, orgSchema, removeStaffSchema } from '$lib/schemas/admin';
import { adminFailure, errorCode } from './errors';

export interface OrgRow {
	id: string;
	kind: string;
	slug: string;
	name_zh: string;
	name_en: string;
	address_zh: string | null;
	address_en: string | null;
	town: string | null;
	contact_name: string | null;
	contact_phone: string | null;
	contact_email: string | null;
}

export interface StaffRow {
	user_id: string;
	email: string;
	role: 'staff' | 'manager';
	created_at: string;
}

const ORG_COLUMNS =
	'id, kind, slug, name_zh, name_en, address_zh, address_en, town, contact_name, contact_phone, contact_email';

/** What the form shows after a refused submission: the values as typed, field → sentence. */
export interface FormProblem {
	message: string;
	fields: Record<string, string>;
	values: Record<string, string>;
}

function formValues(form: FormData, names: readonly string[]): Record<string, string> {
	return Object.fromEntries(names.map((n) => [n, String(form.get(n) ?? '')]));
}

function issuesToFields(
	issues: { path: PropertyKey[]; message: string }[]
): Record<string, string> {
	const fields: Record<string, string> = {};
	for (const issue of issues) {
		const name = String(issue.path[0] ?? '');
		fields[name] ??= adminFailure(issue.message);
	}
	return fields;
}

export function orgValues(org: OrgRow | null): Record<string, string> {
	return Object.fromEntries(ORG_FIELDS.map((n) => [n, org ? String(org[n] ?? '') : '']));
}

export async function listOrgs(
	supabase: SupabaseClient
): Promise<{ orgs: (OrgRow & { staff: number })[] } | { code: string }> {
	const [orgs, members] = await Promise.all([
		supabase.from('organisations').select(ORG_COLUMNS).order('kind').order('name_zh'),
		supabase.from('org_members').select('org_id')
	]);
	if (orgs.error) return { code: errorCode(orgs.error) };
	if (members.error) return { code: errorCode(members.error) };
	const counts = new Map<string, number>();
	for (const m of members.data ?? []) counts.set(m.org_id, (counts.get(m.org_id) ?? 0) + 1);
	return {
		orgs: ((orgs.data ?? []) as OrgRow[]).map((o) => ({ ...o, staff: counts.get(o.id) ?? 0 }))
	};
}

export async function getOrg(supabase: SupabaseClient, id: string): Promise<OrgRow | null> {
	if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
	const { data } = await supabase
		.from('organisations')
		.select(ORG_COLUMNS)
		.eq('id', id)
		.maybeSingle();
	return (data as OrgRow | null) ?? null;
}

export async function orgStaff(
	supabase: SupabaseClient,
	orgId: string
): Promise<{ staff: StaffRow[] } | { code: string }> {
	const { data, error } = await supabase.rpc('org_staff', { p_org_id: orgId });
	if (error) return { code: errorCode(error) };
	return { staff: (data ?? []) as StaffRow[] };
}

/** Creates (orgId null) or updates an organisation from the submitted form. */
export async function saveOrg(
	supabase: SupabaseClient,
	orgId: string | null,
	form: FormData
): Promise<{ ok: true; id: string } | ({ ok: false } & FormProblem)> {
	const values = formValues(form, ORG_FIELDS);
	const parsed = orgSchema.safeParse(values);
	if (!parsed.success) {
		return {
			ok: false,
			message: adminFailure('fields'),
			fields: issuesToFields(parsed.error.issues),
			values
		};
	}
	const query = orgId
		? supabase.from('organisations').update(parsed.data).eq('id', orgId).select('id')
		: supabase.from('organisations').insert(parsed.data).select('id');
	const { data, error } = await query;
	if (error || !data?.length) {
		const code = error ? errorCode(error) : 'organisation_not_found';
		return {
			ok: false,
			message: adminFailure(code),
			fields: code === 'slug_taken' ? { slug: adminFailure(code) } : {},
			values
		};
	}
	return { ok: true, id: data[0].id as string };
}

export async function addStaff(
	supabase: SupabaseClient,
	orgId: string,
	form: FormData
): Promise<
	| { ok: true; email: string; role: 'staff' | 'manager' }
	| ({ ok: false; code: string } & FormProblem)
> {
	const values = formValues(form, ['email', 'role']);
	const parsed = addStaffSchema.safeParse(values);
	if (!parsed.success) {
		const fields = issuesToFields(parsed.error.issues);
		return { ok: false, code: 'fields', message: Object.values(fields)[0], fields, values };
	}
	const { error } = await supabase.rpc('add_org_member', {
		p_org_id: orgId,
		p_email: parsed.data.email,
		p_role: parsed.data.role
	});
	if (error) {
		const code = errorCode(error);
		return {
			ok: false,
			code,
			message: adminFailure(code),
			fields: code === 'user_not_found' ? { email: adminFailure(code) } : {},
			values
		};
	}
	return { ok: true, email: parsed.data.email.toLowerCase(), role: parsed.data.role };
}

export async function removeStaff(
	supabase: SupabaseClient,
	orgId: string,
	form: FormData
): Promise<{ ok: true; email: string } | { ok: false; code: string; message: string }> {
	const parsed = removeStaffSchema.safeParse({ user_id: String(form.get('user_id') ?? '') });
	if (!parsed.success) {
		return { ok: false, code: 'member_not_found', message: adminFailure('member_not_found') };
	}
	const email = String(form.get('email') ?? '');
	const { data, error } = await supabase
		.from('org_members')
		.delete()
		.eq('org_id', orgId)
		.eq('user_id', parsed.data.user_id)
		.select('user_id');
	if (error) {
		const code = errorCode(error);
		return { ok: false, code, message: adminFailure(code) };
	}
	if (!data?.length) {
		return { ok: false, code: 'member_not_found', message: adminFailure('member_not_found') };
	}
	return { ok: true, email };
}
