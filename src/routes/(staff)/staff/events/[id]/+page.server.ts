import { error, fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { formValues, issueFields } from '$lib/schemas/booking';
import { eventPayload, readEventForm } from '$lib/schemas/event';
import { requireStaff } from '$lib/server/staff/context';
import {
	describeError,
	fieldProblem,
	fieldsFor,
	missingFields,
	missingLabels
} from '$lib/server/staff/errors';
import { eventValues, getEvent, grantedBookings } from '$lib/server/staff/events';
import { listVenues } from '$lib/server/venues';
import { shanghaiParts } from '$lib/components/calendar-time';
import { formatDateTime } from '$lib/i18n/format';
import { getLocale } from '$lib/paraglide/runtime';
import { holdSchema, issueCode } from '$lib/schemas/referrals';
import { getEventHold, setEventHold } from '$lib/server/referrals';
import { referralFailure } from '$lib/server/referrals/messages';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
	const { org } = await requireStaff(event);
	const supabase = event.locals.supabase;
	const found = await getEvent(supabase, org.id, event.params.id);
	if (!found) error(404, { message: m.staff_error_event_not_found() });
	const [venues, bookings, hold] = await Promise.all([
		listVenues(supabase, org.id),
		grantedBookings(supabase, org.id),
		getEventHold(supabase, found.id)
	]);
	const locale = getLocale() === 'en' ? 'en' : 'zh-CN';
	return {
		hold: hold && {
			seats: hold.seats,
			releaseLocal: (({ date, time }) => `${date}T${time}`)(shanghaiParts(hold.release_at)),
			releaseText: formatDateTime(hold.release_at, locale),
			releasedText: hold.released_at
				? m.referrals_hold_released({
						time: formatDateTime(hold.released_at, locale),
						count: hold.released_seats ?? 0
					})
				: null
		},
		event: found,
		values: eventValues(found),
		venues: venues.filter((v) => v.active || v.id === found.booking?.venue_id),
		bookings,
		created: event.url.searchParams.has('created'),
		justPublished: event.url.searchParams.has('published'),
		// Created with "create and publish" but not complete yet: what it lacks.
		missing: found.status === 'draft' ? missingLabels(event.url.searchParams.get('missing')) : [],
		missingFields:
			found.status === 'draft' ? missingFields(event.url.searchParams.get('missing')) : []
	};
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
				values
			});
		}
		const current = await getEvent(supabase, org.id, event.params.id);
		if (!current)
			return fail(404, { message: m.staff_error_event_not_found(), invalid: [], values });
		const { data, error: failure } = await supabase.rpc('save_event', {
			p_org_id: org.id,
			p_id: current.id,
			p_event: eventPayload(parsed.data)
		});
		if (failure) {
			const venueCapacity = (await listVenues(supabase, org.id)).find(
				(v) => v.id === parsed.data.venue_id
			)?.capacity;
			return fail(400, {
				message: describeError(failure, { seatsTaken: current.seats_taken, venueCapacity }),
				invalid: fieldsFor(failure.message),
				values
			});
		}
		return { saved: true, notified: (data as { families_notified: number }).families_notified };
	},
	hold: async (event) => {
		const values = formValues(await event.request.formData());
		const parsed = holdSchema.safeParse(values);
		if (!parsed.success)
			return fail(400, {
				holdMessage: referralFailure(issueCode(parsed.error)),
				holdValues: values
			});
		const done = await setEventHold(
			event.locals.supabase,
			event.params.id,
			parsed.data.seats,
			parsed.data.release_at
		);
		if (!done.ok)
			return fail(400, { holdMessage: referralFailure(done.code, done.hint), holdValues: values });
		return { holdSaved: true };
	},
	publish: async (event) => {
		const form = await event.request.formData();
		const { data, error: failure } = await event.locals.supabase.rpc('publish_event', {
			p_event_id: event.params.id,
			p_whole_series: form.get('whole_series') === 'on'
		});
		if (failure) {
			const incomplete = failure.message === 'event_incomplete';
			return fail(400, {
				statusMessage: incomplete ? m.staff_error_event_incomplete() : describeError(failure),
				missing: incomplete ? missingLabels(failure.hint) : [],
				invalid: incomplete ? missingFields(failure.hint) : []
			});
		}
		return { published: (data as { published: number }).published };
	},
	cancel: async (event) => {
		const form = await event.request.formData();
		const reason = String(form.get('reason') ?? '').trim();
		if (reason.length > 500) return fail(400, { statusMessage: m.staff_error_text_too_long() });
		const { data, error: failure } = await event.locals.supabase.rpc('cancel_event', {
			p_event_id: event.params.id,
			p_reason: reason,
			p_whole_series: form.get('whole_series') === 'on'
		});
		if (failure) return fail(400, { statusMessage: describeError(failure) });
		return { cancelled: (data as { cancelled: number }).cancelled };
	}
} satisfies Actions;
