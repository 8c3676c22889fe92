/**
 * The venue staff's SQL (supabase/migrations/20261129001200_staff.sql) through supabase-js against
 * the embedded Supabase, on PGlite and on a fresh database of the PostgreSQL server.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	serverAvailable,
	startEmbedded,
	type Backend,
	type TestSupabase
} from '../support/embedded';

const CENTRE = 'a2000000-0000-4000-8000-000000000001';
const SCHOOL = 'a2000000-0000-4000-8000-000000000002';

const fixtures = `
insert into public.organisations (id, kind, slug, name_zh, name_en, contact_email) values
	('${CENTRE}', 'youth_centre', 'staff-test-centre', '吴兴区青少年活动中心', 'Wuxing Youth Activity Centre',
		'centre@example.cn'),
	('${SCHOOL}', 'school_parent_school', 'staff-test-school', '湖州四中家长学校', 'No. 4 Parent School',
		'school@example.cn');
`;

/** `YYYY-MM-DD` in Asia/Shanghai, `days` from today. */
function shanghaiDate(days: number): string {
	const now = new Date(Date.now() + 8 * 3600_000);
	return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days))
		.toISOString()
		.slice(0, 10);
}
const at = (days: number, time: string) => `${shanghaiDate(days)}T${time}:00+08:00`;

const everyDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
	weekday,
	opens_at: '08:00',
	closes_at: '21:00'
}));

async function userId(client: SupabaseClient): Promise<string> {
	const { data, error } = await client.auth.getUser();
	if (error || !data.user) throw error ?? new Error('no user');
	return data.user.id;
}

async function must<T>(promise: PromiseLike<{ data: T; error: unknown }>): Promise<T> {
	const { data, error } = await promise;
	if (error) throw new Error(JSON.stringify(error));
	return data;
}

const backends: Backend[] = ['pglite', 'postgres'];
const serverUp = await serverAvailable();

describe.each(backends)('venue staff SQL on %s', (backend) => {
	let t: TestSupabase;
	let staff: SupabaseClient;
	let otherStaff: SupabaseClient;
	let parent: SupabaseClient;
	let secondParent: SupabaseClient;
	let childId: string;
	let secondMemberId: string;
	let venueId: string;
	const skip = backend === 'postgres' && !serverUp;

	async function count(sql: string): Promise<number> {
		const { rows } = await t.db.query<{ n: string }>(sql);
		return Number(rows[0].n);
	}

	async function family(client: SupabaseClient, email: string, name: string, kind: string) {
		const id = await userId(client);
		await must(
			client
				.from('families')
				.insert({ guardian_id: id, guardian_name: name, email, phone: '13912345678' })
		);
		const version = await must(client.rpc('current_privacy_version'));
		await must(client.rpc('give_consent', { p_version: version }));
		const member = await must(
			client.rpc('save_family_member', {
				p_kind: kind,
				p_nickname: kind === 'child' ? '小明' : '爸爸',
				p_birth_year_month: kind === 'child' ? `${new Date().getFullYear() - 7}-05-01` : null
			})
		);
		return (member as { id: string }).id;
	}

	async function newEvent(fields: Record<string, unknown>) {
		return staff.rpc('save_event', {
			p_org_id: CENTRE,
			p_event: {
				category: 'parent_child_reading',
				title_zh: '亲子阅读分享会',
				summary_zh: '亲子共读绘本。',
				description_zh: '请带一本喜欢的绘本。',
				min_child_age: 4,
				max_child_age: 10,
				capacity: 20,
				...fields
			}
		});
	}

	beforeAll(async () => {
		if (skip) return;
		t = await startEmbedded({ backend, dir: 'supabase', sql: fixtures });
		staff = await t.userClient(`centre-staff-${backend}@example.cn`);
		otherStaff = await t.userClient(`school-staff-${backend}@example.cn`);
		parent = await t.userClient(`parent-${backend}@example.cn`);
		secondParent = await t.userClient(`parent2-${backend}@example.cn`);
		await must(
			t
				.admin()
				.from('org_members')
				.insert([
					{ org_id: CENTRE, user_id: await userId(staff), role: 'manager' },
					{ org_id: SCHOOL, user_id: await userId(otherStaff), role: 'staff' }
				])
		);
		childId = await family(parent, `parent-${backend}@example.cn`, '王芳', 'child');
		secondMemberId = await family(secondParent, `parent2-${backend}@example.cn`, '李强', 'parent');
		const saved = await must(
			staff.rpc('save_venue', {
				p_org_id: CENTRE,
				p_name_zh: '阅读室',
				p_name_en: 'Reading room',
				p_capacity: 40,
				p_buffer_minutes: 15,
				p_active: true,
				p_opening_hours: everyDay
			})
		);
		venueId = (saved as { venue_id: string }).venue_id;
	});

	afterAll(async () => {
		await t?.close();
	});

	describe.skipIf(skip)('rooms', () => {
		it('staff save a room with its opening hours in one call', async () => {
			const hours = await must(
				staff
					.from('venue_opening_hours')
					.select('weekday, opens_at, closes_at')
					.eq('venue_id', venueId)
			);
			expect(hours).toHaveLength(7);
			expect(hours?.[0]).toMatchObject({ opens_at: '08:00:00', closes_at: '21:00:00' });
		});

		it('staff of another organisation cannot change the room, and nothing changes', async () => {
			const { error } = await otherStaff.rpc('save_venue', {
				p_org_id: SCHOOL,
				p_name_zh: '被改的名字',
				p_name_en: '',
				p_capacity: 5,
				p_buffer_minutes: 0,
				p_active: false,
				p_opening_hours: [],
				p_id: venueId
			});
			expect(error?.message).toBe('not_authorised');
			const { rows } = await t.db.query<{ name_zh: string; capacity: string }>(
				`select name_zh, capacity::text from public.venues where id = '${venueId}'`
			);
			expect(rows[0]).toEqual({ name_zh: '阅读室', capacity: '40' });
			expect(
				await count(
					`select count(*) n from public.venue_opening_hours where venue_id = '${venueId}'`
				)
			).toBe(7);
		});

		it('opening hours that close before they open, or overlap, are refused', async () => {
			for (const hours of [
				[{ weekday: 1, opens_at: '12:00', closes_at: '09:00' }],
				[
					{ weekday: 2, opens_at: '09:00', closes_at: '12:00' },
					{ weekday: 2, opens_at: '11:00', closes_at: '15:00' }
				]
			]) {
				const { error } = await staff.rpc('save_venue', {
					p_org_id: CENTRE,
					p_name_zh: '坏房间',
					p_name_en: '',
					p_capacity: 10,
					p_buffer_minutes: 0,
					p_active: true,
					p_opening_hours: hours
				});
				expect(error?.message).toBe('invalid_opening_hours');
			}
			expect(await count(`select count(*) n from public.venues where name_zh = '坏房间'`)).toBe(0);
		});
	});

	describe.skipIf(skip)('events and the room calendar', () => {
		it('an event in a room books it; an overlapping event is refused with venue_conflict', async () => {
			const first = await must(
				newEvent({ venue_id: venueId, starts_at: at(10, '09:00'), ends_at: at(10, '10:30') })
			);
			expect(first).toMatchObject({ status: 'draft' });
			expect((first as { booking_id: string }).booking_id).toBeTruthy();
			const before = await count('select count(*) n from public.events');
			// 10:30 + 15 minutes of buffer: 10:40 still collides.
			const { error } = await newEvent({
				venue_id: venueId,
				starts_at: at(10, '10:40'),
				ends_at: at(10, '11:30')
			});
			expect(error?.message).toBe('venue_conflict');
			expect(await count('select count(*) n from public.events')).toBe(before);
			await must(
				newEvent({ venue_id: venueId, starts_at: at(10, '10:45'), ends_at: at(10, '11:30') })
			);
		});

		it('ends before starts, outside opening hours and in the past are refused and nothing is written', async () => {
			const bookings = await count('select count(*) n from public.venue_bookings');
			const events = await count('select count(*) n from public.events');
			const cases: [Record<string, unknown>, string][] = [
				[
					{ venue_id: venueId, starts_at: at(11, '10:00'), ends_at: at(11, '09:00') },
					'invalid_period'
				],
				[
					{ venue_id: venueId, starts_at: at(11, '20:00'), ends_at: at(11, '22:00') },
					'outside_opening_hours'
				],
				[
					{ venue_id: venueId, starts_at: at(-1, '10:00'), ends_at: at(-1, '11:00') },
					'starts_in_past'
				],
				[
					{ venue_id: venueId, starts_at: at(11, '10:00'), ends_at: at(11, '11:00'), capacity: 41 },
					'capacity_exceeds_venue'
				],
				[{ starts_at: at(11, '10:00'), ends_at: at(11, '11:00') }, 'place_required']
			];
			for (const [fields, code] of cases) {
				const { error } = await newEvent(fields);
				expect(error?.message, JSON.stringify(fields)).toBe(code);
			}
			expect(await count('select count(*) n from public.venue_bookings')).toBe(bookings);
			expect(await count('select count(*) n from public.events')).toBe(events);
		});

		it("staff of another organisation cannot book the centre's room directly", async () => {
			const { error } = await otherStaff.rpc('save_event', {
				p_org_id: SCHOOL,
				p_event: {
					category: 'parent_class',
					title_zh: '家长课堂',
					capacity: 10,
					venue_id: venueId,
					starts_at: at(12, '09:00'),
					ends_at: at(12, '10:00')
				}
			});
			expect(error?.message).toBe('venue_not_own');
		});

		it('moving a published event emails every registered family in the same transaction; cancelling frees the room', async () => {
			const saved = (await must(
				newEvent({ venue_id: venueId, starts_at: at(13, '14:00'), ends_at: at(13, '15:00') })
			)) as { event_id: string; booking_id: string };
			await must(staff.rpc('publish_event', { p_event_id: saved.event_id }));
			await must(
				parent.rpc('register_family', { p_event_id: saved.event_id, p_member_ids: [childId] })
			);

			// A drag onto the room's opening boundary is refused; nothing moves, nothing is sent.
			const refused = await staff.rpc('save_event', {
				p_org_id: null,
				p_id: saved.event_id,
				p_event: { starts_at: at(13, '20:30'), ends_at: at(13, '21:30') }
			});
			expect(refused.error?.message).toBe('outside_opening_hours');
			expect(
				await count(
					`select count(*) n from public.email_outbox where kind = 'event_changed' and event_id = '${saved.event_id}'`
				)
			).toBe(0);

			const moved = await must(
				staff.rpc('save_event', {
					p_org_id: null,
					p_id: saved.event_id,
					p_event: { starts_at: at(13, '16:00'), ends_at: at(13, '17:30') }
				})
			);
			expect(moved).toMatchObject({ booking_id: saved.booking_id, families_notified: 1 });
			// A new description alone: nobody is emailed, and the earlier change is not counted again.
			const described = await must(
				staff.rpc('save_event', {
					p_org_id: null,
					p_id: saved.event_id,
					p_event: { description_zh: '请穿运动鞋。' }
				})
			);
			expect(described).toMatchObject({ families_notified: 0 });
			const { rows: booking } = await t.db.query<{ starts: string; ends: string }>(
				`select to_char(starts_at at time zone 'Asia/Shanghai', 'HH24:MI') starts,
					to_char(ends_at at time zone 'Asia/Shanghai', 'HH24:MI') ends
				from public.venue_bookings where id = '${saved.booking_id}'`
			);
			expect(booking[0]).toEqual({ starts: '16:00', ends: '17:30' });
			expect(
				await count(
					`select count(*) n from public.email_outbox where kind = 'event_changed' and event_id = '${saved.event_id}'`
				)
			).toBe(1);

			await must(staff.rpc('cancel_event', { p_event_id: saved.event_id, p_reason: '场地维修' }));
			expect(
				await count(
					`select count(*) n from public.email_outbox where kind = 'event_cancelled' and event_id = '${saved.event_id}'`
				)
			).toBe(1);
			expect(
				await count(
					`select count(*) n from public.venue_bookings where id = '${saved.booking_id}' and status = 'cancelled'`
				)
			).toBe(1);
		});

		it('a capacity below the people already confirmed is refused', async () => {
			const saved = (await must(
				newEvent({
					address_zh: '滨湖公园',
					starts_at: at(14, '09:00'),
					ends_at: at(14, '11:00'),
					capacity: 5
				})
			)) as { event_id: string };
			await must(staff.rpc('publish_event', { p_event_id: saved.event_id }));
			await must(
				parent.rpc('register_family', { p_event_id: saved.event_id, p_member_ids: [childId] })
			);
			await must(
				secondParent.rpc('register_family', {
					p_event_id: saved.event_id,
					p_member_ids: [secondMemberId]
				})
			);
			const { error } = await staff.rpc('save_event', {
				p_org_id: null,
				p_id: saved.event_id,
				p_event: { capacity: 1 }
			});
			expect(error?.message).toBe('capacity_below_confirmed');
			expect(
				await count(`select capacity n from public.events where id = '${saved.event_id}'`)
			).toBe(5);
		});

		it('a weekly series with one conflicting week lists that week before saving', async () => {
			const block = await must(
				staff.rpc('block_venue', {
					p_venue_id: venueId,
					p_starts_at: at(29, '08:00'),
					p_ends_at: at(29, '12:00'),
					p_reason: '设备检修'
				})
			);
			expect(block).toMatchObject({ status: 'blocked' });
			const series = {
				p_org_id: CENTRE,
				p_event: {
					category: 'parent_class',
					title_zh: '家长课堂',
					capacity: 30,
					venue_id: venueId,
					starts_at: at(15, '09:00'),
					ends_at: at(15, '10:30')
				},
				p_weeks: 4
			};
			const events = await count('select count(*) n from public.events');
			const dry = (await must(
				staff.rpc('create_event_series', { ...series, p_dry_run: true })
			)) as {
				conflicts: number;
				occurrences: { week: number; date: string; conflict: string | null }[];
			};
			expect(dry.conflicts).toBe(1);
			expect(dry.occurrences.filter((o) => o.conflict)).toEqual([
				expect.objectContaining({ week: 3, date: shanghaiDate(29), conflict: 'venue_conflict' })
			]);
			expect(await count('select count(*) n from public.events')).toBe(events);

			const refused = await staff.rpc('create_event_series', { ...series, p_dry_run: false });
			expect(refused.error?.message).toBe('series_conflict');
			expect(refused.error?.hint).toBe(shanghaiDate(29));
			expect(await count('select count(*) n from public.events')).toBe(events);

			const saved = (await must(
				staff.rpc('create_event_series', { ...series, p_dry_run: false, p_skip_conflicts: true })
			)) as { created: number; series_id: string };
			expect(saved.created).toBe(3);
			expect(
				await count(`select count(*) n from public.events where series_id = '${saved.series_id}'`)
			).toBe(3);
		});

		it("the calendar shows a room's events, pending requests and blocks; another organisation is refused", async () => {
			const request = await must(
				otherStaff.rpc('request_venue_booking', {
					p_venue_id: venueId,
					p_starts_at: at(29, '14:00'),
					p_ends_at: at(29, '16:00'),
					p_purpose: '家长会',
					p_org_id: SCHOOL
				})
			);
			expect(request).toMatchObject({ status: 'requested' });
			const calendar = (await must(
				staff.rpc('staff_calendar', {
					p_org_id: CENTRE,
					p_venue_id: venueId,
					p_from: at(29, '00:00'),
					p_to: at(30, '00:00')
				})
			)) as { venues: { hours: unknown[] }[]; items: { kind: string; org_name_zh: string }[] };
			expect(calendar.venues[0].hours).toHaveLength(7);
			expect(calendar.items.map((i) => i.kind).sort()).toEqual(['block', 'request']);
			expect(calendar.items.find((i) => i.kind === 'request')?.org_name_zh).toBe(
				'湖州四中家长学校'
			);

			const refused = await otherStaff.rpc('staff_calendar', {
				p_org_id: CENTRE,
				p_from: at(29, '00:00'),
				p_to: at(30, '00:00')
			});
			expect(refused.error?.message).toBe('not_authorised');
			// The requester sees busy periods, not who booked them or why.
			const busy = await must(
				otherStaff.rpc('venue_busy_periods', {
					p_venue_id: venueId,
					p_from: at(29, '00:00'),
					p_to: at(30, '00:00')
				})
			);
			expect(Object.keys((busy as object[])[0]).sort()).toEqual(['busy_from', 'busy_until']);
			const direct = await must(
				otherStaff
					.from('venue_bookings')
					.select('id')
					.eq('venue_id', venueId)
					.eq('status', 'blocked')
			);
			expect(direct).toEqual([]);
		});

		it('the centre approves one room request and rejects another with a reason; each requester is told', async () => {
			const ask = async (day: number) =>
				(
					(await must(
						otherStaff.rpc('request_venue_booking', {
							p_venue_id: venueId,
							p_starts_at: at(day, '09:00'),
							p_ends_at: at(day, '11:00'),
							p_purpose: '家长课堂',
							p_org_id: SCHOOL
						})
					)) as { booking_id: string }
				).booking_id;
			const first = await ask(31);
			const second = await ask(32);
			const incoming = (await must(staff.rpc('staff_room_requests', { p_org_id: CENTRE }))) as {
				incoming: { id: string; status: string }[];
			};
			expect(incoming.incoming.filter((r) => r.status === 'requested').map((r) => r.id)).toEqual(
				expect.arrayContaining([first, second])
			);
			const outgoing = (await must(
				otherStaff.rpc('staff_room_requests', { p_org_id: SCHOOL })
			)) as {
				outgoing: { id: string }[];
			};
			expect(outgoing.outgoing.map((r) => r.id)).toEqual(expect.arrayContaining([first, second]));

			expect(
				(await otherStaff.rpc('decide_venue_booking', { p_booking_id: first, p_approve: true }))
					.error?.message
			).toBe('not_authorised');
			await must(staff.rpc('decide_venue_booking', { p_booking_id: first, p_approve: true }));
			await must(
				staff.rpc('decide_venue_booking', {
					p_booking_id: second,
					p_approve: false,
					p_reason: '当天已有活动'
				})
			);
			const { rows } = await t.db.query<{ kind: string; reason: string | null }>(
				`select kind, payload -> 'booking' ->> 'reason' reason from public.email_outbox
				where idempotency_key in ('room_request_approved:${first}', 'room_request_rejected:${second}')
				order by kind`
			);
			expect(rows).toEqual([
				{ kind: 'room_request_approved', reason: null },
				{ kind: 'room_request_rejected', reason: '当天已有活动' }
			]);
		});
	});

	describe.skipIf(skip)('attendees, messages and check-in', () => {
		let eventId: string;
		let otherEventId: string;

		beforeAll(async () => {
			if (skip) return;
			eventId = (
				(await must(
					newEvent({
						venue_id: venueId,
						starts_at: at(20, '09:00'),
						ends_at: at(20, '10:00'),
						capacity: 1
					})
				)) as { event_id: string }
			).event_id;
			otherEventId = (
				(await must(
					newEvent({ address_zh: '社区中心', starts_at: at(21, '09:00'), ends_at: at(21, '10:00') })
				)) as {
					event_id: string;
				}
			).event_id;
			for (const id of [eventId, otherEventId])
				await must(staff.rpc('publish_event', { p_event_id: id }));
			await must(parent.rpc('register_family', { p_event_id: eventId, p_member_ids: [childId] }));
			await must(
				secondParent.rpc('register_family', { p_event_id: eventId, p_member_ids: [secondMemberId] })
			);
			await must(
				secondParent.rpc('register_family', {
					p_event_id: otherEventId,
					p_member_ids: [secondMemberId]
				})
			);
		});

		it('staff of another organisation cannot read these attendees', async () => {
			const list = await otherStaff.rpc('event_attendees', { p_event_id: eventId });
			expect(list.error?.message).toBe('not_authorised');
			expect(
				await must(otherStaff.from('registrations').select('id').eq('event_id', eventId))
			).toEqual([]);
			expect(await must(otherStaff.from('registration_attendees').select('member_id'))).toEqual([]);
			expect(await must(otherStaff.from('family_members').select('id'))).toEqual([]);
			const progress = await must(
				otherStaff.rpc('event_message_progress', { p_event_id: eventId })
			);
			expect(progress).toEqual([]);
		});

		it("the event's staff see each child's nickname and age, never a birth month, and the waitlist order", async () => {
			const list = (await must(staff.rpc('event_attendees', { p_event_id: eventId }))) as {
				status: string;
				waitlist_position: number | null;
				attendees: Record<string, unknown>[];
			}[];
			expect(list.map((r) => [r.status, r.waitlist_position])).toEqual([
				['confirmed', null],
				['waitlisted', 1]
			]);
			const child = list[0].attendees[0];
			expect(Object.keys(child).sort()).toEqual(['age', 'kind', 'nickname']);
			expect(child).toMatchObject({ kind: 'child', nickname: '小明' });
			expect(child.age).toBeGreaterThanOrEqual(6);
			expect(JSON.stringify(list)).not.toContain('birth');
		});

		it('a message to confirmed families queues one staff_message email each and counts its progress', async () => {
			const sent = await must(
				staff.rpc('message_event_families', {
					p_event_id: eventId,
					p_subject: '集合地点变更',
					p_body: '请到二楼阅读室集合。',
					p_include_waitlisted: false
				})
			);
			expect(sent).toMatchObject({ queued: 1 });
			const withWaitlist = await must(
				staff.rpc('message_event_families', {
					p_event_id: eventId,
					p_subject: '提醒',
					p_body: '候补家庭也请留意。',
					p_include_waitlisted: true
				})
			);
			expect(withWaitlist).toMatchObject({ queued: 2 });
			const { rows } = await t.db.query<{ body: string }>(
				`select payload ->> 'body' body from public.email_outbox
				where kind = 'staff_message' and payload ->> 'message_id' = '${(sent as { message_id: string }).message_id}'`
			);
			expect(rows).toEqual([{ body: '请到二楼阅读室集合。' }]);
			await t.db.query(`update public.email_outbox set status = 'sent', sent_at = now()
				where kind = 'staff_message' and payload ->> 'message_id' = '${(withWaitlist as { message_id: string }).message_id}'
				and to_email like 'parent-%'`);
			const progress = (await must(
				staff.rpc('event_message_progress', { p_event_id: eventId })
			)) as {
				subject: string;
				queued: number;
				sent: number;
				failed: number;
			}[];
			expect(progress.map((p) => [p.subject, p.queued, p.sent, p.failed])).toEqual([
				['提醒', 1, 1, 0],
				['集合地点变更', 1, 0, 0]
			]);
			const empty = await staff.rpc('message_event_families', {
				p_event_id: eventId,
				p_subject: ' ',
				p_body: 'x'
			});
			expect(empty.error?.message).toBe('invalid_message');
		});

		it("a code of another event is refused at this event's door; the right code checks the family in", async () => {
			const codes = await t.db.query<{ event_id: string; check_in_code: string }>(
				`select event_id, check_in_code from public.registrations where event_id in ('${eventId}', '${otherEventId}')
				and status = 'confirmed'`
			);
			const mine = codes.rows.find((r) => r.event_id === eventId)!.check_in_code;
			const theirs = codes.rows.find((r) => r.event_id === otherEventId)!.check_in_code;
			const wrong = await staff.rpc('check_in_at_event', { p_event_id: eventId, p_code: theirs });
			expect(wrong.error?.message).toBe('wrong_event');
			const nobody = await staff.rpc('check_in_at_event', {
				p_event_id: eventId,
				p_code: 'ZZZZZZ'
			});
			expect(nobody.error?.message).toBe('registration_not_found');
			const foreign = await otherStaff.rpc('check_in_at_event', {
				p_event_id: eventId,
				p_code: mine
			});
			expect(foreign.error?.message).toBe('not_authorised');
			// A code of another organisation's event is simply unknown here.
			const schoolEvent = (await must(
				otherStaff.rpc('save_event', {
					p_org_id: SCHOOL,
					p_event: {
						category: 'parent_class',
						title_zh: '家长课堂',
						summary_zh: '初中家长课堂。',
						description_zh: '谈谈青春期的沟通。',
						max_child_age: 15,
						capacity: 10,
						address_zh: '湖州四中报告厅',
						starts_at: at(22, '19:00'),
						ends_at: at(22, '20:00')
					}
				})
			)) as { event_id: string };
			await must(otherStaff.rpc('publish_event', { p_event_id: schoolEvent.event_id }));
			await must(
				parent.rpc('register_family', { p_event_id: schoolEvent.event_id, p_member_ids: [childId] })
			);
			const { rows: schoolCode } = await t.db.query<{ check_in_code: string }>(
				`select check_in_code from public.registrations where event_id = '${schoolEvent.event_id}'`
			);
			const elsewhere = await staff.rpc('check_in_at_event', {
				p_event_id: eventId,
				p_code: schoolCode[0].check_in_code
			});
			expect(elsewhere.error?.message).toBe('registration_not_found');

			// The door opens on the event's day: here the event is weeks away.
			const early = await staff.rpc('check_in_at_event', { p_event_id: eventId, p_code: mine });
			expect(early.error?.message).toBe('check_in_not_open');
			await t.db.query(`update public.events set venue_booking_id = null, address_zh = '阅读室',
				starts_at = now() - interval '1 minute', ends_at = now() + interval '1 hour'
				where id = '${eventId}'`);

			const typed = `${mine.slice(0, 3).toLowerCase()}-${mine.slice(3)}`;
			const done = await must(
				staff.rpc('check_in_at_event', { p_event_id: eventId, p_code: typed })
			);
			expect(done).toMatchObject({ status: 'attended', already_checked_in: false, seats: 1 });
			const again = await must(
				staff.rpc('check_in_at_event', { p_event_id: eventId, p_code: mine })
			);
			expect(again).toMatchObject({ already_checked_in: true });
			const registrationId = (done as { registration_id: string }).registration_id;
			await must(staff.rpc('undo_check_in', { p_registration_id: registrationId }));
			expect(
				await count(
					`select count(*) n from public.registrations where id = '${registrationId}' and status = 'confirmed'`
				)
			).toBe(1);
		});
	});
});
