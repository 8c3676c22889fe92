/** 报名成功 — a family's registration is confirmed: details, check-in code with QR, and an .ics. */
import {
	checkInSection,
	greeting,
	icsAttachment,
	myRegistrationsUrl,
	qrAttachment,
	requireEvent
} from './common';
import {
	button,
	eventDetails,
	eventUrl,
	labelled,
	layout,
	para,
	pick,
	type EmailContext,
	type RenderOptions,
	type RenderedMessage
} from './layout';

const copy = {
	'zh-CN': {
		subject: (title: string) => `报名成功：${title}`,
		intro: '您家的报名已确认，期待与您相见！',
		calendar: '附件中的日历文件（event.ics）可以把活动加入手机日历。',
		cancel: '如果不能参加，请及时在“我的家庭”中取消报名，把名额留给其他家庭。',
		view: '查看我的报名',
		page: '活动页面'
	},
	en: {
		subject: (title: string) => `Registration confirmed: ${title}`,
		intro: 'Your family’s registration is confirmed. We look forward to seeing you!',
		calendar: 'The attached calendar file (event.ics) adds the event to your phone’s calendar.',
		cancel:
			'If you cannot come, please cancel in “My family” so that another family can have the places.',
		view: 'See my registrations',
		page: 'Event page'
	}
};

export async function registrationConfirmed(
	context: EmailContext,
	options: RenderOptions,
	variant: { subject?: (title: string) => string; intro?: string } = {}
): Promise<RenderedMessage> {
	const event = requireEvent(context);
	const t = copy[context.locale];
	const title = pick(event.title, context.locale);
	const subject = (variant.subject ?? t.subject)(title);
	const code = context.registration?.checkInCode ?? null;
	const sections = [
		greeting(context.locale, context.guardianName),
		para(variant.intro ?? t.intro),
		eventDetails(event, context.locale, context.registration?.attendees),
		...(code ? [checkInSection(code, context.locale)] : []),
		para(t.calendar),
		para(t.cancel),
		button(t.view, myRegistrationsUrl(options.siteUrl))
	];
	const { html, text } = layout(context.locale, subject, sections, [
		para(
			labelled(t.page, eventUrl(options.siteUrl, event)),
			'margin:0 0 8px;font-size:13px;color:#78716c;word-break:break-all;'
		)
	]);
	const attachments = [icsAttachment(context, options.siteUrl)];
	if (code) attachments.push(await qrAttachment(code));
	return { subject, html, text, attachments };
}
