import { error } from '@sveltejs/kit';
import {
	isRequired,
	secondFactorActions,
	secondFactorStatus,
	setRequirement
} from '$lib/server/auth/second-factor';
import type { Actions, PageServerLoad } from './$types';

/** The administrator's own second factor, and whether the district requires one of them all. */
export const load = (async ({ locals }) => {
	if (!(await locals.roles()).admin) error(403, { message: 'forbidden' });
	return {
		...(await secondFactorStatus(locals)),
		required: await isRequired(locals.supabase, null)
	};
}) satisfies PageServerLoad;

export const actions = {
	...secondFactorActions,
	rule: async ({ locals, request }) => {
		const form = await request.formData();
		return setRequirement(locals.supabase, null, form.get('required') === 'on');
	}
} satisfies Actions;
