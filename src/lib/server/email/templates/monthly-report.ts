/**
 * 月报 — the district's monthly report to its administrators, queued on the 1st by
 * enqueue_monthly_reports: the summary in plain Chinese in the body, the A4 report as a PDF
 * attachment, both rendered from the figures the row carries (the same bytes on every retry).
 */
import type { Figures } from '../../dashboard/figures';
import { monthlyReportPdf, summaryZh } from '../../dashboard/report';
import { greeting } from './common';
import {
	button,
	layout,
	para,
	styles,
	type EmailContext,
	type RenderOptions,
	type RenderedMessage
} from './layout';

const copy = {
	'zh-CN': {
		subject: (month: string) => `共育月报：${month}全区活动情况`,
		intro: (month: string) => `${month}的全区月报见附件（PDF，A4）。小结如下：`,
		open: '打开数据看板'
	},
	en: {
		subject: (month: string) => `Gongyu monthly report: ${month}`,
		intro: (month: string) =>
			`The district's report for ${month} is attached (PDF, A4, in Chinese). Its summary:`,
		open: 'Open the dashboard'
	}
};

export async function monthlyReport(
	context: EmailContext,
	options: RenderOptions
): Promise<RenderedMessage> {
	const month = typeof context.payload.month === 'string' ? context.payload.month : '';
	const figures = context.payload.figures as Figures | undefined;
	if (!/^\d{4}-\d{2}$/.test(month) || !figures?.totals) throw new Error('monthly_report_payload');
	const generatedAt =
		typeof context.payload.generated_at === 'string'
			? context.payload.generated_at
			: context.createdAt;
	const [y, m] = month.split('-').map(Number);
	const monthText = context.locale === 'en' ? month : `${y}年${m}月`;
	const t = copy[context.locale];
	const input = { figures, month, scope: '全区', generatedAt };
	const subject = t.subject(monthText);
	const from = figures.from;
	const to = figures.to;
	const dashboard = `${options.siteUrl.replace(/\/$/, '')}/admin?from=${from}&to=${to}&grain=week`;
	const { html, text } = layout(context.locale, subject, [
		greeting(context.locale, null),
		para(t.intro(monthText)),
		...summaryZh(input).map((line) => para(line, styles.p)),
		button(t.open, dashboard)
	]);
	const pdf = await monthlyReportPdf(input);
	return {
		subject,
		html,
		text,
		attachments: [
			{
				filename: `月报-${month}-全区.pdf`,
				content: pdf.toString('base64'),
				contentType: 'application/pdf'
			}
		]
	};
}
