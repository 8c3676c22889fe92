/**
 * What every Gongyu email shares: the shell (one column, inline styles, large type for phones and
 * older eyes), the event summary block, and times written out in China Standard Time. Times are
 * formatted by hand (Asia/Shanghai has been UTC+8 without daylight saving since 1991) so the same
 * row renders the same bytes on every machine — a resend after a crash must be identical.
 */
import type { EmailLocale } from './auth';

export type Localised = { 'zh-CN': string; en: string };

export interface EventInfo {
	id: string;
	slug: string;
	title: Localised;
	startsAt: string;
	endsAt: string;
	/** Room and address, as one line. */
	place: Localised | null;
	organiser: Localised | null;
	organiserPhone: string | null;
	/** The organiser's own address, where a family can go or write to. */
	organiserAddress: Localised | null;
	status: string;
	/** Grows with every change to the event (the calendar entry's SEQUENCE). */
	sequence: number;
	cancelledReason: string | null;
}

export interface RegistrationInfo {
	id: string;
	status: string;
	waitlistPosition: number | null;
	checkInCode: string | null;
	/** Who comes: nicknames as the family entered them (never in a subject line). */
	attendees: string[];
	seats: number;
}

export interface BookingInfo {
	id: string;
	status: string;
	venue: Localised;
	venueAddress: Localised | null;
	venueOrganisation: Localised | null;
	venuePhone: string | null;
	requester: Localised | null;
	startsAt: string;
	endsAt: string;
	purpose: string;
	reason: string | null;
}

/** Everything a template may use: the outbox row, its payload unpacked (see context.ts). */
export interface EmailContext {
	id: string;
	kind: string;
	to: string;
	locale: EmailLocale;
	createdAt: string;
	payload: Record<string, unknown>;
	event: EventInfo | null;
	registration: RegistrationInfo | null;
	booking: BookingInfo | null;
	/** The family's unsubscribe token (reminders only). */
	unsubscribeToken: string | null;
	/** How the guardian asked to be addressed (families.guardian_name), for the greeting. */
	guardianName?: string | null;
}

export interface RenderOptions {
	siteUrl: string;
}

export interface EmailAttachment {
	filename: string;
	/** Base64. */
	content: string;
	contentType: string;
	/** Set for an inline image referenced as `cid:<contentId>`. */
	contentId?: string;
}

export interface RenderedMessage {
	subject: string;
	html: string;
	text: string;
	headers?: Record<string, string>;
	attachments?: EmailAttachment[];
}

export function escapeHtml(value: string): string {
	return value
		.replaceAll('&', '&amp;')
		.replaceAll('<', '&lt;')
		.replaceAll('>', '&gt;')
		.replaceAll('"', '&quot;')
		.replaceAll("'", '&#39;');
}

export function pick(value: Localised | null | undefined, locale: EmailLocale): string {
	if (!value) return '';
	return (locale === 'en' ? value.en || value['zh-CN'] : value['zh-CN'] || value.en) ?? '';
}

const weekdaysZh = ['日', '一', '二', '三', '四', '五', '六'];
const weekdaysEn = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const monthsEn = [
	'January',
	'February',
	'March',
	'April',
	'May',
	'June',
	'July',
	'August',
	'September',
	'October',
	'November',
	'December'
];

/** The wall-clock parts of an instant in China Standard Time. */
function shanghai(iso: string) {
	const d = new Date(new Date(iso).getTime() + 8 * 3600_000);
	return {
		year: d.getUTCFullYear(),
		month: d.getUTCMonth(),
		day: d.getUTCDate(),
		weekday: d.getUTCDay(),
		time: `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`
	};
}

export function formatDate(iso: string, locale: EmailLocale): string {
	const p = shanghai(iso);
	return locale === 'en'
		? `${weekdaysEn[p.weekday]} ${p.day} ${monthsEn[p.month]} ${p.year}`
		: `${p.year}年${p.month + 1}月${p.day}日（星期${weekdaysZh[p.weekday]}）`;
}

/** "2026年12月5日（星期六）14:00–16:00" / "Saturday 5 December 2026, 14:00–16:00". */
export function formatRange(startIso: string, endIso: string, locale: EmailLocale): string {
	const s = shanghai(startIso);
	const e = shanghai(endIso);
	const sameDay = s.year === e.year && s.month === e.month && s.day === e.day;
	const start = formatDate(startIso, locale);
	if (sameDay)
		return locale === 'en' ? `${start}, ${s.time}–${e.time}` : `${start}${s.time}–${e.time}`;
	return locale === 'en'
		? `${start}, ${s.time} – ${formatDate(endIso, locale)}, ${e.time}`
		: `${start}${s.time} 至 ${formatDate(endIso, locale)}${e.time}`;
}

export function withTimezone(when: string, locale: EmailLocale): string {
	return locale === 'en' ? `${when} (China Standard Time)` : `${when}（北京时间）`;
}

const font =
	"font-family:-apple-system,'PingFang SC','Noto Sans CJK SC','Microsoft YaHei',Helvetica,Arial,sans-serif";

export const styles = {
	p: 'margin:0 0 14px;font-size:17px;line-height:1.6;',
	small: 'margin:0 0 8px;font-size:14px;line-height:1.5;color:#57534e;',
	button:
		'display:inline-block;padding:14px 28px;background:#9a3412;color:#ffffff;border-radius:10px;font-size:18px;font-weight:700;text-decoration:none;',
	box: 'margin:0 0 18px;padding:14px 16px;background:#fafaf9;border:1px solid #e7e5e4;border-radius:10px;',
	label: 'display:block;font-size:14px;color:#57534e;',
	value: 'display:block;margin:0 0 10px;font-size:17px;line-height:1.5;color:#1c1917;'
};

const signature: Localised = {
	'zh-CN': '共育 · 家校社协同育人活动预约',
	en: 'Gongyu · home–school–community co-education'
};

const automatic: Localised = {
	'zh-CN': '这是一封系统邮件，请不要直接回复。',
	en: 'This is an automatic email; please do not reply to it.'
};

export interface Section {
	html: string;
	text: string;
}

/** A paragraph of plain text, escaped. */
export function para(text: string, style = styles.p): Section {
	return { html: `<p style="${style}">${escapeHtml(text)}</p>`, text };
}

/** "label: value" in plain text, with the full-width colon after a Chinese label. */
export function labelled(label: string, value: string): string {
	return /[\u3400-\u9fff]$/.test(label) ? `${label}：${value}` : `${label}: ${value}`;
}

export function button(label: string, href: string): Section {
	return {
		html: `<p style="margin:4px 0 20px;text-align:center;"><a href="${escapeHtml(href)}" style="${styles.button}">${escapeHtml(label)}</a></p>`,
		text: labelled(label, href)
	};
}

/** Label/value pairs in a shaded box. */
export function details(rows: [string, string][]): Section {
	const shown = rows.filter(([, value]) => value);
	return {
		html: `<div style="${styles.box}">${shown
			.map(
				([label, value]) =>
					`<span style="${styles.label}">${escapeHtml(label)}</span><span style="${styles.value}">${escapeHtml(value)}</span>`
			)
			.join('')}</div>`,
		text: shown.map(([label, value]) => labelled(label, value)).join('\n')
	};
}

const eventLabels = {
	'zh-CN': {
		event: '活动',
		when: '时间',
		where: '地点',
		organiser: '主办',
		phone: '主办方电话',
		address: '主办方地址',
		attendees: '参加人员'
	},
	en: {
		event: 'Event',
		when: 'When',
		where: 'Where',
		organiser: 'Organiser',
		phone: 'Organiser’s phone',
		address: 'Organiser’s address',
		attendees: 'Who is coming'
	}
};

export function place(event: EventInfo, locale: EmailLocale): string {
	return pick(event.place, locale);
}

export function eventDetails(event: EventInfo, locale: EmailLocale, attendees?: string[]): Section {
	const l = eventLabels[locale];
	const rows: [string, string][] = [
		[l.event, pick(event.title, locale)],
		[l.when, withTimezone(formatRange(event.startsAt, event.endsAt, locale), locale)],
		[l.where, place(event, locale)],
		[l.organiser, pick(event.organiser, locale)],
		[l.phone, event.organiserPhone ?? ''],
		[l.address, pick(event.organiserAddress, locale)]
	];
	if (attendees?.length) rows.push([l.attendees, attendees.join(locale === 'en' ? ', ' : '、')]);
	return details(rows);
}

export function eventUrl(siteUrl: string, event: { id: string; slug?: string }): string {
	return `${siteUrl.replace(/\/$/, '')}/events/${encodeURIComponent(event.slug || event.id)}`;
}

/** Wraps sections in the shared shell. `footer` holds extra small print (e.g. unsubscribe). */
export function layout(
	locale: EmailLocale,
	subject: string,
	sections: Section[],
	footer: Section[] = []
): { html: string; text: string } {
	const body = sections.map((s) => s.html).join('\n');
	const foot = [...footer, para(automatic[locale], styles.small)].map((s) => s.html).join('\n');
	const html = `<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:0;background:#f5f5f4;${font};color:#1c1917;">
<div style="max-width:560px;margin:0 auto;padding:24px 16px;">
<p style="margin:0 0 16px;font-size:20px;font-weight:700;color:#9a3412;">共育 Gongyu</p>
<div style="background:#ffffff;border-radius:12px;padding:24px 20px;border:1px solid #e7e5e4;">
${body}
</div>
<div style="margin:16px 4px 0;">
${foot}
<p style="margin:8px 0 0;font-size:13px;color:#78716c;text-align:center;">${escapeHtml(signature[locale])}</p>
</div>
</div>
</body>
</html>`;
	const text = [
		...sections.map((s) => s.text),
		'',
		'--',
		...footer.map((s) => s.text),
		automatic[locale],
		signature[locale],
		''
	]
		.join('\n\n')
		.replace(/\n{3,}/g, '\n\n');
	return { html, text };
}
