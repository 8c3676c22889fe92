import { error, fail, redirect } from '@sveltejs/kit';
import { memberKindLabel, pick } from '$lib/components/event-labels';
import { formatDateTime } from '$lib/i18n/format';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import { parseSource } from '$lib/schemas/registration';
import {
	cancelEnrolment,
	courseFailure,
	courseKindLabel,
	enrol,
	getCourse,
	placeText,
	sessionWhen,
	text
} from '$lib/server/courses';
import { getFamilyWithMembers } from '$lib/server/families';
import { registrationAllowed } from '$lib/server/registrations/limits';
import type { Actions, PageServerLoad } from './$types';

export const load = (async ({ locals, params, url }) => {
	const course = await getCourse(locals.supabase, params.slug);
	if (!course) error(404, { message: 'not_found' });
	const locale = getLocale() === 'en' ? 'en' : 'zh-CN';
	let members: { id: string; label: string }[] | null = null;
	let hasFamily = false;
	if (locals.user) {
		const found = await getFamilyWithMembers(locals.supabase, locals.user.id);
		hasFamily = Boolean(found);
		members = (found?.members ?? []).map((member) => ({
			id: member.id,
			label: `${member.nickname}（${memberKindLabel(member.kind)}）`
		}));
	}
	const here = encodeURIComponent(url.pathname);
	const left = Math.max(course.capacity - course.seats_taken, 0);
	const done = url.searchParams.get('done');
	const mine = course.my_enrolment;
	return {
		course: { id: course.id, slug: course.slug, status: course.status },
		view: {
			title: pick(text(course.title_zh, course.title_en), locale),
			summary: pick(text(course.summary_zh, course.summary_en), locale),
			kind: courseKindLabel(course.kind),
			organiser: pick(text(course.organisation.name_zh, course.organisation.name_en), locale),
			organiserSlug: course.organisation.slug,
			phone: course.organisation.phone,
			rule: m.courses_rule({
				required: course.sessions_required,
				sessions: course.sessions.filter((s) => s.status !== 'cancelled').length
			}),
			excused:
				course.excused_allowed > 0
					? m.courses_rule_excused({ excused: course.excused_allowed })
					: '',
			places:
				left > 0
					? m.courses_places_left({ left, capacity: course.capacity })
					: course.waitlist_enabled
						? m.courses_full_waitlist({ waiting: course.waitlist_count })
						: m.courses_full(),
			window: course.enrol_closes_at
				? m.courses_window_until({ to: formatDateTime(course.enrol_closes_at, locale) })
				: '',
			maxSeats: m.courses_max_seats({ max: course.max_seats_per_family }),
			cancelled: course.status === 'cancelled' ? m.courses_error_course_cancelled() : null
		},
		sessions: course.sessions.map((s, index) => ({
			id: s.event_id,
			slug: s.slug,
			number: index + 1,
			title: pick(text(s.title_zh, s.title_en), locale),
			when: sessionWhen(s, locale),
			startsAt: s.starts_at,
			place: placeText(s.place, locale),
			cancelled: s.status === 'cancelled',
			dropIn:
				course.drop_in_enabled && s.status === 'published' && (s.drop_in_places ?? 0) > 0
					? m.courses_drop_in_places({ places: s.drop_in_places ?? 0 })
					: null
		})),
		enrolment: mine && {
			id: mine.id,
			status: mine.status,
			text:
				mine.status === 'confirmed'
					? m.courses_enrolled({ seats: mine.seats })
					: m.courses_waitlisted({ position: mine.waitlist_position ?? 0 })
		},
		notice:
			done === 'confirmed'
				? m.courses_done_confirmed()
				: done === 'waitlisted'
					? m.courses_done_waitlisted({ position: mine?.waitlist_position ?? 0 })
					: done === 'cancelled'
						? m.courses_done_cancelled()
						: null,
		gate: mine
			? null
			: course.status !== 'published'
				? { kind: 'cancelled', text: m.courses_error_course_cancelled(), link: null }
				: !course.enrolment_open
					? {
							kind: 'closed',
							text:
								course.enrol_opens_at && new Date(course.enrol_opens_at) > new Date()
									? m.courses_error_enrolment_not_open()
									: m.courses_error_enrolment_closed(),
							link: null
						}
					: left <= 0 && !course.waitlist_enabled
						? { kind: 'full', text: m.courses_full(), link: null }
						: !members
							? {
									kind: 'sign_in',
									text: m.courses_sign_in_to_enrol(),
									link: { href: `/auth/sign-in?next=${here}`, label: m.courses_sign_in() }
								}
							: !hasFamily || members.length === 0
								? {
										kind: 'family',
										text: m.courses_error_family_required(),
										link: { href: `/family?next=${here}`, label: m.courses_go_to_family() }
									}
								: null,
		members,
		source: parseSource(url.searchParams.get('src'))
	};
}) satisfies PageServerLoad;

const signIn = (url: URL) => `/auth/sign-in?next=${encodeURIComponent(url.pathname)}`;

export const actions = {
	enrol: async ({ locals, params, request, url }) => {
		if (!locals.user) redirect(303, signIn(url));
		const form = await request.formData();
		const selected = [...new Set(form.getAll('member').map(String))].filter((id) =>
			/^[0-9a-f-]{36}$/.test(id)
		);
		const course = await getCourse(locals.supabase, params.slug);
		if (!course) error(404, { message: 'not_found' });
		const failed = (status: number, code: string) =>
			fail(status, { action: 'enrol', code, message: courseFailure(code, course), selected });
		if (String(form.get('course_id') ?? '') !== course.id) return failed(400, 'course_not_found');
		if (selected.length === 0) return failed(400, 'no_attendees');
		if (!(await registrationAllowed(locals.user.id))) return failed(429, 'rate_limited');
		const source = parseSource(String(form.get('src') ?? '')) ?? null;
		const outcome = await enrol(locals.supabase, course.id, selected, source);
		if (!outcome.ok) return failed(outcome.code === 'generic' ? 500 : 400, outcome.code);
		redirect(303, `/courses/${course.slug}?done=${outcome.value.status}`);
	},

	cancel: async ({ locals, params, request, url }) => {
		if (!locals.user) redirect(303, signIn(url));
		const form = await request.formData();
		if (!(await registrationAllowed(locals.user.id)))
			return fail(429, {
				action: 'cancel',
				code: 'rate_limited',
				message: courseFailure('rate_limited'),
				selected: []
			});
		const outcome = await cancelEnrolment(locals.supabase, String(form.get('enrolment_id') ?? ''));
		if (!outcome.ok)
			return fail(400, {
				action: 'cancel',
				code: outcome.code,
				message: courseFailure(outcome.code),
				selected: []
			});
		const next = String(form.get('next') ?? '');
		redirect(
			303,
			next === 'mine' ? '/family/courses?done=cancelled' : `/courses/${params.slug}?done=cancelled`
		);
	}
} satisfies Actions;
