import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import { courseRegister, registerCsv } from '$lib/server/courses/register';
import { requireStaff } from '$lib/server/staff/context';
import { attachmentHeader } from '$lib/server/staff/csv';
import type { RequestHandler } from './$types';

/**
 * The course register as a spreadsheet (UTF-8 with BOM, CRLF, quoted, formula-safe). GET endpoints
 * are not role-checked by the hooks: requireStaff and course_register check membership.
 */
export const GET: RequestHandler = async (event) => {
	const { org } = await requireStaff(event);
	const register = await courseRegister(event.locals.supabase, org.id, event.params.id);
	if (!register) error(404, { message: m.courses_error_course_not_found() });
	const locale = getLocale() === 'en' ? 'en' : 'zh-CN';
	return new Response(registerCsv(register, locale), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': attachmentHeader(
				`course-register-${register.course.slug}.csv`,
				`${m.courses_csv_filename()}-${register.course.title_zh}.csv`
			),
			'cache-control': 'private, no-store'
		}
	});
};
