import { fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { dateString, formValues, issueFields, timeString } from '$lib/schemas/booking';
import { eventPayload, readEventForm } from '$lib/schemas/event';
import { requireStaff } from '$lib/server/staff/context';
import { describeError, fieldProblem, fieldsFor, missingFields } from '$lib/server/staff/errors';
import { grantedBookings, type SeriesPreview } from '$lib/server/staff/events';
import { listVenues } from '$lib/server/venues';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
	const { org } = await requireStaff(event);
	const supabase = event.locals.supabase;
	const [venues, bookings] = await Promise.all([
		listVenues(supabase, org.id),
		grantedBookings(supabase, org.id)
	]);
	// A link from the calendar may say where and when: ?venue=&date=&start=&end=
	const q = event.url.searchParams;
	const values: Record<string, string> = {
		category: 'parent_child_reading',
		capacity: '30',
		weeks: '1',
		waitlist_enabled: 'on',
		max_seats_per_family: '4',
		place: 'venue'
	};
	const venue = venues.find((v) => v.active && v.id === q.get('venue'));
	if (venue) values.venue_id = venue.id;
	if (dateString.safeParse(q.get('date')).success) values.date = q.get('date')!;
	if (timeString.safeParse(q.get('start')).success) values.start = q.get('start')!;
	if (timeString.safeParse(q.get('end')).success) values.end = q.get('end')!;
	return { values, venues: venues.filter((v) => v.active), bookings };
}) satisfies PageServerLoad;

export const actions = {
	save: async (event) => {
		const { org } = await requireStaff(event);
		const supabase = event.locals.supabase;
		const form = await event.request.formData();
		const values = formValues(form);
		const parsed = readEventForm(form);
		if (!parsed.success) {
			return fail(400, {
				message: fieldProblem(parsed.error.issues[0]?.message ?? ''),
				invalid: issueFields(parsed.error),
				values,
				series: null as SeriesPreview | null
			});
		}
		const input = parsed.data;
		const payload = eventPayload(input);
		const venueCapacity = (await listVenues(supabase, org.id)).find(
			(v) => v.id === input.venue_id
		)?.capacity;

		// "Create and publish": a series is published in the same transaction as it is created.
		const publish = form.get('publish') === '1';
		if (input.weeks > 1) {
			const skip = form.get('skip_conflicts') === '1';
			// First a dry run: staff see the conflicting weeks before anything is saved.
			const dry = await supabase.rpc('create_event_series', {
				p_org_id: org.id,
				p_event: payload,
				p_weeks: input.weeks,
				p_dry_run: true
			});
			if (dry.error) {
				return fail(400, {
					message: describeError(dry.error, { venueCapacity }),
					invalid: fieldsFor(dry.error.message),
					values,
					series: null
				});
			}
			const preview = dry.data as SeriesPreview;
			if (preview.conflicts > 0 && !skip) {
				return fail(409, {
					message: m.staff_series_conflicts({ count: preview.conflicts, weeks: input.weeks }),
					invalid: [],
					values,
					series: preview
				});
			}
			const saved = await supabase.rpc('create_event_series', {
				p_org_id: org.id,
				p_event: payload,
				p_weeks: input.weeks,
				p_dry_run: false,
				p_skip_conflicts: skip,
				p_publish: publish
			});
			if (saved.error) {
				return fail(400, {
					message: describeError(saved.error, { venueCapacity }),
					invalid:
						saved.error.message === 'event_incomplete'
							? missingFields(saved.error.hint)
							: fieldsFor(saved.error.message),
					values,
					series: null
				});
			}
			const result = saved.data as SeriesPreview;
			redirect(
				303,
				result.published
					? `/staff/events?published=${result.published}`
					: `/staff/events?series=${result.created}`
			);
		}

		const { data, error } = await supabase.rpc('save_event', {
			p_org_id: org.id,
			p_event: payload
		});
		if (error) {
			return fail(400, {
				message: describeError(error, { venueCapacity }),
				invalid: fieldsFor(error.message),
				values,
				series: null
			});
		}
		const id = (data as { event_id: string }).event_id;
		if (publish) {
			// One event: saved as a draft first; when it cannot be published yet, its page says why.
			const published = await supabase.rpc('publish_event', { p_event_id: id });
			if (published.error?.message === 'event_incomplete')
				redirect(
					303,
					`/staff/events/${id}?created=1&missing=${encodeURIComponent(published.error.hint ?? '')}`
				);
			if (!published.error) redirect(303, `/staff/events/${id}?published=1`);
		}
		redirect(303, `/staff/events/${id}?created=1`);
	}
} satisfies Actions;
