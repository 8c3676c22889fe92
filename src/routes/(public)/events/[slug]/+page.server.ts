import { error, fail, redirect } from '@sveltejs/kit';
import {
	ageRangeText,
	attendeesText,
	categoryLabel,
	memberKindLabel,
	pick,
	statusLabel
} from '$lib/components/event-labels';
import { eventJsonLd, jsonLdScript, socialMeta, toSeoEvent } from '$lib/components/promote-seo';
import { formatDateTime, formatRange } from '$lib/i18n/format';
import { m } from '$lib/paraglide/messages';
import {
	ageAt,
	ageFits,
	cancelSchema,
	parseSource,
	readRegisterForm
} from '$lib/schemas/registration';
import { getLocale } from '$lib/paraglide/runtime';
import { getEvent, registrationWindow, seatsLeft, type EventDetails } from '$lib/server/events';
import { readEventForm, readEventPage, type EventForm } from '$lib/server/events/page';
import { isWeChat } from '$lib/server/calendar/links';
import { registrationCalendarLinks } from '$lib/server/events/calendar';
import { parseDescription } from '$lib/server/events/description';
import { eventMoments, keepUntil } from '$lib/server/page-cache';
import { fillView } from '$lib/server/events/display';
import { eventCardKey, type EventPictureSources } from '$lib/server/pictures/cards';
import { coverView, defaultCover } from '$lib/server/pictures/store';
import { questionLabel, type Question } from '$lib/questions';
import { readAnswers } from '$lib/server/questions';
import { cancel, changeMembers, register } from '$lib/server/registrations';
import { registrationAllowed } from '$lib/server/registrations/limits';
import { registrationFailure } from '$lib/server/registrations/messages';
import { declineHeldInvitation } from '$lib/server/referrals';
import { referralFailure } from '$lib/server/referrals/messages';
import type { Actions, PageServerLoad } from './$types';

export const load = (async ({ locals, params, request, url }) => {
	// Every read of the page in one request (the event, pictures, materials, course, questions, and
	// the signed-in family's registration and kept place).
	const page = await readEventPage(locals.supabase, params.slug);
	if (!page) error(404, { message: 'not_found' });
	const { event, pictures, materials } = page;
	keepUntil(locals, eventMoments(event));
	const locale = getLocale() === 'en' ? 'en' : 'zh-CN';
	const description =
		locale === 'en' && event.description.en.trim() ? event.description.en : event.description.zh;

	let family: { hasFamily: boolean; members: Member[] } | null = null;
	let registration = null;
	// A place this family may take although the ordinary places are gone (never why).
	let held: { seats: number; until: string | null } | null = null;
	if (locals.user) {
		const found = page.family;
		const members = found?.members ?? [];
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
					kindText: memberKindLabel(member.kind),
					nickname: member.nickname,
					age,
					fits: age == null || ageFits(age, event.minAge, event.maxAge)
				};
			})
		};
		registration = found ? page.registration : null;
		if (found && !registration) {
			const place = page.held;
			if (place.available)
				held = {
					seats: place.seats ?? 1,
					until: place.invited_until ? formatDateTime(place.invited_until, locale) : null
				};
		}
	}

	const ended = new Date(event.endsAt) <= new Date();
	const title = pick(event.title, locale);
	const course = page.course;
	const heldOpenAt = ended || event.status !== 'published' ? null : page.heldOpenAt;
	const changeable =
		registration &&
		(registration.status === 'confirmed' || registration.status === 'waitlisted') &&
		new Date(event.startsAt) > new Date() &&
		event.status === 'published';
	return {
		questions: family && (!registration || changeable) ? page.questions : [],
		change:
			changeable && family
				? family.members.map((member) => ({
						id: member.id,
						kind: member.kind,
						kindText: member.kindText,
						nickname: member.nickname,
						coming: registration?.attendees.some((a) => a.id === member.id) ?? false
					}))
				: null,
		event: {
			id: event.id,
			slug: event.slug,
			status: event.status,
			minAge: event.minAge,
			maxAge: event.maxAge,
			maxSeatsPerFamily: event.maxSeatsPerFamily,
			waitlistEnabled: event.waitlistEnabled
		},
		view: eventView(event, locale),
		// A session of a course: families enrol on the course's page, once for every session.
		course: course && { slug: course.slug, title: pick(course.title, locale) },
		// Over or called off: no places, no form, no calendar entry — one sentence instead.
		over:
			event.status === 'cancelled' ? m.events_cancelled_short() : ended ? m.events_ended() : null,
		notice: noticeOf(url.searchParams.get('done'), registration?.waitlistPosition ?? null, title),
		gate: registration
			? null
			: gateOf(event, registrationWindow(event), family, url, ended, held !== null),
		held,
		// Some places are set aside (for families schools and centres refer) until this time: said in
		// words that label nobody, and only to those without a place kept for them.
		heldNote:
			heldOpenAt && !held
				? m.referrals_held_note({ time: formatDateTime(heldOpenAt, locale) })
				: null,
		familyLink: `/family?next=${encodeURIComponent(url.pathname + url.search)}`,
		seo: seo(event, locale, url.origin, cardUrl(event, pictures, locale, url.origin)),
		materials,
		cover: pictures.cover
			? coverView(locals.supabase, pictures.cover)
			: defaultCover(event.category),
		description: parseDescription(description),
		seatsLeft: Math.max(seatsLeft(event), held?.seats ?? 0),
		started: new Date(event.startsAt) <= new Date(),
		source: parseSource(url.searchParams.get('src')),
		family,
		// The registration's own calendar entry (its UID is the confirmation email's), while it is ahead.
		calendar:
			registration &&
			(registration.status === 'confirmed' || registration.status === 'waitlisted') &&
			!ended &&
			event.status !== 'cancelled'
				? {
						links: registrationCalendarLinks(event, {
							origin: url.origin,
							locale,
							registrationId: registration.id
						}),
						wechat: isWeChat(request.headers.get('user-agent'))
					}
				: null,
		registration: registration && {
			id: registration.id,
			status: registration.status,
			statusText: statusLabel(registration.status, registration.waitlistPosition),
			waitlistPosition: registration.waitlistPosition,
			checkInCode: registration.checkInCode,
			promotedText:
				registration.status === 'confirmed' && registration.waitlistJoinedAt !== null
					? m.events_promoted()
					: null,
			coming: `${m.events_coming()} ${attendeesText(registration.attendees, locale)}`
		}
	};
}) satisfies PageServerLoad;

/** Everything the page says about the event, in the visitor's language. */
function eventView(event: EventDetails, locale: 'zh-CN' | 'en') {
	const closes = formatDateTime(event.registrationClosesAt ?? event.startsAt, locale);
	return {
		title: pick(event.title, locale),
		summary: pick(event.summary, locale),
		category: categoryLabel(event.category),
		when: formatRange(event.startsAt, event.endsAt, locale),
		startsAt: new Date(event.startsAt).toISOString(),
		venue: event.venue && pick(event.venue, locale),
		address: event.address && pick(event.address, locale),
		organiser: pick(event.organiser.name, locale),
		phone: event.organiser.phone,
		ages: ageRangeText(event.minAge, event.maxAge),
		window: event.registrationOpensAt
			? m.events_window_from_to({
					from: formatDateTime(event.registrationOpensAt, locale),
					to: closes
				})
			: m.events_window_until({ to: closes }),
		fill: fillView(event),
		cancelled:
			event.status === 'cancelled'
				? [
						m.events_event_cancelled(),
						event.cancelledReason
							? m.events_event_cancelled_reason({ reason: event.cancelledReason })
							: ''
					].join(' ')
				: null
	};
}

/** The sentence after registering or cancelling (?done=…), or null. */
function noticeOf(done: string | null, position: number | null, title: string): string | null {
	switch (done) {
		case 'confirmed':
			return m.events_done_confirmed();
		case 'waitlisted':
			return m.events_done_waitlisted({ position: position ?? 0 });
		case 'repeated':
			return m.events_done_repeated();
		case 'cancelled':
			return m.events_done_cancelled({ title });
		case 'left_waitlist':
			return m.events_done_left_waitlist({ title });
		case 'changed':
			return m.registrations_done_changed();
		case 'declined':
			return m.referrals_declined();
		default:
			return null;
	}
}

/**
 * Why the registration form is not shown, and what to do instead (null: show it). The family has
 * no registration for the event here.
 */
function gateOf(
	event: EventDetails,
	window: ReturnType<typeof registrationWindow>,
	family: { hasFamily: boolean; members: unknown[] } | null,
	url: URL,
	ended: boolean,
	held = false
): { kind: string; text: string; link: { href: string; label: string } | null } | null {
	const here = encodeURIComponent(url.pathname + url.search);
	if (event.status === 'cancelled')
		return { kind: 'cancelled', text: m.events_error_event_cancelled(), link: null };
	if (ended) return { kind: 'ended', text: m.events_ended(), link: null };
	if (seatsLeft(event) <= 0 && !event.waitlistEnabled && !held)
		return { kind: 'full', text: m.events_full_no_form(), link: null };
	if (window === 'not_open')
		return {
			kind: 'not_open',
			text: event.registrationOpensAt
				? m.events_error_registration_not_open_at({
						time: formatDateTime(event.registrationOpensAt, getLocale())
					})
				: m.events_error_registration_not_open(),
			link: null
		};
	if (window === 'closed')
		return { kind: 'closed', text: m.events_error_registration_closed(), link: null };
	if (!family)
		return {
			kind: 'sign_in',
			text: m.events_sign_in_to_register(),
			link: { href: `/auth/sign-in?next=${here}`, label: m.events_sign_in_button() }
		};
	if (!family.hasFamily || family.members.length === 0)
		return {
			kind: 'family',
			text: family.hasFamily ? m.events_add_members_first() : m.events_family_first(),
			link: { href: `/family?next=${here}`, label: m.events_go_to_family() }
		};
	return null;
}

/** Link previews and search engines (the promotion helper's builders), made here so none of it ships as JavaScript. */
/** The share card's address, with the key of what it shows: a change makes a new URL. */
function cardUrl(
	event: EventDetails,
	pictures: EventPictureSources,
	locale: 'zh-CN' | 'en',
	origin: string
): string {
	const url = new URL(`/events/${event.slug}/card.png`, origin);
	url.searchParams.set('v', eventCardKey(event, pictures, locale, origin));
	if (locale === 'en') url.searchParams.set('lang', 'en');
	return url.href;
}

function seo(event: EventDetails, locale: 'zh-CN' | 'en', origin: string, image: string) {
	const view = toSeoEvent(
		{
			title: event.title,
			summary: event.summary,
			startsAt: event.startsAt,
			endsAt: event.endsAt,
			status: event.status,
			venue: event.venue,
			address: event.address,
			organiser: { name: event.organiser.name, slug: event.organiser.slug },
			minAge: event.minAge,
			maxAge: event.maxAge,
			slug: event.slug,
			image
		},
		{ origin, locale, siteName: m.app_name() }
	);
	return { url: view.url, meta: socialMeta(view), jsonLd: jsonLdScript(eventJsonLd(view)) };
}

interface Member {
	id: string;
	kind: 'child' | 'parent' | 'grandparent';
	kindText: string;
	nickname: string;
	age: number | null;
	fits: boolean;
}

/** What the form's question fields carried, to fill them in again after a refusal. */
function sentAnswers(form: FormData): Record<string, string[]> {
	const sent: Record<string, string[]> = {};
	for (const [name, value] of form)
		if (name.startsWith('q_')) (sent[name] ??= []).push(String(value));
	return sent;
}

/** Why who comes could not be changed, in the visitor's language. */
function changeFailure(code: string): string {
	switch (code) {
		case 'too_late_to_change':
			return m.registrations_error_too_late();
		case 'event_full':
			return m.registrations_error_event_full();
		case 'no_attendees':
			return m.registrations_error_no_attendees();
		default:
			return registrationFailure(code);
	}
}

function answerFailure(code: string, question: string): string {
	return code === 'answer_required'
		? m.questions_error_answer_required({ question })
		: m.questions_error_answer_invalid({ question });
}

/** The chosen members of the family, for the questions asked of each member. */
function membersAsked(page: EventForm, chosen: string[]) {
	if (page.questions.every((q) => q.scope === 'family')) return [];
	return (page.family?.members ?? []).filter((member) => chosen.includes(member.id));
}

function signInPath(url: URL) {
	return `/auth/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`;
}

export const actions = {
	/**
	 * The form's post. The event is not read first: register_on_page refuses an event_id that is
	 * not this page's event. Its questions and the family are read only when the form carries
	 * answers (to know which is which), or to word a refusal.
	 */
	register: async ({ locals, params, request, url }) => {
		if (!locals.user) redirect(303, signInPath(url));
		const form = await request.formData();
		const parsed = readRegisterForm(form);
		const selected = form.getAll('member').map(String);
		const invalid = () => {
			const code = selected.length === 0 ? 'no_attendees' : 'invalid_input';
			return fail(400, { action: 'register', code, message: registrationFailure(code), selected });
		};
		if (!parsed.success) return invalid();
		if (!(await registrationAllowed(locals.user.id))) {
			return fail(429, {
				action: 'register',
				code: 'rate_limited',
				message: registrationFailure('rate_limited'),
				selected
			});
		}
		// Not read yet: undefined. (No such event: null; register_on_page then refuses it too.)
		let page: EventForm | null | undefined = [...form.keys()].some((name) => name.startsWith('q_'))
			? await readEventForm(locals.supabase, params.slug)
			: undefined;
		const outcome = await register(locals.supabase, {
			slug: params.slug,
			eventId: parsed.data.event_id,
			memberIds: parsed.data.member_ids,
			source: parsed.data.src,
			answers: page
				? readAnswers(form, page.questions, membersAsked(page, parsed.data.member_ids))
				: [],
			note: String(form.get('note') ?? '')
		});
		if (!outcome.ok) {
			if (page === undefined) page = await readEventForm(locals.supabase, params.slug);
			if (!page) error(404, { message: 'not_found' });
			// register_on_page refused a form drawn for another event (event_not_found): say so.
			if (page.event.id !== parsed.data.event_id) return invalid();
			const asked = page.questions.find((q) => q.id === outcome.hint);
			return fail(outcome.code === 'generic' ? 500 : 400, {
				action: 'register',
				code: outcome.code,
				message: asked
					? answerFailure(outcome.code, questionLabel(asked, getLocale()))
					: registrationFailure(outcome.code, page.event, parsed.data.member_ids.length),
				selected,
				answers: sentAnswers(form),
				note: String(form.get('note') ?? '')
			});
		}
		const done = outcome.value.repeated ? 'repeated' : outcome.value.status;
		redirect(303, `/events/${params.slug}?done=${done}`);
	},

	/** The family gives back the place kept for it (its invitation), without registering. */
	decline: async ({ locals, params, url }) => {
		if (!locals.user) redirect(303, signInPath(url));
		const event = await getEvent(locals.supabase, params.slug);
		if (!event) error(404, { message: 'not_found' });
		const done = await declineHeldInvitation(locals.supabase, event.id);
		if (!done.ok)
			return fail(400, { action: 'decline', message: referralFailure(done.code), selected: [] });
		redirect(303, `/events/${event.slug}?done=${done.data ? 'declined' : 'repeated'}`);
	},

	change: async ({ locals, params, request, url }) => {
		if (!locals.user) redirect(303, signInPath(url));
		const form = await request.formData();
		const registrationId = String(form.get('registration_id') ?? '');
		const memberIds = [...new Set(form.getAll('member').map(String))];
		const failed = (status: number, code: string, hint?: string, questions: Question[] = []) => {
			const asked = questions.find((q) => q.id === hint);
			return fail(status, {
				action: 'change',
				code,
				message: asked
					? answerFailure(code, questionLabel(asked, getLocale()))
					: changeFailure(code),
				selected: memberIds,
				answers: sentAnswers(form),
				note: ''
			});
		};
		const page = await readEventForm(locals.supabase, params.slug);
		if (!page) error(404, { message: 'not_found' });
		if (!(await registrationAllowed(locals.user.id))) return failed(429, 'rate_limited');
		const { questions } = page;
		const coming = membersAsked(page, memberIds);
		const outcome = await changeMembers(locals.supabase, {
			registrationId,
			memberIds,
			answers: readAnswers(form, questions, coming)
		});
		if (!outcome.ok)
			return failed(outcome.code === 'generic' ? 500 : 400, outcome.code, outcome.hint, questions);
		// A fragment of its own: without one the browser keeps the form's #change-members, and
		// Chromium opens the <details> it points into, so the panel would stay open after saving.
		redirect(303, `/events/${params.slug}?done=changed#done`);
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
		if (!(await registrationAllowed(locals.user.id))) {
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
		const done = outcome.value.was === 'waitlisted' ? 'left_waitlist' : 'cancelled';
		redirect(303, `/events/${params.slug}?done=${done}`);
	}
} satisfies Actions;
