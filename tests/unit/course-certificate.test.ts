/**
 * The course certificate PDF: A4 landscape, Chinese embedded, the holder, course, organisation,
 * hours and serial as extractable text, and a QR code drawn where the page says. Rendered to PNG
 * with pdftoppm (kept in test-results/course-certificate.png to look at).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { certificatePdf } from '$lib/server/pdf/certificate';

const dir = mkdtempSync(join(tmpdir(), 'gongyu-cert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const data = {
	serial: 'GY26-1A2B-3C4D-5E6F-7A8B-9C0D',
	holderName: '李奶奶',
	courseZh: '隔代教育：和孙辈一起成长',
	courseEn: "Grandparents' course: growing up with grandchildren",
	organisationZh: '湖州四中教育集团家长学校',
	organisationEn: 'Huzhou No. 4 Middle School Education Group Parent School',
	sessionsAttended: 6,
	hours: 9,
	issuedAt: '2026-12-05T10:00:00Z',
	verifyUrl: 'https://gongyu.example/certificates/GY26-1A2B-3C4D-5E6F-7A8B-9C0D'
};

describe('course certificate', () => {
	it('is one A4 landscape page with the holder, course, organisation, hours and serial as text', async () => {
		const file = join(dir, 'certificate.pdf');
		writeFileSync(file, await certificatePdf(data));
		const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
		expect(info).toMatch(/Pages:\s+1\n/);
		// A4 landscape: 841.89 x 595.28 points.
		expect(info).toMatch(/Page size:\s+841\.89 x 595\.28 pts \(A4\)/);
		const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
		for (const part of [
			'结业证书',
			'李奶奶',
			'隔代教育',
			'湖州四中教育集团家长学校',
			'9 学时',
			'出席 6 次',
			data.serial
		])
			expect(text.replace(/\s+/g, ' ')).toContain(part);
		const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' });
		for (const line of fonts.split('\n').slice(2).filter(Boolean))
			expect(line).toMatch(/NotoSansSC.*yes\s+yes\s+(yes|no)\s+\d+\s+\d+\s*$/);
	});

	it('renders to a PNG with a QR code in the bottom-right corner and a white middle margin', async () => {
		const file = join(dir, 'certificate.pdf');
		writeFileSync(file, await certificatePdf(data));
		execFileSync('pdftoppm', ['-r', '72', '-png', '-singlefile', file, join(dir, 'page')]);
		const png = PNG.sync.read(readFileSync(join(dir, 'page.png')));
		expect([png.width, Math.round(png.height / 2)]).toEqual([842, 298]);
		mkdirSync('test-results', { recursive: true });
		copyFileSync(join(dir, 'page.png'), 'test-results/course-certificate.png');
		const dark = (x0: number, y0: number, w: number, h: number) => {
			let count = 0;
			for (let y = y0; y < y0 + h; y++)
				for (let x = x0; x < x0 + w; x++) if (png.data[(y * png.width + x) * 4] < 128) count++;
			return count / (w * h);
		};
		// The QR code: mm(32) = 91 points, its right edge mm(24) = 68 points from the page's edge.
		const qr = dark(842 - 68 - 91 + 8, 595 - 62 - 17 - 91 + 8, 75, 75);
		expect(qr).toBeGreaterThan(0.3);
		expect(qr).toBeLessThan(0.7);
		// The frame is drawn; the space between the frame and the title is blank.
		expect(dark(60, 60, 100, 10)).toBe(0);
	});
});
