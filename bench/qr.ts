/**
 * The check-in QR of a confirmation email (240 px PNG), 500 codes: qrPng (grey rows, one PNG
 * filter) beside qrcode's own PNG renderer with the options the emails used before. Time per code
 * and bytes, two rounds.
 *
 *   npx tsx bench/qr.ts
 */
import QRCode from 'qrcode';
import { qrPng } from '../src/lib/server/promotion/qr';

const codes = Array.from({ length: 500 }, (_, i) => (60_000_000 + i).toString(36).toUpperCase());
for (let round = 1; round <= 2; round++) {
	let t0 = performance.now();
	let bytes = 0;
	for (const code of codes)
		bytes += (
			await QRCode.toBuffer(code, {
				type: 'png',
				margin: 2,
				width: 240,
				errorCorrectionLevel: 'M',
				rendererOpts: { colorType: 0 } as never
			})
		).length;
	const before = [(performance.now() - t0) / codes.length, bytes / codes.length];
	t0 = performance.now();
	bytes = 0;
	for (const code of codes) bytes += (await qrPng(code, 240)).length;
	const after = [(performance.now() - t0) / codes.length, bytes / codes.length];
	console.log(
		`round ${round}: qrcode's renderer ${before[0].toFixed(2)} ms, ${before[1].toFixed(0)} bytes; qrPng ${after[0].toFixed(2)} ms, ${after[1].toFixed(0)} bytes`
	);
}
