import { fail, redirect } from '@sveltejs/kit';
import { formValues } from '$lib/schemas/booking';
import { requireStaff } from '$lib/server/staff/context';
import { submitVenueForm, venueValues } from '$lib/server/venues';
import type { Actions, PageServerLoad } from './$types';

export const load = (() => ({ values: venueValues(null) })) satisfies PageServerLoad;

export const actions = {
	save: async (event) => {
		const { org } = await requireStaff(event);
		const form = await event.request.formData();
		const result = await submitVenueForm(event.locals.supabase, org.id, form, null);
		if (!result.ok) return fail(400, { ...result, values: formValues(form) });
		redirect(303, `/staff/venues/${result.venueId}?saved=1`);
	}
} satisfies Actions;
