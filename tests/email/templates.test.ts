/**
 * Every template in both languages: exact subjects, the lines that matter in the plain text, the
 * HTML, headers and attachments — from payloads shaped like private.registration_payload() and
 * private.booking_payload() write them.
 */
import ICAL from 'ical.js';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { decodeQR } from 'qr/decode.js';
import { describe, expect, it } from 'vitest';
import { contextFromRow, type OutboxEmail } from '../../src/lib/server/email/context';
import { buildIcs, foldLine } from '../../src/lib/server/email/ics';
import { renderEmail, singleKinds, templates } from '../../src/lib/server/email/templates';
import type { RenderedMessage } from '../../src/lib/server/email/templates/layout';
import { counsellingPayloads } from './counselling-payloads';
import { coursePayloads } from './course-payloads';

const siteUrl = 'https://gongyu.example.org';
const CHILD = '小雨点';
const CHILD_EN = 'Little Rain';

const event = {
	id: '5b0e8d0e-4b7e-4a0e-9d51-3f0f3c1a2b01',
	slug: '2026-12-05-parent-child-reading-ab12',
	status: 'published',
	category: 'parent_child_reading',
	title_zh: '亲子阅读分享会',
	title_en: 'Parent-child reading session',
	starts_at: '2026-12-05T14:00:00+08:00',
	ends_at: '2026-12-05T16:00:00+08:00',
	sequence: 2,
	cancelled_reason: null,
	place_zh: '阅读室 · 西山漾丝绸小镇 3 号楼',
	place_en: 'Reading room · Building 3, Xishanyang Silk Town',
	organisation_zh: '吴兴区青少年活动中心',
	organisation_en: 'Wuxing District Youth Activity Centre',
	organisation_phone: '0572-1234567'
};

function registrationPayload(status: string, extra: Record<string, unknown> = {}) {
	return {
		event,
		registration: {
			id: '9c1f2a3b-0000-4000-8000-000000000001',
			status,
			seats: 2,
			waitlist_position: status === 'waitlisted' ? 3 : null,
			check_in_code: 'K7Q2MX'
		},
		guardian_name: '王女士',
		attendees: [
			{ kind: 'child', nickname: CHILD },
			{ kind: 'parent', nickname: CHILD_EN }
		],
		unsubscribe_token: '0f0e0d0c-0b0a-4909-8807-060504030201',
		...extra
	};
}

const bookingPayload = (status: string, reason: string | null = null) => ({
	booking: {
		id: '7a7a7a7a-0000-4000-8000-000000000002',
		status,
		starts_at: '2026-12-10T09:00:00+08:00',
		ends_at: '2026-12-10T11:30:00+08:00',
		purpose: '家长课堂：如何陪孩子读绘本',
		reason
	},
	venue: {
		id: 'v1',
		name_zh: '多功能厅',
		name_en: 'Multi-purpose hall',
		address_zh: '西山漾丝绸小镇 1 号',
		address_en: '1 Xishanyang Silk Town'
	},
	venue_organisation: {
		name_zh: '吴兴区妇儿活动中心',
		name_en: "Women and Children's Activity Centre",
		phone: '0572-7654321'
	},
	requesting_organisation: {
		name_zh: '爱山小学家长学校',
		name_en: 'Aishan Primary School parent school'
	}
});

const payloads: Record<string, Record<string, unknown>> = {
	registration_confirmed: registrationPayload('confirmed'),
	walk_in_registered: registrationPayload('attended'),
	registration_waitlisted: registrationPayload('waitlisted'),
	waitlist_promoted: registrationPayload('confirmed'),
	reminder_24h: registrationPayload('confirmed'),
	reminder_2h: registrationPayload('confirmed'),
	event_changed: registrationPayload('confirmed', {
		previous_starts_at: '2026-12-04T14:00:00+08:00',
		previous_ends_at: '2026-12-04T16:00:00+08:00'
	}),
	event_cancelled: registrationPayload('confirmed', {
		event: { ...event, status: 'cancelled', cancelled_reason: '场馆临时检修' }
	}),
	registration_cancelled: registrationPayload('cancelled'),
	room_request_received: bookingPayload('requested'),
	room_request_approved: bookingPayload('approved'),
	room_request_rejected: bookingPayload('rejected', '当天已安排区级活动'),
	room_booking_cancelled: bookingPayload('cancelled'),
	held_place_invitation: {
		event,
		seats: 2,
		expires_at: '2026-12-03T14:00:00+08:00',
		guardian_name: '王女士'
	},
	...counsellingPayloads,
	...coursePayloads,
	staff_message: registrationPayload('confirmed', {
		subject: `请给${CHILD}带一本最喜欢的绘本`,
		body: `各位家长好：\n\n请带一本孩子最喜欢的绘本。${CHILD}妈妈，您报名的两个名额已确认。\n\n谢谢！`
	}),
	monthly_report: {
		month: '2026-11',
		generated_at: '2026-12-01T00:05:00+00:00',
		figures: {
			from: '2026-11-01',
			to: '2026-11-30',
			org: null,
			grain: 'week',
			totals: {
				events: 3,
				events_cancelled: 0,
				places: 60,
				families: 20,
				participations: 22,
				people: 41,
				attended: 38,
				no_show: 3,
				no_show_rate: 0.073,
				utilisation: 0.683,
				new_families: 8,
				returning_families: 12,
				events_turning_away: 0,
				families_turned_away: 0,
				grandparents: '<5',
				grandparent_families: '<5',
				receipts_asked: 0,
				receipts_answered: 0,
				receipt_rate: null,
				feedback_asked: 0,
				feedback_given: 0,
				feedback_rate: null,
				rating: null,
				referred_participations: '<5'
			},
			over_time: [{ bucket: '2026-10-26', events: 3, families: 20, people: 41, attended: 38 }],
			by_org: [
				{
					org_id: 'o1',
					name_zh: '吴兴区青少年活动中心',
					name_en: 'Youth Centre',
					kind: 'youth_centre',
					town: null,
					events: 3,
					places: 60,
					families: 20,
					people: 41,
					attended: 38,
					no_show: 3,
					waitlisted: 0,
					utilisation: 0.683
				}
			],
			by_category: [{ category: 'parent_child_reading', events: 3, families: 20, people: 41 }],
			by_town: [{ town: '', orgs: 1, events: 3, families: 20, people: 41 }],
			by_age_band: [{ band: '6-8', children: 20 }],
			events: []
		}
	},
	notice: noticePayload(),
	notice_reminder: noticePayload(),
	feedback_request: registrationPayload('attended', { token: 'A'.repeat(43) }),
	feedback_reply: {
		event,
		guardian_name: '王女士',
		reply: { id: 'r1', body: '谢谢建议，下期会延长时间。', public: false },
		feedback: { rating: 4, enjoyed: `${CHILD}喜欢绘本`, improve: null }
	}
};

function noticePayload() {
	return {
		event,
		guardian_name: '王女士',
		token: 'B'.repeat(43),
		notice: {
			id: 'n1',
			subject: '周六活动改到室内',
			body: '请穿运动鞋。',
			receipt_kind: 'choice',
			question: '能来吗？',
			options: ['参加', '不参加'],
			organisation_zh: '吴兴区青少年活动中心',
			organisation_en: 'Wuxing District Youth Activity Centre'
		}
	};
}

function row(kind: string, locale: 'zh-CN' | 'en'): OutboxEmail {
	return {
		id: '11111111-2222-4333-8444-555555555555',
		kind,
		to_email: 'wang@example.test',
		locale,
		payload: payloads[kind],
		created_at: '2026-11-29T08:00:00+00:00'
	};
}

async function render(kind: string, locale: 'zh-CN' | 'en'): Promise<RenderedMessage> {
	return renderEmail(contextFromRow(row(kind, locale)), { siteUrl });
}

function decode(base64: string): string {
	return Buffer.from(base64, 'base64').toString('utf8');
}

const kinds = Object.keys(templates);

describe('email templates', () => {
	it('cover every kind the database writes', () => {
		expect(kinds.sort()).toEqual(Object.keys(payloads).sort());
	});

	it.each(
		kinds.flatMap(
			(k) =>
				[
					[k, 'zh-CN'],
					[k, 'en']
				] as const
		)
	)('%s (%s) never names a child in the subject line', async (kind, locale) => {
		const message = await render(kind, locale);
		expect(message.subject).not.toContain(CHILD);
		expect(message.subject).not.toContain(CHILD_EN);
		expect(message.subject).not.toContain('小明');
		expect(message.subject.length).toBeLessThan(90);
	});

	it.each(
		kinds.flatMap(
			(k) =>
				[
					[k, 'zh-CN'],
					[k, 'en']
				] as const
		)
	)(
		'%s (%s) is a single-column phone layout with plain text, in the recipient’s language',
		async (kind, locale) => {
			const message = await render(kind, locale);
			expect(message.html).toContain(`<html lang="${locale}">`);
			expect(message.html).toContain('name="viewport"');
			expect(message.html).toContain('max-width:560px');
			expect(message.html).not.toMatch(/<style|<script|<table/);
			expect(message.text.length).toBeGreaterThan(40);
			expect(message.text).not.toContain('<');
			if (locale === 'en') {
				expect(message.text).toContain('Hello,');
				expect(message.text).not.toMatch(/您好|请不要直接回复/);
			} else {
				expect(message.text).toContain('您好！');
				expect(message.text).not.toContain('Hello');
			}
			// Batched kinds carry nothing a batch cannot carry.
			if (!singleKinds.includes(kind)) expect(message.attachments ?? []).toEqual([]);
		}
	);

	it('renders the same bytes every time (a retry under the same key must match)', async () => {
		for (const kind of kinds) {
			for (const locale of ['zh-CN', 'en'] as const) {
				expect(await render(kind, locale)).toEqual(await render(kind, locale));
			}
		}
	});

	it('walk_in_registered tells the parent to sign in with this address to find the registration', async () => {
		const zh = await render('walk_in_registered', 'zh-CN');
		expect(zh.subject).toBe('现场报名成功：亲子阅读分享会');
		expect(zh.text).toContain('工作人员已在活动现场为您家报名并签到。');
		expect(zh.text).toContain('用本邮箱地址登录共育，就能在“我的家庭”中看到这次报名');
		expect(zh.text).toContain(`登录查看我的报名：${siteUrl}/family/registrations`);
		// Already at the door: no code to show, nothing to add to a calendar or cancel.
		expect(zh.text).not.toMatch(/签到码|event\.ics|取消报名/);
		const en = await render('walk_in_registered', 'en');
		expect(en.subject).toBe('Registered at the door: Parent-child reading session');
		expect(en.text).toContain('Sign in to Gongyu with this email address');
		expect(en.attachments ?? []).toEqual([]);
	});

	it('registration_confirmed in Chinese: subject, details, check-in code, QR image and calendar file', async () => {
		const m = await render('registration_confirmed', 'zh-CN');
		expect(m.subject).toBe('报名成功：亲子阅读分享会');
		expect(m.text).toContain('您家的报名已确认，期待与您相见！');
		expect(m.text).toContain('活动：亲子阅读分享会');
		expect(m.text).toContain('时间：2026年12月5日（星期六）14:00–16:00（北京时间）');
		expect(m.text).toContain('地点：阅读室 · 西山漾丝绸小镇 3 号楼');
		expect(m.text).toContain('主办：吴兴区青少年活动中心');
		expect(m.text).toContain(`参加人员：${CHILD}、${CHILD_EN}`);
		expect(m.text).toContain('签到码：K7Q2MX');
		expect(m.text).toContain(`查看我的报名：${siteUrl}/family/registrations`);
		expect(m.html).toContain('src="cid:checkin-qr"');
		expect(m.headers).toBeUndefined();
		const [ics, qr] = m.attachments!;
		expect(ics).toMatchObject({
			filename: 'event.ics',
			contentType: 'text/calendar; charset=utf-8; method=PUBLISH'
		});
		expect(qr).toMatchObject({
			filename: 'checkin-qr.png',
			contentType: 'image/png',
			contentId: 'checkin-qr'
		});
		expect(Buffer.from(qr.content, 'base64').subarray(0, 8)).toEqual(
			Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])
		);
		// The picture is the check-in code's QR: every module's centre dark or light as the code says.
		const png = PNG.sync.read(Buffer.from(qr.content, 'base64'));
		const modules = QRCode.create('K7Q2MX', { errorCorrectionLevel: 'M' }).modules;
		const scale = png.width / (modules.size + 4);
		let wrong = 0;
		for (let row = 0; row < modules.size; row++)
			for (let col = 0; col < modules.size; col++) {
				const x = Math.floor((col + 2.5) * scale);
				const y = Math.floor((row + 2.5) * scale);
				const dark = png.data[(y * png.width + x) * 4] < 128;
				if (dark !== Boolean(modules.get(row, col))) wrong++;
			}
		expect([png.width, png.height, wrong]).toEqual([240, 240, 0]);
		// And a QR reader finds the code in it.
		expect(
			decodeQR(
				{ width: png.width, height: png.height, data: new Uint8Array(png.data) },
				{ format: 'RGBA' }
			)
		).toBe('K7Q2MX');

		const calendar = new ICAL.Component(ICAL.parse(decode(ics.content)));
		expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
		const vevent = new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
		expect(vevent.uid).toBe('9c1f2a3b-0000-4000-8000-000000000001@gongyu');
		expect(vevent.summary).toBe('亲子阅读分享会');
		expect(vevent.location).toBe('阅读室 · 西山漾丝绸小镇 3 号楼');
		expect(vevent.startDate.toJSDate().toISOString()).toBe('2026-12-05T06:00:00.000Z');
		expect(vevent.endDate.toJSDate().toISOString()).toBe('2026-12-05T08:00:00.000Z');
		expect(vevent.sequence).toBe(2);
	});

	it('registration_confirmed in English', async () => {
		const m = await render('registration_confirmed', 'en');
		expect(m.subject).toBe('Registration confirmed: Parent-child reading session');
		expect(m.text).toContain('Your family’s registration is confirmed.');
		expect(m.text).toContain('When: Saturday 5 December 2026, 14:00–16:00 (China Standard Time)');
		expect(m.text).toContain('Where: Reading room · Building 3, Xishanyang Silk Town');
		expect(m.text).toContain('Organiser: Wuxing District Youth Activity Centre');
		expect(m.text).toContain('Check-in code: K7Q2MX');
		const vevent = new ICAL.Event(
			new ICAL.Component(ICAL.parse(decode(m.attachments![0].content))).getFirstSubcomponent(
				'vevent'
			)!
		);
		expect(vevent.summary).toBe('Parent-child reading session');
	});

	it('registration_waitlisted gives the waitlist position', async () => {
		const zh = await render('registration_waitlisted', 'zh-CN');
		expect(zh.subject).toBe('已加入候补：亲子阅读分享会');
		expect(zh.text).toContain('活动名额已满，您家目前是候补第 3 位。');
		const en = await render('registration_waitlisted', 'en');
		expect(en.subject).toBe('On the waitlist: Parent-child reading session');
		expect(en.text).toContain('Your family is number 3 on the waitlist.');
		expect(en.text).not.toContain('K7Q2MX');
	});

	it('waitlist_promoted confirms with the check-in code and a calendar file', async () => {
		const zh = await render('waitlist_promoted', 'zh-CN');
		expect(zh.subject).toBe('候补成功，报名已确认：亲子阅读分享会');
		expect(zh.text).toContain('您家的候补报名已转为正式报名');
		expect(zh.text).toContain('签到码：K7Q2MX');
		expect(zh.attachments?.map((a) => a.filename)).toEqual(['event.ics', 'checkin-qr.png']);
		const en = await render('waitlist_promoted', 'en');
		expect(en.subject).toBe('A place opened up — you are confirmed: Parent-child reading session');
	});

	it('reminders carry List-Unsubscribe with the one-click POST header and the link in the footer', async () => {
		const link = `${siteUrl}/email/preferences?token=0f0e0d0c-0b0a-4909-8807-060504030201`;
		const zh = await render('reminder_24h', 'zh-CN');
		// The row was queued days ahead (created_at above): the reminder names the date.
		expect(zh.subject).toBe('活动提醒：亲子阅读分享会（12月5日）');
		expect(zh.headers).toEqual({
			'List-Unsubscribe': `<${link}>`,
			'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click'
		});
		expect(zh.text).toContain('将于12月5日 14:00（北京时间）开始');
		expect(zh.text).toContain(`不想再收到活动提醒？点击退订： ${link}`);
		expect(zh.html).toContain(`href="${link}"`);
		expect(zh.html).not.toContain('cid:');
		expect(zh.text).toContain(
			'签到码：K7Q2MX\n到场时请向工作人员出示签到码（或报名成功邮件中的二维码）。'
		);
		const en2 = await render('reminder_2h', 'en');
		expect(en2.subject).toBe('Starting soon: Parent-child reading session');
		expect(en2.text).toContain('starts on 5 December at 14:00 (Beijing time)');
		expect(en2.text).toContain(`Stop event reminders: ${link}`);
		expect(en2.headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
	});

	it('transactional emails carry no unsubscribe header', async () => {
		for (const kind of kinds.filter((k) => !k.startsWith('reminder_'))) {
			expect((await render(kind, 'zh-CN')).headers?.['List-Unsubscribe']).toBeUndefined();
		}
	});

	it('event_changed shows the new and previous time and updates the calendar entry', async () => {
		const zh = await render('event_changed', 'zh-CN');
		expect(zh.subject).toBe('活动信息有变动：亲子阅读分享会');
		expect(zh.text).toContain('时间：2026年12月5日（星期六）14:00–16:00（北京时间）');
		expect(zh.text).toContain('变动前的时间：2026年12月4日（星期五）14:00–16:00（北京时间）');
		const vevent = new ICAL.Event(
			new ICAL.Component(ICAL.parse(decode(zh.attachments![0].content))).getFirstSubcomponent(
				'vevent'
			)!
		);
		expect(vevent.uid).toBe('9c1f2a3b-0000-4000-8000-000000000001@gongyu');
		expect(vevent.sequence).toBe(2);
		const en = await render('event_changed', 'en');
		expect(en.subject).toBe('Event details changed: Parent-child reading session');
		expect(en.text).toContain(
			'Previous time: Friday 4 December 2026, 14:00–16:00 (China Standard Time)'
		);
	});

	it('event_cancelled gives the organiser’s reason', async () => {
		const zh = await render('event_cancelled', 'zh-CN');
		expect(zh.subject).toBe('活动已取消：亲子阅读分享会');
		expect(zh.text).toContain('取消原因：场馆临时检修');
		const en = await render('event_cancelled', 'en');
		expect(en.subject).toBe('Event cancelled: Parent-child reading session');
		expect(en.text).toContain('the organiser has cancelled the event');
	});

	it('registration_cancelled cancels the calendar entry the confirmation made', async () => {
		const zh = await render('registration_cancelled', 'zh-CN');
		expect(zh.subject).toBe('已取消报名：亲子阅读分享会');
		expect(zh.text).toContain('附件中的日历文件会把这场活动在您的日历里标为已取消');
		const [file] = zh.attachments!;
		expect(file.contentType).toBe('text/calendar; charset=utf-8; method=CANCEL');
		const calendar = new ICAL.Component(ICAL.parse(decode(file.content)));
		expect(calendar.getFirstPropertyValue('method')).toBe('CANCEL');
		const cancelled = calendar.getFirstSubcomponent('vevent')!;
		const confirmed = new ICAL.Component(
			ICAL.parse(decode((await render('registration_confirmed', 'zh-CN')).attachments![0].content))
		).getFirstSubcomponent('vevent')!;
		expect(cancelled.getFirstPropertyValue('uid')).toBe(confirmed.getFirstPropertyValue('uid'));
		expect(cancelled.getFirstPropertyValue('status')).toBe('CANCELLED');
		expect(cancelled.getFirstPropertyValue('sequence')).toBe(
			Number(confirmed.getFirstPropertyValue('sequence')) + 1
		);
		expect(cancelled.getFirstSubcomponent('valarm')).toBeNull();
		const en = await render('registration_cancelled', 'en');
		expect(en.subject).toBe('Registration cancelled: Parent-child reading session');
		expect(en.text).toContain(
			`See the event: ${siteUrl}/events/2026-12-05-parent-child-reading-ab12`
		);
	});

	it('room requests: received, approved, rejected with the reason, cancelled', async () => {
		const received = await render('room_request_received', 'zh-CN');
		expect(received.subject).toBe('新的场地预约申请：多功能厅 12月10日');
		expect(received.text).toContain('爱山小学家长学校申请使用贵单位的场地');
		const approved = await render('room_request_approved', 'zh-CN');
		expect(approved.subject).toBe('场地预约已通过：多功能厅 12月10日');
		expect(approved.text).toContain('时间：2026年12月10日（星期四）09:00–11:30（北京时间）');
		expect(approved.text).toContain('用途：家长课堂：如何陪孩子读绘本');
		const rejected = await render('room_request_rejected', 'zh-CN');
		expect(rejected.subject).toBe('场地预约未通过：多功能厅 12月10日');
		expect(rejected.text).toContain('原因：当天已安排区级活动');
		const rejectedEn = await render('room_request_rejected', 'en');
		expect(rejectedEn.subject).toBe('Room request rejected: Multi-purpose hall, 10 Dec');
		expect(rejectedEn.text).toContain('Reason: 当天已安排区级活动');
		const cancelled = await render('room_booking_cancelled', 'en');
		expect(cancelled.subject).toBe('Room booking cancelled: Multi-purpose hall, 10 Dec');
	});

	it('staff_message takes the heading staff typed as its subject, unless it names one of the family', async () => {
		const titled = async (subject: string, locale: 'zh-CN' | 'en') => {
			const r = row('staff_message', locale);
			r.payload = { ...payloads.staff_message, subject };
			return renderEmail(contextFromRow(r), { siteUrl });
		};
		const zh = await titled('集合地点改到二楼', 'zh-CN');
		expect(zh.subject).toBe('集合地点改到二楼');
		expect(zh.text).toContain('集合地点改到二楼');
		expect(zh.text).toContain('吴兴区青少年活动中心给报名这场活动的家庭发来一条消息：');
		expect((await titled('Meet on the 2nd floor', 'en')).subject).toBe('Meet on the 2nd floor');
		// Naming the family's child: the heading stays in the text, the subject names the event.
		const named = await render('staff_message', 'zh-CN');
		expect(named.subject).toBe('主办方消息：亲子阅读分享会');
		expect(named.text).toContain(`请给${CHILD}带一本最喜欢的绘本`);
		expect((await render('staff_message', 'en')).subject).toBe(
			'Message from the organiser: Parent-child reading session'
		);
		// An older queued row without a heading still gets a subject: the event's.
		expect((await titled('  ', 'en')).subject).toBe(
			'Message from the organiser: Parent-child reading session'
		);
	});

	it('escapes what families and staff typed', async () => {
		const r = row('staff_message', 'zh-CN');
		r.payload = {
			...payloads.staff_message,
			subject: '<script>alert(1)</script>',
			body: 'a & b <b>'
		};
		const m = await renderEmail(contextFromRow(r), { siteUrl });
		expect(m.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
		expect(m.html).toContain('a &amp; b &lt;b&gt;');
		expect(m.html).not.toContain('<script>');
	});

	it('an unknown kind is refused, not sent blank', async () => {
		await expect(render('no_such_kind', 'zh-CN')).rejects.toThrow(/unknown_email_kind/);
	});
});

describe('iCalendar file', () => {
	it('folds long lines at 75 octets without splitting a character, and escapes text', () => {
		const line = `SUMMARY:${'家校社协同育人'.repeat(8)}`;
		const folded = foldLine(line);
		for (const part of folded.split('\r\n'))
			expect(Buffer.byteLength(part)).toBeLessThanOrEqual(75);
		expect(folded.replace(/\r\n /g, '')).toBe(line);
		const ics = buildIcs({
			uid: 'x@gongyu',
			stamp: new Date('2026-11-29T00:00:00Z'),
			start: new Date('2026-12-05T06:00:00Z'),
			end: new Date('2026-12-05T08:00:00Z'),
			summary: 'A; B, C\\D\nE',
			cancelled: true,
			sequence: 3
		});
		const vevent = new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!;
		expect(vevent.getFirstPropertyValue('summary')).toBe('A; B, C\\D\nE');
		expect(vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
		expect(ics.endsWith('\r\n')).toBe(true);
		expect(ics).toContain('METHOD:CANCEL');
	});
});

describe('the held-place invitation', () => {
	it('says a place is kept and until when, in both languages, and nothing about why', async () => {
		const zh = await render('held_place_invitation', 'zh-CN');
		expect(zh.subject).toBe('为您保留的名额：亲子阅读分享会');
		expect(zh.text).toContain('我们为您家保留了 2 个名额');
		expect(zh.text).toContain('名额保留到 2026年12月3日（星期四）14:00（北京时间）');
		expect(zh.text).toContain(`${siteUrl}/events/${event.slug}`);
		const en = await render('held_place_invitation', 'en');
		expect(en.subject).toBe('A place kept for you: Parent-child reading session');
		expect(en.text).toContain('We have kept 2 places for your family');
		expect(en.text).toContain('Thursday 3 December 2026, 14:00 (China Standard Time)');
		for (const m of [zh, en]) {
			expect(`${m.subject}\n${m.text}\n${m.html}`).not.toMatch(
				/留守|困境|心理|帮扶|转介|referr|left.behind|hardship|disadvantaged|priority/i
			);
		}
	});
});
