import { fail, redirect } from '@sveltejs/kit';
import { orgValues, saveOrg } from '$lib/server/admin/orgs';
import type { Actions, PageServerLoad } from './$types';

export const load = (() => ({ values: orgValues(null) })) satisfies PageServerLoad;

export const actions = {
	save: async ({ locals, request }) => {
		const result = await saveOrg(locals.supabase, null, await request.formData());
		if (!result.ok) return fail(400, result);
		redirect(303, `/admin/orgs/${result.id}?created=1`);
	}
} satisfies Actions;
