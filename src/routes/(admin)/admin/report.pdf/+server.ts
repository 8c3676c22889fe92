import { error, redirect } from '@sveltejs/kit';
import { reportDownload } from '$lib/server/dashboard/downloads';
import { dashboardFailure } from '$lib/server/dashboard/page';
import type { RequestHandler } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The monthly report for ?month=YYYY-MM, of the district or of ?org=, as an A4 PDF. */
export const GET: RequestHandler = async ({ locals, url }) => {
	if (!locals.user) redirect(303, `/auth/sign-in?next=${encodeURIComponent('/admin')}`);
	if (!(await locals.roles()).admin) error(403, { message: dashboardFailure('not_authorised') });
	const org = url.searchParams.get('org') ?? '';
	if (org && !UUID.test(org)) error(400, { message: dashboardFailure('invalid_org') });
	return reportDownload(locals.supabase, url.searchParams.get('month'), org);
};
