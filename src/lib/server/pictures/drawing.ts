/**
 * One drawing, two outputs: share cards and posters are laid out once as a list of shapes (in
 * pixels), then written as SVG and rasterised to PNG by resvg, or drawn into a PDF by pdfkit. Both
 * use Noto Sans SC from the package the PDFs already embed, never the machine's fonts, so Chinese
 * looks the same on every server.
 */
import { Resvg } from '@resvg/resvg-js';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { createPdf, drawQr, fontFile, pdfBytes } from '../pdf';

export type Shape =
	| {
			kind: 'rect';
			x: number;
			y: number;
			w: number;
			h: number;
			fill: string;
			radius?: number;
			/** A left-to-right (or top-to-bottom) fade from `fill` to `to`. */
			fade?: { to: string; vertical?: boolean; opacity: [number, number] };
	  }
	| {
			kind: 'image';
			x: number;
			y: number;
			w: number;
			h: number;
			/** JPEG or PNG bytes, scaled to cover the box and cut to it (centred). */
			data: Buffer;
			mime: 'image/jpeg' | 'image/png';
			radius?: number;
	  }
	| {
			kind: 'text';
			x: number;
			/** The baseline. */
			y: number;
			size: number;
			bold?: boolean;
			fill: string;
			text: string;
			anchor?: 'start' | 'middle' | 'end';
	  }
	| { kind: 'qr'; x: number; y: number; size: number; text: string };

export interface Drawing {
	width: number;
	height: number;
	background: string;
	shapes: Shape[];
}

const FAMILY = 'Noto Sans SC';

function escapeXml(value: string): string {
	return value
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;');
}

/** Roughly how wide a character is, in ems, in Noto Sans SC. */
function charWidth(char: string, bold: boolean): number {
	const code = char.codePointAt(0) ?? 0;
	let width: number;
	if (code >= 0x2e80 || (code >= 0x3000 && code <= 0x30ff)) width = 1;
	else if (char === ' ') width = 0.26;
	else if (/[A-Z0-9MW@%&]/.test(char)) width = 0.64;
	else if (/[iljI.,:;'|!]/.test(char)) width = 0.28;
	else width = 0.56;
	return bold ? width * 1.08 : width;
}

export function textWidth(text: string, size: number, bold = false): number {
	let ems = 0;
	for (const char of text) ems += charWidth(char, bold);
	return ems * size;
}

/**
 * Breaks text into at most `maxLines` lines of `width` pixels: between any two Chinese characters,
 * between words otherwise; a line that would not fit ends in "…".
 */
export function wrapText(
	text: string,
	width: number,
	size: number,
	maxLines: number,
	bold = false
): string[] {
	const tokens = text
		.replace(/\s+/g, ' ')
		.trim()
		.match(/[\u2e80-\uffff]|[^\s\u2e80-\uffff]+|\s/gu);
	if (!tokens) return [];
	const lines: string[] = [];
	let line = '';
	for (const token of tokens) {
		const next = line + token;
		if (textWidth(next.trimEnd(), size, bold) <= width || line.trim() === '') {
			line = next;
			// A single word longer than the line: cut it.
			while (textWidth(line, size, bold) > width && line.length > 1) {
				let cut = line.length - 1;
				while (cut > 1 && textWidth(line.slice(0, cut), size, bold) > width) cut--;
				lines.push(line.slice(0, cut));
				line = line.slice(cut);
			}
			continue;
		}
		lines.push(line.trimEnd());
		line = token === ' ' ? '' : token;
	}
	if (line.trim()) lines.push(line.trimEnd());
	if (lines.length <= maxLines) return lines;
	const kept = lines.slice(0, maxLines);
	let last = kept[maxLines - 1];
	while (last.length > 0 && textWidth(`${last}…`, size, bold) > width) last = last.slice(0, -1);
	kept[maxLines - 1] = `${last.trimEnd()}…`;
	return kept;
}

function qrPath(text: string, x: number, y: number, size: number): string {
	const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
	const count = qr.modules.size;
	const quiet = 2;
	const cell = size / (count + quiet * 2);
	let d = '';
	for (let row = 0; row < count; row++) {
		let col = 0;
		while (col < count) {
			if (!qr.modules.get(row, col)) {
				col++;
				continue;
			}
			const start = col;
			while (col < count && qr.modules.get(row, col)) col++;
			const left = x + (start + quiet) * cell;
			const top = y + (row + quiet) * cell;
			d += `M${left.toFixed(2)} ${top.toFixed(2)}h${((col - start) * cell).toFixed(2)}v${cell.toFixed(2)}h${(-(col - start) * cell).toFixed(2)}z`;
		}
	}
	return `<rect x="${x}" y="${y}" width="${size}" height="${size}" fill="#fff"/><path d="${d}" fill="#000"/>`;
}

export function toSvg(drawing: Drawing): string {
	const defs: string[] = [];
	const body: string[] = [];
	drawing.shapes.forEach((shape, index) => {
		switch (shape.kind) {
			case 'rect': {
				let fill = shape.fill;
				if (shape.fade) {
					const id = `f${index}`;
					const [x2, y2] = shape.fade.vertical ? [0, 1] : [1, 0];
					defs.push(
						`<linearGradient id="${id}" x1="0" y1="0" x2="${x2}" y2="${y2}">` +
							`<stop offset="0" stop-color="${shape.fill}" stop-opacity="${shape.fade.opacity[0]}"/>` +
							`<stop offset="1" stop-color="${shape.fade.to}" stop-opacity="${shape.fade.opacity[1]}"/></linearGradient>`
					);
					fill = `url(#${id})`;
				}
				body.push(
					`<rect x="${shape.x}" y="${shape.y}" width="${shape.w}" height="${shape.h}" rx="${shape.radius ?? 0}" fill="${fill}"/>`
				);
				break;
			}
			case 'image': {
				let clip = '';
				if (shape.radius) {
					const id = `c${index}`;
					defs.push(
						`<clipPath id="${id}"><rect x="${shape.x}" y="${shape.y}" width="${shape.w}" height="${shape.h}" rx="${shape.radius}"/></clipPath>`
					);
					clip = ` clip-path="url(#${id})"`;
				}
				body.push(
					`<image x="${shape.x}" y="${shape.y}" width="${shape.w}" height="${shape.h}" preserveAspectRatio="xMidYMid slice"${clip} href="data:${shape.mime};base64,${shape.data.toString('base64')}"/>`
				);
				break;
			}
			case 'text':
				body.push(
					`<text x="${shape.x}" y="${shape.y}" font-family="${FAMILY}" font-size="${shape.size}" font-weight="${shape.bold ? 700 : 400}" fill="${shape.fill}" text-anchor="${shape.anchor ?? 'start'}">${escapeXml(shape.text)}</text>`
				);
				break;
			case 'qr':
				body.push(qrPath(shape.text, shape.x, shape.y, shape.size));
				break;
		}
	});
	return (
		`<svg xmlns="http://www.w3.org/2000/svg" width="${drawing.width}" height="${drawing.height}" viewBox="0 0 ${drawing.width} ${drawing.height}">` +
		`<defs>${defs.join('')}</defs><rect width="100%" height="100%" fill="${drawing.background}"/>${body.join('')}</svg>`
	);
}

/**
 * The drawing as a PNG, quantised to a palette of 256 colours: a photo cover makes a card of about
 * 300 KB instead of 1 MB (chats fetch it over phones' connections), text and QR code stay sharp.
 */
export async function toPng(drawing: Drawing): Promise<Buffer> {
	const resvg = new Resvg(toSvg(drawing), {
		font: {
			fontFiles: [fontFile('regular'), fontFile('bold')],
			loadSystemFonts: false,
			defaultFontFamily: FAMILY
		}
	});
	return sharp(resvg.render().asPng()).png({ palette: true, quality: 90, effort: 4 }).toBuffer();
}

/** The drawing on one PDF page of `pageWidth` × `pageHeight` points, text as text (searchable). */
export async function toPdf(
	drawing: Drawing,
	page: { width: number; height: number; title: string; author?: string }
): Promise<Buffer> {
	const doc = createPdf({
		title: page.title,
		author: page.author,
		size: [page.width, page.height],
		margin: 0
	});
	const scale = page.width / drawing.width;
	doc.rect(0, 0, page.width, page.height).fill(drawing.background);
	doc.scale(scale);
	for (const shape of drawing.shapes) {
		switch (shape.kind) {
			case 'rect': {
				doc.save();
				let fill: string | PDFKit.PDFLinearGradient = shape.fill;
				if (shape.fade) {
					const gradient = shape.fade.vertical
						? doc.linearGradient(shape.x, shape.y, shape.x, shape.y + shape.h)
						: doc.linearGradient(shape.x, shape.y, shape.x + shape.w, shape.y);
					gradient.stop(0, shape.fill, shape.fade.opacity[0]);
					gradient.stop(1, shape.fade.to, shape.fade.opacity[1]);
					fill = gradient;
				}
				if (shape.radius) doc.roundedRect(shape.x, shape.y, shape.w, shape.h, shape.radius);
				else doc.rect(shape.x, shape.y, shape.w, shape.h);
				doc.fill(fill);
				doc.restore();
				break;
			}
			case 'image':
				doc.save();
				if (shape.radius) doc.roundedRect(shape.x, shape.y, shape.w, shape.h, shape.radius).clip();
				else doc.rect(shape.x, shape.y, shape.w, shape.h).clip();
				doc.image(shape.data, shape.x, shape.y, {
					cover: [shape.w, shape.h],
					align: 'center',
					valign: 'center'
				});
				doc.restore();
				break;
			case 'text': {
				doc
					.font(shape.bold ? 'bold' : 'regular')
					.fontSize(shape.size)
					.fillColor(shape.fill);
				const width = doc.widthOfString(shape.text);
				const x =
					shape.anchor === 'middle'
						? shape.x - width / 2
						: shape.anchor === 'end'
							? shape.x - width
							: shape.x;
				doc.text(shape.text, x, shape.y, { lineBreak: false, baseline: 'alphabetic' });
				break;
			}
			case 'qr':
				drawQr(doc, shape.text, shape.x, shape.y, shape.size);
				break;
		}
	}
	return pdfBytes(doc);
}
