/**
 * 活动提醒 — 24 hours and 2 hours before an event. Reminders can be turned off: they carry
 * List-Unsubscribe (RFC 2369) and List-Unsubscribe-Post (RFC 8058) for the mail app's button.
 */
import {
	checkInSection,
	greeting,
	myRegistrationsUrl,
	requireEvent,
	unsubscribeFooter,
	unsubscribeHeaders
} from './common';
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
		reminder_24h: {
			subject: (title: string) => `活动提醒：${title}（明天）`,
			intro: '温馨提醒：您家报名的活动将在约 24 小时后开始。'
		},
		reminder_2h: {
			subject: (title: string) => `活动即将开始：${title}`,
			intro: '温馨提醒：您家报名的活动将在约 2 小时后开始，请合理安排出行。'
		},
		cancel: '临时不能参加？请尽快取消报名，把名额留给候补的家庭。',
		view: '查看或取消报名'
	},
	en: {
		reminder_24h: {
			subject: (title: string) => `Reminder: ${title} (tomorrow)`,
			intro: 'A friendly reminder: the event your family registered for starts in about 24 hours.'
		},
		reminder_2h: {
			subject: (title: string) => `Starting soon: ${title}`,
			intro:
				'A friendly reminder: the event your family registered for starts in about 2 hours. Please allow time to get there.'
		},
		cancel:
			'Cannot come after all? Please cancel so that a family on the waitlist can have the places.',
		view: 'See or cancel my registration'
	}
};

export async function reminder(
	context: EmailContext,
	options: RenderOptions
): Promise<RenderedMessage> {
	const event = requireEvent(context);
	const t = copy[context.locale];
	const which = context.kind === 'reminder_2h' ? t.reminder_2h : t.reminder_24h;
	const subject = which.subject(pick(event.title, context.locale));
	const code = context.registration?.checkInCode;
	const token = context.unsubscribeToken;
	const { html, text } = layout(
		context.locale,
		subject,
		[
			greeting(context.locale),
			para(which.intro),
			eventDetails(event, context.locale, context.registration?.attendees),
			// The QR image is only attached to confirmations (reminders are sent in batches, which
			// carry no attachments); the code itself is enough at the door.
			...(code ? [checkInSection(code, context.locale, false)] : []),
			para(t.cancel),
			button(t.view, myRegistrationsUrl(options.siteUrl))
		],
		token ? [unsubscribeFooter(options.siteUrl, token, context.locale)] : []
	);
	return {
		subject,
		html,
		text,
		headers: token ? unsubscribeHeaders(options.siteUrl, token) : undefined
	};
}
