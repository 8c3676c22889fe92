/** 候补 — the event is full; the family is on the waitlist at a given position. */
import { greeting, myRegistrationsUrl, requireEvent } from './common';
import {
	button,
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
		subject: (title: string) => `已加入候补：${title}`,
		position: (n: number) => `活动名额已满，您家目前是候补第 ${n} 位。`,
		noPosition: '活动名额已满，您家已加入候补名单。',
		next: '有名额空出时，系统会按候补顺序自动为您确认报名，并再发邮件通知您。',
		cancel: '如果不再需要，请在“我的家庭”中取消候补。',
		view: '查看我的报名'
	},
	en: {
		subject: (title: string) => `On the waitlist: ${title}`,
		position: (n: number) => `The event is full. Your family is number ${n} on the waitlist.`,
		noPosition: 'The event is full. Your family is on the waitlist.',
		next: 'When a place opens up, families on the waitlist are confirmed in order and we will email you.',
		cancel: 'If you no longer need a place, please leave the waitlist in “My family”.',
		view: 'See my registrations'
	}
};

export async function registrationWaitlisted(
	context: EmailContext,
	options: RenderOptions
): Promise<RenderedMessage> {
	const event = requireEvent(context);
	const t = copy[context.locale];
	const subject = t.subject(pick(event.title, context.locale));
	const position = context.registration?.waitlistPosition ?? null;
	const { html, text } = layout(context.locale, subject, [
		greeting(context.locale, context.guardianName),
		para(position ? t.position(position) : t.noPosition),
		eventDetails(event, context.locale, context.registration?.attendees),
		para(t.next),
		para(t.cancel),
		button(t.view, myRegistrationsUrl(options.siteUrl))
	]);
	return { subject, html, text };
}
