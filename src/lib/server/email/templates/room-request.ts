/** 预约场地 — a venue's staff approved or rejected an organisation's room request (with the reason). */
import { greeting } from './common';
import {
	button,
	details,
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
		approved: {
			subject: (venue: string, date: string) => `场地预约已通过：${venue} ${date}`,
			intro: '您单位提交的场地预约已审批通过，现在可以在这个时段发布活动。'
		},
		rejected: {
			subject: (venue: string, date: string) => `场地预约未通过：${venue} ${date}`,
			intro: '很抱歉，您单位提交的场地预约未通过审批。'
		},
		venue: '场地',
		address: '地址',
		when: '时间',
		purpose: '用途',
		reason: '原因',
		none: '场馆未填写原因。',
		view: '查看预约'
	},
	en: {
		approved: {
			subject: (venue: string, date: string) => `Room request approved: ${venue}, ${date}`,
			intro:
				'Your organisation’s room request has been approved. You can now publish an event in this slot.'
		},
		rejected: {
			subject: (venue: string, date: string) => `Room request rejected: ${venue}, ${date}`,
			intro: 'We are sorry: your organisation’s room request was not approved.'
		},
		venue: 'Room',
		address: 'Address',
		when: 'When',
		purpose: 'Purpose',
		reason: 'Reason',
		none: 'The venue gave no reason.',
		view: 'See the request'
	}
};

/** "12月5日" / "5 Dec": short enough for a subject line. */
function shortDate(iso: string, locale: 'zh-CN' | 'en'): string {
	const d = new Date(new Date(iso).getTime() + 8 * 3600_000);
	const months = [
		'Jan',
		'Feb',
		'Mar',
		'Apr',
		'May',
		'Jun',
		'Jul',
		'Aug',
		'Sep',
		'Oct',
		'Nov',
		'Dec'
	];
	return locale === 'en'
		? `${d.getUTCDate()} ${months[d.getUTCMonth()]}`
		: `${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}

export async function roomRequestDecided(
	context: EmailContext,
	options: RenderOptions
): Promise<RenderedMessage> {
	const booking = context.booking;
	if (!booking) throw new Error(`${context.kind} needs a booking`);
	const t = copy[context.locale];
	const approved = context.kind === 'room_request_approved';
	const which = approved ? t.approved : t.rejected;
	const venue = pick(booking.venue, context.locale);
	const subject = which.subject(venue, shortDate(booking.startsAt, context.locale));
	const reason =
		booking.reason ?? (typeof context.payload.reason === 'string' ? context.payload.reason : '');
	const rows: [string, string][] = [
		[t.venue, [venue, pick(booking.venueOrganisation, context.locale)].filter(Boolean).join(' · ')],
		[t.address, pick(booking.venueAddress, context.locale)],
		[
			t.when,
			withTimezone(formatRange(booking.startsAt, booking.endsAt, context.locale), context.locale)
		],
		[t.purpose, booking.purpose]
	];
	if (!approved) rows.push([t.reason, reason || t.none]);
	const { html, text } = layout(context.locale, subject, [
		greeting(context.locale),
		para(which.intro),
		details(rows),
		button(t.view, `${options.siteUrl.replace(/\/$/, '')}/staff`)
	]);
	return { subject, html, text };
}
