import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { myCertificate } from '$lib/server/courses/certificates';
import { certificatePdf } from '$lib/server/pdf/certificate';
import { pdfResponse } from '$lib/server/pdf';
import type { RequestHandler } from './$types';

/** A family's certificate as a PDF; RLS lets only the family (and the course's staff) read it. */
export const GET: RequestHandler = async ({ locals, params, url }) => {
	if (!locals.user) error(401, { message: m.courses_error_not_authorised() });
	const found = await myCertificate(locals.supabase, params.serial, url.origin);
	if (!found) error(404, { message: m.courses_error_certificate_not_found() });
	const bytes = await certificatePdf(found);
	return pdfResponse(bytes, `结业证书-${found.holderName}-${found.serial}.pdf`, 'attachment');
};
