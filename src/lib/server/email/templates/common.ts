/**
 * Pieces several templates share: the greeting, the check-in block with its QR code (an inline
 * `cid:` image, which mail apps show where `data:` URLs are blocked), the calendar attachment and
 * the reminders' one-click unsubscribe.
 */
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import type { EmailLocale } from './auth';
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

/**
 * A QR code as a black-on-white PNG `width` pixels square with a quiet zone of `margin` modules,
 * placed as qrcode's own PNG renderer places them. Every confirmation email carries one, so it is
 * drawn straight into 8-bit grey rows (qrcode's renderer paints RGBA and converts it) and each row
 * is filtered against the one above (a module's repeated rows become zeros) instead of pngjs
 * trying every filter on every row: in a registration rush this was a fifth of an app server's CPU.
 */
export function qrPng(text: string, width = 240, margin = 2): Buffer {
	const modules = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
	const scale = width / (modules.size + 2 * margin);
	const module = (pixel: number) => Math.floor(pixel / scale) - margin;
	const png = new PNG({ width, height: width, colorType: 0, inputColorType: 0, bitDepth: 8 });
	const data = Buffer.alloc(width * width, 255);
	for (let y = 0; y < width; y++) {
		const row = module(y);
		if (row < 0 || row >= modules.size) continue;
		for (let x = 0; x < width; x++) {
			const col = module(x);
			if (col >= 0 && col < modules.size && modules.get(row, col)) data[y * width + x] = 0;
		}
	}
	png.data = data;
	return PNG.sync.write(png, {
		colorType: 0,
		inputColorType: 0,
		bitDepth: 8,
		filterType: 2
	});
}

export async function qrAttachment(code: string): Promise<EmailAttachment> {
	const png = qrPng(code);
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
