import { error } from '@sveltejs/kit';
import { pick } from '$lib/components/event-labels';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import { text } from '$lib/server/courses';
import { verifyCertificate } from '$lib/server/courses/certificates';
import { createAdminClient } from '$lib/server/supabase-admin';
import type { PageServerLoad } from './$types';

/**
 * Public certificate verification (证书查验), opened from the certificate's QR code: only whether it
 * is valid, the course, the organisation and the holder's initials. Anything else — a changed
 * character, a revoked or unknown serial — is a 404 that says "not valid" and nothing more. Every
 * lookup is counted per client address in the database (verify_certificate_from).
 */
export const load = (async ({ params, getClientAddress, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store', 'x-robots-tag': 'noindex' });
	const found = await verifyCertificate(createAdminClient(), params.serial, getClientAddress());
	if (found.limited) error(429, { message: m.courses_error_verify_limited(), kind: 'certificate' });
	if (!found.valid) error(404, { message: m.courses_certificate_not_valid(), kind: 'certificate' });
	const locale = getLocale() === 'en' ? 'en' : 'zh-CN';
	return {
		serial: params.serial.toUpperCase(),
		course: pick(text(found.course_zh ?? '', found.course_en ?? ''), locale),
		organisation: pick(text(found.organisation_zh ?? '', found.organisation_en ?? ''), locale),
		initials: found.initials ?? ''
	};
}) satisfies PageServerLoad;
