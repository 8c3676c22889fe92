/**
 * 为您保留的名额 — a place is kept for the family at an event until a given time. Says nothing of
 * why: no referral, no reason, nothing that labels the family.
 */
import { greeting, requireEvent } from './common';
import {
	button,
	eventDetails,
	eventUrl,
	formatDate,
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
		subject: (title: string) => `为您保留的名额：${title}`,
		kept: (seats: number) => `我们为您家保留了 ${seats} 个名额，欢迎参加这次活动。`,
		until: (when: string) =>
			`名额保留到 ${when}，请在此之前报名；不能参加也请告诉我们，好让给其他家庭。`,
		register: '查看活动并报名'
	},
	en: {
		subject: (title: string) => `A place kept for you: ${title}`,
		kept: (seats: number) =>
			`We have kept ${seats === 1 ? 'a place' : `${seats} places`} for your family at this event. You are welcome to come.`,
		until: (when: string) =>
			`The place is kept until ${when}: please register before then, or let us know if you cannot come so another family can have it.`,
		register: 'See the event and register'
	}
};

function time(iso: string, locale: 'zh-CN' | 'en'): string {
	const d = new Date(new Date(iso).getTime() + 8 * 3600_000);
	const hhmm = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
	return withTimezone(
		locale === 'en' ? `${formatDate(iso, locale)}, ${hhmm}` : `${formatDate(iso, locale)}${hhmm}`,
		locale
	);
}

export async function heldPlaceInvitation(
	context: EmailContext,
	options: RenderOptions
): Promise<RenderedMessage> {
	const event = requireEvent(context);
	const t = copy[context.locale];
	const subject = t.subject(pick(event.title, context.locale));
	const seats = Number(context.payload.seats) || 1;
	const expires =
		typeof context.payload.expires_at === 'string' ? context.payload.expires_at : null;
	const { html, text } = layout(context.locale, subject, [
		greeting(context.locale, context.guardianName),
		para(t.kept(seats)),
		eventDetails(event, context.locale),
		...(expires ? [para(t.until(time(expires, context.locale)))] : []),
		button(t.register, eventUrl(options.siteUrl, event))
	]);
	return { subject, html, text };
}
