/**
 * The monthly report PDF: A4, Chinese embedded, the summary in plain Chinese with the month's
 * figures, charts drawn as vectors (no images), and the same bytes for the same figures. Rendered
 * to PNG with pdftoppm (kept in test-results/monthly-report-*.png to look at).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Figures } from '$lib/server/dashboard/figures';
import { monthlyReportPdf, monthPeriod, summaryZh } from '$lib/server/dashboard/report';

const dir = mkdtempSync(join(tmpdir(), 'gongyu-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const org = (id: string, name: string, events: number, people: number) => ({
	org_id: id,
	name_zh: name,
	name_en: name,
	kind: 'youth_centre',
	town: id === 'a' ? '八里店镇' : null,
	events,
	places: events * 20,
	families: Math.round(people / 2),
	people,
	attended: Math.max(0, people - 2),
	no_show: Math.min(2, people),
	waitlisted: 1,
	utilisation: events ? people / (events * 20) : null
});

const figures: Figures = {
	from: '2026-11-01',
	to: '2026-11-30',
	org: null,
	grain: 'week',
	totals: {
		events: 12,
		events_cancelled: 1,
		places: 240,
		families: 96,
		participations: 101,
		people: 187,
		attended: 170,
		no_show: 9,
		no_show_rate: 0.05,
		utilisation: 0.779,
		new_families: 40,
		returning_families: 56,
		events_turning_away: 3,
		families_turned_away: 7,
		grandparents: 11,
		grandparent_families: '<5',
		receipts_asked: 50,
		receipts_answered: 41,
		receipt_rate: 0.82,
		feedback_asked: 60,
		feedback_given: 33,
		feedback_rate: 0.55,
		rating: 4.6,
		referred_participations: '<5'
	},
	over_time: ['2026-10-27', '2026-11-03', '2026-11-10', '2026-11-17', '2026-11-24'].map(
		(bucket, i) => ({
			bucket,
			events: 2 + i,
			families: 10 + i * 5,
			people: 20 + i * 11,
			attended: 18 + i * 10
		})
	),
	by_org: [
		org('a', '吴兴区青少年活动中心', 6, 110),
		org('b', '吴兴区妇女儿童活动中心', 4, 60),
		org('c', '爱山小学家长学校', 2, 17),
		org('d', '龙泉街道社区家长学校', 0, 0)
	],
	by_category: [
		{ category: 'parent_child_reading', events: 5, families: 50, people: 90 },
		{ category: 'grandparent_class', events: 3, families: 20, people: 40 },
		{ category: 'sports_day', events: 4, families: 30, people: 57 }
	],
	by_town: [
		{ town: '八里店镇', orgs: 1, events: 6, families: 55, people: 110 },
		{ town: '', orgs: 3, events: 6, families: 41, people: 77 }
	],
	by_age_band: [
		{ band: '0-2', children: '<5' },
		{ band: '3-5', children: 30 },
		{ band: '6-8', children: 52 },
		{ band: '9-11', children: 21 },
		{ band: '12-14', children: 0 },
		{ band: '15+', children: 0 }
	],
	events: []
};

const input = { figures, month: '2026-11', scope: '全区', generatedAt: '2026-12-01T00:05:00.000Z' };

describe('monthly report', () => {
	it('says the month in plain Chinese, from the figures', () => {
		const text = summaryZh(input).join('\n');
		expect(text).toContain('2026年11月，全区共有 3 个机构举办活动 12 场，提供名额 240 个');
		expect(text).toContain('96 户家庭参与 187 人次，其中新家庭 40 户，老家庭 56 户');
		expect(text).toContain('名额使用率 77.9%');
		expect(text).toContain('有 3 场活动报满后仍有家庭候补');
		expect(text).toContain('重点关爱儿童家庭参与 不足 5 次');
		expect(text).not.toContain('<');
		expect(text).toContain('参与人次最多的是吴兴区青少年活动中心（110 人次）');
		expect(text).toContain('本月没有活动的机构 1 个：龙泉街道社区家长学校');
		expect(text).toContain('参与最多的活动类别是“亲子阅读');
	});

	it('is an A4 PDF with the summary as text, a CJK font embedded, vector charts and no images', async () => {
		const bytes = await monthlyReportPdf(input);
		const file = join(dir, 'report.pdf');
		writeFileSync(file, bytes);
		const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
		expect(info).toMatch(/Page size:\s+595\.28 x 841\.89 pts \(A4\)/);
		expect(Number(/Pages:\s+(\d+)/.exec(info)?.[1])).toBe(2);
		const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
		const flat = text.replace(/\s+/g, '');
		for (const part of [
			'家校社协同育人月报·2026年11月',
			'本月小结',
			'名额使用率77.9%',
			'吴兴区妇女儿童活动中心',
			'八里店镇'
		])
			expect(flat).toContain(part);
		const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' });
		expect(fonts).toMatch(/NotoSansSC/);
		expect(
			execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' }).split('\n').length
		).toBe(3);
		execFileSync('pdftoppm', ['-r', '60', '-png', file, join(dir, 'page')]);
		mkdirSync('test-results', { recursive: true });
		copyFileSync(join(dir, 'page-1.png'), 'test-results/monthly-report-1.png');
		copyFileSync(join(dir, 'page-2.png'), 'test-results/monthly-report-2.png');
		// The same figures make the same bytes: a retried email sends the same attachment.
		expect(Buffer.compare(await monthlyReportPdf(input), bytes)).toBe(0);
	});

	it('knows a month from a non-month', () => {
		expect(monthPeriod('2026-02')).toEqual({ first: '2026-02-01', last: '2026-02-28' });
		expect(monthPeriod('2026-13')).toBeNull();
		expect(monthPeriod('2026-1')).toBeNull();
		expect(monthPeriod(null)).toBeNull();
	});
});
