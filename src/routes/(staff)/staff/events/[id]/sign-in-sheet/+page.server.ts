import QRCode from 'qrcode';
import { sheetData } from '$lib/server/door/sheet-data';
import type { PageServerLoad } from './$types';

/** 签到表 as a page to print from the browser (print CSS: A4, the header repeated on each page). */
export const load = (async (event) => {
	const { labels, ...sheet } = await sheetData(event);
	const qr = await QRCode.toString(sheet.checkInUrl, {
		type: 'svg',
		margin: 1,
		errorCorrectionLevel: 'M'
	});
	const { page: _page, ...words } = labels;
	return { sheet, words, qr };
}) satisfies PageServerLoad;
