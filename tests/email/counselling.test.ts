/**
 * Counselling emails: every kind rendered from rows the SQL functions really wrote (book, accept,
 * move, cancel, remind), in both languages — discreet subjects, the crisis hotline, calendar files
 * titled "咨询预约 / Counselling appointment", and no trace of the child, the topic or the note
 * anywhere in subject, body or attachment.
 */
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFromRow, type OutboxEmail } from '../../src/lib/server/email/context';
import { renderEmail, singleKinds } from '../../src/lib/server/email/templates';
import type { RenderedMessage } from '../../src/lib/server/email/templates/layout';
import { createCounselling, everyDay, type CounsellingWorld } from '../support/counselling';
import {
	createWorld,
	rows,
	shanghaiAt,
	startDomain,
	type Domain,
	type World
} from '../support/personas';

const siteUrl = 'https://gongyu.example.org';
const NOTE = '孩子最近总是失眠 private-note-text';

let domain: Domain;
let w: World;
let c: CounsellingWorld;
let rendered: { row: OutboxEmail; zh: RenderedMessage; en: RenderedMessage }[];

beforeAll(async () => {
	domain = await startDomain('pglite');
	w = await createWorld(domain);
	c = await createCounselling(domain, w);
	await everyDay(domain, c.users.counsellorA.id, '09:00', '17:00');
	const book = (at: string, extra: Record<string, unknown> = {}) =>
		w.client.guardianA.rpc('book_appointment', {
			p_counsellor_id: c.users.counsellorA.id,
			p_starts_at: at,
			p_mode: 'in_person',
			p_subject: 'child',
			p_member_id: w.childA,
			p_topic: 'emotions_sleep',
			p_note: NOTE,
			...extra
		});
	const first = await book(shanghaiAt(3, '10:00'));
	expect(first.error).toBeNull();
	const moved = await w.client.guardianA.rpc('reschedule_appointment', {
		p_id: first.data.id,
		p_starts_at: shanghaiAt(4, '11:00')
	});
	expect(moved.error).toBeNull();
	await domain.admin().rpc('enqueue_due_counselling_reminders', {
		p_now: new Date(new Date(shanghaiAt(4, '11:00')).getTime() - 20 * 3600_000).toISOString()
	});
	await domain.admin().rpc('enqueue_due_counselling_reminders', {
		p_now: new Date(new Date(shanghaiAt(4, '11:00')).getTime() - 3600_000).toISOString()
	});
	expect(
		(await w.client.guardianA.rpc('cancel_appointment', { p_id: first.data.id })).error
	).toBeNull();
	await domain.db.exec(
		`update public.counsellors set requires_acceptance = true where user_id = '${c.users.counsellorA.id}'`
	);
	const second = await book(shanghaiAt(5, '09:00'), { p_mode: 'phone' });
	const third = await book(shanghaiAt(5, '10:00'), { p_mode: 'phone' });
	await c.client.counsellorA.rpc('decide_appointment', { p_id: second.data.id, p_accept: true });
	await c.client.counsellorA.rpc('decide_appointment', { p_id: third.data.id, p_accept: false });

	const outbox = await rows<{ r: string }>(
		domain,
		`select json_build_object('id', id, 'kind', kind, 'to_email', to_email, 'locale', locale,
			'payload', payload, 'created_at', created_at)::text as r
		from public.email_outbox where appointment_id is not null order by created_at, kind`
	);
	rendered = await Promise.all(
		outbox.map(async ({ r }) => {
			const row = JSON.parse(r) as OutboxEmail;
			const as = (locale: 'zh-CN' | 'en') =>
				renderEmail(contextFromRow({ ...row, locale }), { siteUrl });
			return { row, zh: await as('zh-CN'), en: await as('en') };
		})
	);
});

afterAll(async () => {
	await domain?.close();
});

const decode = (base64: string) => Buffer.from(base64, 'base64').toString('utf8');

describe('counselling emails from real outbox rows', () => {
	it('every kind was written and renders', () => {
		expect(new Set(rendered.map((r) => r.row.kind))).toEqual(
			new Set([
				'counselling_confirmed',
				'counselling_requested',
				'counselling_declined',
				'counselling_changed',
				'counselling_cancelled',
				'counselling_reminder_24h',
				'counselling_reminder_2h',
				'counselling_staff_notice'
			])
		);
	});

	it('no subject, body or calendar file names the child, the topic, the note or who it is for', () => {
		const secrets = [
			'乐乐',
			'朵朵',
			NOTE,
			'private-note',
			'失眠',
			'emotions',
			'情绪',
			'睡眠',
			'child',
			'孩子'
		];
		for (const { row, zh, en } of rendered) {
			expect(JSON.stringify(row.payload)).not.toContain('乐乐');
			for (const m of [zh, en]) {
				const files = (m.attachments ?? []).map((a) => decode(a.content)).join('\n');
				for (const secret of secrets) {
					expect(m.subject, `${row.kind} subject`).not.toContain(secret);
					expect(m.text, `${row.kind} text`).not.toContain(secret);
					expect(m.html, `${row.kind} html`).not.toContain(secret);
					expect(files, `${row.kind} ics`).not.toContain(secret);
				}
			}
		}
	});

	it('subjects say only that it is a counselling appointment and what happened', () => {
		const subjects = Object.fromEntries(
			rendered
				.filter((r) => r.row.to_email === w.users.guardianA.email)
				.map((r) => [r.row.kind, [r.zh.subject, r.en.subject]])
		);
		expect(subjects).toEqual({
			counselling_confirmed: ['咨询预约已确认', 'Counselling appointment confirmed'],
			counselling_requested: ['咨询预约已提交，等待确认', 'Counselling appointment requested'],
			counselling_declined: ['咨询预约未能安排', 'Counselling appointment not possible'],
			counselling_changed: ['咨询预约时间已更改', 'Counselling appointment moved'],
			counselling_cancelled: ['咨询预约已取消', 'Counselling appointment cancelled'],
			counselling_reminder_24h: [
				'提醒：明天的咨询预约',
				'Reminder: counselling appointment tomorrow'
			],
			counselling_reminder_2h: ['提醒：咨询预约即将开始', 'Reminder: counselling appointment soon']
		});
	});

	it('every email to the family gives the crisis hotline and says the booking is not for emergencies', () => {
		for (const { row, zh, en } of rendered.filter(
			(r) => r.row.to_email === w.users.guardianA.email
		)) {
			expect(zh.text, row.kind).toContain('本预约不用于紧急情况');
			expect(zh.text, row.kind).toContain('0572-12355（24 小时）');
			expect(en.text, row.kind).toContain('not for emergencies');
			expect(en.text, row.kind).toContain('0572-12355 (24 hours)');
		}
	});

	it('the counsellor is told the time and the way, not the family', () => {
		const notices = rendered.filter((r) => r.row.to_email === c.users.counsellorA.email);
		expect(notices.map((n) => n.zh.subject).sort()).toEqual(
			['新的咨询预约', '新的咨询预约', '新的咨询预约', '咨询预约已改期', '咨询预约已取消'].sort()
		);
		for (const n of notices) {
			expect(n.zh.text).toContain('王老师，您好！');
			expect(n.zh.text).not.toContain('家长甲');
			expect(n.zh.text).not.toContain(w.users.guardianA.email);
			expect(n.zh.attachments ?? []).toEqual([]);
		}
	});

	it('calendar files are titled 咨询预约 / Counselling appointment, updated on a move and cancelled on a cancellation', () => {
		const file = (kind: string) => {
			const r = rendered.find((x) => x.row.kind === kind)!;
			expect(singleKinds).toContain(kind);
			const ics = decode(r.en.attachments![0].content);
			const vevent = new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!;
			return { ics, event: new ICAL.Event(vevent) };
		};
		const confirmed = file('counselling_confirmed');
		expect(confirmed.event.summary).toBe('咨询预约 / Counselling appointment');
		expect(confirmed.event.startDate.toJSDate().getTime()).toBe(
			new Date(shanghaiAt(3, '10:00')).getTime()
		);
		const changed = file('counselling_changed');
		expect(changed.event.uid).toBe(confirmed.event.uid);
		expect(changed.event.sequence).toBeGreaterThan(confirmed.event.sequence);
		expect(changed.event.startDate.toJSDate().getTime()).toBe(
			new Date(shanghaiAt(4, '11:00')).getTime()
		);
		const cancelled = file('counselling_cancelled');
		expect(cancelled.ics).toContain('METHOD:CANCEL');
		expect(cancelled.event.uid).toBe(confirmed.event.uid);
		expect(cancelled.event.sequence).toBeGreaterThan(changed.event.sequence);
	});

	it('the change gives the previous time', () => {
		const changed = rendered.find((r) => r.row.kind === 'counselling_changed')!;
		expect(changed.en.text).toMatch(/Previous time: .*10:00–10:50/);
	});
});
