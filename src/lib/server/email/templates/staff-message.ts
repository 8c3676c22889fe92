/**
 * 主办方消息 — a message from the event's staff to its registered families. The heading staff typed
 * is the subject line (the form asks them to leave children's names out of it) and heads the
 * message in the body. A subject line shows on lock screens, so when the heading names one of the
 * family's own registered people, or there is none, the subject names the event instead.
 */
import { greeting, requireEvent } from './common';
import {
	eventDetails,
	escapeHtml,
	layout,
	pick,
	styles,
	type EmailContext,
	type RenderOptions,
	type RenderedMessage,
	type Section
} from './layout';

const copy = {
	'zh-CN': {
		subject: (title: string) => `主办方消息：${title}`,
		intro: (org: string) => `${org || '主办方'}给报名这场活动的家庭发来一条消息：`
	},
	en: {
		subject: (title: string) => `Message from the organiser: ${title}`,
		intro: (org: string) =>
			`${org || 'The organiser'} sent a message to families registered for this event:`
	}
};

/** A staff member's heading and text in a shaded block (also used by notices). */
export function message(heading: string, body: string): Section {
	const paragraphs = body
		.split(/\n{2,}/)
		.map((p) => p.trim())
		.filter(Boolean);
	return {
		html: `<div style="margin:0 0 18px;padding:14px 16px;border-left:4px solid #9a3412;background:#fef5f2;">${
			heading
				? `<p style="margin:0 0 10px;font-size:18px;font-weight:700;">${escapeHtml(heading)}</p>`
				: ''
		}${paragraphs.map((p) => `<p style="${styles.p}">${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('')}</div>`,
		text: [heading, ...paragraphs].filter(Boolean).join('\n\n')
	};
}

export async function staffMessage(
	context: EmailContext,
	_options: RenderOptions
): Promise<RenderedMessage> {
	const event = requireEvent(context);
	const t = copy[context.locale];
	const heading = typeof context.payload.subject === 'string' ? context.payload.subject.trim() : '';
	const names = context.registration?.attendees ?? [];
	const subject =
		heading && !names.some((name) => heading.includes(name))
			? heading
			: t.subject(pick(event.title, context.locale));
	const body =
		typeof context.payload.body === 'string'
			? context.payload.body
			: typeof context.payload.message === 'string'
				? context.payload.message
				: '';
	const { html, text } = layout(context.locale, subject, [
		greeting(context.locale, context.guardianName),
		{
			html: `<p style="${styles.p}">${escapeHtml(t.intro(pick(event.organiser, context.locale)))}</p>`,
			text: t.intro(pick(event.organiser, context.locale))
		},
		message(heading, body),
		eventDetails(event, context.locale)
	]);
	return { subject, html, text };
}
