/**
 * The pieces of covers, cards and posters that need no database: the 16:9 crop keeps the focal
 * point, uploads that are not pictures are refused, titles wrap without overflowing, and the
 * drawings come out at their sizes with the words in them (the PDF's text is searchable).
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { textWidth, toPdf, toPng, wrapText } from '$lib/server/pictures/drawing';
import { cropAround, makeCover, PictureError, readPicture } from '$lib/server/pictures/image';
import { cardDrawing, posterDrawing, type PosterFacts } from '$lib/server/pictures/layouts';

const facts: PosterFacts = {
	title: '亲子共读：和孩子一起读绘本《猜猜我有多爱你》，学会三个陪读小方法',
	kicker: '亲子阅读',
	lines: ['12月12日 周六 09:30–11:00', '吴兴区青少年活动中心 3 楼阅读室', '适合年龄 4–8 岁'],
	organiser: '吴兴区青少年活动中心',
	qrUrl: 'http://localhost:3000/events/reading?src=poster',
	qrCaption: '扫码报名',
	brand: '共育 · 家校社协同育人',
	summary: '用一个小时陪孩子读一本好书。',
	facts: [
		{ label: '时间', value: '12月12日 周六 09:30–11:00' },
		{ label: '主办', value: '吴兴区青少年活动中心' }
	],
	shortUrl: 'localhost:3000/events/reading',
	cancelled: null
};

async function picture(width: number, height: number) {
	const data = await sharp({ create: { width, height, channels: 3, background: '#1d4ed8' } })
		.jpeg()
		.toBuffer();
	return { data, mime: 'image/jpeg' as const };
}

describe('cropAround', () => {
	it('keeps the focal point of a wide picture inside a 16:9 window', () => {
		const box = cropAround(3200, 1000, 16 / 9, 0.9, 0.5);
		expect(box).toEqual({ left: 1422, top: 0, width: 1778, height: 1000 });
		expect(box.left + box.width).toBeGreaterThanOrEqual(0.9 * 3200);
	});

	it('cuts a tall picture top to bottom around the focal point, never past an edge', () => {
		expect(cropAround(1000, 2000, 16 / 9, 0.5, 0)).toEqual({
			left: 0,
			top: 0,
			width: 1000,
			height: 563
		});
		expect(cropAround(1000, 2000, 16 / 9, 0.5, 1).top).toBe(2000 - 563);
	});
});

describe('uploads', () => {
	it('refuses a file that is not a picture, and an empty one', async () => {
		const text = new File(['not a picture'], 'x.jpg', { type: 'image/jpeg' });
		await expect(readPicture(text)).rejects.toEqual(new PictureError('picture_not_an_image'));
		await expect(readPicture(new File([], 'x.jpg'))).rejects.toEqual(
			new PictureError('picture_missing')
		);
	});

	it('refuses a file over 10 MB before reading it', async () => {
		const big = new File([new Uint8Array(10 * 1024 * 1024 + 1)], 'big.jpg');
		await expect(readPicture(big)).rejects.toEqual(new PictureError('picture_too_large'));
	});

	it('makes a 16:9 JPEG of at most 1920 × 1080', async () => {
		const { data } = await picture(4000, 3000);
		const cover = await makeCover(data, 0.5, 0.5);
		expect([cover.width, cover.height]).toEqual([1920, 1080]);
		expect((await sharp(cover.bytes).metadata()).format).toBe('jpeg');
	});
});

describe('wrapText', () => {
	it('breaks Chinese anywhere and English between words, within the width', () => {
		const lines = wrapText('Study trip to the Anji bamboo forest and the tea museum', 400, 40, 9);
		expect(lines.length).toBeGreaterThan(1);
		for (const line of lines) expect(textWidth(line, 40)).toBeLessThanOrEqual(400);
		expect(lines.join(' ')).toBe('Study trip to the Anji bamboo forest and the tea museum');
		expect(wrapText('一二三四五六七八九十', 200, 40, 9)).toEqual(['一二三四五', '六七八九十']);
	});

	it('ends a title that does not fit in an ellipsis', () => {
		const lines = wrapText('一二三四五六七八九十一二三四五', 200, 40, 2);
		expect(lines).toHaveLength(2);
		expect(lines[1].endsWith('…')).toBe(true);
		expect(textWidth(lines[1], 40)).toBeLessThanOrEqual(200);
	});
});

describe('drawings', () => {
	it('draws the share card at 1200 × 630', async () => {
		const png = await toPng(cardDrawing(facts, await picture(1600, 900), null));
		expect(await sharp(png).metadata()).toMatchObject({ format: 'png', width: 1200, height: 630 });
	});

	it('fills the poster: the words and the QR band leave no blank band of white', async () => {
		for (const size of [
			{ width: 1240, height: 1754 },
			{ width: 1080, height: 1920 }
		]) {
			const drawing = posterDrawing(facts, size, await picture(1600, 900), null);
			const png = await toPng(drawing);
			expect(await sharp(png).metadata()).toMatchObject(size);
			// Rows of pure white taller than a tenth of the page would be a blank area.
			const { data, info } = await sharp(png)
				.greyscale()
				.raw()
				.toBuffer({ resolveWithObject: true });
			let run = 0;
			let longest = 0;
			for (let y = 0; y < info.height; y++) {
				let white = true;
				for (let x = 0; x < info.width && white; x += 4) white = data[y * info.width + x] > 250;
				run = white ? run + 1 : 0;
				longest = Math.max(longest, run);
			}
			expect(longest).toBeLessThan(size.height / 10);
		}
	});

	it('writes the A4 poster as a PDF whose Chinese text is embedded', async () => {
		const drawing = posterDrawing(
			facts,
			{ width: 1240, height: 1754 },
			await picture(1600, 900),
			null
		);
		const pdf = await toPdf(drawing, { width: 595.28, height: 841.89, title: facts.title });
		expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
		expect(pdf.toString('latin1')).toMatch(/FontFile2|NotoSansSC/);
	});
});
