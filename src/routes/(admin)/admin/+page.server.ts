import { error } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import { pageLocale, pick } from '$lib/components/promote-labels';
import { dayAfter, dayStart, periodFrom, shanghaiDay } from '$lib/schemas/admin';
import { adminFailure } from '$lib/server/admin/errors';
import { loadCourseFigures } from '$lib/server/admin/courses';
import { districtAccess, loadParticipation } from '$lib/server/admin/participation';
import { isCareStaff } from '$lib/server/admin/referrals';
import { GRAINS, filterQuery, type Filter, type Grain } from '$lib/schemas/dashboard';
import { dashboardFailure, loadDashboard, quickLinks } from '$lib/server/dashboard/page';
import { loadReferralFigures } from '$lib/server/dashboard/referrals';
import { closedLoopCounts } from '$lib/server/notices';
import type { PageServerLoad } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The district's dashboard for the period in ?from=&to= (default: the last 90 days and upcoming;
 * the charts run to today when the end is open), narrowed to ?org= and drawn by ?grain=; below
 * it, for the whole district, the participation tables of every organisation.
 */
export const load = (async ({ locals, url, setHeaders }) => {
	const locale = pageLocale();
	const { period, invalid } = periodFrom(url);
	const orgParam = url.searchParams.get('org') ?? '';
	const grainParam = url.searchParams.get('grain') ?? 'month';
	const today = shanghaiDay();
	const filter: Filter = {
		from: period.from,
		to: period.to || (period.from > today ? period.from : today),
		org: UUID.test(orgParam) ? orgParam : '',
		grain: (GRAINS as readonly string[]).includes(grainParam) ? (grainParam as Grain) : 'month'
	};
	const base = resolve('/admin');
	const links = {
		org: (id: string) => `${base}${filterQuery({ ...filter, org: id })}`,
		event: (id: string) => `${resolve('/(admin)/admin/events/[id]', { id })}${filterQuery(filter)}`
	};
	// Each call's time goes out as Server-Timing (read by bench/dashboard.ts). The tables below the
	// dashboard are only drawn for the whole district: for one organisation, only the check that
	// district_participation would make (administrator, second factor) runs.
	const timings: string[] = [];
	const timed = <T>(name: string, work: PromiseLike<T>): Promise<T> => {
		const start = performance.now();
		return Promise.resolve(work).then((value) => {
			timings.push(`${name};dur=${(performance.now() - start).toFixed(1)}`);
			return value;
		});
	};
	const whole = !filter.org;
	const sqlPeriod = { from: dayStart(period.from), to: period.to ? dayAfter(period.to) : null };
	const [dashboard, orgs, result, closedLoop, courses, referrals] = await Promise.all([
		timed('dashboard', loadDashboard(locals.supabase, filter, locale, links)),
		timed(
			'orgs',
			locals.supabase.from('organisations').select('id, name_zh, name_en').order('name_zh')
		),
		whole
			? timed('participation', loadParticipation(locals.supabase, period, locale))
			: timed('access', districtAccess(locals.supabase)),
		whole ? timed('closed_loop', closedLoopCounts(locals.supabase, sqlPeriod)) : null,
		whole ? timed('courses', loadCourseFigures(locals.supabase, period, locale)) : null,
		timed('referrals', loadReferralFigures(locals.supabase, filter, locale))
	]);
	setHeaders({ 'server-timing': timings.join(', ') });
	if ('code' in result) {
		if (result.code === 'not_authorised' || result.code === 'second_factor_required')
			error(403, { message: adminFailure(result.code) });
		console.error('district_participation:', result.code);
		error(500, { message: adminFailure(result.code) });
	}
	let problem: string | null = invalid ? adminFailure('invalid_period') : null;
	if ('code' in dashboard) {
		if (dashboard.code === 'not_authorised')
			error(403, { message: dashboardFailure('not_authorised') });
		problem ??= dashboardFailure(dashboard.code);
	}
	if (orgParam && !filter.org) problem ??= dashboardFailure('invalid_org');
	const orgOptions = (orgs.data ?? []).map((o) => ({
		id: o.id,
		name: pick({ zh: o.name_zh, en: o.name_en }, locale)
	}));
	return {
		period,
		filter,
		periodProblem: problem,
		orgs: orgOptions,
		orgName: orgOptions.find((o) => o.id === filter.org)?.name ?? null,
		quick: quickLinks(base, filter),
		dashboard: 'code' in dashboard ? null : dashboard.data,
		referrals,
		// The district's designated care staff also get the way to every referral.
		careStaff: isCareStaff(locals.user),
		participation: result.data,
		closedLoop: closedLoop ?? [],
		courses: !courses || 'code' in courses ? [] : courses.data
	};
}) satisfies PageServerLoad;
