import { pick } from '$lib/components/event-labels';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import {
	courseKindLabel,
	memberLabel,
	myCourses,
	progressText,
	sessionWhen,
	text
} from '$lib/server/courses';
import type { PageServerLoad } from './$types';

export const load = (async ({ locals, url }) => {
	const locale = getLocale() === 'en' ? 'en' : 'zh-CN';
	const courses = await myCourses(locals.supabase);
	return {
		done: url.searchParams.get('done') === 'cancelled' ? m.courses_done_cancelled() : null,
		courses: courses.map((c) => ({
			enrolmentId: c.enrolment_id,
			slug: c.course.slug,
			title: pick(text(c.course.title_zh, c.course.title_en), locale),
			kind: courseKindLabel(c.course.kind),
			organiser: pick(text(c.organisation.name_zh, c.organisation.name_en), locale),
			status:
				c.status === 'confirmed'
					? m.courses_status_enrolled()
					: m.courses_waitlisted({ position: c.waitlist_position ?? 0 }),
			waitlisted: c.status === 'waitlisted',
			rule: m.courses_rule({ required: c.course.sessions_required, sessions: c.sessions.length }),
			cancellable: c.sessions.some((s) => new Date(s.starts_at) > new Date()),
			members: c.members.map((member) => ({
				id: member.member_id,
				label: memberLabel(member),
				progress: progressText(member, c.course),
				hours: m.courses_hours({ hours: Number(member.hours) }),
				completed: member.completed,
				serial: member.certificate_serial
			})),
			sessions: c.sessions.map((s) => ({
				id: s.event_id,
				when: sessionWhen(s, locale),
				title: pick(text(s.title_zh, s.title_en), locale),
				state:
					s.status === 'cancelled'
						? m.courses_session_cancelled()
						: s.registration_status === 'attended'
							? m.courses_cell_attended()
							: s.registration_status === 'confirmed'
								? m.courses_code({ code: s.check_in_code ?? '' })
								: ''
			}))
		}))
	};
}) satisfies PageServerLoad;
