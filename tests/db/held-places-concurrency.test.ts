/**
 * Held places under real concurrency, on the PostgreSQL server: referred and ordinary families
 * racing for the last ordinary and held seats, and the scheduled release run twice at once.
 */
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverAvailable } from '../support/embedded';
import {
	accessToken,
	createWorld,
	insertEvent,
	insertFamilies,
	row,
	rows,
	startDomain,
	usersSql,
	type Domain,
	type World
} from '../support/personas';

const server = await serverAvailable();

describe.skipIf(!server)('held places on the PostgreSQL server', () => {
	let domain: Domain;
	let w: World;
	let referrer: SupabaseClient;

	beforeAll(async () => {
		domain = await startDomain('postgres', { pool: 20 });
		w = await createWorld(domain);
		const user = {
			id: randomUUID(),
			email: `referrer-${randomUUID().slice(0, 8)}@test.gongyu.local`
		};
		await domain.db.exec(`${usersSql([user])}
			insert into public.org_members (org_id, user_id) values ('${w.orgA}', '${user.id}');
			insert into public.referrers (org_id, user_id) values ('${w.orgA}', '${user.id}');`);
		referrer = domain.as(await accessToken(user));
	});

	afterAll(async () => {
		await domain?.close();
	});

	async function families(count: number, referred: boolean) {
		const made = await insertFamilies(domain, count);
		const day = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
		return Promise.all(
			made.map(async (f) => {
				if (referred) {
					const { error } = await referrer.rpc('refer_family', {
						p_org_id: w.orgA,
						p_email: f.user.email,
						p_reason: 'left_behind',
						p_starts_on: day,
						p_ends_on: day
					});
					expect(error).toBeNull();
				}
				return { ...f, referred, client: domain.as(await accessToken(f.user)) };
			})
		);
	}

	async function seats(eventId: string) {
		const regs = await rows<{ family_id: string; status: string; seats: string; held: string }>(
			domain,
			`select g.family_id::text, g.status::text, g.seats::text,
				exists (select 1 from public.held_place_uses u where u.registration_id = g.id)::text as held
			from public.registrations g where g.event_id = $1::uuid`,
			[eventId]
		);
		const e = await row<{ capacity: string; seats_taken: string }>(
			domain,
			'select capacity::text, seats_taken::text from public.events where id = $1::uuid',
			[eventId]
		);
		return {
			regs: regs.map((r) => ({ ...r, seats: Number(r.seats), held: r.held === 'true' })),
			capacity: Number(e.capacity),
			seats_taken: Number(e.seats_taken)
		};
	}

	it('200 ordinary and 20 referred families race for the last ordinary seat and 6 held seats: never over capacity, held seats only to referred families', async () => {
		const eventId = await insertEvent(domain, w, { capacity: 30, minAge: null, maxAge: null });
		expect(
			(await w.client.staffA.rpc('set_event_hold', { p_event_id: eventId, p_seats: 6 })).error
		).toBeNull();
		// 23 of the 24 ordinary seats are taken before the race.
		const early = await families(23, false);
		for (const f of early) {
			const r = await f.client.rpc('register_family', {
				p_event_id: eventId,
				p_member_ids: [f.parentId]
			});
			expect(r.data.status).toBe('confirmed');
		}
		const ordinary = await families(200, false);
		const referred = await families(20, true);
		const crowd = [...ordinary, ...referred].sort(() => Math.random() - 0.5);
		const results = await Promise.all(
			crowd.map((f) =>
				f.client.rpc('register_family', { p_event_id: eventId, p_member_ids: [f.parentId] })
			)
		);
		expect(results.filter((r) => r.error).map((r) => r.error)).toEqual([]);
		const { regs, capacity, seats_taken } = await seats(eventId);
		const confirmed = regs.filter((r) => r.status === 'confirmed');
		expect(seats_taken).toBe(capacity);
		expect(confirmed.reduce((n, r) => n + r.seats, 0)).toBe(capacity);
		const referredIds = new Set(referred.map((f) => f.familyId));
		const held = confirmed.filter((r) => r.held);
		expect(held).toHaveLength(6);
		expect(held.every((r) => referredIds.has(r.family_id))).toBe(true);
		// The ordinary families together hold at most the 24 ordinary seats.
		const ordinaryConfirmed = confirmed.filter((r) => !referredIds.has(r.family_id));
		expect(ordinaryConfirmed.length).toBeLessThanOrEqual(24);
		expect(confirmed.filter((r) => !r.held)).toHaveLength(24);
	});

	it('the release run twice at once releases once and promotes the waitlist once, in joining order', async () => {
		const eventId = await insertEvent(domain, w, { capacity: 8, minAge: null, maxAge: null });
		await w.client.staffA.rpc('set_event_hold', { p_event_id: eventId, p_seats: 5 });
		const crowd = await families(9, false);
		for (const f of crowd) {
			await f.client.rpc('register_family', { p_event_id: eventId, p_member_ids: [f.parentId] });
		}
		expect((await seats(eventId)).seats_taken).toBe(3);
		await domain.db.exec(
			`update public.event_holds set release_at = now() - interval '1 second' where event_id = '${eventId}'`
		);
		const [a, b] = await Promise.all([
			domain.admin().rpc('release_held_places', {}),
			domain.admin().rpc('release_held_places', {})
		]);
		expect([a.error, b.error]).toEqual([null, null]);
		expect(a.data.released + b.data.released).toBe(1);
		expect(a.data.promoted + b.data.promoted).toBe(5);
		const order = await rows<{
			family_id: string;
			status: string;
			waitlist_position: string | null;
		}>(
			domain,
			`select family_id::text, status::text, waitlist_position::text from public.registrations
			where event_id = $1::uuid order by created_at`,
			[eventId]
		);
		expect(order.map((r) => r.status)).toEqual([...Array(8).fill('confirmed'), 'waitlisted']);
		expect(order[8]).toMatchObject({ family_id: crowd[8].familyId, waitlist_position: '1' });
		const promotedEmails = await row<{ n: string }>(
			domain,
			`select count(*)::text as n from public.email_outbox where event_id = $1::uuid and kind = 'waitlist_promoted'`,
			[eventId]
		);
		expect(promotedEmails.n).toBe('5');
	});
});
