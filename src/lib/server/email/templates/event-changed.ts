/** 活动变更 — the time, place or title of an event changed: the new details and a new .ics. */
import { greeting, icsAttachment, myRegistrationsUrl, requireEvent } from './common';
import {
	button,
	details,
	eventDetails,
	formatRange,
	layout,
	para,
	pick,
	withTimezone,
	type EmailContext,
	type RenderOptions,
	type RenderedMessage
} from './layout';

const copy = {
	'zh-CN': {
		subject: (title: string) => `活动信息有变动：${title}`,
		intro: '您家报名的活动信息有更新，请以下面的最新信息为准。',
		before: '变动前的时间',
		calendar: '附件中的日历文件（event.ics）会更新您手机日历中的这场活动。',
		cancel: '如果新的安排不方便参加，请在“我的家庭”中取消报名。',
		view: '查看我的报名'
	},
	en: {
		subject: (title: string) => `Event details changed: ${title}`,
		intro: 'The event your family registered for has changed. The new details are below.',
		before: 'Previous time',
		calendar: 'The attached calendar file (event.ics) updates the event in your phone’s calendar.',
		cancel: 'If the new arrangement does not suit you, please cancel in “My family”.',
		view: 'See my registrations'
	}
};

export async function eventChanged(
	context: EmailContext,
	options: RenderOptions
): Promise<RenderedMessage> {
	const event = requireEvent(context);
	const t = copy[context.locale];
	const subject = t.subject(pick(event.title, context.locale));
	const previousStart = context.payload.previous_starts_at;
	const previousEnd = context.payload.previous_ends_at;
	const moved =
		typeof previousStart === 'string' &&
		typeof previousEnd === 'string' &&
		(previousStart !== event.startsAt || previousEnd !== event.endsAt);
	const { html, text } = layout(context.locale, subject, [
		greeting(context.locale),
		para(t.intro),
		eventDetails(event, context.locale, context.registration?.attendees),
		...(moved
			? [
					details([
						[
							t.before,
							withTimezone(formatRange(previousStart, previousEnd, context.locale), context.locale)
						]
					])
				]
			: []),
		para(t.calendar),
		para(t.cancel),
		button(t.view, myRegistrationsUrl(options.siteUrl))
	]);
	return { subject, html, text, attachments: [icsAttachment(context, options.siteUrl)] };
}
