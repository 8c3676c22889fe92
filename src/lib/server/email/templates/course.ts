/**
 * 课程 — a family's enrolment in a parent-school course (confirmed, waitlisted, promoted from the
 * waitlist, cancelled) and its certificate of completion. The payload is private.course_email_payload
 * (or the certificate's): the course, its organiser, its sessions and who takes it. No member's name
 * in a subject line.
 */
import { greeting } from './common';
import {
	button,
	details,
	formatRange,
	para,
	pick,
	withTimezone,
	layout,
	type EmailContext,
	type Localised,
	type RenderOptions,
	type RenderedMessage
} from './layout';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json =>
	v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const both = (zh: unknown, en: unknown): Localised => ({
	'zh-CN': text(zh) || text(en),
	en: text(en) || text(zh)
});

const copy = {
	'zh-CN': {
		course_confirmed: (t: string) => [
			`课程报名成功：${t}`,
			'您家已报名整门课程，以下每一次课都已为您预留名额。'
		],
		course_waitlisted: (t: string) => [
			`课程候补：${t}`,
			'课程名额已满，您家已进入候补名单，有名额时会按顺序转为正式报名并通知您。'
		],
		course_promoted: (t: string) => [
			`候补成功，课程报名已确认：${t}`,
			'好消息！课程有名额空出，您家已转为正式报名，以下每一次课都已为您预留名额。'
		],
		course_cancelled: (t: string) => [
			`已取消课程报名：${t}`,
			'您家的课程报名已取消，尚未开始的各次课名额已释放。'
		],
		course_certificate: (t: string) => [
			`结业证书：${t}`,
			'恭喜完成课程！结业证书已颁发，可在“我的课程”中下载。'
		],
		course: '课程',
		organiser: '主办',
		phone: '主办方电话',
		who: '参加人员',
		position: '候补位次',
		sessions: '课程安排',
		serial: '证书编号',
		hours: '学时',
		holder: '学员',
		open: '查看我的课程'
	},
	en: {
		course_confirmed: (t: string) => [
			`Enrolled in the course: ${t}`,
			'Your family is enrolled in the whole course; a place is kept for you at every session below.'
		],
		course_waitlisted: (t: string) => [
			`On the course waitlist: ${t}`,
			'The course is full. Your family is on the waitlist and will be enrolled, in order, when a place opens up.'
		],
		course_promoted: (t: string) => [
			`A place opened up — you are enrolled: ${t}`,
			'Good news! A place opened up and your family is now enrolled; a place is kept for you at every session below.'
		],
		course_cancelled: (t: string) => [
			`Course enrolment cancelled: ${t}`,
			'Your family’s enrolment is cancelled and its places at the sessions still ahead are released.'
		],
		course_certificate: (t: string) => [
			`Certificate of completion: ${t}`,
			'Congratulations on completing the course! The certificate is ready to download under “My courses”.'
		],
		course: 'Course',
		organiser: 'Organiser',
		phone: 'Organiser’s phone',
		who: 'Taking part',
		position: 'Waitlist position',
		sessions: 'Sessions',
		serial: 'Certificate number',
		hours: 'Hours',
		holder: 'Holder',
		open: 'See my courses'
	}
};

export type CourseKind =
	| 'course_confirmed'
	| 'course_waitlisted'
	| 'course_promoted'
	| 'course_cancelled'
	| 'course_certificate';

export async function courseEmail(
	context: EmailContext,
	options: RenderOptions
): Promise<RenderedMessage> {
	const l = copy[context.locale];
	const p = context.payload;
	const course = obj(p.course);
	const org = obj(p.organisation);
	const title = pick(both(course.title_zh, course.title_en), context.locale);
	const [subject, intro] = l[context.kind as CourseKind](title);
	const rows: [string, string][] = [
		[l.course, title],
		[l.organiser, pick(both(org.name_zh, org.name_en), context.locale)],
		[l.phone, text(org.phone)]
	];
	const attendees = Array.isArray(p.attendees) ? p.attendees.map((a) => text(obj(a).nickname)) : [];
	if (attendees.length) rows.push([l.who, attendees.join(context.locale === 'en' ? ', ' : '、')]);
	const enrolment = obj(p.enrolment);
	if (context.kind === 'course_waitlisted' && enrolment.waitlist_position != null) {
		rows.push([l.position, String(enrolment.waitlist_position)]);
	}
	const certificate = obj(p.certificate);
	if (context.kind === 'course_certificate') {
		rows.push([l.holder, text(certificate.holder_name)]);
		rows.push([l.hours, String(certificate.hours ?? '')]);
		rows.push([l.serial, text(certificate.serial)]);
	}
	const sections = [greeting(context.locale, context.guardianName), para(intro), details(rows)];
	const sessions = Array.isArray(p.sessions) ? p.sessions.map(obj) : [];
	if (
		sessions.length &&
		context.kind !== 'course_certificate' &&
		context.kind !== 'course_cancelled'
	) {
		sessions.forEach((s, i) => {
			const place = obj(s.place);
			const where = pick(
				both(place.venue_zh ?? place.address_zh, place.venue_en ?? place.address_en),
				context.locale
			);
			sections.push(
				para(
					`${i + 1}. ${withTimezone(formatRange(text(s.starts_at), text(s.ends_at), context.locale), context.locale)}${where ? ` · ${where}` : ''}`
				)
			);
		});
	}
	sections.push(button(l.open, `${options.siteUrl.replace(/\/$/, '')}/family/courses`));
	const { html, text: plain } = layout(context.locale, subject, sections);
	return { subject, html, text: plain };
}
