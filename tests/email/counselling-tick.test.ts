/**
 * The worker's and the cron route's tick (enqueueDueReminders) queues counselling reminders 24 hours
 * and 2 hours before a confirmed appointment, once each, discreetly, and none for a requested or a
 * cancelled one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueDueReminders } from '../../src/lib/server/email/worker';
import { createCounselling, everyDay, type CounsellingWorld } from '../support/counselling';
import {
	createWorld,
	rows,
	shanghaiAt,
	startDomain,
	type Domain,
	type World
} from '../support/personas';

let domain: Domain;
let w: World;
let c: CounsellingWorld;
let confirmed: string;
let requested: string;
let cancelled: string;

const hoursBefore = (at: string, hours: number) => new Date(Date.parse(at) - hours * 3600_000);

beforeAll(async () => {
	domain = await startDomain('pglite');
	w = await createWorld(domain);
	c = await createCounselling(domain, w);
	await everyDay(domain, c.users.counsellorA.id, '09:00', '17:00');
	await everyDay(domain, c.users.counsellorB.id, '09:00', '17:00');
	const book = async (counsellor: string, at: string) => {
		const r = await w.client.guardianA.rpc('book_appointment', {
			p_counsellor_id: counsellor,
			p_starts_at: at,
			p_mode: 'phone',
			p_subject: 'child',
			p_member_id: w.childA,
			p_topic: 'study_pressure',
			p_note: 'tick-secret-note'
		});
		expect(r.error).toBeNull();
		return r.data.id as string;
	};
	confirmed = await book(c.users.counsellorA.id, shanghaiAt(3, '10:00'));
	cancelled = await book(c.users.counsellorA.id, shanghaiAt(3, '14:00'));
	await w.client.guardianA.rpc('cancel_appointment', { p_id: cancelled });
	await domain.db.exec(
		`update public.counsellors set requires_acceptance = true where user_id = '${c.users.counsellorB.id}'`
	);
	requested = await book(c.users.counsellorB.id, shanghaiAt(3, '10:00'));
});

afterAll(async () => {
	await domain?.close();
});

async function reminders() {
	return rows<{ kind: string; appointment_id: string; payload: string }>(
		domain,
		`select kind, appointment_id::text, payload::text from public.email_outbox
		where kind like 'counselling_reminder_%' order by created_at, kind`
	);
}

describe('counselling reminders from the tick', () => {
	it('24 hours before, then 2 hours before, once each, for the confirmed appointment only', async () => {
		const at = shanghaiAt(3, '10:00');
		expect(await enqueueDueReminders(domain.admin(), hoursBefore(at, 30))).toBe(0);
		await enqueueDueReminders(domain.admin(), hoursBefore(at, 20));
		await enqueueDueReminders(domain.admin(), hoursBefore(at, 19));
		await enqueueDueReminders(domain.admin(), hoursBefore(at, 1.5));
		await enqueueDueReminders(domain.admin(), hoursBefore(at, 1));
		const queued = await reminders();
		expect(queued.map((r) => [r.kind, r.appointment_id])).toEqual([
			['counselling_reminder_24h', confirmed],
			['counselling_reminder_2h', confirmed]
		]);
		expect(queued.map((r) => r.appointment_id)).not.toContain(requested);
		expect(queued.map((r) => r.appointment_id)).not.toContain(cancelled);
		for (const r of queued) {
			expect(r.payload).not.toContain('tick-secret-note');
			expect(r.payload).not.toContain('study_pressure');
		}
	});
});
