/**
 * 活动取消 — the organiser cancelled the event. Sent in batches (no attachment), so families hear
 * quickly even when hundreds registered.
 */
import { greeting, requireEvent } from './common';
import {
	button,
	details,
	eventDetails,
	layout,
	para,
	pick,
	type EmailContext,
	type RenderOptions,
	type RenderedMessage
} from './layout';

const copy = {
	'zh-CN': {
		subject: (title: string) => `活动已取消：${title}`,
		intro: '很抱歉，主办方取消了您家报名的这场活动，您的报名也随之取消。',
		reason: '取消原因',
		calendar: '如果您已把活动加入日历，请手动删除。',
		more: '看看其他活动'
	},
	en: {
		subject: (title: string) => `Event cancelled: ${title}`,
		intro:
			'We are sorry: the organiser has cancelled the event your family registered for, and your registration with it.',
		reason: 'Reason',
		calendar: 'If you added the event to your calendar, please remove it.',
		more: 'Find another event'
	}
};

export async function eventCancelled(
	context: EmailContext,
	options: RenderOptions
): Promise<RenderedMessage> {
	const event = requireEvent(context);
	const t = copy[context.locale];
	const subject = t.subject(pick(event.title, context.locale));
	const reason =
		event.cancelledReason ??
		(typeof context.payload.reason === 'string' ? context.payload.reason : '');
	const { html, text } = layout(context.locale, subject, [
		greeting(context.locale, context.guardianName),
		para(t.intro),
		eventDetails(event, context.locale),
		...(reason ? [details([[t.reason, reason]])] : []),
		para(t.calendar),
		button(t.more, `${options.siteUrl.replace(/\/$/, '')}/events`)
	]);
	return { subject, html, text };
}
