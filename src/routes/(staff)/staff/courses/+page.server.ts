import { requireStaff } from '$lib/server/staff/context';
import { courseKindLabel } from '$lib/server/courses';
import { courseTitle, orgCourses } from '$lib/server/courses/register';
import { getLocale } from '$lib/paraglide/runtime';
import type { PageServerLoad } from './$types';

export const load = (async (event) => {
	const { org } = await requireStaff(event);
	const locale = getLocale() === 'en' ? 'en' : 'zh-CN';
	const courses = await orgCourses(event.locals.supabase, org.id);
	return {
		courses: courses.map((c) => ({
			id: c.id,
			slug: c.slug,
			status: c.status,
			title: courseTitle(c, locale),
			kind: courseKindLabel(c.kind),
			seats: `${c.seats_taken}/${c.capacity}`,
			waiting: c.waitlist_count
		}))
	};
}) satisfies PageServerLoad;
