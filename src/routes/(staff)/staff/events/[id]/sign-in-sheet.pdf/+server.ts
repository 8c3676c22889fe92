import { signInSheetPdf } from '$lib/server/door/sheet';
import { sheetData } from '$lib/server/door/sheet-data';
import { pdfResponse } from '$lib/server/pdf';
import type { RequestHandler } from './$types';

/** 签到表 as a PDF. GET endpoints are not role-checked by the hooks: sheetData checks membership. */
export const GET: RequestHandler = async (event) => {
	const sheet = await sheetData(event);
	const bytes = await signInSheetPdf(sheet);
	return pdfResponse(bytes, `${sheet.labels.title}-${sheet.eventTitle}.pdf`, 'attachment');
};
