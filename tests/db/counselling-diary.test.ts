/**
 * What the counsellor's pages read and write, as each persona: counsellor_appointments() gives the
 * assigned counsellor alone the details and the family's contact; a counsellor edits their own
 * hours, leave and rules, not a colleague's; nobody else edits any.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readableExport, type FamilyExport } from '../../src/lib/server/families/readable-export';
import { createCounselling, everyDay, type CounsellingWorld } from '../support/counselling';
import {
	backendUnderTest,
	codeOf,
	createWorld,
	row,
	shanghaiAt,
	startDomain,
	type Domain,
	type World
} from '../support/personas';

let domain: Domain;
let w: World;
let c: CounsellingWorld;
let appointmentId: string;

type Who =
	| 'anon'
	| 'guardianA'
	| 'guardianB'
	| 'counsellorA'
	| 'counsellorB'
	| 'managerC'
	| 'staffA'
	| 'admin';
const everyone: Who[] = [
	'anon',
	'guardianA',
	'guardianB',
	'counsellorA',
	'counsellorB',
	'managerC',
	'staffA',
	'admin'
];
const as = (who: Who): SupabaseClient =>
	who in c.client
		? c.client[who as keyof CounsellingWorld['client']]
		: w.client[who as keyof World['client']];

beforeAll(async () => {
	domain = await startDomain(backendUnderTest);
	w = await createWorld(domain);
	c = await createCounselling(domain, w);
	await everyDay(domain, c.users.counsellorA.id, '09:00', '17:00');
});

afterAll(async () => {
	await domain?.close();
});

beforeEach(async () => {
	await domain.db.exec(`
		delete from public.appointments where org_id = '${c.orgC}';
		update public.venue_bookings set status = 'cancelled' where venue_id = '${c.roomC}';
	`);
	const booked = await w.client.guardianA.rpc('book_appointment', {
		p_counsellor_id: c.users.counsellorA.id,
		p_starts_at: shanghaiAt(3, '10:00'),
		p_mode: 'phone',
		p_subject: 'child',
		p_member_id: w.childA,
		p_topic: 'emotions_sleep',
		p_note: '晚上睡不着 diary-secret',
		p_contact: 'phone'
	});
	expect(booked.error).toBeNull();
	appointmentId = (booked.data as { id: string }).id;
});

const range = { p_from: shanghaiAt(0, '00:00'), p_to: shanghaiAt(10, '00:00') };

describe("the counsellor's diary", () => {
	it('the assigned counsellor reads for whom, the topic, the note and how to reach the family', async () => {
		const { data, error } = await c.client.counsellorA.rpc('counsellor_appointments', range);
		expect(error).toBeNull();
		expect(data).toHaveLength(1);
		const child = await row(
			domain,
			'select nickname from public.family_members where id = $1::uuid',
			[w.childA]
		);
		const family = await row(domain, 'select email from public.families where id = $1::uuid', [
			w.familyA
		]);
		expect(data[0]).toMatchObject({
			id: appointmentId,
			status: 'confirmed',
			mode: 'phone',
			subject: 'child',
			member_nickname: child.nickname,
			topic: 'emotions_sleep',
			note: '晚上睡不着 diary-secret',
			contact: 'phone',
			email: family.email,
			has_notes: false
		});
		const one = await c.client.counsellorA.rpc('counsellor_appointments', {
			p_from: null,
			p_to: null,
			p_id: appointmentId
		});
		expect(one.data).toHaveLength(1);
	});

	it.each(everyone.filter((who) => who !== 'counsellorA'))(
		'%s gets none of it, by range or by id',
		async (who) => {
			const byRange = await as(who).rpc('counsellor_appointments', range);
			const byId = await as(who).rpc('counsellor_appointments', {
				p_from: null,
				p_to: null,
				p_id: appointmentId
			});
			for (const result of [byRange, byId]) {
				if (result.error) expect(who).toBe('anon');
				else expect(result.data).toEqual([]);
			}
		}
	);

	it('a range longer than 62 days is refused', async () => {
		const result = await c.client.counsellorA.rpc('counsellor_appointments', {
			p_from: shanghaiAt(0, '00:00'),
			p_to: shanghaiAt(70, '00:00')
		});
		expect(codeOf(result)).toBe('invalid_range');
	});

	it('has_notes says whether the counsellor wrote a note', async () => {
		await c.client.counsellorA
			.from('session_notes')
			.insert({ appointment_id: appointmentId, body: '记录' });
		const { data } = await c.client.counsellorA.rpc('counsellor_appointments', range);
		expect(data[0].has_notes).toBe(true);
	});
});

describe('hours, leave and rules', () => {
	it('a counsellor adds and removes their own hours and leave, and changes their rules', async () => {
		const me = c.users.counsellorA.id;
		const added = await c.client.counsellorA
			.from('counsellor_hours')
			.insert({ counsellor_id: me, weekday: 1, starts_at: '18:00', ends_at: '20:00' })
			.select('id')
			.single();
		expect(added.error).toBeNull();
		const off = await c.client.counsellorA
			.from('counsellor_exceptions')
			.insert({ counsellor_id: me, on_date: shanghaiAt(5, '00:00').slice(0, 10), kind: 'off' })
			.select('id')
			.single();
		expect(off.error).toBeNull();
		const rules = await c.client.counsellorA
			.from('counsellors')
			.update({ session_minutes: 45, buffer_minutes: 15, daily_max: 4 })
			.eq('user_id', me)
			.select('session_minutes');
		expect(rules.data).toEqual([{ session_minutes: 45 }]);
		const removed = await c.client.counsellorA
			.from('counsellor_hours')
			.delete()
			.eq('id', added.data!.id)
			.select('id');
		expect(removed.data).toHaveLength(1);
		await domain.db.exec(`
			update public.counsellors set session_minutes = 50, buffer_minutes = 10, daily_max = 6 where user_id = '${me}';
			delete from public.counsellor_exceptions where counsellor_id = '${me}';
		`);
	});

	it('a bad value is refused by the table and changes nothing', async () => {
		const result = await c.client.counsellorA
			.from('counsellors')
			.update({ session_minutes: 5 })
			.eq('user_id', c.users.counsellorA.id);
		expect(result.error?.code).toBe('23514');
		const stored = await row(
			domain,
			'select session_minutes from public.counsellors where user_id = $1::uuid',
			[c.users.counsellorA.id]
		);
		expect(Number(stored.session_minutes)).toBe(50);
	});

	it.each(['counsellorB', 'guardianA', 'staffA', 'admin', 'anon'] as Who[])(
		"%s cannot change counsellor A's hours, leave or rules",
		async (who) => {
			const me = c.users.counsellorA.id;
			const hours = await as(who)
				.from('counsellor_hours')
				.insert({ counsellor_id: me, weekday: 2, starts_at: '06:00', ends_at: '07:00' });
			expect(hours.error).not.toBeNull();
			const leave = await as(who)
				.from('counsellor_exceptions')
				.insert({ counsellor_id: me, on_date: shanghaiAt(4, '00:00').slice(0, 10), kind: 'off' });
			expect(leave.error).not.toBeNull();
			await as(who).from('counsellors').update({ daily_max: 1 }).eq('user_id', me);
			await as(who).from('counsellor_hours').delete().eq('counsellor_id', me);
			const stored = await row(
				domain,
				`select c.daily_max, (select count(*) from public.counsellor_hours h where h.counsellor_id = c.user_id) as hours
				from public.counsellors c where c.user_id = $1::uuid`,
				[me]
			);
			expect(Number(stored.daily_max)).toBe(6);
			expect(Number(stored.hours)).toBe(7);
		}
	);
});

describe("the rooms' calendar", () => {
	it('shows an in-person session as occupied: no family, no topic, no booking to cancel or drag', async () => {
		await domain.db.exec(`delete from public.appointments where org_id = '${c.orgC}'`);
		const booked = await w.client.guardianA.rpc('book_appointment', {
			p_counsellor_id: c.users.counsellorA.id,
			p_starts_at: shanghaiAt(4, '11:00'),
			p_mode: 'in_person',
			p_subject: 'parent',
			p_topic: 'parent_child',
			p_note: 'room-secret'
		});
		expect(booked.error).toBeNull();
		const { data, error } = await c.client.managerC.rpc('staff_calendar', {
			p_org_id: c.orgC,
			p_from: shanghaiAt(0, '00:00'),
			p_to: shanghaiAt(10, '00:00')
		});
		expect(error).toBeNull();
		const items = (data as { items: Record<string, unknown>[] }).items;
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({ kind: 'counselling', editable: false });
		expect(items[0].booking_id ?? null).toBeNull();
		const text = JSON.stringify(data);
		for (const secret of ['room-secret', 'parent_child', w.familyA])
			expect(text).not.toContain(secret);
	});

	it("the session's room booking cannot be moved on its own", async () => {
		const booked = await w.client.guardianA.rpc('book_appointment', {
			p_counsellor_id: c.users.counsellorA.id,
			p_starts_at: shanghaiAt(4, '14:00'),
			p_mode: 'in_person',
			p_subject: 'family',
			p_topic: 'other'
		});
		expect(booked.error).toBeNull();
		const held = await row<{ id: string }>(
			domain,
			'select venue_booking_id::text as id from public.appointments where id = $1::uuid',
			[(booked.data as { id: string }).id]
		);
		const moved = await c.client.managerC.rpc('move_venue_booking', {
			p_booking_id: held.id,
			p_starts_at: shanghaiAt(4, '15:00'),
			p_ends_at: shanghaiAt(4, '15:50')
		});
		expect(codeOf(moved)).toBe('counselling_booking');
		// Nor cancelled on its own: the session keeps its room.
		const cancelled = await c.client.managerC.rpc('cancel_venue_booking', {
			p_booking_id: held.id
		});
		expect(codeOf(cancelled)).toBe('counselling_booking');
		const kept = await row(
			domain,
			'select status::text from public.venue_bookings where id = $1::uuid',
			[held.id]
		);
		expect(kept.status).toBe('approved');
		// Rescheduling moves both (the old room booking is released, a new one held).
		const rescheduled = await w.client.guardianA.rpc('reschedule_appointment', {
			p_id: (booked.data as { id: string }).id,
			p_starts_at: shanghaiAt(5, '14:00')
		});
		expect(rescheduled.error).toBeNull();
		const released = await row(
			domain,
			'select status::text from public.venue_bookings where id = $1::uuid',
			[held.id]
		);
		expect(released.status).toBe('cancelled');
		// Cancelling the appointment gives its (new) room back in the same transaction.
		const gone = await w.client.guardianA.rpc('cancel_appointment', {
			p_id: (booked.data as { id: string }).id
		});
		expect(gone.error).toBeNull();
	});
});

describe("the family's export", () => {
	it('holds its appointments with what the family wrote, and never the session notes', async () => {
		await c.client.counsellorA
			.from('session_notes')
			.insert({ appointment_id: appointmentId, body: 'export-session-note' });
		const { data, error } = await w.client.guardianA.rpc('export_my_family');
		expect(error).toBeNull();
		expect(data.counselling_appointments).toHaveLength(1);
		expect(data.counselling_appointments[0]).toMatchObject({
			id: appointmentId,
			status: 'confirmed',
			subject: 'child',
			member_id: w.childA,
			topic: 'emotions_sleep',
			note: '晚上睡不着 diary-secret',
			counsellor_zh: '王老师'
		});
		expect(data.emails.some((e: { kind: string }) => e.kind === 'counselling_confirmed')).toBe(
			true
		);
		expect(JSON.stringify(data)).not.toContain('export-session-note');
		// The readable export (page and PDF) has the appointment too, and no session note.
		const readable = readableExport(data as FamilyExport, 'zh-CN');
		const section = readable.sections.find((s) => s.id === 'counselling');
		expect(section?.items).toHaveLength(1);
		const lines = section!.items[0].lines.map((line) => line.value).join(' | ');
		expect(section!.items[0].title).toContain('王老师');
		expect(lines).toContain('晚上睡不着 diary-secret');
		expect(lines).toContain('情绪与睡眠');
		expect(JSON.stringify(readable)).not.toContain('export-session-note');
		const other = await w.client.guardianB.rpc('export_my_family');
		expect(other.data.counselling_appointments).toEqual([]);
	});
});
