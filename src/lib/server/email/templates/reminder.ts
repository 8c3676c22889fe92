/**
 * 活动提醒 — the day before (or on the day) and 2 hours before an event. Reminders can be turned off: they carry
 * List-Unsubscribe (RFC 2369) and List-Unsubscribe-Post (RFC 8058) for the mail app's button.
 */
import { shanghaiParts } from '../../../components/calendar-time';
import type { EmailLocale } from './auth';
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

/**
 * The event's day as the family will read it, from the Beijing dates of the event and of the moment
 * the reminder was queued (the row's snapshot time, so a retry reads the same): an event tonight is
 * never "tomorrow", whatever the hours between.
 */
export function reminderDay(
	startsAt: string,
	queuedAt: string,
	locale: EmailLocale
): { word: string; time: string } {
	const start = shanghaiParts(startsAt);
	const queued = shanghaiParts(queuedAt);
	const days = Math.round(
		(Date.parse(`${start.date}T00:00:00Z`) - Date.parse(`${queued.date}T00:00:00Z`)) / 86_400_000
	);
	const evening = Number(start.time.slice(0, 2)) >= 18;
	const [, month, day] = start.date.split('-').map(Number);
	const en = locale === 'en';
	const word =
		days <= 0
			? evening
				? en
					? 'tonight'
					: '今晚'
				: en
					? 'today'
					: '今天'
			: days === 1
				? en
					? 'tomorrow'
					: '明天'
				: en
					? `on ${day} ${MONTHS[month - 1]}`
					: `${month}月${day}日`;
	return { word, time: start.time };
}

const MONTHS =
	'January February March April May June July August September October November December'.split(
		' '
	);

const copy = {
	'zh-CN': {
		reminder_24h: {
			subject: (title: string, day: string) => `活动提醒：${title}（${day}）`,
			intro: (day: string, time: string) =>
				`温馨提醒：您家报名的活动将于${day} ${time}（北京时间）开始。`
		},
		reminder_2h: {
			subject: (title: string) => `活动即将开始：${title}`,
			intro: (day: string, time: string) =>
				`温馨提醒：您家报名的活动将于${day} ${time}（北京时间）开始，请合理安排出行。`
		},
		cancel: '临时不能参加？请尽快取消报名，把名额留给候补的家庭。',
		view: '查看或取消报名'
	},
	en: {
		reminder_24h: {
			subject: (title: string, day: string) => `Reminder: ${title} (${day})`,
			intro: (day: string, time: string) =>
				`A friendly reminder: the event your family registered for starts ${day} at ${time} (Beijing time).`
		},
		reminder_2h: {
			subject: (title: string) => `Starting soon: ${title}`,
			intro: (day: string, time: string) =>
				`A friendly reminder: the event your family registered for starts ${day} at ${time} (Beijing time). Please allow time to get there.`
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
	const day = reminderDay(event.startsAt, context.createdAt, context.locale);
	const subject = which.subject(pick(event.title, context.locale), day.word);
	const code = context.registration?.checkInCode;
	const token = context.unsubscribeToken;
	const { html, text } = layout(
		context.locale,
		subject,
		[
			greeting(context.locale, context.guardianName),
			para(which.intro(day.word, day.time)),
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
