import { error, fail, redirect } from '@sveltejs/kit';
import { ageAt, ageFits, cancelSchema, parseSource, readRegisterForm } from '$lib/schemas/registration';
import { getLocale } from '$lib/paraglide/runtime';
import { getEvent, registrationWindow, seatsLeft } from '$lib/server/events';
import { parseDescription } from '$lib/server/events/description';
import { getFamily, listMembers } from '$lib/server/families';
import { activeRegistration, cancel, register } from '$lib/server/registrations';
import { registrationLimiter } from '$lib/server/registrations/limits';
import { registrationFailure } from '$lib/server/registrations/messages';
import type { Actions, PageServerLoad } from './$types';

export const load = (async ({ locals, params, url }) => {
	const event = await getEvent(locals.supabase, params.slug);
	if (!event) error(404, { message: 'not_found' });
	const locale = getLocale();
	const description =
		locale === 'en' && event.description.en.trim() ? event.description.en : event.description.zh;

	let family: { hasFamily: boolean; members: Member[] } | null = null;
	let registration = null;
	if (locals.user) {
		const found = await getFamily(locals.supabase, locals.user.id);
		const members = found ? await listMembers(locals.supabase, found.id) : [];
		family = {
			hasFamily: Boolean(found),
			members: members.map((member) => {
				const age =
					member.kind === 'child' && member.birthYearMonth
						? ageAt(member.birthYearMonth, event.startsAt)
						: null;
				return {
					id: member.id,
					kind: member.kind,
					nickname: member.nickname,
					age,
					fits: age == null || ageFits(age, event.minAge, event.maxAge)
				};
			})
		};
		registration = found ? await activeRegistration(locals.supabase, event.id) : null;
	}

	return {
		event: {
			id: event.id,
			slug: event.slug,
			status: event.status,
			category: event.category,
			title: event.title,
			summary: event.summary,
			startsAt: event.startsAt,
			endsAt: event.endsAt,
			capacity: event.capacity,
			seatsTaken: event.seatsTaken,
			waitlistCount: event.waitlistCount,
			waitlistEnabled: event.waitlistEnabled,
			minAge: event.minAge,
			maxAge: event.maxAge,
			registrationOpensAt: event.registrationOpensAt,
			registrationClosesAt: event.registrationClosesAt,
			maxSeatsPerFamily: event.maxSeatsPerFamily,
			organiser: event.organiser,
			venue: event.venue,
			address: event.address,
			cancelledReason: event.cancelledReason
		},
		description: parseDescription(description),
		seatsLeft: seatsLeft(event),
		window: registrationWindow(event),
		started: new Date(event.startsAt) <= new Date(),
		source: parseSource(url.searchParams.get('src')),
		done: url.searchParams.get('done'),
		family,
		registration: registration && {
			id: registration.id,
			status: registration.status,
			waitlistPosition: registration.waitlistPosition,
			promoted: registration.status === 'confirmed' && registration.waitlistJoinedAt !== null,
			checkInCode: registration.checkInCode,
			attendees: registration.attendees
		}
	};
}) satisfies PageServerLoad;

interface Member {
	id: string;
	kind: 'child' | 'parent' | 'grandparent';
	nickname: string;
	age: number | null;
	fits: boolean;
}

function signInPath(url: URL) {
	return `/auth/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`;
}

export const actions = {
	register: async ({ locals, params, request, url }) => {
		if (!locals.user) redirect(303, signInPath(url));
		const form = await request.formData();
		const parsed = readRegisterForm(form);
		const selected = form.getAll('member').map(String);
		const event = await getEvent(locals.supabase, params.slug);
		if (!event) error(404, { message: 'not_found' });
		if (!parsed.success || parsed.data.event_id !== event.id) {
			const code = selected.length === 0 ? 'no_attendees' : 'invalid_input';
			return fail(400, { action: 'register', code, message: registrationFailure(code), selected });
		}
		if (!registrationLimiter().hit(locals.user.id).allowed) {
			return fail(429, {
				action: 'register',
				code: 'rate_limited',
				message: registrationFailure('rate_limited'),
				selected
			});
		}
		const outcome = await register(locals.supabase, {
			eventId: event.id,
			memberIds: parsed.data.member_ids,
			source: parsed.data.src
		});
		if (!outcome.ok) {
			return fail(outcome.code === 'generic' ? 500 : 400, {
				action: 'register',
				code: outcome.code,
				message: registrationFailure(outcome.code, event, parsed.data.member_ids.length),
				selected
			});
		}
		const done = outcome.value.repeated ? 'repeated' : outcome.value.status;
		redirect(303, `/events/${event.slug}?done=${done}`);
	},

	cancel: async ({ locals, params, request, url }) => {
		if (!locals.user) redirect(303, signInPath(url));
		const parsed = cancelSchema.safeParse(Object.fromEntries(await request.formData()));
		if (!parsed.success) {
			return fail(400, {
				action: 'cancel',
				code: 'registration_not_found',
				message: registrationFailure('registration_not_found'),
				selected: []
			});
		}
		if (!registrationLimiter().hit(locals.user.id).allowed) {
			return fail(429, {
				action: 'cancel',
				code: 'rate_limited',
				message: registrationFailure('rate_limited'),
				selected: []
			});
		}
		const outcome = await cancel(locals.supabase, parsed.data.registration_id);
		if (!outcome.ok) {
			return fail(outcome.code === 'generic' ? 500 : 400, {
				action: 'cancel',
				code: outcome.code,
				message: registrationFailure(outcome.code),
				selected: []
			});
		}
		redirect(303, `/events/${params.slug}?done=cancelled`);
	}
} satisfies Actions;
