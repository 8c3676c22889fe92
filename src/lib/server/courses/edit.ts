/**
 * Creating and changing a course (staff): the organisation's events a course may take as sessions,
 * the form's values for an existing course, and save_course.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { error, fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { shanghaiParts } from '$lib/components/calendar-time';
import { pick } from '$lib/components/event-labels';
import { formatRange } from '$lib/i18n/format';
import { m } from '$lib/paraglide/messages';
import { formValues, issueFields } from '$lib/schemas/booking';
import { COURSE_KINDS, coursePayload, readCourseForm, type CourseInput } from '$lib/schemas/course';
import { failureCode, type Outcome } from '$lib/server/registrations';
import { requireStaff } from '$lib/server/staff/context';
import { courseFailure, courseKindLabel, text } from './index';

type Locale = 'zh-CN' | 'en';

export interface SessionChoice {
	id: string;
	title: string;
	when: string;
	capacity: number;
	draft: boolean;
}

/** Staff may see a course's form and save it only for their own organisation's courses. */
export interface EditableCourse {
	id: string;
	slug: string;
	status: 'draft' | 'published' | 'cancelled';
	seats_taken: number;
	values: Record<string, string>;
	eventIds: string[];
	hasEnrolments: boolean;
}

/**
 * The organisation's events that can be sessions: not cancelled, not over yet (or already sessions
 * of this course), in no other course, in time order.
 */
export async function sessionChoices(
	supabase: SupabaseClient,
	orgId: string,
	courseId: string | null,
	locale: Locale,
	now = new Date()
): Promise<SessionChoice[]> {
	const { data, error } = await supabase
		.from('events')
		.select(
			'id, title_zh, title_en, starts_at, ends_at, capacity, status, course_sessions(course_id)'
		)
		.eq('org_id', orgId)
		.neq('status', 'cancelled')
		.gte('ends_at', now.toISOString())
		.order('starts_at')
		.limit(300);
	if (error) throw new Error(`events: ${error.code} ${error.message}`);
	const choices = (data ?? [])
		// event_id is unique in course_sessions: the embed is one row or null.
		.filter((e) => {
			const session = e.course_sessions as unknown as { course_id: string } | null;
			return !session || session.course_id === courseId;
		})
		.map((e) => ({
			id: e.id as string,
			title: pick(text(e.title_zh as string, e.title_en as string), locale),
			when: formatRange(e.starts_at as string, e.ends_at as string, locale),
			startsAt: e.starts_at as string,
			capacity: e.capacity as number,
			draft: e.status === 'draft'
		}));
	if (courseId) {
		// Sessions already over stay on the form, so saving does not drop them.
		const { data: past, error: pastError } = await supabase
			.from('course_sessions')
			.select('events!inner(id, title_zh, title_en, starts_at, ends_at, capacity, status)')
			.eq('course_id', courseId)
			.lt('events.ends_at', now.toISOString());
		if (pastError) throw new Error(`course_sessions: ${pastError.code} ${pastError.message}`);
		for (const row of past ?? []) {
			const e = row.events as unknown as Record<string, string | number>;
			choices.push({
				id: String(e.id),
				title: pick(text(String(e.title_zh), String(e.title_en)), locale),
				when: formatRange(String(e.starts_at), String(e.ends_at), locale),
				startsAt: String(e.starts_at),
				capacity: Number(e.capacity),
				draft: e.status === 'draft'
			});
		}
	}
	return choices
		.sort((a, b) => a.startsAt.localeCompare(b.startsAt))
		.map(({ startsAt: _startsAt, ...choice }) => choice);
}

/** A course of `orgId` as the form's values (null when it is not that organisation's). */
export async function editableCourse(
	supabase: SupabaseClient,
	orgId: string,
	courseId: string
): Promise<EditableCourse | null> {
	if (!/^[0-9a-f-]{36}$/i.test(courseId)) return null;
	const { data, error } = await supabase
		.from('courses')
		.select(
			'id, slug, kind, status, title_zh, title_en, summary_zh, summary_en, capacity, max_seats_per_family, enrol_opens_at, enrol_closes_at, waitlist_enabled, drop_in_enabled, sessions_required, excused_allowed, seats_taken, waitlist_count, course_sessions(event_id)'
		)
		.eq('id', courseId)
		.eq('org_id', orgId)
		.maybeSingle();
	if (error) throw new Error(`courses: ${error.code} ${error.message}`);
	if (!data) return null;
	const at = (value: string | null, side: 'opens' | 'closes') => {
		if (!value) return {};
		const { date, time } = shanghaiParts(value);
		return { [`${side}_date`]: date, [`${side}_time`]: time };
	};
	return {
		id: data.id,
		slug: data.slug,
		status: data.status,
		seats_taken: data.seats_taken,
		hasEnrolments: data.seats_taken + data.waitlist_count > 0,
		eventIds: ((data.course_sessions ?? []) as { event_id: string }[]).map((s) => s.event_id),
		values: {
			kind: data.kind,
			status: data.status === 'published' ? 'published' : 'draft',
			title_zh: data.title_zh,
			title_en: data.title_en,
			summary_zh: data.summary_zh,
			summary_en: data.summary_en,
			capacity: String(data.capacity),
			max_seats_per_family: String(data.max_seats_per_family),
			...at(data.enrol_opens_at, 'opens'),
			...at(data.enrol_closes_at, 'closes'),
			waitlist_enabled: data.waitlist_enabled ? 'on' : '',
			drop_in_enabled: data.drop_in_enabled ? 'on' : '',
			sessions_required: String(data.sessions_required),
			excused_allowed: String(data.excused_allowed)
		}
	};
}

/** save_course: a new course when `courseId` is null. Returns the course's id. */
export async function saveCourse(
	supabase: SupabaseClient,
	orgId: string,
	input: CourseInput,
	courseId: string | null
): Promise<Outcome<string>> {
	const { data, error } = await supabase.rpc('save_course', {
		p_org_id: orgId,
		p_course: coursePayload(input),
		p_event_ids: input.event_ids,
		...(courseId ? { p_id: courseId } : {})
	});
	if (error) {
		const code = failureCode(error);
		if (code === 'generic') console.error('save_course failed:', error.code);
		return { ok: false, code };
	}
	return { ok: true, value: data as string };
}

/** The form fields a failure is about, to mark them invalid. */
export function courseFieldsFor(code: string): string[] {
	switch (code) {
		case 'no_sessions':
		case 'session_invalid':
		case 'session_in_other_course':
		case 'sessions_not_published':
			return ['event_ids'];
		case 'session_too_small':
		case 'capacity_below_confirmed':
			return ['capacity'];
		case 'sessions_required_too_high':
			return ['sessions_required'];
		case 'excused_within_rule':
			return ['excused_allowed'];
		case 'invalid_window':
		case 'incomplete':
			return ['opens_date', 'closes_date'];
		default:
			return [];
	}
}

/** The kinds of course as words, for the form's choice. */
export const courseKindLabels = () =>
	Object.fromEntries(COURSE_KINDS.map((kind) => [kind, courseKindLabel(kind)]));

/**
 * The course form's action, for a new course (courseId null) or an existing one of the staff
 * member's organisation: a refusal keeps what was typed and says what is wrong; a saved course
 * leads to its register.
 */
export async function submitCourseForm(event: RequestEvent, courseId: string | null) {
	const { org } = await requireStaff(event);
	const supabase = event.locals.supabase;
	const form = await event.request.formData();
	const values = formValues(form);
	const chosen = form.getAll('event_ids').map(String);
	const refuse = (code: string, seatsTaken?: number) =>
		fail(400, {
			message: courseFailure(code, undefined, { seatsTaken }),
			invalid: courseFieldsFor(code),
			values,
			chosen
		});
	const existing = courseId ? await editableCourse(supabase, org.id, courseId) : null;
	if (courseId && !existing) error(404, { message: m.courses_error_course_not_found() });

	const parsed = readCourseForm(form);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		const code = issue?.code === 'custom' ? issue.message : 'invalid_input';
		return fail(400, {
			message: courseFailure(code),
			invalid: issueFields(parsed.error),
			values,
			chosen
		});
	}
	const saved = await saveCourse(supabase, org.id, parsed.data, courseId);
	if (!saved.ok) return refuse(saved.code, existing?.seats_taken);
	redirect(303, `/staff/courses/${saved.value}?done=saved`);
}
