/**
 * Course enrolment under real concurrency, on the PostgreSQL server: supabase-js clients with each
 * family's own access token, through the embedded Supabase over a connection pool. The course's
 * capacity is never exceeded, the waitlist keeps its order, and drop-ins racing enrolments never
 * take a place an enrolled family needs.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverAvailable } from '../support/embedded';
import {
	accessToken,
	createWorld,
	insertEvent,
	insertFamilies,
	rows,
	startDomain,
	type Domain,
	type World
} from '../support/personas';

const server = await serverAvailable();

describe.skipIf(!server)('courses on the PostgreSQL server', () => {
	let domain: Domain;
	let w: World;

	beforeAll(async () => {
		domain = await startDomain('postgres', { pool: 20 });
		w = await createWorld(domain);
	});

	afterAll(async () => {
		await domain?.close();
	});

	interface Family {
		familyId: string;
		parentId: string;
		childId: string;
		client: SupabaseClient;
	}

	async function families(count: number): Promise<Family[]> {
		const made = await insertFamilies(domain, count);
		return Promise.all(
			made.map(async (f) => ({ ...f, client: domain.as(await accessToken(f.user)) }))
		);
	}

	async function course(capacity: number, eventCapacity: number, sessions: number, dropIn = false) {
		const events: string[] = [];
		for (let i = 0; i < sessions; i++) {
			events.push(
				await insertEvent(domain, w, {
					capacity: eventCapacity,
					startsInHours: 48 + 24 * 7 * i,
					maxSeats: 4,
					minAge: null,
					maxAge: null
				})
			);
		}
		const { data, error } = await w.client.staffA.rpc('save_course', {
			p_org_id: w.orgA,
			p_course: {
				kind: 'grandparents',
				status: 'published',
				title_zh: '并发课程',
				capacity,
				sessions_required: 1,
				drop_in_enabled: dropIn
			},
			p_event_ids: events
		});
		expect(error).toBeNull();
		return { id: data as string, events };
	}

	interface EnrolmentRow {
		id: string;
		family_id: string;
		status: string;
		seats: number;
		waitlist_position: number | null;
	}

	const enrolments = async (courseId: string): Promise<EnrolmentRow[]> =>
		(
			await rows<{ r: string }>(
				domain,
				`select json_build_object('id', id, 'family_id', family_id, 'status', status,
					'seats', seats, 'waitlist_position', waitlist_position)::text as r
				from public.course_enrolments where course_id = $1::uuid order by created_at`,
				[courseId]
			)
		).map((x) => JSON.parse(x.r));

	/** What must hold whenever no request is running. */
	async function checkInvariants(courseId: string, events: string[]) {
		const [c] = await rows<{ capacity: string; seats_taken: string; waitlist_count: string }>(
			domain,
			'select capacity::text, seats_taken::text, waitlist_count::text from public.courses where id = $1::uuid',
			[courseId]
		);
		const all = await enrolments(courseId);
		const confirmed = all.filter((e) => e.status === 'confirmed');
		const waiting = all
			.filter((e) => e.status === 'waitlisted')
			.sort((a, b) => a.waitlist_position! - b.waitlist_position!);
		const taken = confirmed.reduce((n, e) => n + e.seats, 0);
		expect(taken).toBeLessThanOrEqual(Number(c.capacity));
		expect(Number(c.seats_taken)).toBe(taken);
		expect(Number(c.waitlist_count)).toBe(waiting.length);
		expect(waiting.map((e) => e.waitlist_position)).toEqual(waiting.map((_, i) => i + 1));
		for (const e of waiting) expect(e.seats).toBeGreaterThan(Number(c.capacity) - taken);
		// Every confirmed family holds a place in every session, and nobody else is registered by
		// the course.
		const regs = await rows<{ event_id: string; family_id: string; seats: string }>(
			domain,
			`select event_id::text, family_id::text, seats::text from public.registrations
			where event_id = any($1::uuid[]) and status = 'confirmed'`,
			[events]
		);
		for (const e of confirmed) {
			expect(regs.filter((r) => r.family_id === e.family_id)).toHaveLength(events.length);
		}
		const ev = await rows<{ capacity: string; seats_taken: string }>(
			domain,
			'select capacity::text, seats_taken::text from public.events where id = any($1::uuid[])',
			[events]
		);
		for (const e of ev) expect(Number(e.seats_taken)).toBeLessThanOrEqual(Number(e.capacity));
		return { confirmed, waiting };
	}

	it('300 families enrolling at once for 30 places: exactly 30 people confirmed in every session, the rest waitlisted 1..n', async () => {
		const c = await course(30, 30, 4);
		const crowd = await families(300);
		const results = await Promise.all(
			crowd.map((f, i) =>
				f.client.rpc('enrol_in_course', {
					p_course_id: c.id,
					p_member_ids: i % 3 === 0 ? [f.parentId, f.childId] : [f.parentId]
				})
			)
		);
		expect(results.filter((r) => r.error).map((r) => r.error)).toEqual([]);
		const { confirmed, waiting } = await checkInvariants(c.id, c.events);
		expect(confirmed.reduce((n, e) => n + e.seats, 0)).toBe(30);
		expect(confirmed.length + waiting.length).toBe(300);
		const seats = await rows<{ seats_taken: string }>(
			domain,
			'select seats_taken::text from public.events where id = any($1::uuid[])',
			[c.events]
		);
		expect(seats.map((s) => s.seats_taken)).toEqual(['30', '30', '30', '30']);
	});

	it('cancellations racing each other promote the waitlist strictly in order', async () => {
		const c = await course(10, 10, 2);
		const crowd = await families(30);
		// One at a time, so the joining order is known.
		for (const f of crowd) {
			const r = await f.client.rpc('enrol_in_course', {
				p_course_id: c.id,
				p_member_ids: [f.parentId]
			});
			expect(r.error).toBeNull();
		}
		const before = await checkInvariants(c.id, c.events);
		const firstFive = before.waiting.slice(0, 5).map((e) => e.family_id);
		const rest = before.waiting.slice(5).map((e) => e.family_id);
		const leaving = before.confirmed.slice(0, 5);
		const results = await Promise.all(
			leaving.map((e, i) =>
				(i % 2 ? w.client.staffA : crowd.find((f) => f.familyId === e.family_id)!.client).rpc(
					'cancel_course_enrolment',
					{ p_enrolment_id: e.id }
				)
			)
		);
		expect(results.filter((r) => r.error).map((r) => r.error)).toEqual([]);
		const after = await checkInvariants(c.id, c.events);
		expect(after.confirmed.map((e) => e.family_id)).toEqual(expect.arrayContaining(firstFive));
		expect(after.confirmed).toHaveLength(10);
		expect(after.waiting.map((e) => e.family_id)).toEqual(rest);
	});

	it('drop-ins racing enrolments never take a place an enrolled family needs', async () => {
		// Rooms of 16 for a course of 12: 4 places per session are the drop-ins' until the course fills.
		const c = await course(12, 16, 3, true);
		const enrolling = await families(40);
		const dropping = await families(40);
		const calls = [
			...enrolling.map((f) =>
				f.client.rpc('enrol_in_course', { p_course_id: c.id, p_member_ids: [f.parentId] })
			),
			...dropping.map((f, i) =>
				f.client.rpc('register_family', {
					p_event_id: c.events[i % 3],
					p_member_ids: [f.parentId]
				})
			)
		];
		const results = await Promise.all(calls);
		const unexpected = results
			.map((r) => r.error?.message)
			.filter((m) => m && m !== 'session_full');
		expect(unexpected).toEqual([]);
		const { confirmed } = await checkInvariants(c.id, c.events);
		expect(confirmed).toHaveLength(12);
		const dropIns = await rows<{ event_id: string; n: string }>(
			domain,
			`select r.event_id::text, count(*)::text as n from public.registrations r
			where r.event_id = any($1::uuid[]) and r.status = 'confirmed'
				and r.family_id = any($2::uuid[]) group by r.event_id`,
			[c.events, dropping.map((f) => f.familyId)]
		);
		expect(dropIns.map((d) => d.n)).toEqual(['4', '4', '4']);
	});
});
