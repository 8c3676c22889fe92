import {
	isRequired,
	secondFactorActions,
	secondFactorStatus,
	setRequirement
} from '$lib/server/auth/second-factor';
import { requireStaff } from '$lib/server/staff/context';
import type { Actions, PageServerLoad } from './$types';

/** The staff member's own second factor, and whether their organisation requires one. */
export const load = (async (event) => {
	const { org } = await requireStaff(event);
	return {
		...(await secondFactorStatus(event.locals)),
		required: await isRequired(event.locals.supabase, org.id),
		manager: org.role === 'manager'
	};
}) satisfies PageServerLoad;

export const actions = {
	...secondFactorActions,
	/** Managers: require a second factor of everyone at the organisation, or stop requiring it. */
	rule: async (event) => {
		const { org } = await requireStaff(event);
		const form = await event.request.formData();
		return setRequirement(event.locals.supabase, org.id, form.get('required') === 'on');
	}
} satisfies Actions;
