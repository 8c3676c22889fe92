/** The district's course figures (district_course_figures) for the overview: one line per organisation and course kind. */
import type { SupabaseClient } from '@supabase/supabase-js';
import { pick, type Locale } from '$lib/components/promote-labels';
import { dayAfter, dayStart, type Period } from '$lib/schemas/admin';
import { courseKindLabel } from '$lib/server/courses';
import { errorCode } from './errors';

export interface CourseFigure {
	key: string;
	organisation: string;
	kind: string;
	held: number;
	running: number;
	families: number;
	people: number;
	completed: number;
	certificates: number;
	/** 0–100, or null without enrolments. */
	completionPercent: number | null;
}

interface Row {
	org_id: string;
	org_name_zh: string;
	org_name_en: string;
	course_kind: string;
	courses_held: number;
	courses_running: number;
	families_enrolled: number;
	people_enrolled: number;
	people_completed: number;
	certificates: number;
	completion_rate: number | string | null;
}

export async function loadCourseFigures(
	supabase: SupabaseClient,
	period: Period,
	locale: Locale
): Promise<{ data: CourseFigure[] } | { code: string }> {
	const { data, error } = await supabase.rpc('district_course_figures', {
		p_from: dayStart(period.from),
		p_to: period.to ? dayAfter(period.to) : null
	});
	if (error) return { code: errorCode(error) };
	return {
		data: ((data ?? []) as Row[]).map((row) => ({
			key: `${row.org_id}:${row.course_kind}`,
			organisation: pick({ zh: row.org_name_zh, en: row.org_name_en }, locale),
			kind: courseKindLabel(row.course_kind),
			held: row.courses_held,
			running: row.courses_running,
			families: row.families_enrolled,
			people: row.people_enrolled,
			completed: row.people_completed,
			certificates: row.certificates,
			completionPercent:
				row.completion_rate == null ? null : Math.round(Number(row.completion_rate) * 1000) / 10
		}))
	};
}
