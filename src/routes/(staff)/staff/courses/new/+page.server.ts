import { getLocale } from '$lib/paraglide/runtime';
import { courseKindLabels, sessionChoices, submitCourseForm } from '$lib/server/courses/edit';
import { requireStaff } from '$lib/server/staff/context';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
	const { org } = await requireStaff(event);
	const locale = getLocale() === 'en' ? 'en' : 'zh-CN';
	return {
		sessions: await sessionChoices(event.locals.supabase, org.id, null, locale),
		kindLabels: courseKindLabels(),
		values: {
			kind: 'family_education',
			status: 'draft',
			capacity: '30',
			max_seats_per_family: '2',
			waitlist_enabled: 'on',
			excused_allowed: '0'
		} as Record<string, string>
	};
}) satisfies PageServerLoad;

export const actions = {
	default: (event) => submitCourseForm(event, null)
} satisfies Actions;
