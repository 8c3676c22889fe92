/**
 * 活动反馈 — the request sent a few hours after an event to each checked-in family (five rating
 * buttons, each opening the form with that rating chosen; the form is sent from the page, so a
 * mail scanner answers nothing), and staff's reply to a family's feedback (你们说，我们做).
 * Feedback requests can be turned off on their own, apart from reminders.
 */
import { greeting, requireEvent } from './common';
import {
	details,
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

const copy = {
	'zh-CN': {
		requestSubject: (title: string) => `活动反馈：${title}`,
		thanks: (title: string) => `感谢您和孩子参加“${title}”！这次活动怎么样？`,
		tap: '点一个分数开始（1 分最低，5 分最高），约一分钟即可填完：',
		stars: (n: number) => `${n} 分`,
		why: '您的意见会直接交给主办方，他们会据此改进活动。',
		optOut: '不想再收到活动反馈邀请？',
		optOutLink: '不再邀请我反馈',
		replySubject: (title: string) => `主办方回复了您的反馈：${title}`,
		replyIntro: (org: string) => `${org || '主办方'}看了您的反馈，回复如下：`,
		publicNote: '这条回复也会在主办方主页的“你们说，我们做”中公开（不会显示您的姓名或反馈内容）。',
		yours: '您的反馈',
		rating: '评分',
		enjoyed: '孩子喜欢的',
		improve: '希望改进的'
	},
	en: {
		requestSubject: (title: string) => `How was it? ${title}`,
		thanks: (title: string) => `Thank you for coming to “${title}”. How was it?`,
		tap: 'Tap a score to start (1 lowest, 5 highest); it takes about a minute:',
		stars: (n: number) => `${n}`,
		why: 'Your answer goes straight to the organiser, who uses it to make the next event better.',
		optOut: 'Rather not be asked for feedback?',
		optOutLink: 'stop feedback requests',
		replySubject: (title: string) => `The organiser replied to your feedback: ${title}`,
		replyIntro: (org: string) => `${org || 'The organiser'} read your feedback and replied:`,
		publicNote:
			'This reply is also shown on the organiser’s page under “You said, we did” (without your name or your words).',
		yours: 'Your feedback',
		rating: 'Rating',
		enjoyed: 'What the child enjoyed',
		improve: 'What to improve'
	}
};

export function feedbackFormUrl(siteUrl: string, token: string, rating?: number): string {
	const base = `${siteUrl.replace(/\/$/, '')}/feedback/${encodeURIComponent(token)}`;
	return rating ? `${base}?rating=${rating}` : base;
}

export function feedbackPreferencesUrl(siteUrl: string, token: string): string {
	return `${siteUrl.replace(/\/$/, '')}/email/feedback?token=${encodeURIComponent(token)}`;
}

function ratingButtons(href: (n: number) => string, label: (n: number) => string): Section {
	const scores = [1, 2, 3, 4, 5];
	return {
		html: `<p style="margin:4px 0 20px;text-align:center;">${scores
			.map(
				(n) =>
					`<a href="${escapeHtml(href(n))}" style="display:inline-block;min-width:44px;margin:0 4px 8px;padding:12px 0;background:#9a3412;color:#ffffff;border-radius:10px;font-size:20px;font-weight:700;text-decoration:none;text-align:center;">${escapeHtml(label(n))}</a>`
			)
			.join('')}</p>`,
		text: scores.map((n) => `${label(n)}: ${href(n)}`).join('\n')
	};
}

export async function feedbackRequest(
	context: EmailContext,
	options: RenderOptions
): Promise<RenderedMessage> {
	const event = requireEvent(context);
	const t = copy[context.locale];
	const title = pick(event.title, context.locale);
	const token = typeof context.payload.token === 'string' ? context.payload.token : '';
	const subject = t.requestSubject(title);
	const footer: Section[] = [];
	if (context.unsubscribeToken) {
		const url = feedbackPreferencesUrl(options.siteUrl, context.unsubscribeToken);
		footer.push({
			html: `<p style="${styles.small}">${escapeHtml(t.optOut)} <a href="${escapeHtml(url)}" style="color:#9a3412;">${escapeHtml(t.optOutLink)}</a></p>`,
			text: `${t.optOut} ${url}`
		});
	}
	const { html, text } = layout(
		context.locale,
		subject,
		[
			greeting(context.locale, context.guardianName),
			para(t.thanks(title)),
			para(t.tap),
			ratingButtons((n) => feedbackFormUrl(options.siteUrl, token, n), t.stars),
			para(t.why, styles.small),
			eventDetails(event, context.locale)
		],
		footer
	);
	return { subject, html, text };
}

export async function feedbackReply(
	context: EmailContext,
	_options: RenderOptions
): Promise<RenderedMessage> {
	const event = requireEvent(context);
	const t = copy[context.locale];
	const reply = (context.payload.reply ?? {}) as Record<string, unknown>;
	const given = (context.payload.feedback ?? {}) as Record<string, unknown>;
	const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
	const subject = t.replySubject(pick(event.title, context.locale));
	const sections: Section[] = [
		greeting(context.locale, context.guardianName),
		para(t.replyIntro(pick(event.organiser, context.locale))),
		message('', text(reply.body))
	];
	if (reply.public === true) sections.push(para(t.publicNote, styles.small));
	const rows: [string, string][] = [
		[t.rating, typeof given.rating === 'number' ? `${given.rating} / 5` : ''],
		[t.enjoyed, text(given.enjoyed)],
		[t.improve, text(given.improve)]
	];
	sections.push(para(t.yours, `${styles.p}font-weight:700;margin-bottom:6px;`));
	sections.push(details(rows));
	sections.push(eventDetails(event, context.locale));
	const out = layout(context.locale, subject, sections);
	return { subject, ...out };
}
