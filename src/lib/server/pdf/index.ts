/**
 * PDF documents (sign-in sheets, certificates, reports): pdfkit with Noto Sans SC embedded, so Chinese
 * prints the same on every machine whatever fonts it has. pdfkit embeds only the glyphs a document
 * uses (a page of Chinese is tens of kilobytes, not the font's ten megabytes) and writes a ToUnicode
 * map, so the text can be searched and copied.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';

export type Pdf = InstanceType<typeof PDFDocument>;

/** The two weights documents use; `doc.font('regular')` / `doc.font('bold')`. */
export type PdfFont = 'regular' | 'bold';

const require = createRequire(import.meta.url);
const fontFiles: Record<PdfFont, string> = {
	regular: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
	bold: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf'
};

/** Where the font file is on disk (images drawn on the server load the same files). */
export function fontFile(name: PdfFont): string {
	return require.resolve(fontFiles[name]);
}

// Read and parsed once per process: each file is ten megabytes, and pdfkit parses a font it is
// given as bytes again for every document (a tenth of a second and a burst of garbage each). A
// parsed font is shared safely: each document makes its own subset of the glyphs it uses.
const fonts = new Map<PdfFont, fontkit.Font>();
function font(name: PdfFont): fontkit.Font {
	let parsed = fonts.get(name);
	if (!parsed) {
		parsed = fontkit.create(readFileSync(fontFile(name))) as fontkit.Font;
		fonts.set(name, parsed);
	}
	return parsed;
}

export interface PdfOptions {
	/** Document title (PDF metadata, shown in the viewer's title bar). */
	title: string;
	/** The organisation or office the document comes from. */
	author?: string;
	/** Defaults to A4 portrait with 15 mm margins. */
	size?: string | [number, number];
	layout?: 'portrait' | 'landscape';
	margin?: number;
	lang?: string;
	/** The document's creation date (default now); a fixed one makes the same bytes every time. */
	createdAt?: Date;
}

/** Millimetres to PDF points. */
export const mm = (value: number) => (value * 72) / 25.4;

/** A new document with the CJK fonts registered and the regular weight selected. */
export function createPdf(options: PdfOptions): Pdf {
	const doc = new PDFDocument({
		size: options.size ?? 'A4',
		layout: options.layout ?? 'portrait',
		margin: options.margin ?? mm(15),
		lang: options.lang ?? 'zh-CN',
		displayTitle: true,
		info: {
			Title: options.title,
			Author: options.author ?? 'Gongyu 共育',
			Creator: 'Gongyu 共育',
			CreationDate: options.createdAt ?? new Date()
		},
		bufferPages: true
	});
	// pdfkit takes a parsed font (anything with `layout`), which its types do not say.
	doc.registerFont('regular', font('regular') as unknown as Buffer);
	doc.registerFont('bold', font('bold') as unknown as Buffer);
	doc.font('regular');
	return doc;
}

/** Ends the document and collects its bytes. */
export function pdfBytes(doc: Pdf): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		doc.on('data', (chunk: Buffer) => chunks.push(chunk));
		doc.on('end', () => resolve(Buffer.concat(chunks)));
		doc.on('error', reject);
		doc.end();
	});
}

/**
 * The answer for a PDF download. `filename` may be Chinese: it is sent both as an ASCII fallback and
 * RFC 5987-encoded, which every current browser (and WeChat's) understands.
 */
export function pdfResponse(
	bytes: Buffer,
	filename: string,
	disposition: 'inline' | 'attachment' = 'inline'
): Response {
	const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
	return new Response(new Uint8Array(bytes), {
		headers: {
			'content-type': 'application/pdf',
			'content-length': String(bytes.length),
			'content-disposition': `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
			'cache-control': 'private, no-store'
		}
	});
}

/**
 * Draws a QR code as vector squares (sharp at any print size, a few hundred bytes), `size` points
 * wide with its top-left corner at (x, y), including a two-module quiet zone.
 */
export function drawQr(doc: Pdf, text: string, x: number, y: number, size: number): void {
	const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
	const count = qr.modules.size;
	const quiet = 2;
	const cell = size / (count + quiet * 2);
	doc.save();
	doc.rect(x, y, size, size).fill('#ffffff');
	doc.fillColor('#000000');
	// One rectangle per horizontal run of dark modules: fewer operators, no hairlines between them.
	for (let row = 0; row < count; row++) {
		let col = 0;
		while (col < count) {
			if (!qr.modules.get(row, col)) {
				col++;
				continue;
			}
			const start = col;
			while (col < count && qr.modules.get(row, col)) col++;
			doc.rect(x + (start + quiet) * cell, y + (row + quiet) * cell, (col - start) * cell, cell);
		}
	}
	doc.fill();
	doc.restore();
}
