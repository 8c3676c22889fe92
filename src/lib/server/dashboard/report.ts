/**
 * The monthly report (月报): an A4 PDF for one month and a scope (the district or one
 * organisation) — a one-page summary in plain Chinese with the key figures and the trend, then the
 * organisations, kinds of event and towns with their charts, drawn as vectors from the same
 * ECharts SVG as the dashboard (svg-to-pdfkit). Always in Chinese: it goes up the line as it is.
 */
import SVGtoPDF from 'svg-to-pdfkit';
import { createPdf, mm, pdfBytes, type Pdf } from '$lib/server/pdf';
import { renderChart } from './charts';
import { percent, type Figures } from './figures';
import { buildPanels, keyFigures, type Panel } from './panels';

export interface ReportInput {
	figures: Figures;
	/** `YYYY-MM`. */
	month: string;
	/** 全区, or the organisation's name. */
	scope: string;
	/** When the figures were read (ISO): printed, and the PDF's creation date. */
	generatedAt: string;
}

const GREEN = '#166534';
const INK = '#1c1917';
const GREY = '#57534e';

/** "2026-11" → { first: "2026-11-01", last: "2026-11-30" }, or null when not a real month. */
export function monthPeriod(month: string | null): { first: string; last: string } | null {
	const match = /^(\d{4})-(\d{2})$/.exec(month ?? '');
	if (!match) return null;
	const y = Number(match[1]);
	const m = Number(match[2]);
	if (m < 1 || m > 12 || y < 2000 || y > 2100) return null;
	const day = (yy: number, mm: number, dd: number) =>
		new Date(Date.UTC(yy, mm - 1, dd)).toISOString().slice(0, 10);
	return { first: day(y, m, 1), last: day(y, m + 1, 0) };
}

const monthZh = (month: string) => {
	const [y, m] = month.split('-').map(Number);
	return `${y}年${m}月`;
};

/** A count in a sentence: "<5" said as "不足 5". */
const said = (n: number | string) => (n === '<5' ? '不足 5' : String(n));

/** Under the key figures of the report. */
export const SMALL_NOTE_ZH = '说明：描述家庭构成的数字在 1–4 之间时记为“<5”，以免认出具体家庭。';

/** The summary in plain Chinese: what happened, who came, how full, what went unanswered. */
export function summaryZh(input: ReportInput): string[] {
	const f = input.figures;
	const t = f.totals;
	const month = monthZh(input.month);
	const lines: string[] = [];
	const activeOrgs = f.by_org.filter((o) => o.events > 0);
	if (t.events === 0) {
		lines.push(`${month}，${input.scope}没有举办已发布的活动。`);
		return lines;
	}
	lines.push(
		`${month}，${input.scope}${f.org ? '' : `共有 ${activeOrgs.length} 个机构`}举办活动 ${t.events} 场，提供名额 ${t.places} 个；` +
			`${t.families} 户家庭参与 ${t.people} 人次，其中新家庭 ${t.new_families} 户，老家庭 ${t.returning_families} 户。`
	);
	lines.push(
		`名额使用率 ${percent(t.utilisation)}；已签到 ${t.attended} 人次，未到 ${t.no_show} 人次，未到率 ${percent(t.no_show_rate)}。` +
			(t.events_turning_away > 0
				? `有 ${t.events_turning_away} 场活动报满后仍有家庭候补，共 ${t.families_turned_away} 个候补没有等到名额，可考虑加场或扩大场地。`
				: '没有活动因报满而让家庭候补落空。')
	);
	lines.push(
		`祖辈（爷爷奶奶、外公外婆）参与 ${said(t.grandparents)} 人次。` +
			(t.receipts_asked > 0
				? `需回执的通知共发给 ${t.receipts_asked} 户次，回执率 ${percent(t.receipt_rate)}。`
				: '') +
			(t.feedback_asked > 0
				? `活动后邀请 ${t.feedback_asked} 户反馈，收到 ${t.feedback_given} 份，反馈率 ${percent(t.feedback_rate)}${t.rating != null ? `，平均 ${t.rating} 分` : ''}。`
				: '') +
			(t.referred_participations !== undefined
				? `重点关爱儿童家庭参与 ${said(t.referred_participations)} 次。`
				: '')
	);
	if (!f.org && f.by_org.length > 1) {
		const top = f.by_org[0];
		const quiet = f.by_org.filter((o) => o.events === 0).map((o) => o.name_zh);
		lines.push(
			`参与人次最多的是${top.name_zh}（${top.people} 人次）。` +
				(quiet.length > 0
					? `本月没有活动的机构 ${quiet.length} 个：${quiet.slice(0, 6).join('、')}${quiet.length > 6 ? ' 等' : ''}。`
					: '每个机构本月都有活动。')
		);
	}
	const busiest = [...f.by_category].sort((a, b) => b.people - a.people)[0];
	const categoryPanel = buildPanels(f, 'zh-CN', { event: () => '' }).find(
		(p) => p.id === 'by_category'
	);
	if (busiest && categoryPanel?.rows[0]) {
		lines.push(`参与最多的活动类别是“${categoryPanel.rows[0][0]}”（${busiest.people} 人次）。`);
	}
	return lines;
}

function heading(doc: Pdf, text: string) {
	doc.moveDown(0.6).font('bold').fontSize(13).fillColor(GREEN).text(text).moveDown(0.3);
	doc.font('regular').fontSize(10.5).fillColor(INK);
}

function chart(doc: Pdf, panel: Panel | undefined, width: number, height: number) {
	if (!panel?.chart || panel.rows.length === 0) return;
	const svg = renderChart(
		panel.chart,
		{ width: 640, height: (640 * height) / width },
		{ fixed: true }
	);
	const x = doc.page.margins.left;
	const y = doc.y;
	SVGtoPDF(doc, svg, x, y, { width, height, fontCallback: () => 'regular' });
	doc.font('regular');
	doc.y = y + height + mm(2);
	doc.x = x;
}

/** A table with the first column left and the others right-aligned; rows that overflow start a page. */
function table(doc: Pdf, panel: Panel, widths: number[], maxRows = 40) {
	const x0 = doc.page.margins.left;
	const row = (cells: (string | number)[], bold: boolean) => {
		if (doc.y > doc.page.height - doc.page.margins.bottom - 18) doc.addPage();
		const y = doc.y;
		let x = x0;
		doc
			.font(bold ? 'bold' : 'regular')
			.fontSize(9)
			.fillColor(INK);
		cells.forEach((cell, i) => {
			doc.text(String(cell), x + 2, y + 3, {
				width: widths[i] - 4,
				align: i === 0 ? 'left' : 'right',
				height: 11,
				lineBreak: false,
				ellipsis: true
			});
			x += widths[i];
		});
		doc.y = y + 16;
		doc
			.moveTo(x0, doc.y)
			.lineTo(x0 + widths.reduce((a, b) => a + b, 0), doc.y)
			.lineWidth(0.4)
			.strokeColor('#d6d3d1')
			.stroke();
	};
	const n = Math.min(widths.length, panel.columns.length);
	row(panel.columns.slice(0, n), true);
	for (const cells of panel.rows.slice(0, maxRows)) row(cells.slice(0, n), false);
	doc.x = x0;
	doc.font('regular').fontSize(10.5);
}

export async function monthlyReportPdf(input: ReportInput): Promise<Buffer> {
	const f = input.figures;
	const title = `家校社协同育人月报 · ${monthZh(input.month)}`;
	// The same figures make the same document (a retried email sends the same bytes).
	const doc = createPdf({
		title: `${title} · ${input.scope}`,
		createdAt: new Date(input.generatedAt)
	});
	const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
	const panels = buildPanels(f, 'zh-CN', { event: () => '' });
	const panel = (id: string) => panels.find((p) => p.id === id);

	// Page 1: the summary.
	doc.font('bold').fontSize(20).fillColor(GREEN).text(title);
	doc
		.font('regular')
		.fontSize(11)
		.fillColor(GREY)
		.text(
			`范围：${input.scope}\u3000\u3000统计期：${f.from} 至 ${f.to}\u3000\u3000生成：${input.generatedAt.slice(0, 10)}`
		);
	heading(doc, '一、本月小结');
	for (const line of summaryZh(input)) {
		doc.text(line, { lineGap: 3, paragraphGap: 4 });
	}
	doc.fontSize(9).fillColor(GREY).text(SMALL_NOTE_ZH).fontSize(10.5).fillColor(INK);
	heading(doc, '二、主要数字');
	const figures = keyFigures(f, 'zh-CN');
	const col = width / 4;
	const top = doc.y;
	figures.forEach((k, i) => {
		const x = doc.page.margins.left + (i % 4) * col;
		const y = top + Math.floor(i / 4) * 38;
		doc
			.font('regular')
			.fontSize(8.5)
			.fillColor(GREY)
			.text(k.label, x, y, { width: col - 6 });
		doc
			.font('bold')
			.fontSize(14)
			.fillColor(INK)
			.text(String(k.value), x, y + 12, { width: col - 6 });
	});
	doc.x = doc.page.margins.left;
	doc.y = top + Math.ceil(figures.length / 4) * 38;
	doc.font('regular').fontSize(10.5);
	heading(doc, `三、参与趋势（${f.grain === 'week' ? '按周' : '按月'}）`);
	chart(doc, panel('over_time'), width, Math.min(mm(62), doc.page.height - doc.y - mm(20)));

	// Page 2: where.
	doc.addPage();
	heading(doc, f.org ? '四、本机构' : '四、各机构参与（人次，前 15）');
	if (!f.org) chart(doc, panel('by_org'), width, mm(80));
	const orgPanel = panel('by_org');
	if (orgPanel)
		table(
			doc,
			orgPanel,
			[width * 0.34, width * 0.16, width * 0.1, width * 0.1, width * 0.1, width * 0.1, width * 0.1],
			25
		);
	heading(doc, '五、各类活动与各乡镇（街道）');
	chart(doc, panel('by_category'), width, mm(55));
	const town = panel('by_town');
	if (town)
		table(doc, town, [width * 0.4, width * 0.15, width * 0.15, width * 0.15, width * 0.15], 20);
	heading(doc, '六、参与儿童年龄段');
	const ages = panel('by_age_band');
	if (ages) table(doc, ages, [width * 0.5, width * 0.5]);

	// Page numbers.
	const range = doc.bufferedPageRange();
	for (let i = range.start; i < range.start + range.count; i++) {
		doc.switchToPage(i);
		// Below the bottom margin: without this pdfkit would start a new page for the footer.
		doc.page.margins.bottom = 0;
		doc
			.font('regular')
			.fontSize(8)
			.fillColor(GREY)
			.text(
				`${title} · 第 ${i + 1} 页，共 ${range.count} 页`,
				doc.page.margins.left,
				doc.page.height - mm(10),
				{
					width,
					align: 'center',
					lineBreak: false
				}
			);
	}
	return pdfBytes(doc);
}
