/** QR codes for event links: SVG (scales for print, inlined on the poster) and PNG (for chats). */
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

export async function qrPng(text: string, width = 1024): Promise<Buffer> {
	return QRCode.toBuffer(text, { ...options, type: 'png', width });
}
