/**
 * 预约场地 — the room-request workflow: a venue's staff are told of a new request
 * (room_request_received); the requester hears that it was approved, rejected (with the reason) or
 * that the booking was cancelled.
 */
import type { EmailLocale } from './auth';
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

type Which =
	| 'room_request_received'
	| 'room_request_approved'
	| 'room_request_rejected'
	| 'room_booking_cancelled';

const copy = {
	'zh-CN': {
		room_request_received: {
			subject: (venue: string, date: string) => `新的场地预约申请：${venue} ${date}`,
			intro: (requester: string) => `${requester || '一家单位'}申请使用贵单位的场地，请尽快审批。`
		},
		room_request_approved: {
			subject: (venue: string, date: string) => `场地预约已通过：${venue} ${date}`,
			intro: () => '您单位提交的场地预约已审批通过，现在可以在这个时段发布活动。'
		},
		room_request_rejected: {
			subject: (venue: string, date: string) => `场地预约未通过：${venue} ${date}`,
			intro: () => '很抱歉，您单位提交的场地预约未通过审批。'
		},
		room_booking_cancelled: {
			subject: (venue: string, date: string) => `场地预约已取消：${venue} ${date}`,
			intro: () => '您单位的场地预约已被场馆取消。如有疑问，请联系场馆。'
		},
		venue: '场地',
		address: '地址',
		when: '时间',
		requester: '申请单位',
		purpose: '用途',
		reason: '原因',
		none: '场馆未填写原因。',
		phone: '场馆电话',
		view: '打开工作台'
	},
	en: {
		room_request_received: {
			subject: (venue: string, date: string) => `New room request: ${venue}, ${date}`,
			intro: (requester: string) =>
				`${requester || 'An organisation'} has asked to use one of your rooms. Please approve or reject the request.`
		},
		room_request_approved: {
			subject: (venue: string, date: string) => `Room request approved: ${venue}, ${date}`,
			intro: () =>
				'Your organisation’s room request has been approved. You can now publish an event in this slot.'
		},
		room_request_rejected: {
			subject: (venue: string, date: string) => `Room request rejected: ${venue}, ${date}`,
			intro: () => 'We are sorry: your organisation’s room request was not approved.'
		},
		room_booking_cancelled: {
			subject: (venue: string, date: string) => `Room booking cancelled: ${venue}, ${date}`,
			intro: () =>
				'The venue has cancelled your organisation’s room booking. Please contact the venue with any questions.'
		},
		venue: 'Room',
		address: 'Address',
		when: 'When',
		requester: 'Requested by',
		purpose: 'Purpose',
		reason: 'Reason',
		none: 'The venue gave no reason.',
		phone: 'Venue phone',
		view: 'Open the staff area'
	}
};

/** "12月5日" / "5 Dec": short enough for a subject line. */
function shortDate(iso: string, locale: EmailLocale): string {
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

export async function roomRequest(
	context: EmailContext,
	options: RenderOptions
): Promise<RenderedMessage> {
	const booking = context.booking;
	if (!booking) throw new Error(`${context.kind} needs a booking`);
	const locale = context.locale;
	const t = copy[locale];
	const which = t[context.kind as Which] ?? t.room_request_received;
	const venue = pick(booking.venue, locale);
	const subject = which.subject(venue, shortDate(booking.startsAt, locale));
	const requester = pick(booking.requester, locale);
	const rows: [string, string][] = [
		[t.venue, [venue, pick(booking.venueOrganisation, locale)].filter(Boolean).join(' · ')],
		[t.address, pick(booking.venueAddress, locale)],
		[t.when, withTimezone(formatRange(booking.startsAt, booking.endsAt, locale), locale)],
		[t.requester, requester],
		[t.purpose, booking.purpose]
	];
	if (context.kind === 'room_request_rejected') rows.push([t.reason, booking.reason || t.none]);
	if (context.kind === 'room_booking_cancelled' && booking.reason)
		rows.push([t.reason, booking.reason]);
	if (context.kind !== 'room_request_received') rows.push([t.phone, booking.venuePhone ?? '']);
	const { html, text } = layout(locale, subject, [
		greeting(locale),
		para(which.intro(requester)),
		details(rows),
		button(t.view, `${options.siteUrl.replace(/\/$/, '')}/staff`)
	]);
	return { subject, html, text };
}
