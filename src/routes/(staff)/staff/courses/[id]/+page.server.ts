import { error, fail, redirect } from '@sveltejs/kit';
import { memberKindLabel } from '$lib/components/event-labels';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import { courseFailure } from '$lib/server/courses';
import {
	cellLabel,
	courseRegister,
	courseTitle,
	issueCertificates,
	sessionHeading,
	sessionShort,
	setExcused
} from '$lib/server/courses/register';
import { requireStaff } from '$lib/server/staff/context';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
	const { org } = await requireStaff(event);
	const register = await courseRegister(event.locals.supabase, org.id, event.params.id);
	if (!register) error(404, { message: m.courses_error_course_not_found() });
	const locale = getLocale() === 'en' ? 'en' : 'zh-CN';
	const done = event.url.searchParams.get('done');
	const issued = Number(event.url.searchParams.get('issued') ?? '0');
	return {
		course: {
			id: register.course.id,
			slug: register.course.slug,
			title: courseTitle(register.course, locale),
			rule: m.courses_rule({
				required: register.course.sessions_required,
				sessions: register.sessions.length
			}),
			excused:
				register.course.excused_allowed > 0
					? m.courses_rule_excused({ excused: register.course.excused_allowed })
					: ''
		},
		sessions: register.sessions.map((s, i) => ({
			id: s.id,
			heading: sessionShort(s, i),
			title: sessionHeading(s, i, locale)
		})),
		rows: register.rows.map((row) => ({
			memberId: row.member_id,
			guardian: row.guardian_name,
			member: `${row.nickname}（${memberKindLabel(row.member_kind)}）`,
			enrolled: row.enrolled,
			// One word per session, in the sessions' order (labels once, below: the page stays small).
			cells: register.sessions.map((s) => row.cells?.[s.id] ?? 'none'),
			attended: row.attended,
			excused: row.excused,
			hours: Number(row.hours),
			completed: row.completed,
			serial: row.certificate_serial
		})),
		labels: Object.fromEntries(
			(['attended', 'excused', 'absent', 'registered', 'none'] as const).map((c) => [
				c,
				cellLabel(c) || '—'
			])
		) as Record<string, string>,
		ready: register.rows.filter((row) => row.completed && !row.certificate_serial).length,
		notice:
			done === 'issued'
				? m.courses_staff_issued({ count: Number.isFinite(issued) ? issued : 0 })
				: done === 'excused'
					? m.courses_staff_saved()
					: done === 'saved'
						? m.courses_form_saved()
						: null
	};
}) satisfies PageServerLoad;

async function excuse(event: Parameters<Actions[string]>[0], excused: boolean) {
	await requireStaff(event);
	const form = await event.request.formData();
	// The button pressed names its cell: "<session's event id>:<member id>".
	const [eventId = '', memberId = ''] = String(form.get('cell') ?? '').split(':');
	const uuid = /^[0-9a-f-]{36}$/;
	if (!uuid.test(eventId) || !uuid.test(memberId))
		return fail(400, { message: courseFailure('session_not_found') });
	const code = await setExcused(
		event.locals.supabase,
		eventId,
		memberId,
		excused,
		String(form.get('reason') ?? '')
	);
	if (code) return fail(code === 'generic' ? 500 : 400, { message: courseFailure(code) });
	redirect(303, `/staff/courses/${event.params.id}?done=excused`);
}

export const actions = {
	excuse: (event) => excuse(event, true),
	unexcuse: (event) => excuse(event, false),
	issue: async (event) => {
		await requireStaff(event);
		const outcome = await issueCertificates(event.locals.supabase, event.params.id ?? '');
		if ('code' in outcome) return fail(400, { message: courseFailure(outcome.code) });
		redirect(303, `/staff/courses/${event.params.id}?done=issued&issued=${outcome.issued}`);
	}
} satisfies Actions;
