import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { createPdf, drawQr, mm, pdfBytes, pdfResponse } from '$lib/server/pdf';

const dir = mkdtempSync(join(tmpdir(), 'gongyu-pdf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function sample(): Promise<Buffer> {
	const doc = createPdf({ title: '签到表 Sign-in sheet', author: '湖州市吴兴区青少年宫' });
	doc.font('bold').fontSize(20).text('亲子阅读会 签到表');
	doc.font('regular').fontSize(12).text('王小明 · 隔代教育 · Grandparents’ course');
	drawQr(doc, 'https://gongyu.example/staff/events/1/check-in', mm(150), mm(240), mm(40));
	return pdfBytes(doc);
}

describe('PDF documents', () => {
	it('embeds only the Chinese glyphs used, so the text can be extracted again', async () => {
		const bytes = await sample();
		expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
		// The font files are about 10 MB; a subset of a few dozen glyphs is far smaller.
		expect(bytes.length).toBeLessThan(200_000);
		const file = join(dir, 'sample.pdf');
		writeFileSync(file, bytes);
		const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
		expect(text).toContain('亲子阅读会 签到表');
		expect(text).toContain('王小明');
		const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' });
		expect(fonts).toMatch(/NotoSansSC/);
		// Every font is embedded and subset ("emb" and "sub" columns both yes).
		for (const line of fonts.split('\n').slice(2).filter(Boolean)) {
			expect(line).toMatch(/yes\s+yes\s+(yes|no)\s+\d+\s+\d+\s*$/);
		}
	});

	it('keeps each document to its own glyphs when several are written at once (the parsed font is shared)', async () => {
		const texts = ['春眠不觉晓', '处处闻啼鸟', '夜来风雨声'];
		const files = await Promise.all(
			texts.map(async (text, i) => {
				const doc = createPdf({ title: `并行 ${i}` });
				doc
					.font(i % 2 ? 'bold' : 'regular')
					.fontSize(24)
					.text(text);
				await new Promise((resolve) => setImmediate(resolve));
				doc.font('regular').text(`第${i + 1}份`);
				const file = join(dir, `parallel-${i}.pdf`);
				writeFileSync(file, await pdfBytes(doc));
				return file;
			})
		);
		files.forEach((file, i) => {
			const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
			expect(text).toContain(texts[i]);
			expect(text).toContain(`第${i + 1}份`);
			for (const other of texts.filter((_, j) => j !== i)) expect(text).not.toContain(other);
		});
	});

	it('draws the QR code as a dark-and-light pattern inside the box it was given', async () => {
		const file = join(dir, 'qr.pdf');
		writeFileSync(file, await sample());
		// 72 dpi: one pixel per point, so the box is at (mm(150), mm(240)), mm(40) wide.
		execFileSync('pdftoppm', ['-r', '72', '-png', '-singlefile', file, join(dir, 'page')]);
		const png = PNG.sync.read(readFileSync(join(dir, 'page.png')));
		const dark = (x0: number, y0: number, size: number) => {
			let count = 0;
			for (let y = y0; y < y0 + size; y++)
				for (let x = x0; x < x0 + size; x++) if (png.data[(y * png.width + x) * 4] < 128) count++;
			return count / (size * size);
		};
		const [x, y, size] = [mm(150), mm(240), mm(40)].map(Math.round);
		const inside = dark(x + 6, y + 6, size - 12);
		expect(inside).toBeGreaterThan(0.3);
		expect(inside).toBeLessThan(0.7);
		// The quiet zone around the code is white.
		expect(dark(x, y, 3)).toBe(0);
	});

	it('answers a Chinese file name both as ASCII and RFC 5987', async () => {
		const response = pdfResponse(Buffer.from('%PDF-1.7'), '签到表-2026.pdf', 'attachment');
		expect(response.headers.get('content-type')).toBe('application/pdf');
		expect(response.headers.get('content-disposition')).toBe(
			`attachment; filename="___-2026.pdf"; filename*=UTF-8''${encodeURIComponent('签到表-2026.pdf')}`
		);
	});
});
