import { error, fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { adminFailure } from '$lib/server/admin/errors';
import {
	addStaff,
	getOrg,
	orgStaff,
	orgValues,
	removeStaff,
	saveOrg
} from '$lib/server/admin/orgs';
import type { Actions, PageServerLoad } from './$types';

export const load = (async ({ locals, params, url }) => {
	const org = await getOrg(locals.supabase, params.id);
	if (!org) error(404, { message: adminFailure('organisation_not_found') });
	const staff = await orgStaff(locals.supabase, org.id);
	if ('code' in staff) error(500, { message: adminFailure(staff.code) });
	return {
		org: { id: org.id, slug: org.slug, name_zh: org.name_zh, name_en: org.name_en },
		values: orgValues(org),
		staff: staff.staff,
		created: url.searchParams.get('created') === '1'
	};
}) satisfies PageServerLoad;

const roleLabel = (role: string) =>
	role === 'manager' ? m.admin_role_manager() : m.admin_role_staff();

export const actions = {
	save: async ({ locals, params, request }) => {
		const result = await saveOrg(locals.supabase, params.id, await request.formData());
		if (!result.ok) return fail(400, { save: result });
		return { save: { ok: true as const, message: m.admin_org_saved() } };
	},
	add: async ({ locals, params, request }) => {
		const result = await addStaff(locals.supabase, params.id, await request.formData());
		if (!result.ok) return fail(result.code === 'not_authorised' ? 403 : 400, { add: result });
		return {
			add: {
				ok: true as const,
				message: m.admin_staff_added({ email: result.email, role: roleLabel(result.role) })
			}
		};
	},
	remove: async ({ locals, params, request }) => {
		const result = await removeStaff(locals.supabase, params.id, await request.formData());
		if (!result.ok) return fail(400, { remove: result });
		return {
			remove: { ok: true as const, message: m.admin_staff_removed({ email: result.email }) }
		};
	}
} satisfies Actions;
