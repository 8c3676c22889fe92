/**
 * Pieces several templates share: the greeting, the check-in block with its QR code (an inline
 * `cid:` image, which mail apps show where `data:` URLs are blocked), the calendar attachment and
 * the reminders' one-click unsubscribe.
 */
import type { EmailLocale } from './auth';
import { qrPng } from '../../promotion/qr';
import { buildIcs } from '../ics';
import {
	escapeHtml,
	eventUrl,
	labelled,
	para,
	pick,
	place,
	styles,
	type EmailAttachment,
	type EmailContext,
	type EventInfo,
	type Section
} from './layout';

/** "王女士，您好！" / "Hello, Ms Wang," from the name the guardian gave; a plain hello without one. */
export function greeting(locale: EmailLocale, name?: string | null): Section {
	const who = name?.trim();
	if (!who) return para(locale === 'en' ? 'Hello,' : '您好！');
	return para(locale === 'en' ? `Hello, ${who},` : `${who}，您好！`);
}

export function requireEvent(context: EmailContext): EventInfo {
	if (!context.event) throw new Error(`${context.kind} needs an event`);
	return context.event;
}

export const QR_CONTENT_ID = 'checkin-qr';

export async function qrAttachment(code: string): Promise<EmailAttachment> {
	const png = await qrPng(code, 240);
	return {
		filename: 'checkin-qr.png',
		content: png.toString('base64'),
		contentType: 'image/png',
		contentId: QR_CONTENT_ID
	};
}

export function checkInSection(code: string, locale: EmailLocale, withQr = true): Section {
	const label = locale === 'en' ? 'Check-in code' : '签到码';
	const hint = withQr
		? locale === 'en'
			? 'Show this code or the QR code to the staff at the door.'
			: '到场时请向工作人员出示签到码或二维码。'
		: locale === 'en'
			? 'Show this code (or the QR code in your confirmation email) to the staff at the door.'
			: '到场时请向工作人员出示签到码（或报名成功邮件中的二维码）。';
	return {
		html: `<div style="margin:0 0 18px;text-align:center;">
<span style="${styles.label}">${escapeHtml(label)}</span>
<span style="display:inline-block;margin:6px 0 10px;padding:8px 16px;border:2px solid #fed7c7;border-radius:10px;background:#fef5f2;font-size:28px;font-weight:700;letter-spacing:4px;font-family:Menlo,Consolas,monospace;">${escapeHtml(code)}</span><br>
${withQr ? `<img src="cid:${QR_CONTENT_ID}" width="180" height="180" alt="${escapeHtml(`${label} ${code}`)}" style="display:inline-block;width:180px;height:180px;">\n` : ''}<p style="${styles.small}">${escapeHtml(hint)}</p>
</div>`,
		text: `${labelled(label, code)}\n${hint}`
	};
}

export function icsAttachment(
	context: EmailContext,
	siteUrl: string,
	options: { cancelled?: boolean; sequence?: number } = {}
): EmailAttachment {
	const event = requireEvent(context);
	const locale = context.locale;
	const ics = buildIcs({
		uid: `${context.registration?.id ?? event.id}@gongyu`,
		stamp: new Date(context.createdAt),
		start: new Date(event.startsAt),
		end: new Date(event.endsAt),
		summary: pick(event.title, locale),
		location: place(event, locale) || undefined,
		description: [pick(event.organiser, locale), eventUrl(siteUrl, event)]
			.filter(Boolean)
			.join('\n'),
		url: eventUrl(siteUrl, event),
		sequence: options.sequence ?? event.sequence,
		cancelled: options.cancelled
	});
	return {
		filename: 'event.ics',
		content: Buffer.from(ics, 'utf8').toString('base64'),
		contentType: options.cancelled
			? 'text/calendar; charset=utf-8; method=CANCEL'
			: 'text/calendar; charset=utf-8; method=PUBLISH'
	};
}

export function unsubscribeUrl(siteUrl: string, token: string): string {
	return `${siteUrl.replace(/\/$/, '')}/email/preferences?token=${encodeURIComponent(token)}`;
}

/** RFC 2369 + RFC 8058 headers: mail apps show an "unsubscribe" button that posts once. */
export function unsubscribeHeaders(siteUrl: string, token: string): Record<string, string> {
	return {
		'List-Unsubscribe': `<${unsubscribeUrl(siteUrl, token)}>`,
		'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click'
	};
}

export function unsubscribeFooter(siteUrl: string, token: string, locale: EmailLocale): Section {
	const url = unsubscribeUrl(siteUrl, token);
	const text =
		locale === 'en'
			? 'You get this reminder because you registered for the event. Stop event reminders:'
			: '您收到这封提醒，是因为您报名了这场活动。不想再收到活动提醒？点击退订：';
	return {
		html: `<p style="${styles.small}">${escapeHtml(text)} <a href="${escapeHtml(url)}" style="color:#9a3412;">${escapeHtml(locale === 'en' ? 'unsubscribe from reminders' : '退订活动提醒')}</a></p>`,
		text: `${text} ${url}`
	};
}

/** The family's registrations with their check-in codes (the page the emails' button names). */
export function myRegistrationsUrl(siteUrl: string): string {
	return `${siteUrl.replace(/\/$/, '')}/family/registrations`;
}
