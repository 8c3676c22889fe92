/**
 * QR codes: SVG (scales for print, inlined on the poster) and PNG (for chats, and the check-in code
 * in every confirmation email).
 */
import { PNG } from 'pngjs';
import QRCode from 'qrcode';

const options = { errorCorrectionLevel: 'M', margin: 2 } as const;

/** An SVG document; `label` becomes its accessible name. */
export async function qrSvg(text: string, label?: string): Promise<string> {
	const svg = await QRCode.toString(text, {
		...options,
		type: 'svg',
		color: { dark: '#000000', light: '#ffffff' }
	});
	if (!label) return svg;
	const safe = label.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
	return svg.replace('<svg ', `<svg role="img" aria-label="${safe}" `);
}

/**
 * A QR code as a black-on-white PNG `width` pixels square with a quiet zone of two modules,
 * placed as qrcode's own PNG renderer places them. Every confirmation email carries one, so it is
 * drawn straight into 8-bit grey rows (qrcode's renderer paints RGBA and converts it) and each row
 * is filtered against the one above (a module's repeated rows become zeros) instead of pngjs
 * trying every filter on every row: in a registration rush this was a fifth of an app server's CPU.
 */
export async function qrPng(text: string, width = 1024): Promise<Buffer> {
	const margin = options.margin;
	const modules = QRCode.create(text, {
		errorCorrectionLevel: options.errorCorrectionLevel
	}).modules;
	const scale = width / (modules.size + 2 * margin);
	const module = (pixel: number) => Math.floor(pixel / scale) - margin;
	const png = new PNG({ width, height: width, colorType: 0, inputColorType: 0, bitDepth: 8 });
	const data = Buffer.alloc(width * width, 255);
	for (let y = 0; y < width; y++) {
		const row = module(y);
		if (row < 0 || row >= modules.size) continue;
		for (let x = 0; x < width; x++) {
			const col = module(x);
			if (col >= 0 && col < modules.size && modules.get(row, col)) data[y * width + x] = 0;
		}
	}
	png.data = data;
	return PNG.sync.write(png, {
		colorType: 0,
		inputColorType: 0,
		bitDepth: 8,
		filterType: 2
	});
}
