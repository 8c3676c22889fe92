/**
 * The room-booking workflow through supabase.rpc: requests, decisions, blocks, moves,
 * cancellations and busy periods, with opening hours in Asia/Shanghai time and the exclusion
 * constraint (buffers included) settling conflicts as venue_conflict.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	backendUnderTest,
	codeOf,
	createWorld,
	insertEvent,
	row,
	rows,
	shanghaiAt,
	startDomain,
	type Domain,
	type World
} from '../support/personas';

let domain: Domain;
let w: World;
// Each test books its own day, so tests never collide.
let nextDay = 20;
const day = () => nextDay++;

beforeAll(async () => {
	domain = await startDomain(backendUnderTest);
	w = await createWorld(domain);
});

afterAll(async () => {
	await domain?.close();
});

const request = (
	who: keyof World['client'],
	venue: string,
	d: number,
	from: string,
	to: string,
	org: string,
	toDay = d
) =>
	w.client[who].rpc('request_venue_booking', {
		p_venue_id: venue,
		p_starts_at: shanghaiAt(d, from),
		p_ends_at: shanghaiAt(toDay, to),
		p_purpose: '家长委员会',
		p_org_id: org
	});
const decide = (who: keyof World['client'], id: string, approve: boolean, reason?: string) =>
	w.client[who].rpc('decide_venue_booking', {
		p_booking_id: id,
		p_approve: approve,
		p_reason: reason
	});
const status = async (id: string) =>
	(
		await row<{ status: string }>(
			domain,
			'select status::text from public.venue_bookings where id = $1::uuid',
			[id]
		)
	).status;
const emails = (kind: string, bookingId: string) =>
	rows<{ to_email: string; payload: string }>(
		domain,
		'select to_email, payload::text from public.email_outbox where idempotency_key = $1',
		[`${kind}:${bookingId}`]
	);

describe('request_venue_booking', () => {
	it("asks for a room at another organisation's venue and tells that organisation", async () => {
		const result = await request('staffB', w.venueA, day(), '10:00', '12:00', w.orgB);
		expect(result.error).toBeNull();
		expect(result.data).toEqual({ booking_id: expect.any(String), status: 'requested' });
		const [mail] = await emails('room_request_received', result.data.booking_id);
		expect(mail.to_email).toMatch(/^centre-.*@test\.gongyu\.local$/);
		expect(JSON.parse(mail.payload)).toMatchObject({
			booking: { status: 'requested', purpose: '家长委员会' },
			venue: { name_zh: '多功能厅' },
			requesting_organisation: { name_en: 'Test School' }
		});
	});

	it("books the venue organisation's own room at once", async () => {
		const result = await request('staffA', w.venueA, day(), '10:00', '12:00', w.orgA);
		expect(result.data?.status).toBe('approved');
	});

	it('fails with not_authorised for guardians and for an organisation the caller does not belong to', async () => {
		const d = day();
		expect(codeOf(await request('guardianA', w.venueA, d, '10:00', '11:00', w.orgA))).toBe(
			'not_authorised'
		);
		expect(codeOf(await request('staffB', w.venueA, d, '10:00', '11:00', w.orgA))).toBe(
			'not_authorised'
		);
		expect((await request('anon', w.venueA, d, '10:00', '11:00', w.orgA)).error?.code).toBe(
			'42501'
		);
	});

	it('fails with venue_not_found for an inactive or unknown venue', async () => {
		const d = day();
		expect(codeOf(await request('staffA', w.venueAInactive, d, '10:00', '11:00', w.orgA))).toBe(
			'venue_not_found'
		);
		expect(
			codeOf(
				await request('staffA', '00000000-0000-4000-8000-000000000000', d, '10:00', '11:00', w.orgA)
			)
		).toBe('venue_not_found');
	});

	it('fails with invalid_period for an end before the start, a time in the past or more than a day', async () => {
		const d = day();
		expect(codeOf(await request('staffB', w.venueB, d, '12:00', '10:00', w.orgB))).toBe(
			'invalid_period'
		);
		expect(codeOf(await request('staffB', w.venueB, -2, '10:00', '11:00', w.orgB))).toBe(
			'invalid_period'
		);
		expect(codeOf(await request('staffB', w.venueB, d, '10:00', '11:00', w.orgB, d + 2))).toBe(
			'invalid_period'
		);
	});

	it('enforces opening hours in Asia/Shanghai local time', async () => {
		// venueA: 09:00–21:00 every day.
		const d = day();
		expect(codeOf(await request('staffB', w.venueA, d, '08:00', '10:00', w.orgB))).toBe(
			'outside_opening_hours'
		);
		expect(codeOf(await request('staffB', w.venueA, d, '20:00', '21:30', w.orgB))).toBe(
			'outside_opening_hours'
		);
		expect(codeOf(await request('staffB', w.venueA, d, '20:00', '09:30', w.orgB, d + 1))).toBe(
			'outside_opening_hours'
		);
		expect((await request('staffB', w.venueA, d, '09:00', '21:00', w.orgB)).error).toBeNull();
		// venueB has no opening hours configured: any time.
		expect((await request('staffB', w.venueB, d, '06:00', '07:00', w.orgB)).error).toBeNull();
	});

	it('refuses with venue_conflict a time that overlaps a booking or its buffer, and allows one just after', async () => {
		const d = day();
		expect((await request('staffA', w.venueA, d, '10:00', '12:00', w.orgA)).data?.status).toBe(
			'approved'
		);
		// venueA keeps 15 minutes free after each booking.
		expect(codeOf(await request('staffB', w.venueA, d, '11:00', '13:00', w.orgB))).toBe(
			'venue_conflict'
		);
		expect(codeOf(await request('staffB', w.venueA, d, '12:10', '13:00', w.orgB))).toBe(
			'venue_conflict'
		);
		expect((await request('staffB', w.venueA, d, '12:15', '13:00', w.orgB)).data?.status).toBe(
			'requested'
		);
		expect(codeOf(await request('staffA', w.venueA, d, '09:00', '10:05', w.orgA))).toBe(
			'venue_conflict'
		);
		expect((await request('staffA', w.venueA, d, '09:00', '09:45', w.orgA)).data?.status).toBe(
			'approved'
		);
	});
});

describe('decide_venue_booking', () => {
	it("lets the venue's staff approve a request and emails the requester", async () => {
		const { data } = await request('staffB', w.venueA, day(), '14:00', '16:00', w.orgB);
		const result = await decide('staffA', data.booking_id, true);
		expect(result.data).toEqual({ booking_id: data.booking_id, status: 'approved' });
		const [mail] = await emails('room_request_approved', data.booking_id);
		expect(mail.to_email).toBe(w.users.staffB.email);
	});

	it('lets them reject with a reason, which the requester is told', async () => {
		const { data } = await request('staffB', w.venueA, day(), '14:00', '16:00', w.orgB);
		const result = await decide('staffA', data.booking_id, false, '场地另有安排');
		expect(result.data?.status).toBe('rejected');
		const [mail] = await emails('room_request_rejected', data.booking_id);
		expect(JSON.parse(mail.payload).booking.reason).toBe('场地另有安排');
	});

	it('fails with not_authorised for the requester and anyone but the venue staff', async () => {
		const { data } = await request('staffB', w.venueA, day(), '14:00', '16:00', w.orgB);
		for (const who of ['staffB', 'guardianA', 'admin'] as const) {
			expect(codeOf(await decide(who, data.booking_id, true))).toBe('not_authorised');
		}
		expect(await status(data.booking_id)).toBe('requested');
	});

	it('fails with booking_not_pending for a decided booking and booking_not_found for an unknown one', async () => {
		const { data } = await request('staffB', w.venueA, day(), '14:00', '16:00', w.orgB);
		await decide('staffA', data.booking_id, false);
		expect(codeOf(await decide('staffA', data.booking_id, true))).toBe('booking_not_pending');
		expect(codeOf(await decide('staffA', '00000000-0000-4000-8000-000000000000', true))).toBe(
			'booking_not_found'
		);
	});

	it('fails with venue_conflict when an overlapping request was approved first', async () => {
		const d = day();
		const first = await request('staffB', w.venueA, d, '14:00', '16:00', w.orgB);
		const second = await request('staffB', w.venueA, d, '15:00', '17:00', w.orgB);
		expect((await decide('staffA', first.data.booking_id, true)).error).toBeNull();
		expect(codeOf(await decide('staffA', second.data.booking_id, true))).toBe('venue_conflict');
		expect(await status(second.data.booking_id)).toBe('requested');
		// It can still be rejected.
		expect((await decide('staffA', second.data.booking_id, false)).data?.status).toBe('rejected');
	});
});

describe('block_venue', () => {
	it('lets venue staff block a room, after which requests for that time conflict', async () => {
		const d = day();
		const block = await w.client.staffA.rpc('block_venue', {
			p_venue_id: w.venueA,
			p_starts_at: shanghaiAt(d, '00:00'),
			p_ends_at: shanghaiAt(d + 1, '00:00'),
			p_reason: '消防检查'
		});
		expect(block.data).toEqual({ booking_id: expect.any(String), status: 'blocked' });
		expect(codeOf(await request('staffB', w.venueA, d, '10:00', '11:00', w.orgB))).toBe(
			'venue_conflict'
		);
	});

	it('fails with venue_conflict over an approved booking, not_authorised for others, invalid_period', async () => {
		const d = day();
		await request('staffA', w.venueA, d, '10:00', '12:00', w.orgA);
		const block = (who: 'staffA' | 'staffB', from: string, to: string) =>
			w.client[who].rpc('block_venue', {
				p_venue_id: w.venueA,
				p_starts_at: shanghaiAt(d, from),
				p_ends_at: shanghaiAt(d, to),
				p_reason: null
			});
		expect(codeOf(await block('staffA', '11:00', '13:00'))).toBe('venue_conflict');
		expect(codeOf(await block('staffB', '14:00', '15:00'))).toBe('not_authorised');
		expect(codeOf(await block('staffA', '15:00', '14:00'))).toBe('invalid_period');
		expect((await block('staffA', '14:00', '15:00')).error).toBeNull();
	});
});

describe('venue_busy_periods', () => {
	it('shows other organisations and the public when a room is taken, buffer included, without details', async () => {
		const d = day();
		await request('staffA', w.venueA, d, '10:00', '12:00', w.orgA);
		await request('staffB', w.venueA, d, '14:00', '15:00', w.orgB); // requested: not busy yet
		for (const who of ['staffB', 'anon', 'guardianA'] as const) {
			const { data, error } = await w.client[who].rpc('venue_busy_periods', {
				p_venue_id: w.venueA,
				p_from: shanghaiAt(d, '00:00'),
				p_to: shanghaiAt(d + 1, '00:00')
			});
			expect(error).toBeNull();
			expect(data).toEqual([
				{
					busy_from: new Date(shanghaiAt(d, '10:00')).toISOString().replace('.000Z', '+00:00'),
					busy_until: new Date(shanghaiAt(d, '12:15')).toISOString().replace('.000Z', '+00:00')
				}
			]);
		}
		// And staffB cannot read the booking itself.
		const { data } = await w.client.staffB
			.from('venue_bookings')
			.select('id')
			.eq('venue_id', w.venueA)
			.eq('org_id', w.orgA);
		expect(data).toEqual([]);
	});

	it('fails with invalid_period for a reversed or over-long range and venue_not_found for an inactive room', async () => {
		const call = (venue: string, from: string, to: string) =>
			w.client.staffB.rpc('venue_busy_periods', { p_venue_id: venue, p_from: from, p_to: to });
		expect(codeOf(await call(w.venueA, shanghaiAt(5, '10:00'), shanghaiAt(4, '10:00')))).toBe(
			'invalid_period'
		);
		expect(codeOf(await call(w.venueA, shanghaiAt(0, '10:00'), shanghaiAt(500, '10:00')))).toBe(
			'invalid_period'
		);
		expect(
			codeOf(await call(w.venueAInactive, shanghaiAt(0, '10:00'), shanghaiAt(5, '10:00')))
		).toBe('venue_not_found');
		expect(
			(
				await w.client.staffA.rpc('venue_busy_periods', {
					p_venue_id: w.venueAInactive,
					p_from: shanghaiAt(0, '10:00'),
					p_to: shanghaiAt(5, '10:00')
				})
			).error
		).toBeNull();
	});
});

describe('move_venue_booking and cancel_venue_booking', () => {
	it('moves a booking with the event in it, and emails the registered families', async () => {
		const d = day();
		const booking = await request('staffA', w.venueA, d, '10:00', '12:00', w.orgA);
		const eventId = await insertEvent(domain, w, {
			bookingId: booking.data.booking_id,
			startsAt: shanghaiAt(d, '10:30'),
			endsAt: shanghaiAt(d, '11:30')
		});
		const reg = await w.client.guardianA.rpc('register_family', {
			p_event_id: eventId,
			p_member_ids: [w.parentA]
		});
		const moved = await w.client.staffA.rpc('move_venue_booking', {
			p_booking_id: booking.data.booking_id,
			p_starts_at: shanghaiAt(d, '14:00'),
			p_ends_at: shanghaiAt(d, '16:00')
		});
		expect(moved.error).toBeNull();
		expect(moved.data).toMatchObject({ status: 'approved' });
		const event = await row<{ starts_at: string }>(
			domain,
			`select to_char(starts_at at time zone 'Asia/Shanghai', 'HH24:MI') as starts_at from public.events where id = $1::uuid`,
			[eventId]
		);
		expect(event.starts_at).toBe('14:30');
		const changed = await rows(
			domain,
			`select 1 from public.email_outbox where kind = 'event_changed' and registration_id = $1::uuid`,
			[reg.data.registration_id]
		);
		expect(changed).toHaveLength(1);
		// Shrinking it so the event no longer fits is refused.
		expect(
			codeOf(
				await w.client.staffA.rpc('move_venue_booking', {
					p_booking_id: booking.data.booking_id,
					p_starts_at: shanghaiAt(d, '14:00'),
					p_ends_at: shanghaiAt(d, '15:00')
				})
			)
		).toBe('event_outside_booking');
		// A booking that holds an event cannot be cancelled.
		expect(
			codeOf(
				await w.client.staffA.rpc('cancel_venue_booking', { p_booking_id: booking.data.booking_id })
			)
		).toBe('booking_in_use');
	});

	it('fails with venue_conflict, outside_opening_hours and not_authorised when moving', async () => {
		const d = day();
		const a = await request('staffA', w.venueA, d, '10:00', '11:00', w.orgA);
		await request('staffA', w.venueA, d, '13:00', '14:00', w.orgA);
		const move = (who: 'staffA' | 'staffB', from: string, to: string) =>
			w.client[who].rpc('move_venue_booking', {
				p_booking_id: a.data.booking_id,
				p_starts_at: shanghaiAt(d, from),
				p_ends_at: shanghaiAt(d, to)
			});
		expect(codeOf(await move('staffA', '12:30', '13:30'))).toBe('venue_conflict');
		expect(codeOf(await move('staffA', '07:00', '08:00'))).toBe('outside_opening_hours');
		expect(codeOf(await move('staffB', '15:00', '16:00'))).toBe('not_authorised');
		expect((await move('staffA', '15:00', '16:00')).error).toBeNull();
	});

	it('lets the requester withdraw a request, and the venue staff free a room (telling the requester)', async () => {
		const d = day();
		const mine = await request('staffB', w.venueA, d, '10:00', '11:00', w.orgB);
		expect(
			(await w.client.staffB.rpc('cancel_venue_booking', { p_booking_id: mine.data.booking_id }))
				.data
		).toEqual({
			booking_id: mine.data.booking_id,
			status: 'cancelled'
		});
		const approved = await request('staffB', w.venueA, d, '14:00', '15:00', w.orgB);
		await decide('staffA', approved.data.booking_id, true);
		expect(
			codeOf(
				await w.client.guardianA.rpc('cancel_venue_booking', {
					p_booking_id: approved.data.booking_id
				})
			)
		).toBe('not_authorised');
		expect(
			(
				await w.client.staffA.rpc('cancel_venue_booking', {
					p_booking_id: approved.data.booking_id
				})
			).error
		).toBeNull();
		expect(await emails('room_booking_cancelled', approved.data.booking_id)).toHaveLength(1);
		expect(
			codeOf(
				await w.client.staffA.rpc('cancel_venue_booking', {
					p_booking_id: approved.data.booking_id
				})
			)
		).toBe('booking_not_active');
		// The freed time can be booked again.
		expect((await request('staffA', w.venueA, d, '14:00', '15:00', w.orgA)).data?.status).toBe(
			'approved'
		);
	});
});

describe('the exclusion constraint itself', () => {
	it('makes a double-booked room impossible even for the owner (SQLSTATE 23P01)', async () => {
		const d = day();
		await request('staffA', w.venueA, d, '10:00', '12:00', w.orgA);
		await expect(
			domain.db.query(
				`insert into public.venue_bookings (venue_id, org_id, status, starts_at, ends_at)
				values ($1, $2, 'approved', $3::timestamptz, $4::timestamptz)`,
				[w.venueA, w.orgB, shanghaiAt(d, '11:00'), shanghaiAt(d, '13:00')]
			)
		).rejects.toMatchObject({ code: '23P01' });
	});
});

describe('the remaining failure codes', () => {
	const unknown = '00000000-0000-4000-8000-000000000000';

	it('purpose_too_long and reason_too_long for texts over 500 characters', async () => {
		const d = day();
		const long = 'x'.repeat(501);
		const asked = await w.client.staffB.rpc('request_venue_booking', {
			p_venue_id: w.venueA,
			p_starts_at: shanghaiAt(d, '10:00'),
			p_ends_at: shanghaiAt(d, '11:00'),
			p_purpose: long,
			p_org_id: w.orgB
		});
		expect(codeOf(asked)).toBe('purpose_too_long');
		const ok = await request('staffB', w.venueA, d, '10:00', '11:00', w.orgB);
		expect(codeOf(await decide('staffA', ok.data.booking_id, false, long))).toBe('reason_too_long');
		const blocked = await w.client.staffA.rpc('block_venue', {
			p_venue_id: w.venueA,
			p_starts_at: shanghaiAt(d, '15:00'),
			p_ends_at: shanghaiAt(d, '16:00'),
			p_reason: long
		});
		expect(codeOf(blocked)).toBe('reason_too_long');
	});

	it('invalid_decision without a decision, and invalid_period when approving a time already past', async () => {
		const { data } = await request('staffB', w.venueA, day(), '10:00', '11:00', w.orgB);
		expect(codeOf(await decide('staffA', data.booking_id, null as unknown as boolean))).toBe(
			'invalid_decision'
		);
		await domain.db.query(
			`update public.venue_bookings set starts_at = now() - interval '2 hours',
				ends_at = now() - interval '1 hour' where id = $1`,
			[data.booking_id]
		);
		expect(codeOf(await decide('staffA', data.booking_id, true))).toBe('invalid_period');
		expect((await decide('staffA', data.booking_id, false)).data?.status).toBe('rejected');
	});

	it('booking_not_found, booking_not_active and invalid_period when moving or cancelling', async () => {
		const d = day();
		const move = (id: string, from: string, to: string) =>
			w.client.staffA.rpc('move_venue_booking', {
				p_booking_id: id,
				p_starts_at: shanghaiAt(d, from),
				p_ends_at: shanghaiAt(d, to)
			});
		expect(codeOf(await move(unknown, '10:00', '11:00'))).toBe('booking_not_found');
		expect(
			codeOf(await w.client.staffA.rpc('cancel_venue_booking', { p_booking_id: unknown }))
		).toBe('booking_not_found');
		const { data } = await request('staffA', w.venueA, d, '10:00', '11:00', w.orgA);
		expect(codeOf(await move(data.booking_id, '12:00', '11:00'))).toBe('invalid_period');
		await w.client.staffA.rpc('cancel_venue_booking', { p_booking_id: data.booking_id });
		expect(codeOf(await move(data.booking_id, '12:00', '13:00'))).toBe('booking_not_active');
	});

	it('venue_not_found when blocking an unknown room, event_not_found for unknown attendees', async () => {
		const blocked = await w.client.staffA.rpc('block_venue', {
			p_venue_id: unknown,
			p_starts_at: shanghaiAt(5, '10:00'),
			p_ends_at: shanghaiAt(5, '11:00'),
			p_reason: null
		});
		expect(codeOf(blocked)).toBe('venue_not_found');
		expect(codeOf(await w.client.staffA.rpc('event_attendees', { p_event_id: unknown }))).toBe(
			'event_not_found'
		);
	});

	it('invalid_age_range for an event whose youngest age exceeds its oldest', async () => {
		const result = await w.client.staffA.from('events').insert({
			org_id: w.orgA,
			category: 'other',
			title_zh: '年龄',
			starts_at: shanghaiAt(12, '10:00'),
			ends_at: shanghaiAt(12, '11:00'),
			capacity: 10,
			min_child_age: 9,
			max_child_age: 6
		});
		expect(codeOf(result)).toBe('invalid_age_range');
	});
});
