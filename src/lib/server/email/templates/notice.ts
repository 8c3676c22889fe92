/**
 * 通知 / 通知回执提醒 — a notice from an organisation to families, and the reminder to those who
 * have not answered its receipt. Each email carries the family's own one-time link: it opens a
 * page that asks for a confirming tap (a mail scanner opening the link answers nothing). A choice
 * receipt gets one button per choice, each opening that page with the choice ready.
 */
import { greeting } from './common';
import {
	button,
	escapeHtml,
	eventDetails,
	layout,
	para,
	pick,
	styles,
	type EmailContext,
	type RenderOptions,
	type RenderedMessage,
	type Section
} from './layout';
import { message } from './staff-message';

interface NoticeInfo {
	subject: string;
	body: string;
	receiptKind: 'none' | 'received' | 'choice';
	question: string | null;
	options: string[];
	organiser: string;
}

const copy = {
	'zh-CN': {
		tag: '【需回执】',
		reminderTag: '【回执提醒】',
		intro: (org: string) => `${org || '主办方'}给您发来一条通知：`,
		reminder: (org: string) =>
			`${org || '主办方'}发来的这条通知还没有收到您的回执，请花几秒钟回复：`,
		received: '已收到',
		read: '查看通知',
		choose: '请点击您的选择：',
		receivedHint: '点击按钮后，在打开的页面上再点一次“确认”即完成回执，无需登录。',
		noneHint: '在网页上也可以查看这条通知。'
	},
	en: {
		tag: '[Reply requested] ',
		reminderTag: '[Reminder: reply requested] ',
		intro: (org: string) => `${org || 'The organiser'} sent you a notice:`,
		reminder: (org: string) =>
			`${org || 'The organiser'} has not had your reply to this notice yet. It takes a few seconds:`,
		received: 'Received',
		read: 'Open the notice',
		choose: 'Tap your choice:',
		receivedHint:
			'The button opens a page where one more tap on “Confirm” sends your reply; no sign-in needed.',
		noneHint: 'You can also read this notice on the website.'
	}
};

function noticeFrom(context: EmailContext): NoticeInfo {
	const n = (context.payload.notice ?? {}) as Record<string, unknown>;
	const text = (v: unknown) => (typeof v === 'string' ? v : '');
	const kind =
		n.receipt_kind === 'received' || n.receipt_kind === 'choice' ? n.receipt_kind : 'none';
	const organiser =
		context.locale === 'en'
			? text(n.organisation_en) || text(n.organisation_zh)
			: text(n.organisation_zh) || text(n.organisation_en);
	return {
		subject: text(n.subject).trim(),
		body: text(n.body),
		receiptKind: kind,
		question: text(n.question).trim() || null,
		options: Array.isArray(n.options)
			? n.options.filter((o): o is string => typeof o === 'string')
			: [],
		organiser
	};
}

/** The page a notice link opens; `answer` preselects a choice. */
export function noticeAnswerUrl(siteUrl: string, token: string, answer?: string): string {
	const base = `${siteUrl.replace(/\/$/, '')}/notices/${encodeURIComponent(token)}`;
	return answer ? `${base}?answer=${encodeURIComponent(answer)}` : base;
}

function choiceButtons(options: string[], href: (option: string) => string): Section {
	return {
		html: `<p style="margin:4px 0 20px;text-align:center;">${options
			.map(
				(o) =>
					`<a href="${escapeHtml(href(o))}" style="${styles.button}margin:0 6px 10px;">${escapeHtml(o)}</a>`
			)
			.join(' ')}</p>`,
		text: options.map((o) => `${o}: ${href(o)}`).join('\n')
	};
}

export async function notice(
	context: EmailContext,
	options: RenderOptions
): Promise<RenderedMessage> {
	const t = copy[context.locale];
	const n = noticeFrom(context);
	const reminder = context.kind === 'notice_reminder';
	const token = typeof context.payload.token === 'string' ? context.payload.token : '';
	const heading = n.subject || (context.event ? pick(context.event.title, context.locale) : '');
	const subject =
		n.receiptKind === 'none' ? heading : `${reminder ? t.reminderTag : t.tag}${heading}`;
	const sections: Section[] = [
		greeting(context.locale, context.guardianName),
		para(reminder ? t.reminder(n.organiser) : t.intro(n.organiser)),
		message(n.subject, n.body)
	];
	if (n.receiptKind === 'choice') {
		if (n.question) sections.push(para(n.question, `${styles.p}font-weight:700;`));
		sections.push(para(t.choose));
		sections.push(choiceButtons(n.options, (o) => noticeAnswerUrl(options.siteUrl, token, o)));
		sections.push(para(t.receivedHint, styles.small));
	} else if (n.receiptKind === 'received') {
		sections.push(button(t.received, noticeAnswerUrl(options.siteUrl, token, 'received')));
		sections.push(para(t.receivedHint, styles.small));
	} else {
		sections.push(button(t.read, noticeAnswerUrl(options.siteUrl, token)));
		sections.push(para(t.noneHint, styles.small));
	}
	if (context.event) sections.push(eventDetails(context.event, context.locale));
	const { html, text } = layout(context.locale, subject, sections);
	return { subject, html, text };
}
