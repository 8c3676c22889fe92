/**
 * Capacity, the waitlist and room bookings under real concurrency, on the PostgreSQL server:
 * supabase-js clients with each family's own access token, through the embedded Supabase over a
 * connection pool.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverAvailable } from '../support/embedded';
import {
	accessToken,
	codeOf,
	createWorld,
	insertEvent,
	insertFamilies,
	rows,
	shanghaiAt,
	startDomain,
	type Domain,
	type World
} from '../support/personas';

const server = await serverAvailable();

describe.skipIf(!server)('on the PostgreSQL server', () => {
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

	interface RegRow {
		id: string;
		family_id: string;
		status: string;
		seats: number;
		waitlist_position: number | null;
	}

	async function registrationsOf(eventId: string): Promise<RegRow[]> {
		const result = await rows<{ r: string }>(
			domain,
			`select json_build_object('id', id, 'family_id', family_id, 'status', status, 'seats', seats,
				'waitlist_position', waitlist_position)::text as r
			from public.registrations where event_id = $1::uuid order by waitlist_joined_at, created_at`,
			[eventId]
		);
		return result.map((x) => JSON.parse(x.r));
	}

	/** What must hold whenever no request is running. */
	async function checkInvariants(eventId: string) {
		const [event] = await rows<{ capacity: string; seats_taken: string; waitlist_count: string }>(
			domain,
			'select capacity::text, seats_taken::text, waitlist_count::text from public.events where id = $1::uuid',
			[eventId]
		);
		const capacity = Number(event.capacity);
		const regs = await registrationsOf(eventId);
		const taken = regs.filter((r) => r.status === 'confirmed').reduce((n, r) => n + r.seats, 0);
		const waiting = regs.filter((r) => r.status === 'waitlisted');
		expect(taken).toBeLessThanOrEqual(capacity);
		expect(Number(event.seats_taken)).toBe(taken);
		expect(Number(event.waitlist_count)).toBe(waiting.length);
		// Positions 1..n, in joining order, without gaps or duplicates.
		expect(waiting.map((r) => r.waitlist_position)).toEqual(waiting.map((_, i) => i + 1));
		// Nobody who would fit is left waiting.
		for (const r of waiting) expect(r.seats).toBeGreaterThan(capacity - taken);
		// One active registration per family.
		const active = regs.filter((r) => r.status !== 'cancelled').map((r) => r.family_id);
		expect(new Set(active).size).toBe(active.length);
	}

	it('500 families registering at once for 40 places: exactly 40 people confirmed, the rest waitlisted 1..n', async () => {
		const eventId = await insertEvent(domain, w, {
			capacity: 40,
			maxSeats: 4,
			minAge: null,
			maxAge: null
		});
		const crowd = await families(500);
		const results = await Promise.all(
			crowd.map((f, i) =>
				f.client.rpc('register_family', {
					p_event_id: eventId,
					p_member_ids: i % 3 === 0 ? [f.parentId, f.childId] : [f.parentId]
				})
			)
		);
		expect(results.filter((r) => r.error).map((r) => r.error)).toEqual([]);
		const confirmedSeats = results.reduce(
			(n, r, i) => n + (r.data.status === 'confirmed' ? (i % 3 === 0 ? 2 : 1) : 0),
			0
		);
		expect(confirmedSeats).toBe(40);
		const positions = results
			.filter((r) => r.data.status === 'waitlisted')
			.map((r) => r.data.waitlist_position as number)
			.sort((a, b) => a - b);
		expect(positions).toEqual(positions.map((_, i) => i + 1));
		expect(positions.length + results.filter((r) => r.data.status === 'confirmed').length).toBe(
			500
		);

		await checkInvariants(eventId);
		const regs = await registrationsOf(eventId);
		expect(regs.filter((r) => r.status === 'confirmed').reduce((n, r) => n + r.seats, 0)).toBe(40);
		const emails = await rows<{ n: string; keys: string }>(
			domain,
			`select count(*)::text as n, count(distinct idempotency_key)::text as keys
			from public.email_outbox where event_id = $1::uuid`,
			[eventId]
		);
		expect(emails[0]).toEqual({ n: '500', keys: '500' });
	});

	describe('random interleavings of registrations and cancellations', () => {
		const POOL = 10;
		let pool: Family[];
		beforeAll(async () => {
			pool = await families(POOL);
		});

		type Op =
			| { kind: 'register'; family: number; seats: 1 | 2 }
			| { kind: 'cancel'; family: number; byStaff: boolean };
		const opArb: fc.Arbitrary<Op> = fc.oneof(
			{
				weight: 3,
				arbitrary: fc.record({
					kind: fc.constant('register' as const),
					family: fc.nat(POOL - 1),
					seats: fc.constantFrom(1 as const, 2 as const)
				})
			},
			{
				weight: 2,
				arbitrary: fc.record({
					kind: fc.constant('cancel' as const),
					family: fc.nat(POOL - 1),
					byStaff: fc.boolean()
				})
			}
		);

		async function run(
			eventId: string,
			op: Op
		): Promise<{ data: unknown; error: { message: string } | null } | null> {
			const f = pool[op.family];
			if (op.kind === 'register') {
				return f.client.rpc('register_family', {
					p_event_id: eventId,
					p_member_ids: op.seats === 2 ? [f.parentId, f.childId] : [f.parentId]
				});
			}
			const active = await rows<{ id: string }>(
				domain,
				`select id::text from public.registrations
				where event_id = $1::uuid and family_id = $2::uuid and status <> 'cancelled'`,
				[eventId, f.familyId]
			);
			if (active.length === 0) return null;
			const client = op.byStaff ? w.client.staffA : f.client;
			return client.rpc('cancel_registration', { p_registration_id: active[0].id });
		}

		/** The rules, as a plain model: what each call must answer, one at a time. */
		class Model {
			regs = new Map<number, { status: 'confirmed' | 'waitlisted'; seats: number }>();
			queue: number[] = [];
			constructor(readonly capacity: number) {}
			taken() {
				return [...this.regs.values()]
					.filter((r) => r.status === 'confirmed')
					.reduce((n, r) => n + r.seats, 0);
			}
			apply(op: Op): unknown {
				if (op.kind === 'register') {
					if (this.regs.has(op.family)) return 'already_registered';
					if (op.seats > this.capacity) return 'seat_limit_exceeded';
					if (this.taken() + op.seats <= this.capacity) {
						this.regs.set(op.family, { status: 'confirmed', seats: op.seats });
						return { status: 'confirmed', waitlist_position: null };
					}
					this.regs.set(op.family, { status: 'waitlisted', seats: op.seats });
					this.queue.push(op.family);
					return { status: 'waitlisted', waitlist_position: this.queue.length };
				}
				if (!this.regs.has(op.family)) return null;
				this.regs.delete(op.family);
				this.queue = this.queue.filter((f) => f !== op.family);
				let free = this.capacity - this.taken();
				let promoted = 0;
				for (const f of [...this.queue]) {
					const r = this.regs.get(f)!;
					if (free <= 0) break;
					if (r.seats <= free) {
						r.status = 'confirmed';
						free -= r.seats;
						promoted++;
						this.queue = this.queue.filter((q) => q !== f);
					}
				}
				return { status: 'cancelled', promoted };
			}
		}

		it('one at a time, every answer and the final state match the rules exactly', async () => {
			await fc.assert(
				fc.asyncProperty(
					fc.integer({ min: 1, max: 5 }),
					fc.array(opArb, { minLength: 4, maxLength: 24 }),
					async (capacity, ops) => {
						const eventId = await insertEvent(domain, w, {
							capacity,
							maxSeats: 2,
							minAge: null,
							maxAge: null
						});
						const model = new Model(capacity);
						for (const op of ops) {
							const expected = model.apply(op);
							const result = await run(eventId, op);
							if (expected === null) {
								expect(result).toBeNull();
							} else if (typeof expected === 'string') {
								expect(codeOf(result!)).toBe(expected);
							} else {
								expect(result!.error).toBeNull();
								expect(result!.data).toMatchObject(expected as object);
							}
						}
						await checkInvariants(eventId);
						const regs = await registrationsOf(eventId);
						const byFamily = new Map(
							regs.filter((r) => r.status !== 'cancelled').map((r) => [r.family_id, r])
						);
						for (const [f, r] of model.regs) {
							const actual = byFamily.get(pool[f].familyId);
							expect(actual?.status).toBe(r.status);
							expect(actual?.waitlist_position ?? null).toBe(
								r.status === 'waitlisted' ? model.queue.indexOf(f) + 1 : null
							);
						}
						expect(byFamily.size).toBe(model.regs.size);
					}
				),
				{ numRuns: 40 }
			);
		});

		it('in concurrent batches, capacity is never exceeded and the waitlist stays ordered and gapless', async () => {
			await fc.assert(
				fc.asyncProperty(
					fc.integer({ min: 1, max: 5 }),
					fc.array(fc.array(opArb, { minLength: 1, maxLength: 8 }), { minLength: 2, maxLength: 6 }),
					async (capacity, batches) => {
						const eventId = await insertEvent(domain, w, {
							capacity,
							maxSeats: 2,
							minAge: null,
							maxAge: null
						});
						for (const batch of batches) {
							await Promise.all(batch.map((op) => run(eventId, op)));
							await checkInvariants(eventId);
						}
					}
				),
				{ numRuns: 40 }
			);
		});
	});

	it('concurrent approvals of overlapping requests for one room: exactly one wins, the rest get venue_conflict', async () => {
		const d = 40;
		const requests = await Promise.all(
			Array.from({ length: 12 }, (_, i) =>
				w.client.staffB.rpc('request_venue_booking', {
					p_venue_id: w.venueA,
					p_starts_at: shanghaiAt(d, `10:${String(i * 4).padStart(2, '0')}`),
					p_ends_at: shanghaiAt(d, `13:${String(i * 4).padStart(2, '0')}`),
					p_purpose: `request ${i}`,
					p_org_id: w.orgB
				})
			)
		);
		expect(requests.map((r) => r.data?.status)).toEqual(Array(12).fill('requested'));
		const decisions = await Promise.all(
			requests.map((r) =>
				w.client.staffA.rpc('decide_venue_booking', {
					p_booking_id: r.data.booking_id,
					p_approve: true
				})
			)
		);
		// One list, so a failure shows every answer (a timeout or a refusal, not only a count).
		const answers = decisions.map((d) => (d.error ? `${d.error.code} ${codeOf(d)}` : 'approved'));
		expect(answers.sort()).toEqual([...Array(11).fill('P0001 venue_conflict'), 'approved']);
		const approved = await rows(
			domain,
			`select 1 from public.venue_bookings where id = any($1::uuid[]) and status = 'approved'`,
			[`{${requests.map((r) => r.data.booking_id).join(',')}}`]
		);
		expect(approved).toHaveLength(1);
	});

	it('a transaction holding one room while asking for an overlapping one waits its turn instead of deadlocking', async () => {
		// r1 and r3 do not overlap; r2 overlaps both. A approves r1 and keeps its transaction open;
		// B approves r2 (it must wait for A); A then approves r3. Entered before checked, B's r2 made
		// A wait for B while B waited for A: deadlock. In turn, A gets r1 and r3, B hears conflict.
		const d = 42;
		const ask = async (from: string, to: string) => {
			const { data, error } = await w.client.staffB.rpc('request_venue_booking', {
				p_venue_id: w.venueA,
				p_starts_at: shanghaiAt(d, from),
				p_ends_at: shanghaiAt(d, to),
				p_purpose: `${from}-${to}`,
				p_org_id: w.orgB
			});
			if (error) throw new Error(error.message);
			return data.booking_id as string;
		};
		const [r1, r2, r3] = [
			await ask('09:00', '10:00'),
			await ask('09:30', '11:00'),
			await ask('10:30', '11:30')
		];
		const staffA = {
			role: 'authenticated' as const,
			claims: { sub: w.users.staffA.id, role: 'authenticated' }
		};
		const decide = (q: { query: (t: string, p?: unknown[]) => Promise<unknown> }, id: string) =>
			q.query('select public.decide_venue_booking($1::uuid, true)', [id]);
		let bStarted!: () => void;
		const bAsked = new Promise<void>((r) => (bStarted = r));
		const waitingFor = async (text: string) => {
			for (let i = 0; i < 100; i++) {
				const { rows: waiting } = await domain.db.query<{ n: string }>(
					`select count(*)::text as n from pg_stat_activity
					 where wait_event_type in ('Lock') and query like $1`,
					[`%${text}%`]
				);
				if (Number(waiting[0].n) > 0) return;
				await new Promise((r) => setTimeout(r, 50));
			}
			throw new Error('B never waited');
		};
		const a = domain.db.transaction(staffA, async (q) => {
			await decide(q, r1);
			bStarted();
			await waitingFor(r2);
			await decide(q, r3);
		});
		const b = (async () => {
			await bAsked;
			return domain.db.transaction(staffA, (q) =>
				q.query(`select public.decide_venue_booking('${r2}'::uuid, true)`)
			);
		})();
		const [resultA, resultB] = await Promise.allSettled([a, b]);
		expect(resultA.status).toBe('fulfilled');
		expect(resultB.status).toBe('rejected');
		expect(String((resultB as PromiseRejectedResult).reason?.message)).toContain('venue_conflict');
		const held = await rows<{ id: string }>(
			domain,
			`select id::text from public.venue_bookings where id = any($1::uuid[]) and status = 'approved' order by starts_at`,
			[`{${r1},${r2},${r3}}`]
		);
		expect(held.map((h) => h.id)).toEqual([r1, r3]);
	});

	it('approvals racing blocks of the same room: a block and an approval never both hold it', async () => {
		const d = 41;
		const requests = await Promise.all(
			Array.from({ length: 6 }, (_, i) =>
				w.client.staffB.rpc('request_venue_booking', {
					p_venue_id: w.venueA,
					p_starts_at: shanghaiAt(d, `1${i}:00`),
					p_ends_at: shanghaiAt(d, `1${i}:30`),
					p_purpose: `request ${i}`,
					p_org_id: w.orgB
				})
			)
		);
		const racers = [
			...requests.map((r) =>
				w.client.staffA.rpc('decide_venue_booking', {
					p_booking_id: r.data.booking_id,
					p_approve: true
				})
			),
			...[0, 1].map(() =>
				w.client.staffA.rpc('block_venue', {
					p_venue_id: w.venueA,
					p_starts_at: shanghaiAt(d, '09:00'),
					p_ends_at: shanghaiAt(d, '21:00'),
					p_reason: 'maintenance'
				})
			)
		];
		const results = await Promise.all(racers);
		// The requests do not overlap one another, so either the block won (everything else lost)
		// or the block lost and every approval won.
		const won = results.filter((r) => r.error === null).length;
		const blockWon = results.slice(6).some((r) => r.error === null);
		if (blockWon) expect(won).toBe(1);
		else expect(won).toBe(6);
		expect(results.filter((r) => r.error).every((r) => codeOf(r) === 'venue_conflict')).toBe(true);
	});
});
