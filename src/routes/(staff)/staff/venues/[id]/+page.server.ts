import { error, fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { blockSchema, formValues, issueFields, periodOf } from '$lib/schemas/booking';
import { requireStaff } from '$lib/server/staff/context';
import { describeError } from '$lib/server/staff/errors';
import { getVenue, submitVenueForm, upcomingBlocks, venueValues } from '$lib/server/venues';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
	const { org } = await requireStaff(event);
	const venue = await getVenue(event.locals.supabase, org.id, event.params.id);
	if (!venue) error(404, { message: m.staff_error_venue_not_found() });
	return {
		venue,
		values: venueValues(venue),
		blocks: await upcomingBlocks(event.locals.supabase, venue.id),
		saved: event.url.searchParams.has('saved')
	};
}) satisfies PageServerLoad;

export const actions = {
	save: async (event) => {
		const { org } = await requireStaff(event);
		const form = await event.request.formData();
		const result = await submitVenueForm(event.locals.supabase, org.id, form, event.params.id);
		if (!result.ok) return fail(400, { ...result, values: formValues(form) });
		return { saved: true, outsideHours: result.outsideHours };
	},
	block: async (event) => {
		const form = await event.request.formData();
		const parsed = blockSchema.safeParse({
			date: form.get('date'),
			start: form.get('start'),
			end_date: form.get('end_date') || undefined,
			end: form.get('end'),
			reason: form.get('reason') ?? ''
		});
		if (!parsed.success) {
			return fail(400, {
				blockMessage: m.staff_error_invalid_period(),
				blockInvalid: issueFields(parsed.error),
				blockValues: formValues(form)
			});
		}
		const { starts_at, ends_at } = periodOf(parsed.data);
		const { error: failure } = await event.locals.supabase.rpc('block_venue', {
			p_venue_id: event.params.id,
			p_starts_at: starts_at,
			p_ends_at: ends_at,
			p_reason: parsed.data.reason
		});
		if (failure) {
			return fail(400, {
				blockMessage: describeError(failure),
				blockInvalid: [],
				blockValues: formValues(form)
			});
		}
		return { blocked: true };
	},
	unblock: async (event) => {
		const form = await event.request.formData();
		const { error: failure } = await event.locals.supabase.rpc('cancel_venue_booking', {
			p_booking_id: String(form.get('booking_id') ?? '')
		});
		if (failure) return fail(400, { blockMessage: describeError(failure) });
		return { unblocked: true };
	}
} satisfies Actions;
