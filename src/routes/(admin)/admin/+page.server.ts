import { error } from '@sveltejs/kit';
import { pageLocale } from '$lib/components/promote-labels';
import { dayAfter, dayStart, periodFrom } from '$lib/schemas/admin';
import { adminFailure } from '$lib/server/admin/errors';
import { loadCourseFigures } from '$lib/server/admin/courses';
import { loadParticipation } from '$lib/server/admin/participation';
import { closedLoopCounts } from '$lib/server/notices';
import type { PageServerLoad } from './$types';

/** The participation overview for the period in ?from=&to= (default: last 90 days and upcoming). */
export const load = (async ({ locals, url }) => {
	const { period, invalid } = periodFrom(url);
	const [result, closedLoop, courses] = await Promise.all([
		loadParticipation(locals.supabase, period, pageLocale()),
		closedLoopCounts(locals.supabase, {
			from: dayStart(period.from),
			to: period.to ? dayAfter(period.to) : null
		}),
		loadCourseFigures(locals.supabase, period, pageLocale())
	]);
	if ('code' in result) {
		if (result.code === 'not_authorised' || result.code === 'second_factor_required')
			error(403, { message: adminFailure(result.code) });
		console.error('district_participation:', result.code);
		error(500, { message: adminFailure(result.code) });
	}
	return {
		period,
		periodProblem: invalid ? adminFailure('invalid_period') : null,
		participation: result.data,
		closedLoop,
		courses: 'code' in courses ? [] : courses.data
	};
}) satisfies PageServerLoad;
