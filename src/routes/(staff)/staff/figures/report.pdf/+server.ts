import { error, redirect } from '@sveltejs/kit';
import { reportDownload } from '$lib/server/dashboard/downloads';
import { dashboardFailure } from '$lib/server/dashboard/page';
import { staffContext } from '$lib/server/staff/context';
import type { RequestHandler } from './$types';

/** The organisation's monthly report for ?month=YYYY-MM, as an A4 PDF. */
export const GET: RequestHandler = async (event) => {
	const { locals, url } = event;
	if (!locals.user) redirect(303, `/auth/sign-in?next=${encodeURIComponent('/staff/figures')}`);
	const staff = await staffContext(event);
	if (!staff) error(403, { message: dashboardFailure('not_authorised') });
	return reportDownload(locals.supabase, url.searchParams.get('month'), staff.org.id);
};
