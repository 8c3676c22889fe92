/**
 * The course register (点名册) for the organising organisation's staff: members × sessions, with
 * attended / excused / absent per cell, and the same as a CSV for Excel.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { memberKindLabel, pick } from '$lib/components/event-labels';
import { formatDate, formatTime } from '$lib/i18n/format';
import { m } from '$lib/paraglide/messages';
import { failureCode } from '$lib/server/registrations';
import { toCsv } from '$lib/server/staff/csv';
import { text } from './index';

type Locale = 'zh-CN' | 'en';

export type Cell = 'attended' | 'excused' | 'absent' | 'registered' | 'none';

export interface StaffCourse {
	id: string;
	slug: string;
	title_zh: string;
	title_en: string;
	status: string;
	kind: string;
	capacity: number;
	seats_taken: number;
	waitlist_count: number;
	sessions_required: number;
	excused_allowed: number;
}

export interface RegisterRow {
	family_id: string;
	guardian_name: string;
	member_id: string;
	member_kind: string;
	nickname: string;
	enrolled: boolean;
	cells: Record<string, Cell>;
	attended: number;
	excused: number;
	hours: number | string;
	completed: boolean;
	certificate_serial: string | null;
}

export interface RegisterSession {
	id: string;
	title_zh: string;
	title_en: string;
	starts_at: string;
	ends_at: string;
}

export interface CourseRegister {
	course: StaffCourse;
	sessions: RegisterSession[];
	rows: RegisterRow[];
}

const COURSE_COLUMNS =
	'id, slug, title_zh, title_en, status, kind, capacity, seats_taken, waitlist_count, sessions_required, excused_allowed';

/** The organisation's courses, newest first. */
export async function orgCourses(supabase: SupabaseClient, orgId: string): Promise<StaffCourse[]> {
	const { data, error } = await supabase
		.from('courses')
		.select(COURSE_COLUMNS)
		.eq('org_id', orgId)
		.order('created_at', { ascending: false });
	if (error) throw new Error(`courses: ${error.code} ${error.message}`);
	return (data ?? []) as StaffCourse[];
}

/**
 * The register of a course of `orgId` (null when the course is not that organisation's): the
 * course row is read under RLS and course_register checks membership again.
 */
export async function courseRegister(
	supabase: SupabaseClient,
	orgId: string,
	courseId: string
): Promise<CourseRegister | null> {
	if (!/^[0-9a-f-]{36}$/.test(courseId)) return null;
	const [course, sessions, register] = await Promise.all([
		supabase
			.from('courses')
			.select(COURSE_COLUMNS)
			.eq('id', courseId)
			.eq('org_id', orgId)
			.maybeSingle(),
		supabase
			.from('course_sessions')
			.select('events(id, title_zh, title_en, starts_at, ends_at, status)')
			.eq('course_id', courseId),
		supabase.rpc('course_register', { p_course_id: courseId })
	]);
	if (course.error || !course.data) return null;
	if (register.error) {
		const code = failureCode(register.error);
		if (code === 'not_authorised' || code === 'course_not_found') return null;
		throw new Error(`course_register: ${register.error.code} ${register.error.message}`);
	}
	const events = (
		(sessions.data ?? []) as unknown as { events: (RegisterSession & { status: string }) | null }[]
	)
		.map((s) => s.events)
		.filter(
			(e): e is RegisterSession & { status: string } => Boolean(e) && e!.status !== 'cancelled'
		)
		.sort((a, b) => a.starts_at.localeCompare(b.starts_at) || a.id.localeCompare(b.id));
	return {
		course: course.data as StaffCourse,
		sessions: events,
		rows: (register.data ?? []) as RegisterRow[]
	};
}

export function cellLabel(cell: Cell): string {
	switch (cell) {
		case 'attended':
			return m.courses_cell_attended();
		case 'excused':
			return m.courses_cell_excused();
		case 'absent':
			return m.courses_cell_absent();
		case 'registered':
			return m.courses_cell_registered();
		default:
			return '';
	}
}

/** A session's column heading in the page: its number and day, short enough for a phone. */
export const sessionShort = (session: RegisterSession, index: number) => {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone: 'Asia/Shanghai',
		month: 'numeric',
		day: 'numeric'
	}).format(new Date(session.starts_at));
	return `${index + 1} · ${parts}`;
};

/** A session's column heading in the CSV: its number, day and time. */
export const sessionHeading = (session: RegisterSession, index: number, locale: Locale) =>
	`${index + 1}. ${formatDate(session.starts_at, locale)} ${formatTime(session.starts_at, locale)}`;

/** The register as a spreadsheet: one row per member, one column per session (UTF-8 BOM, CRLF). */
export function registerCsv(register: CourseRegister, locale: Locale): string {
	const header = [
		m.courses_csv_guardian(),
		m.courses_csv_member(),
		m.courses_csv_kind(),
		m.courses_csv_enrolled(),
		...register.sessions.map((s, i) => sessionHeading(s, i, locale)),
		m.courses_csv_attended(),
		m.courses_csv_excused(),
		m.courses_csv_hours(),
		m.courses_csv_completed(),
		m.courses_csv_certificate()
	];
	const rows = register.rows.map((row) => [
		row.guardian_name,
		row.nickname,
		memberKindLabel(row.member_kind),
		row.enrolled ? m.courses_yes() : m.courses_drop_in(),
		...register.sessions.map((s) => cellLabel(row.cells?.[s.id] ?? 'none')),
		row.attended,
		row.excused,
		Number(row.hours),
		row.completed ? m.courses_yes() : m.courses_no(),
		row.certificate_serial ?? ''
	]);
	return toCsv(header, rows);
}

export const courseTitle = (course: Pick<StaffCourse, 'title_zh' | 'title_en'>, locale: Locale) =>
	pick(text(course.title_zh, course.title_en), locale);

/** Marks or clears an excused absence; returns the failure code, or null. */
export async function setExcused(
	supabase: SupabaseClient,
	eventId: string,
	memberId: string,
	excused: boolean,
	reason: string
): Promise<string | null> {
	const { error } = await supabase.rpc('set_excused_absence', {
		p_event_id: eventId,
		p_member_id: memberId,
		p_excused: excused,
		p_reason: reason.slice(0, 200)
	});
	if (!error) return null;
	const code = failureCode(error);
	if (code === 'generic') console.error('set_excused_absence failed:', error.code, error.message);
	return code;
}

/** Issues certificates to everyone who completed; returns how many, or the failure code. */
export async function issueCertificates(
	supabase: SupabaseClient,
	courseId: string
): Promise<{ issued: number } | { code: string }> {
	const { data, error } = await supabase.rpc('issue_course_certificates', {
		p_course_id: courseId
	});
	if (error) return { code: failureCode(error) };
	return data as { issued: number };
}
