/**
 * The share card (1200 × 630, what a chat shows for a link) and the posters (A4, and 9:16 for
 * WeChat Moments) as drawings: the cover, the facts of the event, the organiser's logo and the
 * channel-tagged QR code. Long titles shrink and wrap rather than overflow; what is left of a
 * poster's height goes to the cover, so there are no blank areas.
 */
import { textWidth, wrapText, type Drawing, type Shape } from './drawing';

export interface Picture {
	data: Buffer;
	mime: 'image/jpeg' | 'image/png';
}

export interface CardFacts {
	title: string;
	/** A small line above the title: the category, or the organisation's kind. */
	kicker: string;
	/** Up to three short lines: when, where, ages … */
	lines: string[];
	organiser: string;
	/** The link the QR code opens (tagged with its channel). */
	qrUrl: string;
	/** Under the QR code: "扫码报名". */
	qrCaption: string;
	brand: string;
}

const INK = '#1c1917';
const MUTED = '#44403c';
const BRAND = '#9a3412';
const WHITE = '#ffffff';

/** 1200 × 630: the cover across the card, darkened on the left under the words. */
export function cardDrawing(facts: CardFacts, cover: Picture, logo: Picture | null): Drawing {
	const width = 1200;
	const height = 630;
	const shapes: Shape[] = [
		{ kind: 'image', x: 0, y: 0, w: width, h: height, ...cover },
		{
			kind: 'rect',
			x: 0,
			y: 0,
			w: width,
			h: height,
			fill: '#1c1917',
			fade: { to: '#1c1917', opacity: [0.9, 0.15] }
		}
	];
	let x = 64;
	if (logo) {
		shapes.push({ kind: 'rect', x: 60, y: 48, w: 84, h: 84, fill: WHITE, radius: 18 });
		shapes.push({ kind: 'image', x: 66, y: 54, w: 72, h: 72, ...logo, radius: 12 });
		x = 164;
	}
	const organiser = wrapText(facts.organiser, 1200 - x - 80, 30, 1, true)[0] ?? '';
	shapes.push({ kind: 'text', x, y: 102, size: 30, bold: true, fill: WHITE, text: organiser });

	const textWidthMax = 760;
	const kickerWidth = textWidth(facts.kicker, 24, true) + 36;
	shapes.push({ kind: 'rect', x: 60, y: 168, w: kickerWidth, h: 44, fill: '#c2410c', radius: 22 });
	shapes.push({
		kind: 'text',
		x: 78,
		y: 199,
		size: 24,
		bold: true,
		fill: WHITE,
		text: facts.kicker
	});

	// The largest title size that fits in three lines.
	let size = 64;
	let title = wrapText(facts.title, textWidthMax, size, 3, true);
	while (size > 44 && wrapText(facts.title, textWidthMax, size, 9, true).length > 2) {
		size -= 4;
		title = wrapText(facts.title, textWidthMax, size, 3, true);
	}
	let y = 250 + size;
	for (const line of title) {
		shapes.push({ kind: 'text', x: 60, y, size, bold: true, fill: WHITE, text: line });
		y += Math.round(size * 1.25);
	}
	y += 14;
	for (const line of facts.lines.slice(0, 3)) {
		if (y > height - 24) break;
		const text = wrapText(line, 820, 28, 1)[0] ?? '';
		shapes.push({ kind: 'text', x: 60, y, size: 28, fill: '#f5f5f4', text });
		y += 42;
	}

	// The QR code in a white tile, bottom right.
	shapes.push({ kind: 'rect', x: 948, y: 338, w: 212, h: 256, fill: WHITE, radius: 20 });
	shapes.push({ kind: 'qr', x: 960, y: 348, size: 188, text: facts.qrUrl });
	shapes.push({
		kind: 'text',
		x: 1054,
		y: 576,
		size: 22,
		bold: true,
		fill: INK,
		text: facts.qrCaption,
		anchor: 'middle'
	});
	shapes.push({
		kind: 'text',
		x: 1154,
		y: 316,
		size: 20,
		fill: '#fafaf9',
		text: facts.brand,
		anchor: 'end'
	});
	return { width, height, background: '#1c1917', shapes };
}

export interface PosterFacts extends CardFacts {
	summary: string;
	/** Label and value pairs: 时间, 地点, 主办, 年龄. */
	facts: { label: string; value: string }[];
	/** The readable address under the QR code. */
	shortUrl: string;
	/** Over the title when the event is called off. */
	cancelled: string | null;
}

/**
 * A portrait poster of width × height pixels (A4: 1240 × 1754; phone: 1080 × 1920): the cover on
 * top, then the title, summary and facts, and a band with the QR code at the foot. The words are
 * laid out first; the cover takes the height that is left (at least 16:9 of the width, at most
 * 4:3), so a short text makes a taller picture instead of an empty middle.
 */
export function posterDrawing(
	facts: PosterFacts,
	size: { width: number; height: number },
	cover: Picture,
	logo: Picture | null
): Drawing {
	const { width, height } = size;
	const margin = Math.round(width * 0.065);
	const inner = width - margin * 2;
	const unit = width / 1240;
	const band = Math.round(Math.max(height * 0.24, 420 * unit));

	// The words, as tall as they need at the largest size that fits.
	const words = (scale: number) => {
		const parts: { text: string; size: number; bold?: boolean; fill: string; gap: number }[] = [];
		const line = (text: string, size: number, fill: string, max: number, bold = false) => {
			for (const part of wrapText(text, inner, size, max, bold))
				parts.push({ text: part, size, bold, fill, gap: Math.round(size * 1.3) });
		};
		if (facts.cancelled) line(facts.cancelled, 48 * scale * unit, '#b91c1c', 2, true);
		line(facts.kicker, 30 * scale * unit, BRAND, 1, true);
		line(facts.title, 84 * scale * unit, INK, 3, true);
		if (facts.summary) line(facts.summary, 36 * scale * unit, MUTED, 3);
		for (const fact of facts.facts) {
			const labelled = `${fact.label}  ${fact.value}`;
			line(labelled, 38 * scale * unit, INK, 2);
		}
		const total = parts.reduce((sum, part) => sum + part.gap, 0) + parts.length * 4 * unit;
		return { parts, total };
	};
	const minCover = Math.round((width * 9) / 16);
	const maxCover = Math.round((width * 3) / 4);
	const room = height - band - margin * 1.2;
	let scale = 1.3;
	let text = words(scale);
	while (scale > 0.7 && text.total > room - minCover) {
		scale -= 0.05;
		text = words(scale);
	}
	const coverHeight = Math.max(minCover, Math.min(maxCover, Math.round(room - text.total)));

	const shapes: Shape[] = [{ kind: 'image', x: 0, y: 0, w: width, h: coverHeight, ...cover }];
	if (logo) {
		const tile = Math.round(120 * unit);
		shapes.push({
			kind: 'rect',
			x: margin,
			y: margin,
			w: tile,
			h: tile,
			fill: WHITE,
			radius: Math.round(20 * unit)
		});
		const pad = Math.round(10 * unit);
		shapes.push({
			kind: 'image',
			x: margin + pad,
			y: margin + pad,
			w: tile - pad * 2,
			h: tile - pad * 2,
			...logo,
			radius: Math.round(12 * unit)
		});
	}

	// The words fill the space between the cover and the band, evenly spaced.
	const space = height - band - coverHeight;
	const spare = Math.max(0, space - text.total);
	const between = spare / (text.parts.length + 1);
	let y = coverHeight + between;
	for (const part of text.parts) {
		y += part.gap;
		shapes.push({
			kind: 'text',
			x: margin,
			y: Math.round(y - part.gap * 0.25),
			size: Math.round(part.size),
			bold: part.bold,
			fill: part.fill,
			text: part.text
		});
		y += between + 4 * unit;
	}

	// The band: the QR code on white, what to do, where to type it, who organises.
	const top = height - band;
	shapes.push({ kind: 'rect', x: 0, y: top, w: width, h: band, fill: BRAND });
	const qr = band - Math.round(80 * unit);
	const qrX = width - margin - qr;
	shapes.push({
		kind: 'rect',
		x: qrX - 12 * unit,
		y: top + 28 * unit,
		w: qr + 24 * unit,
		h: qr + 24 * unit,
		fill: WHITE,
		radius: 16 * unit
	});
	shapes.push({ kind: 'qr', x: qrX, y: top + 40 * unit, size: qr, text: facts.qrUrl });
	const left = qrX - margin - 36 * unit;
	let by = top + 40 * unit;
	const bandLine = (value: string, size: number, bold: boolean, fill: string, max = 2) => {
		for (const part of wrapText(value, left, size, max, bold)) {
			by += size * 1.3;
			shapes.push({ kind: 'text', x: margin, y: Math.round(by), size, bold, fill, text: part });
		}
		by += 10 * unit;
	};
	bandLine(facts.qrCaption, Math.round(60 * unit), true, WHITE, 1);
	bandLine(facts.shortUrl, Math.round(30 * unit), false, '#fed7aa', 2);
	bandLine(facts.organiser, Math.round(32 * unit), true, WHITE, 2);
	shapes.push({
		kind: 'text',
		x: margin,
		y: Math.round(height - 36 * unit),
		size: Math.round(26 * unit),
		fill: '#fde6de',
		text: facts.brand
	});
	return { width, height, background: WHITE, shapes };
}
