import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import {
	courseKindLabels,
	editableCourse,
	sessionChoices,
	submitCourseForm
} from '$lib/server/courses/edit';
import { requireStaff } from '$lib/server/staff/context';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
	const { org } = await requireStaff(event);
	const supabase = event.locals.supabase;
	const course = await editableCourse(supabase, org.id, event.params.id);
	if (!course || course.status === 'cancelled')
		error(404, { message: m.courses_error_course_not_found() });
	const locale = getLocale() === 'en' ? 'en' : 'zh-CN';
	return {
		course: { id: course.id, title: course.values.title_zh },
		sessions: await sessionChoices(supabase, org.id, course.id, locale),
		sessionsLocked: course.hasEnrolments,
		kindLabels: courseKindLabels(),
		values: course.values,
		chosen: course.eventIds
	};
}) satisfies PageServerLoad;

export const actions = {
	default: (event) => submitCourseForm(event, event.params.id)
} satisfies Actions;
