/**
 * Counselling bookings under real concurrency on the PostgreSQL server: supabase-js clients with
 * each family's own access token, through the embedded Supabase over a connection pool.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCounselling, everyDay, type CounsellingWorld } from '../support/counselling';
import { serverAvailable } from '../support/embedded';
import {
	accessToken,
	codeOf,
	createWorld,
	insertFamilies,
	row,
	shanghaiAt,
	startDomain,
	type Domain,
	type World
} from '../support/personas';

const server = await serverAvailable();

describe.skipIf(!server)('on the PostgreSQL server', () => {
	let domain: Domain;
	let w: World;
	let c: CounsellingWorld;
	let crowd: { familyId: string; childId: string; client: SupabaseClient }[];

	beforeAll(async () => {
		domain = await startDomain('postgres', { pool: 20 });
		w = await createWorld(domain);
		c = await createCounselling(domain, w);
		await everyDay(domain, c.users.counsellorA.id, '09:00', '17:00');
		const made = await insertFamilies(domain, 100);
		crowd = await Promise.all(
			made.map(async (f) => ({ ...f, client: domain.as(await accessToken(f.user)) }))
		);
	});

	afterAll(async () => {
		await domain?.close();
	});

	it('100 families racing for one slot: exactly one books it, the other 99 get slot_unavailable and fresh slots without it', async () => {
		const at = shanghaiAt(3, '10:00');
		const results = await Promise.all(
			crowd.map((f) =>
				f.client.rpc('book_appointment', {
					p_counsellor_id: c.users.counsellorA.id,
					p_starts_at: at,
					p_mode: 'in_person',
					p_subject: 'child',
					p_member_id: f.childId,
					p_topic: 'emotions_sleep'
				})
			)
		);
		const won = results.filter((r) => !r.error);
		expect(won).toHaveLength(1);
		expect(results.filter((r) => r.error).map(codeOf)).toEqual(Array(99).fill('slot_unavailable'));
		const stored = await row(
			domain,
			`select (select count(*) from public.appointments where counsellor_id = $1::uuid
					and status in ('requested', 'confirmed'))::text as appointments,
				(select count(*) from public.venue_bookings where venue_id = $2::uuid and status = 'approved')::text as rooms,
				(select count(*) from public.email_outbox where kind = 'counselling_confirmed')::text as emails`,
			[c.users.counsellorA.id, c.roomC]
		);
		expect(stored).toEqual({ appointments: '1', rooms: '1', emails: '1' });

		const loser = crowd[results.findIndex((r) => r.error)];
		const fresh = await loser.client.rpc('counselling_slots', {
			p_org_id: c.orgC,
			p_from: at.slice(0, 10),
			p_to: at.slice(0, 10)
		});
		expect(fresh.error).toBeNull();
		const starts = fresh.data.map((s: { starts_at: string }) => new Date(s.starts_at).getTime());
		expect(starts).not.toContain(new Date(at).getTime());
		expect(starts).toContain(new Date(shanghaiAt(3, '11:00')).getTime());
	});

	it('families racing for every slot of a day with a daily maximum of 3: exactly 3 booked, the rest slot_unavailable', async () => {
		await domain.db.exec(
			`update public.counsellors set daily_max = 3 where user_id = '${c.users.counsellorA.id}'`
		);
		const hours = ['09:00', '10:00', '11:00', '12:00', '13:00', '14:00', '15:00', '16:00'];
		const results = await Promise.all(
			crowd.slice(0, 80).map((f, i) =>
				f.client.rpc('book_appointment', {
					p_counsellor_id: c.users.counsellorA.id,
					p_starts_at: shanghaiAt(4, hours[i % hours.length]),
					p_mode: 'phone',
					p_subject: 'family',
					p_topic: 'parent_child'
				})
			)
		);
		expect(results.filter((r) => !r.error)).toHaveLength(3);
		expect(new Set(results.filter((r) => r.error).map(codeOf))).toEqual(
			new Set(['slot_unavailable'])
		);
	});

	it('two families moving onto one free slot at once: one moves, the other keeps its own time', async () => {
		const [a, b] = crowd.slice(90, 92);
		const book = (f: (typeof crowd)[number], at: string) =>
			f.client.rpc('book_appointment', {
				p_counsellor_id: c.users.counsellorA.id,
				p_starts_at: at,
				p_mode: 'in_person',
				p_subject: 'family',
				p_topic: 'other'
			});
		const mineA = await book(a, shanghaiAt(5, '09:00'));
		const mineB = await book(b, shanghaiAt(5, '10:00'));
		expect([mineA.error, mineB.error]).toEqual([null, null]);
		const target = shanghaiAt(5, '14:00');
		const moves = await Promise.all([
			a.client.rpc('reschedule_appointment', { p_id: mineA.data.id, p_starts_at: target }),
			b.client.rpc('reschedule_appointment', { p_id: mineB.data.id, p_starts_at: target })
		]);
		expect(moves.filter((m) => !m.error)).toHaveLength(1);
		expect(moves.filter((m) => m.error).map(codeOf)).toEqual(['slot_unavailable']);
		const loserId = moves[0].error ? mineA.data.id : mineB.data.id;
		const loserAt = moves[0].error ? shanghaiAt(5, '09:00') : shanghaiAt(5, '10:00');
		const kept = await row(
			domain,
			`select (a.starts_at = $2::timestamptz)::text as kept, b.status::text as room,
				(b.starts_at = a.starts_at)::text as room_kept
			from public.appointments a join public.venue_bookings b on b.id = a.venue_booking_id
			where a.id = $1::uuid`,
			[loserId, loserAt]
		);
		expect(kept).toEqual({ kept: 'true', room: 'approved', room_kept: 'true' });
	});
});
