/**
 * 签到表 (signInSheetPdf): A4 pages with the attendees' names as real text, the subset CJK fonts
 * embedded, the header and table heading again on every page, page numbers, and a QR code that
 * reads back as the check-in page's address.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { decodeQR } from 'qr/decode.js';
import { afterAll, describe, expect, it } from 'vitest';
import { signInSheetPdf, type SheetInput, type SheetRow } from '$lib/server/door/sheet';

const dir = mkdtempSync(join(tmpdir(), 'gongyu-sheet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴'];
const GIVEN = ['小明', '芳', '建国', '丽华', '志强', '秀英', '海燕', '俊杰'];

export function sheetRows(count: number): SheetRow[] {
	return Array.from({ length: count }, (_, i) => ({
		guardian: `${SURNAMES[i % SURNAMES.length]}${GIVEN[i % GIVEN.length]}`,
		seats: 1 + (i % 3),
		members:
			i % 7 === 0
				? '乐乐（8 岁）、朵朵（5 岁）、妈妈（家长）、外婆（祖辈）、爸爸（家长）、舅舅的孩子小宇（6 岁）'
				: `乐乐（${4 + (i % 9)} 岁）、妈妈（家长）`,
		phone: `138****${String(1000 + i).slice(-4)}`,
		attended: i % 5 === 0
	}));
}

export const sheetLabels: SheetInput['labels'] = {
	title: '签到表',
	time: '时间',
	place: '地点',
	organiser: '主办',
	total: '共 60 户，120 人',
	no: '序号',
	guardian: '监护人',
	seats: '人数',
	members: '参加成员',
	phone: '电话',
	signature: '签名',
	scan: '工作人员扫码打开签到页',
	attended: '已签到',
	empty: '还没有家庭报名。',
	page: (page, pages) => `第 ${page} 页，共 ${pages} 页`
};

const URL_ = 'https://gongyu.example/staff/events/5b1e0c1a-0000-4000-8000-000000000001/check-in';

function input(rows: SheetRow[]): SheetInput {
	return {
		eventTitle: '亲子阅读分享会',
		when: '2026年12月5日 14:00–16:00',
		place: '吴兴区青少年活动中心 阅读室',
		organiser: '吴兴区青少年活动中心',
		checkInUrl: URL_,
		rows,
		labels: sheetLabels
	};
}

const pdftotext = (file: string, page: number) =>
	execFileSync(
		'pdftotext',
		['-enc', 'UTF-8', '-layout', '-f', `${page}`, '-l', `${page}`, file, '-'],
		{
			encoding: 'utf8'
		}
	);

describe('the sign-in sheet (签到表)', () => {
	const rows = sheetRows(60);
	const file = join(dir, 'sheet.pdf');

	it('lists every family on A4 pages with the header, table heading and page number on each', async () => {
		writeFileSync(file, await signInSheetPdf(input(rows)));
		const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
		const pages = Number(info.match(/Pages:\s+(\d+)/)![1]);
		expect(pages).toBeGreaterThan(1);
		expect(info).toMatch(/Page size:\s+595\.2\d* x 841\.8\d* pts \(A4\)/);
		const all = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
		for (const row of rows) expect(all).toContain(row.phone);
		expect(all).toContain('王小明');
		expect(all).toContain('舅舅的孩子小宇');
		for (let page = 1; page <= pages; page++) {
			const text = pdftotext(file, page);
			expect(text).toContain('签到表 · 亲子阅读分享会');
			expect(text).toMatch(/序号\s+监护人\s+人数\s+参加成员\s+电话\s+签名/);
			expect(text).toContain(`第 ${page} 页，共 ${pages} 页`);
		}
		// Numbered in order, none lost at a page break.
		const numbers = [...all.matchAll(/^\s*(\d+)\s+\S+\s+\d\s/gm)].map((m) => Number(m[1]));
		expect(numbers).toEqual(rows.map((_, i) => i + 1));
	});

	it('embeds the Chinese fonts as subsets', () => {
		const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' });
		expect(fonts).toMatch(/NotoSansSC/);
		const lines = fonts.split('\n').slice(2).filter(Boolean);
		expect(lines.length).toBeGreaterThan(0);
		for (const line of lines) {
			expect(line).toMatch(/^[A-Z]{6}\+/);
			expect(line).toMatch(/yes\s+yes\s+(yes|no)\s+\d+\s+\d+\s*$/);
		}
		expect(readFileSync(file).length).toBeLessThan(400_000);
	});

	it('carries a QR code that reads back as the check-in page', () => {
		execFileSync('pdftoppm', [
			'-r',
			'110',
			'-png',
			'-f',
			'2',
			'-l',
			'2',
			'-singlefile',
			file,
			join(dir, 'page2')
		]);
		const png = PNG.sync.read(readFileSync(join(dir, 'page2.png')));
		const found = decodeQR(
			{ width: png.width, height: png.height, data: new Uint8Array(png.data) },
			{ format: 'RGBA' }
		);
		expect(found).toBe(URL_);
	});

	it('says so when no family has registered', async () => {
		const empty = join(dir, 'empty.pdf');
		writeFileSync(empty, await signInSheetPdf(input([])));
		expect(pdftotext(empty, 1)).toContain('还没有家庭报名。');
	});
});
