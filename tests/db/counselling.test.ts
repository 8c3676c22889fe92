/**
 * Counselling appointments through supabase-js as each persona: booking, accepting, rescheduling,
 * cancelling, outcomes, reminders, and who may read what (the RLS matrix of the confidential parts).
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCounselling, everyDay, type CounsellingWorld } from '../support/counselling';
import {
	backendUnderTest,
	codeOf,
	createWorld,
	row,
	rows,
	shanghaiAt,
	startDomain,
	type Domain,
	type World
} from '../support/personas';

let domain: Domain;
let w: World;
let c: CounsellingWorld;

beforeAll(async () => {
	domain = await startDomain(backendUnderTest);
	w = await createWorld(domain);
	c = await createCounselling(domain, w);
	await everyDay(domain, c.users.counsellorA.id, '09:00', '17:00');
	await everyDay(domain, c.users.counsellorB.id, '09:00', '17:00');
});

afterAll(async () => {
	await domain?.close();
});

beforeEach(async () => {
	await domain.db.exec(`
		delete from public.appointments where org_id = '${c.orgC}';
		update public.venue_bookings set status = 'cancelled' where venue_id = '${c.roomC}';
		update public.counsellors set requires_acceptance = false, daily_max = 6 where org_id = '${c.orgC}';
		update public.counselling_centres set cancel_cutoff_hours = 24 where org_id = '${c.orgC}';
	`);
});

const same = (a: string, b: string) => new Date(a).getTime() === new Date(b).getTime();

function book(
	client: SupabaseClient,
	startsAt: string,
	over: Record<string, unknown> = {}
): ReturnType<SupabaseClient['rpc']> {
	return client.rpc('book_appointment', {
		p_counsellor_id: c.users.counsellorA.id,
		p_starts_at: startsAt,
		p_mode: 'in_person',
		p_subject: 'child',
		p_member_id: w.childA,
		p_topic: 'study_pressure',
		p_note: '考试前睡不着 secret-note',
		p_contact: 'phone',
		...over
	});
}

async function bookA(startsAt = shanghaiAt(3, '10:00'), over: Record<string, unknown> = {}) {
	const result = await book(w.client.guardianA, startsAt, over);
	expect(result.error).toBeNull();
	return result.data as { id: string; status: string; starts_at: string; ends_at: string };
}

describe('booking', () => {
	it('a family books a free slot: confirmed at once, the room held, emails to the family and the counsellor', async () => {
		const slots = await w.client.guardianA.rpc('counselling_slots', {
			p_org_id: c.orgC,
			p_from: shanghaiAt(3, '00:00').slice(0, 10),
			p_to: shanghaiAt(3, '00:00').slice(0, 10),
			p_counsellor_id: c.users.counsellorA.id
		});
		expect(slots.error).toBeNull();
		const first = slots.data[0];
		expect(same(first.starts_at, shanghaiAt(3, '09:00'))).toBe(true);
		expect(slots.data).toHaveLength(8);

		const booked = await bookA(shanghaiAt(3, '10:00'));
		expect(booked.status).toBe('confirmed');
		expect(same(booked.ends_at, shanghaiAt(3, '10:50'))).toBe(true);
		const appointment = await row(
			domain,
			`select a.status::text, b.status::text as room, b.purpose, b.venue_id::text
			from public.appointments a join public.venue_bookings b on b.id = a.venue_booking_id
			where a.id = $1::uuid`,
			[booked.id]
		);
		expect(appointment).toEqual({
			status: 'confirmed',
			room: 'approved',
			purpose: '',
			venue_id: c.roomC
		});
		const emails = await rows(
			domain,
			`select kind, to_email from public.email_outbox where appointment_id = $1::uuid order by kind`,
			[booked.id]
		);
		expect(emails).toEqual([
			{ kind: 'counselling_confirmed', to_email: w.users.guardianA.email },
			{ kind: 'counselling_staff_notice', to_email: c.users.counsellorA.email }
		]);

		const after = await w.client.guardianB.rpc('counselling_slots', {
			p_org_id: c.orgC,
			p_from: shanghaiAt(3, '00:00').slice(0, 10),
			p_to: shanghaiAt(3, '00:00').slice(0, 10),
			p_counsellor_id: c.users.counsellorA.id
		});
		expect(after.data.some((s: { starts_at: string }) => same(s.starts_at, booked.starts_at))).toBe(
			false
		);
	});

	it('the emails say nothing of the child, the topic or the note', async () => {
		const booked = await bookA();
		const payloads = await rows<{ p: string }>(
			domain,
			`select payload::text as p from public.email_outbox where appointment_id = $1::uuid`,
			[booked.id]
		);
		expect(payloads.length).toBe(2);
		for (const { p } of payloads) {
			for (const secret of ['乐乐', 'study_pressure', 'secret-note', 'child', w.childA]) {
				expect(p).not.toContain(secret);
			}
		}
	});

	it('a slot taken already, a slot outside the hours and one too soon are refused with slot_unavailable', async () => {
		await bookA(shanghaiAt(3, '10:00'));
		expect(
			codeOf(
				await book(w.client.guardianB, shanghaiAt(3, '10:00'), {
					p_subject: 'family',
					p_member_id: null
				})
			)
		).toBe('slot_unavailable');
		expect(codeOf(await book(w.client.guardianA, shanghaiAt(3, '10:20')))).toBe('slot_unavailable');
		expect(codeOf(await book(w.client.guardianA, shanghaiAt(3, '18:00')))).toBe('slot_unavailable');
		expect(codeOf(await book(w.client.guardianA, shanghaiAt(30, '10:00')))).toBe(
			'slot_unavailable'
		);
	});

	it('who it is for must belong to the family and fit the choice', async () => {
		const at = shanghaiAt(4, '10:00');
		expect(codeOf(await book(w.client.guardianA, at, { p_member_id: w.childB }))).toBe(
			'member_not_found'
		);
		expect(codeOf(await book(w.client.guardianA, at, { p_member_id: w.parentA }))).toBe(
			'subject_mismatch'
		);
		expect(codeOf(await book(w.client.guardianA, at, { p_subject: 'parent' }))).toBe(
			'subject_mismatch'
		);
		expect(codeOf(await book(w.client.guardianA, at, { p_note: 'x'.repeat(1001) }))).toBe(
			'note_too_long'
		);
		expect(codeOf(await book(w.client.guardianA, at, { p_mode: 'video' }))).toBe(
			'mode_unavailable'
		);
		expect(codeOf(await book(w.client.guardianC, at))).toBe('family_required');
		expect(
			(await book(w.client.guardianA, at, { p_subject: 'parent', p_member_id: w.parentA })).error
		).toBeNull();
	});

	it('a family holds at most three upcoming appointments', async () => {
		for (const h of ['09:00', '10:00', '11:00']) await bookA(shanghaiAt(5, h), { p_mode: 'phone' });
		expect(codeOf(await book(w.client.guardianA, shanghaiAt(5, '12:00')))).toBe(
			'too_many_appointments'
		);
	});

	it('the daily maximum is kept by the booking function too', async () => {
		await domain.db.exec(
			`update public.counsellors set daily_max = 1 where user_id = '${c.users.counsellorA.id}'`
		);
		await bookA(shanghaiAt(3, '09:00'));
		expect(
			codeOf(
				await book(w.client.guardianB, shanghaiAt(3, '11:00'), {
					p_subject: 'family',
					p_member_id: null
				})
			)
		).toBe('slot_unavailable');
	});

	it('when the room is taken, an in-person booking is refused and a phone booking succeeds', async () => {
		await domain.db
			.exec(`insert into public.venue_bookings (venue_id, org_id, status, starts_at, ends_at)
			values ('${c.roomC}', '${c.orgC}', 'approved', '${shanghaiAt(3, '10:00')}', '${shanghaiAt(3, '11:00')}')`);
		expect(codeOf(await book(w.client.guardianA, shanghaiAt(3, '10:00')))).toBe('slot_unavailable');
		const phone = await bookA(shanghaiAt(3, '10:00'), { p_mode: 'phone' });
		expect(
			(
				await row(domain, 'select venue_booking_id from public.appointments where id = $1::uuid', [
					phone.id
				])
			).venue_booking_id
		).toBeNull();
	});
});

describe('accepting', () => {
	it('a counsellor who accepts each booking gets a request; accepting confirms and emails the family', async () => {
		await domain.db.exec(
			`update public.counsellors set requires_acceptance = true where user_id = '${c.users.counsellorA.id}'`
		);
		const booked = await bookA();
		expect(booked.status).toBe('requested');
		expect(
			codeOf(
				await c.client.counsellorB.rpc('decide_appointment', { p_id: booked.id, p_accept: true })
			)
		).toBe('appointment_not_found');
		expect(
			codeOf(
				await w.client.guardianA.rpc('decide_appointment', { p_id: booked.id, p_accept: true })
			)
		).toBe('appointment_not_found');
		const accepted = await c.client.counsellorA.rpc('decide_appointment', {
			p_id: booked.id,
			p_accept: true
		});
		expect(accepted.error).toBeNull();
		expect(accepted.data.status).toBe('confirmed');
		expect(
			codeOf(
				await c.client.counsellorA.rpc('decide_appointment', { p_id: booked.id, p_accept: false })
			)
		).toBe('not_requested');
		const kinds = await rows<{ kind: string }>(
			domain,
			`select kind from public.email_outbox where appointment_id = $1::uuid and to_email = $2 order by created_at, kind`,
			[booked.id, w.users.guardianA.email]
		);
		expect(kinds.map((k) => k.kind)).toEqual(['counselling_requested', 'counselling_confirmed']);
	});

	it('declining frees the slot and the room', async () => {
		await domain.db.exec(
			`update public.counsellors set requires_acceptance = true where user_id = '${c.users.counsellorA.id}'`
		);
		const booked = await bookA();
		const declined = await c.client.counsellorA.rpc('decide_appointment', {
			p_id: booked.id,
			p_accept: false
		});
		expect(declined.data.status).toBe('declined');
		expect(
			(
				await row(
					domain,
					`select b.status::text from public.venue_bookings b join public.appointments a on a.venue_booking_id = b.id where a.id = $1::uuid`,
					[booked.id]
				)
			).status
		).toBe('cancelled');
		expect(
			(await book(w.client.guardianB, booked.starts_at, { p_subject: 'family', p_member_id: null }))
				.error
		).toBeNull();
	});
});

describe('rescheduling and cancelling', () => {
	it('a family moves its appointment: time, room booking and sequence change together, and both are told', async () => {
		const booked = await bookA(shanghaiAt(3, '10:00'));
		const moved = await w.client.guardianA.rpc('reschedule_appointment', {
			p_id: booked.id,
			p_starts_at: shanghaiAt(4, '14:00')
		});
		expect(moved.error).toBeNull();
		expect(same(moved.data.previous_starts_at, shanghaiAt(3, '10:00'))).toBe(true);
		const now = await row(
			domain,
			`select a.sequence::text, b.status::text as room, (b.starts_at = a.starts_at)::text as room_moved,
				(select count(*) from public.venue_bookings x where x.venue_id = $2::uuid and x.status = 'approved')::text as held
			from public.appointments a join public.venue_bookings b on b.id = a.venue_booking_id
			where a.id = $1::uuid`,
			[booked.id, c.roomC]
		);
		expect(now).toEqual({ sequence: '1', room: 'approved', room_moved: 'true', held: '1' });
		const kinds = await rows<{ kind: string }>(
			domain,
			`select kind from public.email_outbox where appointment_id = $1::uuid order by created_at, kind`,
			[booked.id]
		);
		expect(kinds.map((k) => k.kind).filter((k) => k !== 'counselling_confirmed')).toEqual([
			'counselling_staff_notice',
			'counselling_changed',
			'counselling_staff_notice'
		]);
		// The old time is free again.
		expect(
			(
				await book(w.client.guardianB, shanghaiAt(3, '10:00'), {
					p_subject: 'family',
					p_member_id: null
				})
			).error
		).toBeNull();
	});

	it('a move to a taken slot changes nothing at all (the appointment, its room and its emails stay)', async () => {
		const mine = await bookA(shanghaiAt(3, '10:00'));
		const theirs = await book(w.client.guardianB, shanghaiAt(3, '14:00'), {
			p_subject: 'family',
			p_member_id: null,
			p_mode: 'phone'
		});
		expect(theirs.error).toBeNull();
		const before = await row(
			domain,
			`select a.starts_at::text, a.sequence::text, a.venue_booking_id::text, b.status::text as room,
				(select count(*) from public.email_outbox o where o.appointment_id = a.id)::text as emails
			from public.appointments a join public.venue_bookings b on b.id = a.venue_booking_id where a.id = $1::uuid`,
			[mine.id]
		);
		const moved = await w.client.guardianA.rpc('reschedule_appointment', {
			p_id: mine.id,
			p_starts_at: shanghaiAt(3, '14:00')
		});
		expect(codeOf(moved)).toBe('slot_unavailable');
		const after = await row(
			domain,
			`select a.starts_at::text, a.sequence::text, a.venue_booking_id::text, b.status::text as room,
				(select count(*) from public.email_outbox o where o.appointment_id = a.id)::text as emails
			from public.appointments a join public.venue_bookings b on b.id = a.venue_booking_id where a.id = $1::uuid`,
			[mine.id]
		);
		expect(after).toEqual(before);
	});

	it("a move into the room's busy time fails after the old room booking was released, and that release is undone", async () => {
		const mine = await bookA(shanghaiAt(3, '10:00'));
		// The room is taken at 15:00 by another organisation's event; the counsellor is free.
		await domain.db
			.exec(`insert into public.venue_bookings (venue_id, org_id, status, starts_at, ends_at)
			values ('${c.roomC}', '${c.orgC}', 'approved', '${shanghaiAt(3, '15:00')}', '${shanghaiAt(3, '16:00')}')`);
		expect(
			codeOf(
				await w.client.guardianA.rpc('reschedule_appointment', {
					p_id: mine.id,
					p_starts_at: shanghaiAt(3, '15:00')
				})
			)
		).toBe('slot_unavailable');
		const room = await row(
			domain,
			`select b.status::text from public.appointments a join public.venue_bookings b on b.id = a.venue_booking_id where a.id = $1::uuid`,
			[mine.id]
		);
		expect(room.status).toBe('approved');
	});

	it('another family cannot move or cancel my appointment', async () => {
		const mine = await bookA();
		expect(
			codeOf(
				await w.client.guardianB.rpc('reschedule_appointment', {
					p_id: mine.id,
					p_starts_at: shanghaiAt(4, '10:00')
				})
			)
		).toBe('appointment_not_found');
		expect(codeOf(await w.client.guardianB.rpc('cancel_appointment', { p_id: mine.id }))).toBe(
			'appointment_not_found'
		);
		expect(codeOf(await c.client.counsellorB.rpc('cancel_appointment', { p_id: mine.id }))).toBe(
			'appointment_not_found'
		);
	});

	it('cancelling before the cut-off is on time, frees the room and skips the reminders', async () => {
		const mine = await bookA(shanghaiAt(3, '10:00'));
		const cancelled = await w.client.guardianA.rpc('cancel_appointment', { p_id: mine.id });
		expect(cancelled.data).toEqual({ id: mine.id, status: 'cancelled', cancelled_late: false });
		const after = await row(
			domain,
			`select a.cancelled_by, b.status::text as room from public.appointments a
			join public.venue_bookings b on b.id = a.venue_booking_id where a.id = $1::uuid`,
			[mine.id]
		);
		expect(after).toEqual({ cancelled_by: 'family', room: 'cancelled' });
		expect(codeOf(await w.client.guardianA.rpc('cancel_appointment', { p_id: mine.id }))).toBe(
			'appointment_not_active'
		);
	});

	it('after the cut-off a family may not move its appointment, and a cancellation is recorded as late', async () => {
		const mine = await bookA(shanghaiAt(3, '10:00'));
		await domain.db.exec(
			`update public.counselling_centres set cancel_cutoff_hours = 168 where org_id = '${c.orgC}'`
		);
		expect(
			codeOf(
				await w.client.guardianA.rpc('reschedule_appointment', {
					p_id: mine.id,
					p_starts_at: shanghaiAt(4, '10:00')
				})
			)
		).toBe('past_cutoff');
		const cancelled = await w.client.guardianA.rpc('cancel_appointment', { p_id: mine.id });
		expect(cancelled.data.cancelled_late).toBe(true);
	});

	it('the counsellor records a no-show only once the appointment has begun', async () => {
		const mine = await bookA();
		expect(
			codeOf(
				await c.client.counsellorA.rpc('mark_appointment', { p_id: mine.id, p_outcome: 'no_show' })
			)
		).toBe('appointment_not_started');
		await domain.db.exec(`update public.appointments set starts_at = now() - interval '2 hours',
			ends_at = now() - interval '70 minutes' where id = '${mine.id}'`);
		expect(
			codeOf(
				await w.client.guardianA.rpc('mark_appointment', { p_id: mine.id, p_outcome: 'no_show' })
			)
		).toBe('appointment_not_found');
		const marked = await c.client.counsellorA.rpc('mark_appointment', {
			p_id: mine.id,
			p_outcome: 'no_show'
		});
		expect(marked.data.status).toBe('no_show');
	});
});

describe('reminders', () => {
	it('24 hours and 2 hours before, once each, and again for a moved appointment', async () => {
		const mine = await bookA(shanghaiAt(3, '10:00'));
		const service = domain.admin();
		const at = (hoursBefore: number) =>
			new Date(new Date(mine.starts_at).getTime() - hoursBefore * 3600_000).toISOString();
		expect((await service.rpc('enqueue_due_counselling_reminders', { p_now: at(30) })).data).toBe(
			0
		);
		expect((await service.rpc('enqueue_due_counselling_reminders', { p_now: at(20) })).data).toBe(
			1
		);
		expect((await service.rpc('enqueue_due_counselling_reminders', { p_now: at(19) })).data).toBe(
			0
		);
		expect((await service.rpc('enqueue_due_counselling_reminders', { p_now: at(1) })).data).toBe(1);
		expect((await service.rpc('enqueue_due_counselling_reminders', { p_now: at(1) })).data).toBe(0);
		expect(
			(await w.client.guardianA.rpc('enqueue_due_counselling_reminders', { p_now: at(1) })).error
		).not.toBeNull();
	});

	it('a pending reminder of a cancelled appointment is skipped', async () => {
		const mine = await bookA(shanghaiAt(3, '10:00'));
		const at = new Date(new Date(mine.starts_at).getTime() - 20 * 3600_000).toISOString();
		await domain.admin().rpc('enqueue_due_counselling_reminders', { p_now: at });
		await w.client.guardianA.rpc('cancel_appointment', { p_id: mine.id });
		const reminder = await row(
			domain,
			`select status::text from public.email_outbox where appointment_id = $1::uuid and kind = 'counselling_reminder_24h'`,
			[mine.id]
		);
		expect(reminder.status).toBe('skipped');
	});
});

describe('who can read what', () => {
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

	beforeEach(async () => {
		appointmentId = (await bookA()).id;
		const note = await c.client.counsellorA
			.from('session_notes')
			.insert({ appointment_id: appointmentId, body: '第一次谈话：孩子考试焦虑' })
			.select('id')
			.single();
		expect(note.error).toBeNull();
	});

	async function visible(who: Who, table: string, column: string): Promise<number> {
		const { data, error } = await as(who).from(table).select('*').eq(column, appointmentId);
		if (error) return -1;
		return data.length;
	}

	it.each(everyone)('appointments, details and notes as %s', async (who) => {
		const seesAppointment = ['guardianA', 'counsellorA'].includes(who);
		const seesNotes = who === 'counsellorA';
		const denied = (n: number) => n <= 0;
		const appointment = await visible(who, 'appointments', 'id');
		const details = await visible(who, 'appointment_details', 'appointment_id');
		const notes = await visible(who, 'session_notes', 'appointment_id');
		if (seesAppointment) {
			expect(appointment).toBe(1);
			expect(details).toBe(1);
		} else {
			expect(denied(appointment)).toBe(true);
			expect(denied(details)).toBe(true);
		}
		if (seesNotes) expect(notes).toBe(1);
		else expect(denied(notes)).toBe(true);
	});

	it('what the family and the counsellor read is what was asked', async () => {
		for (const who of ['guardianA', 'counsellorA'] as const) {
			const { data } = await as(who)
				.from('appointment_details')
				.select('subject, member_id, topic, note, contact')
				.eq('appointment_id', appointmentId)
				.single();
			expect(data).toEqual({
				subject: 'child',
				member_id: w.childA,
				topic: 'study_pressure',
				note: '考试前睡不着 secret-note',
				contact: 'phone'
			});
		}
	});

	it.each(everyone)('the busy view as %s', async (who) => {
		const result = await as(who).rpc('counsellor_busy', {
			p_org_id: c.orgC,
			p_from: shanghaiAt(0, '00:00'),
			p_to: shanghaiAt(10, '00:00')
		});
		if (['counsellorA', 'counsellorB', 'managerC'].includes(who)) {
			expect(result.error).toBeNull();
			expect(result.data).toHaveLength(1);
			expect(Object.keys(result.data[0]).sort()).toEqual(['counsellor_id', 'ends_at', 'starts_at']);
		} else {
			expect(result.error).not.toBeNull();
		}
	});

	it.each(everyone)('the counts as %s', async (who) => {
		const result = await as(who).rpc('counselling_counts', {
			p_from: shanghaiAt(0, '00:00'),
			p_to: shanghaiAt(10, '00:00')
		});
		if (['counsellorA', 'counsellorB', 'managerC', 'staffA', 'admin'].includes(who)) {
			expect(result.error).toBeNull();
			const mine = result.data.find((r: { org_id: string }) => r.org_id === c.orgC);
			expect(mine).toMatchObject({ booked: '<5', cancelled: '0', no_show: '0' });
			expect(Object.keys(mine).sort()).toEqual(
				['booked', 'cancelled', 'name_en', 'name_zh', 'no_show', 'org_id'].sort()
			);
		} else {
			expect(result.error).not.toBeNull();
		}
	});

	it('only the author may change or delete a note; another counsellor cannot write on my appointment', async () => {
		const note = await row<{ id: string }>(
			domain,
			'select id::text from public.session_notes where appointment_id = $1::uuid',
			[appointmentId]
		);
		for (const who of ['managerC', 'counsellorB', 'guardianA', 'admin'] as const) {
			await as(who).from('session_notes').update({ body: 'changed' }).eq('id', note.id);
			await as(who).from('session_notes').delete().eq('id', note.id);
		}
		const stored = await row(domain, 'select body from public.session_notes where id = $1::uuid', [
			note.id
		]);
		expect(stored.body).toBe('第一次谈话：孩子考试焦虑');
		const intruder = await c.client.counsellorB
			.from('session_notes')
			.insert({ appointment_id: appointmentId, body: 'x' });
		expect(intruder.error).not.toBeNull();
		const forged = await c.client.counsellorA
			.from('session_notes')
			.insert({ appointment_id: appointmentId, body: 'x', author_id: c.users.counsellorB.id });
		expect(forged.error).not.toBeNull();
		const changed = await c.client.counsellorA
			.from('session_notes')
			.update({ body: '修改后' })
			.eq('id', note.id)
			.select('body');
		expect(changed.data).toEqual([{ body: '修改后' }]);
	});

	it('nobody writes appointments or details directly', async () => {
		for (const who of ['guardianA', 'counsellorA', 'managerC'] as const) {
			const inserted = await as(who)
				.from('appointments')
				.insert({
					org_id: c.orgC,
					counsellor_id: c.users.counsellorA.id,
					family_id: w.familyA,
					starts_at: shanghaiAt(6, '10:00'),
					ends_at: shanghaiAt(6, '11:00'),
					mode: 'phone',
					status: 'confirmed'
				});
			expect(inserted.error).not.toBeNull();
			const updated = await as(who)
				.from('appointment_details')
				.update({ topic: 'other' })
				.eq('appointment_id', appointmentId);
			expect(updated.error).not.toBeNull();
		}
	});

	it("the centre's staff see the room as occupied, with no word of who or why", async () => {
		const { data } = await c.client.managerC
			.from('venue_bookings')
			.select('*')
			.eq('venue_id', c.roomC)
			.eq('status', 'approved');
		expect(data).toHaveLength(1);
		const text = JSON.stringify(data);
		for (const secret of [
			'乐乐',
			'study_pressure',
			'secret-note',
			w.familyA,
			w.users.guardianA.id
		]) {
			expect(text).not.toContain(secret);
		}
	});

	it('district administrators read other emails but not those about counselling', async () => {
		const { data, error } = await w.client.admin
			.from('email_outbox')
			.select('id')
			.eq('appointment_id', appointmentId);
		expect(error).toBeNull();
		expect(data).toEqual([]);
		const all = await row(
			domain,
			'select count(*)::text as n from public.email_outbox where appointment_id = $1::uuid',
			[appointmentId]
		);
		expect(Number(all.n)).toBeGreaterThan(0);
	});

	it("the family's account deletion removes its appointments, details, notes and emails, and frees the room", async () => {
		const deleted = await w.client.guardianA.rpc('delete_my_account');
		expect(deleted.error).toBeNull();
		const left = await row(
			domain,
			`select (select count(*) from public.appointments where id = $1::uuid)::text as a,
				(select count(*) from public.appointment_details where appointment_id = $1::uuid)::text as d,
				(select count(*) from public.session_notes where appointment_id = $1::uuid)::text as n,
				(select count(*) from public.email_outbox where appointment_id = $1::uuid)::text as e,
				(select count(*) from public.venue_bookings where venue_id = $2::uuid and status = 'approved')::text as r`,
			[appointmentId, c.roomC]
		);
		expect(left).toEqual({ a: '0', d: '0', n: '0', e: '0', r: '0' });
	});
});
