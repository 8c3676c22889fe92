/**
 * Parent-school courses (家长学校课程) for the pages: the public course page, a family's courses and
 * certificates, the staff register and the public certificate verification. The rules live in SQL
 * (20261205210100…210600); this module calls them and turns their stable failure codes into
 * sentences in the visitor's language.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { memberKindLabel, pick } from '$lib/components/event-labels';
import { formatDate, formatRange } from '$lib/i18n/format';
import { m } from '$lib/paraglide/messages';
import { failureCode, type Outcome } from '$lib/server/registrations';

type Locale = 'zh-CN' | 'en';
type Text = { zh: string; en: string };

export interface CourseSession {
	event_id: string;
	slug: string;
	title_zh: string;
	title_en: string;
	starts_at: string;
	ends_at: string;
	status: string;
	place: { venue_zh?: string; venue_en?: string; address_zh?: string; address_en?: string } | null;
	drop_in_places?: number | null;
}

export interface CourseDetails {
	id: string;
	slug: string;
	kind: string;
	status: 'draft' | 'published' | 'cancelled';
	title_zh: string;
	title_en: string;
	summary_zh: string;
	summary_en: string;
	capacity: number;
	seats_taken: number;
	waitlist_count: number;
	waitlist_enabled: boolean;
	drop_in_enabled: boolean;
	max_seats_per_family: number;
	sessions_required: number;
	excused_allowed: number;
	enrol_opens_at: string | null;
	enrol_closes_at: string | null;
	enrolment_open: boolean;
	organisation: { slug: string; name_zh: string; name_en: string; phone: string | null };
	sessions: CourseSession[];
	my_enrolment: {
		id: string;
		status: 'confirmed' | 'waitlisted';
		waitlist_position: number | null;
		seats: number;
	} | null;
}

export const text = (zh: string, en: string): Text => ({ zh, en: en || zh });

/** The kind of course as words (隔代教育, new parents, …). */
export function courseKindLabel(kind: string): string {
	switch (kind) {
		case 'grandparents':
			return m.courses_kind_grandparents();
		case 'new_parents':
			return m.courses_kind_new_parents();
		case 'teenagers':
			return m.courses_kind_teenagers();
		case 'early_childhood':
			return m.courses_kind_early_childhood();
		case 'family_education':
			return m.courses_kind_family_education();
		default:
			return m.courses_kind_other();
	}
}

/** A session's place as one line. */
export function placeText(place: CourseSession['place'], locale: Locale): string {
	if (!place) return '';
	const venue = pick(text(place.venue_zh ?? '', place.venue_en ?? ''), locale);
	const address = pick(text(place.address_zh ?? '', place.address_en ?? ''), locale);
	return [venue, address].filter(Boolean).join(' · ');
}

export function sessionWhen(session: CourseSession, locale: Locale): string {
	return formatRange(session.starts_at, session.ends_at, locale);
}

export async function getCourse(
	supabase: SupabaseClient,
	slug: string
): Promise<CourseDetails | null> {
	if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug) || slug.length > 80) return null;
	const { data, error } = await supabase.rpc('course_details', { p_slug: slug });
	if (error) throw new Error(`course_details: ${error.code} ${error.message}`);
	return (data as CourseDetails | null) ?? null;
}

export async function enrol(
	supabase: SupabaseClient,
	courseId: string,
	memberIds: string[],
	source: string | null
): Promise<Outcome<{ status: 'confirmed' | 'waitlisted'; waitlist_position: number | null }>> {
	const { data, error } = await supabase.rpc('enrol_in_course', {
		p_course_id: courseId,
		p_member_ids: memberIds,
		p_source: source
	});
	if (error) {
		const code = failureCode(error);
		if (code === 'generic') console.error('enrol_in_course failed:', error.code);
		return { ok: false, code };
	}
	return {
		ok: true,
		value: data as { status: 'confirmed' | 'waitlisted'; waitlist_position: number | null }
	};
}

export async function cancelEnrolment(
	supabase: SupabaseClient,
	enrolmentId: string
): Promise<Outcome<{ was: string }>> {
	if (!/^[0-9a-f-]{36}$/.test(enrolmentId)) return { ok: false, code: 'enrolment_not_found' };
	const { data, error } = await supabase.rpc('cancel_course_enrolment', {
		p_enrolment_id: enrolmentId
	});
	if (error) {
		const code = failureCode(error);
		if (code === 'generic') console.error('cancel_course_enrolment failed:', error.code);
		return { ok: false, code };
	}
	return { ok: true, value: data as { was: string } };
}

/** Every failure code of the course functions as a sentence in the visitor's language. */
export function courseFailure(
	code: string,
	course?: Pick<CourseDetails, 'max_seats_per_family'>,
	context: { seatsTaken?: number } = {}
): string {
	switch (code) {
		case 'not_authorised':
			return m.courses_error_not_authorised();
		case 'family_required':
			return m.courses_error_family_required();
		case 'no_attendees':
			return m.courses_error_no_attendees();
		case 'not_family_member':
			return m.courses_error_not_family_member();
		case 'consent_required':
			return m.courses_error_consent_required();
		case 'course_not_found':
			return m.courses_error_course_not_found();
		case 'course_cancelled':
			return m.courses_error_course_cancelled();
		case 'already_enrolled':
			return m.courses_error_already_enrolled();
		case 'enrolment_not_open':
			return m.courses_error_enrolment_not_open();
		case 'enrolment_closed':
			return m.courses_error_enrolment_closed();
		case 'seat_limit_exceeded':
			return m.courses_error_seat_limit({ max: course?.max_seats_per_family ?? 1 });
		case 'course_full':
			return m.courses_error_course_full();
		case 'enrolment_not_found':
		case 'enrolment_not_active':
			return m.courses_error_enrolment_not_found();
		case 'session_not_found':
			return m.courses_error_session_not_found();
		case 'not_in_course':
			return m.courses_error_not_in_course();
		case 'already_attended':
			return m.courses_error_already_attended();
		case 'rate_limited':
			return m.courses_error_rate_limited();
		case 'no_sessions':
			return m.courses_error_no_sessions();
		case 'session_invalid':
			return m.courses_error_session_invalid();
		case 'session_in_other_course':
			return m.courses_error_session_in_other_course();
		case 'session_too_small':
			return m.courses_error_session_too_small();
		case 'sessions_required_too_high':
			return m.courses_error_sessions_required_too_high();
		case 'sessions_not_published':
			return m.courses_error_sessions_not_published();
		case 'course_has_enrolments':
			return m.courses_error_course_has_enrolments();
		case 'capacity_below_confirmed':
			return m.courses_error_capacity_below_confirmed({ taken: context.seatsTaken ?? 0 });
		case 'excused_within_rule':
			return m.courses_error_excused_within_rule();
		case 'invalid_window':
			return m.courses_error_invalid_window();
		case 'incomplete':
			return m.courses_error_incomplete_time();
		case 'invalid_input':
			return m.courses_error_invalid_input();
		default:
			return m.courses_error_generic();
	}
}

export interface MyCourse {
	enrolment_id: string;
	status: 'confirmed' | 'waitlisted';
	waitlist_position: number | null;
	course: {
		id: string;
		slug: string;
		title_zh: string;
		title_en: string;
		kind: string;
		sessions_required: number;
		excused_allowed: number;
	};
	organisation: { name_zh: string; name_en: string };
	sessions: (CourseSession & {
		registration_status: string | null;
		check_in_code: string | null;
	})[];
	members: {
		member_id: string;
		nickname: string;
		kind: string;
		attended: number;
		excused: number;
		hours: number;
		completed: boolean;
		certificate_serial: string | null;
	}[];
}

export async function myCourses(supabase: SupabaseClient): Promise<MyCourse[]> {
	const { data, error } = await supabase.rpc('my_courses');
	if (error) throw new Error(`my_courses: ${error.code} ${error.message}`);
	return (data ?? []) as MyCourse[];
}

/** A member's progress as one sentence: "已出席 5 次（要求 6 次），请假 1 次". */
export function progressText(
	member: Pick<MyCourse['members'][number], 'attended' | 'excused'>,
	course: Pick<MyCourse['course'], 'sessions_required'>
): string {
	const base = m.courses_progress({
		attended: member.attended,
		required: course.sessions_required
	});
	return member.excused > 0
		? `${base} ${m.courses_progress_excused({ excused: member.excused })}`
		: base;
}

export const memberLabel = (member: { kind: string; nickname: string }) =>
	`${member.nickname}（${memberKindLabel(member.kind)}）`;

export { formatDate };

export interface CourseLink {
	slug: string;
	title: Text;
	kind: string;
}

/** An organisation's published courses, for links from its public page. */
export async function orgCourseLinks(
	supabase: SupabaseClient,
	orgId: string
): Promise<CourseLink[]> {
	const { data, error } = await supabase
		.from('courses')
		.select('slug, title_zh, title_en, kind')
		.eq('org_id', orgId)
		.eq('status', 'published')
		.order('created_at', { ascending: false })
		.limit(20);
	if (error) throw new Error(`courses: ${error.code} ${error.message}`);
	return (data ?? []).map(courseLink);
}

/** A course's link from its row (slug, title_zh, title_en, kind). */
export function courseLink(c: {
	slug: string;
	title_zh: string;
	title_en: string;
	kind: string;
}): CourseLink {
	return { slug: c.slug, title: text(c.title_zh, c.title_en), kind: c.kind };
}

/** The published course an event is a session of, if any (for a link from the event's page). */
export async function sessionCourse(
	supabase: SupabaseClient,
	eventId: string
): Promise<CourseLink | null> {
	const { data, error } = await supabase
		.from('course_sessions')
		.select('courses!inner(slug, title_zh, title_en, kind, status)')
		.eq('event_id', eventId)
		.eq('courses.status', 'published')
		.maybeSingle();
	if (error) throw new Error(`course_sessions: ${error.code} ${error.message}`);
	const c = (
		data as unknown as {
			courses: { slug: string; title_zh: string; title_en: string; kind: string };
		} | null
	)?.courses;
	return c ? courseLink(c) : null;
}
