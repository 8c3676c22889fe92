import { error } from '@sveltejs/kit';
import { getLocale } from '$lib/paraglide/runtime';
import { exportFamily } from '$lib/server/families';
import {
	readableExport,
	readableExportPdf,
	type FamilyExport
} from '$lib/server/families/readable-export';
import { pdfResponse } from '$lib/server/pdf';
import type { RequestHandler } from './$types';

/** The family's data export as a PDF (A4, Chinese font embedded), the same content as the JSON. */
export const GET: RequestHandler = async ({ locals }) => {
	if (!locals.user) error(401, { message: 'sign_in' });
	const data = (await exportFamily(locals.supabase)) as FamilyExport;
	const bytes = await readableExportPdf(
		readableExport(data, getLocale() === 'en' ? 'en' : 'zh-CN')
	);
	const day = new Date().toISOString().slice(0, 10);
	return pdfResponse(bytes, `gongyu-family-${day}.pdf`, 'attachment');
};
