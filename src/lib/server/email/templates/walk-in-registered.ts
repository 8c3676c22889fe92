/**
 * 现场报名 — staff registered the family at the event's door and checked it in. Says what was
 * recorded and how to find it: sign in with this email address. No check-in code, calendar file or
 * cancelling: the family is already there.
 */
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
		subject: (title: string) => `现场报名成功：${title}`,
		intro: '工作人员已在活动现场为您家报名并签到。',
		claim: '用本邮箱地址登录共育，就能在“我的家庭”中看到这次报名，以后也可以直接在网上报名。',
		view: '登录查看我的报名'
	},
	en: {
		subject: (title: string) => `Registered at the door: ${title}`,
		intro: 'Staff registered your family at the door and checked you in.',
		claim:
			'Sign in to Gongyu with this email address to see the registration in “My family” and to register online next time.',
		view: 'Sign in to see my registrations'
	}
};

export async function walkInRegistered(
	context: EmailContext,
	options: RenderOptions
): Promise<RenderedMessage> {
	const event = requireEvent(context);
	const t = copy[context.locale];
	const subject = t.subject(pick(event.title, context.locale));
	const { html, text } = layout(context.locale, subject, [
		greeting(context.locale, context.guardianName),
		para(t.intro),
		eventDetails(event, context.locale, context.registration?.attendees),
		para(t.claim),
		button(t.view, myRegistrationsUrl(options.siteUrl))
	]);
	return { subject, html, text };
}
