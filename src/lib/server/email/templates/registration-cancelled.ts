/**
 * 取消报名 — the family's registration (or waitlist place) is cancelled. The calendar file cancels
 * the entry the confirmation's file made: same UID (the registration), a higher SEQUENCE than the
 * event's, which the confirmation carried.
 */
import { greeting, icsAttachment, requireEvent } from './common';
import {
	button,
	eventDetails,
	eventUrl,
	layout,
	para,
	pick,
	type EmailContext,
	type RenderOptions,
	type RenderedMessage
} from './layout';

const copy = {
	'zh-CN': {
		subject: (title: string) => `已取消报名：${title}`,
		intro: '您家的报名已取消，名额已释放给其他家庭。',
		leftWaitlist: (title: string) => `已退出候补：${title}`,
		leftIntro: '您家已退出这个活动的候补。',
		byStaff: '主办方取消了您家的报名。如有疑问，请联系主办单位。',
		again: '如果计划有变，欢迎在名额允许时重新报名。',
		calendar: '附件中的日历文件会把这场活动在您的日历里标为已取消。',
		view: '查看活动'
	},
	en: {
		subject: (title: string) => `Registration cancelled: ${title}`,
		intro:
			'Your family’s registration is cancelled and the places have been released to other families.',
		leftWaitlist: (title: string) => `You left the waitlist: ${title}`,
		leftIntro: 'Your family has left the waitlist for this event.',
		byStaff:
			'The organiser cancelled your family’s registration. Please contact them with any questions.',
		again: 'If your plans change again, you are welcome to register while places remain.',
		calendar: 'The calendar file attached marks the event as cancelled in your calendar.',
		view: 'See the event'
	}
};

export async function registrationCancelled(
	context: EmailContext,
	options: RenderOptions
): Promise<RenderedMessage> {
	const event = requireEvent(context);
	const t = copy[context.locale];
	const byStaff = context.payload.by_staff === true || context.payload.cancelled_by === 'staff';
	const registration = context.payload.registration as Record<string, unknown> | undefined;
	// Rows written before confirmed_at was in the payload lack the key: those keep the old words.
	const leftWaitlist =
		!byStaff &&
		registration !== undefined &&
		'confirmed_at' in registration &&
		!registration.confirmed_at;
	const title = pick(event.title, context.locale);
	const subject = leftWaitlist ? t.leftWaitlist(title) : t.subject(title);
	const { html, text } = layout(context.locale, subject, [
		greeting(context.locale, context.guardianName),
		para(byStaff ? t.byStaff : leftWaitlist ? t.leftIntro : t.intro),
		eventDetails(event, context.locale, context.registration?.attendees),
		para(t.again),
		para(t.calendar),
		button(t.view, eventUrl(options.siteUrl, event))
	]);
	const calendar = icsAttachment(context, options.siteUrl, {
		cancelled: true,
		sequence: event.sequence + 1
	});
	return { subject, html, text, attachments: [calendar] };
}
