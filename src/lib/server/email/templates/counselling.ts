/**
 * 心理辅导预约 — the emails about a counselling appointment, to the family and to the counsellor.
 * Discreet by construction: the payload (private.appointment_payload) holds the time, the way of
 * meeting, the place, the counsellor's display name and the centre's hotline, never for whom or
 * about what; subjects and the calendar file's title name only "咨询预约 / Counselling appointment".
 * Every email to a family says the booking is not for emergencies and gives the crisis hotline.
 */
import type { EmailLocale } from './auth';
import { greeting } from './common';
import { buildIcs } from '../ics';
import {
	button,
	details,
	formatRange,
	layout,
	para,
	withTimezone,
	type EmailAttachment,
	type EmailContext,
	type RenderOptions,
	type RenderedMessage,
	type Section
} from './layout';

export const COUNSELLING_TITLE = { 'zh-CN': '咨询预约', en: 'Counselling appointment' } as const;
/** The calendar entry's title, the same in both languages' files. */
export const COUNSELLING_ICS_TITLE = '咨询预约 / Counselling appointment';

type Json = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');

interface Appointment {
	id: string;
	startsAt: string;
	endsAt: string;
	mode: string;
	status: string;
	sequence: number;
	cancelledBy: string;
}

function appointmentOf(context: EmailContext): Appointment {
	const a = (context.payload.appointment ?? {}) as Json;
	if (!str(a.id) || !str(a.starts_at) || !str(a.ends_at))
		throw new Error(`${context.kind} needs an appointment`);
	return {
		id: str(a.id),
		startsAt: str(a.starts_at),
		endsAt: str(a.ends_at),
		mode: str(a.mode),
		status: str(a.status),
		sequence: Number(a.sequence ?? 0),
		cancelledBy: str(a.cancelled_by)
	};
}

const copy = {
	'zh-CN': {
		subject: {
			counselling_confirmed: '咨询预约已确认',
			counselling_requested: '咨询预约已提交，等待确认',
			counselling_declined: '咨询预约未能安排',
			counselling_changed: '咨询预约时间已更改',
			counselling_cancelled: '咨询预约已取消',
			counselling_reminder_24h: '提醒：明天的咨询预约',
			counselling_reminder_2h: '提醒：咨询预约即将开始',
			new: '新的咨询预约',
			changed: '咨询预约已改期',
			cancelled: '咨询预约已取消'
		} as Record<string, string>,
		intro: {
			counselling_confirmed: '您的咨询预约已确认。',
			counselling_requested: '我们已收到您的咨询预约，咨询师确认后会再发邮件通知您。',
			counselling_declined: '很抱歉，咨询师无法安排这个时间。欢迎另选时间预约。',
			counselling_changed: '您的咨询预约时间已更改，新的时间如下。',
			counselling_cancelled: '您的咨询预约已取消。',
			counselling_cancelled_by_counsellor: '很抱歉，咨询师取消了这次预约。欢迎另选时间预约。',
			counselling_reminder_24h: '提醒您：您的咨询预约在明天。',
			counselling_reminder_2h: '提醒您：您的咨询预约将在两小时内开始。',
			new: '有一个新的咨询预约。预约内容请登录后查看。',
			changed: '一个咨询预约改了时间。',
			cancelled: '一个咨询预约已被家庭取消，这段时间已空出。'
		} as Record<string, string>,
		awaiting: '新的时间需要咨询师确认，确认后会再通知您。',
		when: '时间',
		previous: '原来的时间',
		how: '方式',
		where: '地点',
		counsellor: '咨询师',
		centre: '机构',
		phone: '机构电话',
		modes: { in_person: '到中心面谈', phone: '电话', video: '视频' } as Record<string, string>,
		cutoff: (h: number) => `如需改期或取消，请在开始前 ${h} 小时之前在网站上操作。`,
		hotline: (n: string, hours: string) =>
			`本预约不用于紧急情况。如遇紧急情况，请立即拨打心理援助热线 ${n}${hours ? `（${hours}）` : ''}，或拨打 110 / 120。`,
		view: '查看我的咨询预约',
		staffView: '查看咨询日程',
		calendar: '附件中的日历文件可以把预约加入您的日历。',
		calendarCancel: '附件中的日历文件会把这个预约从您的日历中标为已取消。'
	},
	en: {
		subject: {
			counselling_confirmed: 'Counselling appointment confirmed',
			counselling_requested: 'Counselling appointment requested',
			counselling_declined: 'Counselling appointment not possible',
			counselling_changed: 'Counselling appointment moved',
			counselling_cancelled: 'Counselling appointment cancelled',
			counselling_reminder_24h: 'Reminder: counselling appointment tomorrow',
			counselling_reminder_2h: 'Reminder: counselling appointment soon',
			new: 'New counselling appointment',
			changed: 'Counselling appointment moved',
			cancelled: 'Counselling appointment cancelled'
		} as Record<string, string>,
		intro: {
			counselling_confirmed: 'Your counselling appointment is confirmed.',
			counselling_requested:
				'We have your request. The counsellor will confirm it, and we will email you then.',
			counselling_declined:
				'We are sorry: the counsellor cannot take this time. You are welcome to choose another.',
			counselling_changed: 'Your counselling appointment has a new time, given below.',
			counselling_cancelled: 'Your counselling appointment is cancelled.',
			counselling_cancelled_by_counsellor:
				'We are sorry: the counsellor had to cancel this appointment. You are welcome to choose another time.',
			counselling_reminder_24h: 'A reminder: your counselling appointment is tomorrow.',
			counselling_reminder_2h: 'A reminder: your counselling appointment starts within two hours.',
			new: 'There is a new counselling appointment. Sign in to see what it is about.',
			changed: 'A counselling appointment has moved.',
			cancelled: 'A family cancelled a counselling appointment; the time is free again.'
		} as Record<string, string>,
		awaiting: 'The counsellor will confirm the new time, and we will email you then.',
		when: 'When',
		previous: 'Previous time',
		how: 'How',
		where: 'Where',
		counsellor: 'Counsellor',
		centre: 'Centre',
		phone: 'Centre’s phone',
		modes: { in_person: 'In person at the centre', phone: 'By phone', video: 'By video' } as Record<
			string,
			string
		>,
		cutoff: (h: number) =>
			`To move or cancel, please do so on the website at least ${h} hours before it starts.`,
		hotline: (n: string, hours: string) =>
			`This booking is not for emergencies. In a crisis, call the psychological help line ${n}${hours ? ` (${hours})` : ''} at once, or 110 / 120.`,
		view: 'See my counselling appointments',
		staffView: 'See the counselling diary',
		calendar: 'The calendar file attached adds the appointment to your calendar.',
		calendarCancel:
			'The calendar file attached marks the appointment as cancelled in your calendar.'
	}
};

function pickText(payload: Json, zh: string, en: string, locale: EmailLocale): string {
	return locale === 'en' ? str(payload[en]) || str(payload[zh]) : str(payload[zh]);
}

function appointmentDetails(
	context: EmailContext,
	a: Appointment,
	previous: string | null
): Section {
	const t = copy[context.locale];
	const p = context.payload;
	const rows: [string, string][] = [
		[t.when, withTimezone(formatRange(a.startsAt, a.endsAt, context.locale), context.locale)]
	];
	if (previous) {
		const length = new Date(a.endsAt).getTime() - new Date(a.startsAt).getTime();
		const end = new Date(new Date(previous).getTime() + length).toISOString();
		rows.push([t.previous, formatRange(previous, end, context.locale)]);
	}
	rows.push(
		[t.how, t.modes[a.mode] ?? a.mode],
		[t.where, pickText(p, 'place_zh', 'place_en', context.locale)],
		[t.counsellor, pickText(p, 'counsellor_zh', 'counsellor_en', context.locale)],
		[t.centre, pickText(p, 'organisation_zh', 'organisation_en', context.locale)],
		[t.phone, str(p.organisation_phone)]
	);
	return details(rows);
}

/** The crisis hotline sentence every counselling email to a family carries. */
export function hotlineSection(context: EmailContext): Section {
	const p = context.payload;
	const hours = pickText(p, 'hotline_hours_zh', 'hotline_hours_en', context.locale);
	return para(copy[context.locale].hotline(str(p.hotline) || '12356', hours));
}

export function appointmentIcs(
	context: EmailContext,
	siteUrl: string,
	options: { cancelled?: boolean } = {}
): EmailAttachment {
	const a = appointmentOf(context);
	const p = context.payload;
	const t = copy[context.locale];
	const place =
		a.mode === 'in_person'
			? pickText(p, 'place_zh', 'place_en', context.locale)
			: (t.modes[a.mode] ?? '');
	const url = `${siteUrl.replace(/\/$/, '')}/family/counselling`;
	const ics = buildIcs({
		uid: `appointment-${a.id}@gongyu`,
		stamp: new Date(context.createdAt),
		start: new Date(a.startsAt),
		end: new Date(a.endsAt),
		summary: COUNSELLING_ICS_TITLE,
		location: place || undefined,
		description: [pickText(p, 'organisation_zh', 'organisation_en', context.locale), url]
			.filter(Boolean)
			.join('\n'),
		url,
		sequence: a.sequence,
		cancelled: options.cancelled
	});
	return {
		filename: 'appointment.ics',
		content: Buffer.from(ics, 'utf8').toString('base64'),
		contentType: options.cancelled
			? 'text/calendar; charset=utf-8; method=CANCEL'
			: 'text/calendar; charset=utf-8; method=PUBLISH'
	};
}

/** Emails to the family about its appointment. */
export async function counsellingFamily(
	context: EmailContext,
	options: RenderOptions
): Promise<RenderedMessage> {
	const a = appointmentOf(context);
	const t = copy[context.locale];
	const kind = context.kind;
	const subject = t.subject[kind];
	if (!subject) throw new Error(`unknown counselling email: ${kind}`);
	const byCounsellor = kind === 'counselling_cancelled' && a.cancelledBy === 'counsellor';
	const intro = t.intro[byCounsellor ? 'counselling_cancelled_by_counsellor' : kind];
	const previous =
		kind === 'counselling_changed' ? str(context.payload.previous_starts_at) || null : null;
	const withFile =
		kind === 'counselling_confirmed' ||
		kind === 'counselling_cancelled' ||
		(kind === 'counselling_changed' && a.status === 'confirmed');
	const sections: Section[] = [
		greeting(context.locale, context.guardianName),
		para(intro),
		...(kind === 'counselling_changed' && a.status === 'requested' ? [para(t.awaiting)] : []),
		appointmentDetails(context, a, previous),
		...(kind === 'counselling_cancelled' || kind === 'counselling_declined'
			? []
			: [para(t.cutoff(Number(context.payload.cutoff_hours ?? 24)))]),
		hotlineSection(context),
		...(withFile ? [para(kind === 'counselling_cancelled' ? t.calendarCancel : t.calendar)] : []),
		button(t.view, `${options.siteUrl.replace(/\/$/, '')}/family/counselling`)
	];
	const { html, text } = layout(context.locale, subject, sections);
	return {
		subject,
		html,
		text,
		attachments: withFile
			? [appointmentIcs(context, options.siteUrl, { cancelled: kind === 'counselling_cancelled' })]
			: []
	};
}

/** The counsellor's notice of a new, moved or cancelled appointment: time and way only. */
export async function counsellingStaffNotice(
	context: EmailContext,
	options: RenderOptions
): Promise<RenderedMessage> {
	const a = appointmentOf(context);
	const t = copy[context.locale];
	const what = str(context.payload.what) || 'new';
	const subject = t.subject[what] ?? t.subject.new;
	const previous = what === 'changed' ? str(context.payload.previous_starts_at) || null : null;
	const { html, text } = layout(context.locale, subject, [
		greeting(
			context.locale,
			pickText(context.payload, 'counsellor_zh', 'counsellor_en', context.locale)
		),
		para(t.intro[what] ?? t.intro.new),
		appointmentDetails(context, a, previous),
		button(t.staffView, `${options.siteUrl.replace(/\/$/, '')}/staff/counselling`)
	]);
	return { subject, html, text };
}
