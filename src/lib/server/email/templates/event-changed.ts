/**
 * 活动变更 — the time, place or title of an event changed: the new details, the previous time when
 * it moved, and a new .ics (not for a family still on the waitlist).
 */
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
		waiting: (n: number | null) =>
			n
				? `您家仍在候补名单上（第 ${n} 位），报名尚未确认；有名额时我们会再发邮件通知您。`
				: '您家仍在候补名单上，报名尚未确认；有名额时我们会再发邮件通知您。',
		leave: '如果新的安排不方便，请在“我的家庭”中取消候补。',
		view: '查看我的报名'
	},
	en: {
		subject: (title: string) => `Event details changed: ${title}`,
		intro: 'The event your family registered for has changed. The new details are below.',
		before: 'Previous time',
		calendar: 'The attached calendar file (event.ics) updates the event in your phone’s calendar.',
		cancel: 'If the new arrangement does not suit you, please cancel in “My family”.',
		waiting: (n: number | null) =>
			`Your family is still on the waitlist${n ? ` (number ${n})` : ''}: your place is not confirmed yet. We will email you when a place opens up.`,
		leave: 'If the new arrangement does not suit you, please leave the waitlist in “My family”.',
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
	// A waitlisted family hears that it is still waiting, and gets no calendar file: the event
	// is not in its calendar, and a file would put it there.
	const waiting = context.registration?.status === 'waitlisted';
	const { html, text } = layout(context.locale, subject, [
		greeting(context.locale, context.guardianName),
		para(t.intro),
		...(waiting ? [para(t.waiting(context.registration?.waitlistPosition ?? null))] : []),
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
		...(waiting ? [para(t.leave)] : [para(t.calendar), para(t.cancel)]),
		button(t.view, myRegistrationsUrl(options.siteUrl))
	]);
	return {
		subject,
		html,
		text,
		attachments: waiting ? [] : [icsAttachment(context, options.siteUrl)]
	};
}
