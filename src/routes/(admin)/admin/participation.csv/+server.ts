import { error, redirect } from '@sveltejs/kit';
import { pageLocale } from '$lib/components/promote-labels';
import { m } from '$lib/paraglide/messages';
import { periodFrom } from '$lib/schemas/admin';
import { adminFailure } from '$lib/server/admin/errors';
import { csvHeader, csvRows, loadParticipation } from '$lib/server/admin/participation';
import { attachmentHeader, toCsv } from '$lib/server/staff/csv';
import type { RequestHandler } from './$types';

/**
 * The overview's table as a spreadsheet (UTF-8 with BOM, CRLF, quoted, formula-safe). A GET
 * endpoint runs no layout, so this checks the role itself; district_participation checks again.
 */
export const GET: RequestHandler = async ({ locals, url }) => {
	if (!locals.user) redirect(303, `/auth/sign-in?next=${encodeURIComponent('/admin')}`);
	if (!(await locals.roles()).admin) error(403, { message: adminFailure('not_authorised') });
	const { period, invalid } = periodFrom(url);
	if (invalid) error(400, { message: adminFailure('invalid_period') });
	const result = await loadParticipation(locals.supabase, period, pageLocale());
	if ('code' in result)
		error(
			result.code === 'not_authorised' || result.code === 'second_factor_required' ? 403 : 500,
			{ message: adminFailure(result.code) }
		);
	const span = `${period.from}_${period.to || 'upcoming'}`;
	return new Response(toCsv(csvHeader(), csvRows(result.data)), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': attachmentHeader(
				`district-participation-${span}.csv`,
				`${m.admin_csv_filename()}-${span}.csv`
			),
			'cache-control': 'private, no-store'
		}
	});
};
