/**
 * What families read in their emails: a greeting by the name the guardian gave, the organiser's
 * phone and address, a reminder whose day matches the event's date (今晚 for tonight, never
 * 明天), and a waitlist place that is left rather than "cancelled" — from payloads shaped as
 * private.registration_email_payload() writes them.
 */
import { describe, expect, it } from 'vitest';
import { contextFromRow } from '../../src/lib/server/email/context';
import { renderEmail } from '../../src/lib/server/email/templates';

const siteUrl = 'https://gongyu.example.org';

const event = {
	id: '5b0e8d0e-4b7e-4a0e-9d51-3f0f3c1a2b01',
	slug: 'reading-ab12',
	status: 'published',
	category: 'parent_child_reading',
	title_zh: '亲子阅读分享会',
	title_en: 'Parent-child reading session',
	starts_at: '2026-12-05T19:00:00+08:00',
	ends_at: '2026-12-05T20:30:00+08:00',
	sequence: 1,
	cancelled_reason: null,
	place_zh: '阅读室 · 西山漾丝绸小镇 3 号楼',
	place_en: 'Reading room · Building 3, Xishanyang Silk Town',
	organisation_zh: '吴兴区青少年活动中心',
	organisation_en: 'Wuxing District Youth Activity Centre',
	organisation_phone: '0572-1234567',
	organisation_address_zh: '湖州市吴兴区青少年路 1 号',
	organisation_address_en: '1 Qingshaonian Road, Wuxing, Huzhou'
};

function payload(extra: Record<string, unknown> = {}, registration: Record<string, unknown> = {}) {
	return {
		event,
		registration: {
			id: '9c1f2a3b-0000-4000-8000-000000000001',
			status: 'confirmed',
			seats: 1,
			waitlist_position: null,
			check_in_code: 'K7Q2MX',
			confirmed_at: '2026-12-01T10:00:00+08:00',
			...registration
		},
		guardian_name: '王女士',
		attendees: [{ kind: 'child', nickname: '小雨点' }],
		unsubscribe_token: '0f0e0d0c-0b0a-4909-8807-060504030201',
		...extra
	};
}

function render(
	kind: string,
	locale: 'zh-CN' | 'en',
	body: Record<string, unknown>,
	createdAt = '2026-12-04T12:00:00+08:00'
) {
	return renderEmail(
		contextFromRow({
			id: '11111111-2222-4333-8444-555555555555',
			kind,
			to_email: 'wang@example.test',
			locale,
			payload: body,
			created_at: createdAt
		}),
		{ siteUrl }
	);
}

describe('emails to families', () => {
	it('greet the guardian by the name they gave, and plainly without one', async () => {
		const zh = await render('registration_confirmed', 'zh-CN', payload());
		expect(zh.text.split('\n')[0]).toBe('王女士，您好！');
		const en = await render('registration_confirmed', 'en', payload({ guardian_name: 'Ms Li' }));
		expect(en.text.split('\n')[0]).toBe('Hello, Ms Li,');
		const nameless = await render(
			'registration_confirmed',
			'zh-CN',
			payload({ guardian_name: ' ' })
		);
		expect(nameless.text.split('\n')[0]).toBe('您好！');
		const old = await render('reminder_24h', 'en', payload({ guardian_name: undefined }));
		expect(old.text.split('\n')[0]).toBe('Hello,');
	});

	it("give the organiser's phone and address in both languages", async () => {
		const zh = await render('registration_confirmed', 'zh-CN', payload());
		expect(zh.text).toContain('主办方电话：0572-1234567');
		expect(zh.text).toContain('主办方地址：湖州市吴兴区青少年路 1 号');
		expect(zh.html).toContain('湖州市吴兴区青少年路 1 号');
		const en = await render('reminder_24h', 'en', payload());
		expect(en.text).toContain('0572-1234567');
		expect(en.text).toContain('1 Qingshaonian Road, Wuxing, Huzhou');
		// A row queued before the address was in the payload still renders, without that line.
		const { organisation_address_zh, organisation_address_en, ...older } = event;
		void organisation_address_zh;
		void organisation_address_en;
		const without = await render('registration_confirmed', 'zh-CN', payload({ event: older }));
		expect(without.text).not.toContain('主办方地址');
		expect(without.text).toContain('主办方电话：0572-1234567');
	});
});

describe('reminders', () => {
	it('say 明天 / tomorrow only for an event on the next Beijing day', async () => {
		const zh = await render('reminder_24h', 'zh-CN', payload(), '2026-12-04T19:30:00+08:00');
		expect(zh.subject).toBe('活动提醒：亲子阅读分享会（明天）');
		expect(zh.text).toContain('温馨提醒：您家报名的活动将于明天 19:00（北京时间）开始。');
		const en = await render('reminder_24h', 'en', payload(), '2026-12-04T19:30:00+08:00');
		expect(en.subject).toBe('Reminder: Parent-child reading session (tomorrow)');
		expect(en.text).toContain('starts tomorrow at 19:00 (Beijing time).');
	});

	it('say 今晚 / tonight for an event this evening, however many hours away', async () => {
		// Queued at 01:00 Beijing time for 19:00 the same day: 18 hours, and still tonight.
		const zh = await render('reminder_24h', 'zh-CN', payload(), '2026-12-04T17:00:00Z');
		expect(zh.subject).toBe('活动提醒：亲子阅读分享会（今晚）');
		expect(zh.text).toContain('将于今晚 19:00（北京时间）开始');
		expect(zh.text).not.toMatch(/明天|24 小时/);
		const en = await render('reminder_24h', 'en', payload(), '2026-12-04T17:00:00Z');
		expect(en.subject).toBe('Reminder: Parent-child reading session (tonight)');
		expect(en.text).not.toMatch(/tomorrow|24 hours/);
	});

	it('say 今天 / today for a daytime event on the same day, and the date when further off', async () => {
		const morning = { ...event, starts_at: '2026-12-05T09:30:00+08:00' };
		const zh = await render(
			'reminder_24h',
			'zh-CN',
			payload({ event: morning }),
			'2026-12-05T06:00:00+08:00'
		);
		expect(zh.subject).toBe('活动提醒：亲子阅读分享会（今天）');
		const late = await render(
			'reminder_2h',
			'en',
			payload({ event: morning }),
			'2026-12-05T07:45:00+08:00'
		);
		expect(late.text).toContain('starts today at 09:30 (Beijing time)');
		const early = await render('reminder_24h', 'zh-CN', payload(), '2026-12-01T10:00:00+08:00');
		expect(early.subject).toBe('活动提醒：亲子阅读分享会（12月5日）');
		const earlyEn = await render('reminder_24h', 'en', payload(), '2026-12-01T10:00:00+08:00');
		expect(earlyEn.subject).toBe('Reminder: Parent-child reading session (on 5 December)');
	});
});

describe('cancellation emails', () => {
	it('say a waitlist place was left, not that places were released', async () => {
		const left = payload({}, { status: 'cancelled', confirmed_at: null });
		const zh = await render('registration_cancelled', 'zh-CN', left);
		expect(zh.subject).toBe('已退出候补：亲子阅读分享会');
		expect(zh.text).toContain('您家已退出这个活动的候补。');
		expect(zh.text).not.toContain('名额已释放');
		const en = await render('registration_cancelled', 'en', left);
		expect(en.subject).toBe('You left the waitlist: Parent-child reading session');
	});

	it('still say "registration cancelled" for a family that held places', async () => {
		const held = payload({}, { status: 'cancelled' });
		const zh = await render('registration_cancelled', 'zh-CN', held);
		expect(zh.subject).toBe('已取消报名：亲子阅读分享会');
		expect(zh.text).toContain('名额已释放给其他家庭');
	});
});
