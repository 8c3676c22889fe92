/**
 * Counselling slots computed in SQL, against cases worked out by hand. Times are Beijing local
 * times; "now" is fixed by calling private.counselling_slots as the owner with p_now.
 * 2027-03-01 is a Monday; 2027-02-28 a Sunday; 2028-02-29 a Tuesday.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCounselling, type CounsellingWorld } from '../support/counselling';
import {
	backendUnderTest,
	createWorld,
	rows,
	startDomain,
	type Domain,
	type World
} from '../support/personas';

let domain: Domain;
let w: World;
let c: CounsellingWorld;
let counsellor: string;

beforeAll(async () => {
	domain = await startDomain(backendUnderTest);
	w = await createWorld(domain);
	c = await createCounselling(domain, w);
	counsellor = c.users.counsellorA.id;
});

afterAll(async () => {
	await domain?.close();
});

beforeEach(async () => {
	await domain.db.exec(`
		delete from public.appointments where counsellor_id = '${counsellor}';
		delete from public.counsellor_hours where counsellor_id = '${counsellor}';
		delete from public.counsellor_exceptions where counsellor_id = '${counsellor}';
		update public.venue_bookings set status = 'cancelled' where venue_id = '${c.roomC}';
		update public.counsellors set session_minutes = 50, buffer_minutes = 10, min_notice_minutes = 0,
			horizon_days = 60, daily_max = 6, modes = '{in_person,phone}', active = true
		where user_id = '${counsellor}';
	`);
});

async function sql(text: string) {
	await domain.db.exec(text);
}

async function hours(weekday: number, from: string, to: string) {
	await sql(`insert into public.counsellor_hours (counsellor_id, weekday, starts_at, ends_at)
		values ('${counsellor}', ${weekday}, '${from}', '${to}')`);
}

/** Slots as "YYYY-MM-DD HH:MI–HH:MI modes" in Beijing time. */
async function slots(from: string, to: string, now: string): Promise<string[]> {
	const result = await rows<{ s: string }>(
		domain,
		`select to_char(starts_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') || '–' ||
			to_char(ends_at at time zone 'Asia/Shanghai', 'HH24:MI') || ' ' || array_to_string(modes, ',') as s
		from private.counselling_slots(null, $1::uuid, $2::date, $3::date, $4::timestamptz)`,
		[counsellor, from, to, now]
	);
	return result.map((r) => r.s);
}

async function appointment(start: string, end: string, status = 'confirmed', buffer = 10) {
	await sql(`insert into public.appointments (org_id, counsellor_id, family_id, starts_at, ends_at,
		buffer_minutes, mode, status)
		values ('${c.orgC}', '${counsellor}', '${w.familyA}', '${start}+08', '${end}+08', ${buffer},
			'phone', '${status}')`);
}

const NOW = '2027-02-20 08:00+08';

describe('weekly hours', () => {
	it('a morning of 09:00–12:00 with 50-minute sessions and 10 minutes buffer gives 09:00, 10:00, 11:00', async () => {
		await hours(1, '09:00', '12:00');
		expect(await slots('2027-03-01', '2027-03-01', NOW)).toEqual([
			'2027-03-01 09:00–09:50 in_person,phone',
			'2027-03-01 10:00–10:50 in_person,phone',
			'2027-03-01 11:00–11:50 in_person,phone'
		]);
	});

	it('a session must end inside the hours: 09:00–11:30 gives 09:00 and 10:00 only', async () => {
		await hours(1, '09:00', '11:30');
		expect(await slots('2027-03-01', '2027-03-01', NOW)).toEqual([
			'2027-03-01 09:00–09:50 in_person,phone',
			'2027-03-01 10:00–10:50 in_person,phone'
		]);
	});

	it('other weekdays have no slots, and two stretches on one day both count', async () => {
		await hours(1, '09:00', '10:00');
		await hours(1, '14:00', '15:00');
		expect(await slots('2027-03-01', '2027-03-03', NOW)).toEqual([
			'2027-03-01 09:00–09:50 in_person,phone',
			'2027-03-01 14:00–14:50 in_person,phone'
		]);
	});
});

describe('exceptions', () => {
	it('time off from 10:00 to 11:00 splits the morning: 09:00 and 11:00 remain', async () => {
		await hours(1, '09:00', '12:00');
		await sql(`insert into public.counsellor_exceptions (counsellor_id, on_date, kind, starts_at, ends_at)
			values ('${counsellor}', '2027-03-01', 'off', '10:00', '11:00')`);
		expect(await slots('2027-03-01', '2027-03-01', NOW)).toEqual([
			'2027-03-01 09:00–09:50 in_person,phone',
			'2027-03-01 11:00–11:50 in_person,phone'
		]);
	});

	it('a day of leave removes the whole day and no other', async () => {
		for (const d of [1, 2]) await hours(d, '09:00', '10:00');
		await sql(`insert into public.counsellor_exceptions (counsellor_id, on_date, kind)
			values ('${counsellor}', '2027-03-01', 'off')`);
		expect(await slots('2027-03-01', '2027-03-02', NOW)).toEqual([
			'2027-03-02 09:00–09:50 in_person,phone'
		]);
	});

	it('extra hours on a Sunday without weekly hours give 14:00 and 15:00', async () => {
		await sql(`insert into public.counsellor_exceptions (counsellor_id, on_date, kind, starts_at, ends_at)
			values ('${counsellor}', '2027-02-28', 'extra', '14:00', '16:00')`);
		expect(await slots('2027-02-28', '2027-02-28', NOW)).toEqual([
			'2027-02-28 14:00–14:50 in_person,phone',
			'2027-02-28 15:00–15:50 in_person,phone'
		]);
	});

	it('extra hours that touch the weekly hours make one stretch, slots continuing across the join', async () => {
		await hours(1, '09:00', '10:30');
		await sql(`insert into public.counsellor_exceptions (counsellor_id, on_date, kind, starts_at, ends_at)
			values ('${counsellor}', '2027-03-01', 'extra', '10:30', '12:00')`);
		expect(await slots('2027-03-01', '2027-03-01', NOW)).toEqual([
			'2027-03-01 09:00–09:50 in_person,phone',
			'2027-03-01 10:00–10:50 in_person,phone',
			'2027-03-01 11:00–11:50 in_person,phone'
		]);
	});
});

describe('existing appointments and buffers', () => {
	it('an appointment at 10:00 keeps 10:00 busy; 09:00 and 11:00 remain (buffers touch, not overlap)', async () => {
		await hours(1, '09:00', '12:00');
		await appointment('2027-03-01 10:00', '2027-03-01 10:50');
		expect(await slots('2027-03-01', '2027-03-01', NOW)).toEqual([
			'2027-03-01 09:00–09:50 in_person,phone',
			'2027-03-01 11:00–11:50 in_person,phone'
		]);
	});

	it('an appointment at 10:30 (busy with its buffer until 11:30) takes both 10:00 and 11:00', async () => {
		await hours(1, '09:00', '12:00');
		await appointment('2027-03-01 10:30', '2027-03-01 11:20');
		expect(await slots('2027-03-01', '2027-03-01', NOW)).toEqual([
			'2027-03-01 09:00–09:50 in_person,phone'
		]);
	});

	it('a slot needs its own buffer free: an appointment at 09:55 takes the 09:00 slot too', async () => {
		await hours(1, '09:00', '12:00');
		await appointment('2027-03-01 09:55', '2027-03-01 10:00', 'confirmed', 0);
		expect(await slots('2027-03-01', '2027-03-01', NOW)).toEqual([
			'2027-03-01 10:00–10:50 in_person,phone',
			'2027-03-01 11:00–11:50 in_person,phone'
		]);
	});

	it('cancelled and declined appointments free their time; requested ones hold it', async () => {
		await hours(1, '09:00', '12:00');
		await appointment('2027-03-01 09:00', '2027-03-01 09:50', 'cancelled');
		await appointment('2027-03-01 10:00', '2027-03-01 10:50', 'declined');
		await appointment('2027-03-01 11:00', '2027-03-01 11:50', 'requested');
		expect(await slots('2027-03-01', '2027-03-01', NOW)).toEqual([
			'2027-03-01 09:00–09:50 in_person,phone',
			'2027-03-01 10:00–10:50 in_person,phone'
		]);
	});

	it('the daily maximum closes the day once reached', async () => {
		await hours(1, '09:00', '12:00');
		await hours(2, '09:00', '10:00');
		await sql(`update public.counsellors set daily_max = 2 where user_id = '${counsellor}'`);
		await appointment('2027-03-01 09:00', '2027-03-01 09:50');
		await appointment('2027-03-01 10:00', '2027-03-01 10:50');
		expect(await slots('2027-03-01', '2027-03-02', NOW)).toEqual([
			'2027-03-02 09:00–09:50 in_person,phone'
		]);
	});
});

describe('the room', () => {
	it('while the counselling room is booked, the slot is offered by phone only', async () => {
		await hours(1, '09:00', '12:00');
		await sql(`insert into public.venue_bookings (venue_id, org_id, status, starts_at, ends_at)
			values ('${c.roomC}', '${c.orgC}', 'approved', '2027-03-01 10:15+08', '2027-03-01 10:45+08')`);
		expect(await slots('2027-03-01', '2027-03-01', NOW)).toEqual([
			'2027-03-01 09:00–09:50 in_person,phone',
			'2027-03-01 10:00–10:50 phone',
			'2027-03-01 11:00–11:50 in_person,phone'
		]);
	});

	it('a counsellor who meets only in the room has no slot while it is blocked', async () => {
		await hours(1, '09:00', '11:00');
		await sql(`update public.counsellors set modes = '{in_person}' where user_id = '${counsellor}';
			insert into public.venue_bookings (venue_id, org_id, status, starts_at, ends_at)
			values ('${c.roomC}', '${c.orgC}', 'blocked', '2027-03-01 09:00+08', '2027-03-01 10:00+08')`);
		expect(await slots('2027-03-01', '2027-03-01', NOW)).toEqual([
			'2027-03-01 10:00–10:50 in_person'
		]);
	});
});

describe('notice and horizon', () => {
	it('minimum notice of 60 minutes at 08:30 leaves 10:00 and 11:00 (09:00 is too soon)', async () => {
		await hours(1, '09:00', '12:00');
		await sql(
			`update public.counsellors set min_notice_minutes = 60 where user_id = '${counsellor}'`
		);
		expect(await slots('2027-03-01', '2027-03-01', '2027-03-01 08:30+08')).toEqual([
			'2027-03-01 10:00–10:50 in_person,phone',
			'2027-03-01 11:00–11:50 in_person,phone'
		]);
	});

	it('a slot exactly at the notice limit is offered', async () => {
		await hours(1, '09:00', '10:00');
		await sql(
			`update public.counsellors set min_notice_minutes = 60 where user_id = '${counsellor}'`
		);
		expect(await slots('2027-03-01', '2027-03-01', '2027-03-01 08:00+08')).toEqual([
			'2027-03-01 09:00–09:50 in_person,phone'
		]);
	});

	it('a horizon of 2 days from Saturday 10:00 ends before Monday 10:00', async () => {
		for (const d of [1, 2, 6, 7]) await hours(d, '09:00', '12:00');
		await sql(`update public.counsellors set horizon_days = 2 where user_id = '${counsellor}'`);
		expect(await slots('2027-02-27', '2027-03-02', '2027-02-27 10:00+08')).toEqual([
			'2027-02-27 10:00–10:50 in_person,phone',
			'2027-02-27 11:00–11:50 in_person,phone',
			'2027-02-28 09:00–09:50 in_person,phone',
			'2027-02-28 10:00–10:50 in_person,phone',
			'2027-02-28 11:00–11:50 in_person,phone',
			'2027-03-01 09:00–09:50 in_person,phone'
		]);
	});

	it('an inactive counsellor has no slots', async () => {
		await hours(1, '09:00', '12:00');
		await sql(`update public.counsellors set active = false where user_id = '${counsellor}'`);
		expect(await slots('2027-03-01', '2027-03-01', NOW)).toEqual([]);
	});
});

describe('Beijing time and the calendar', () => {
	it('runs over a month end (February into March) and a leap day', async () => {
		for (let d = 1; d <= 7; d++) await hours(d, '09:00', '10:00');
		expect(await slots('2027-02-27', '2027-03-01', NOW)).toEqual([
			'2027-02-27 09:00–09:50 in_person,phone',
			'2027-02-28 09:00–09:50 in_person,phone',
			'2027-03-01 09:00–09:50 in_person,phone'
		]);
		expect(await slots('2028-02-28', '2028-03-01', '2028-02-01 08:00+08')).toEqual([
			'2028-02-28 09:00–09:50 in_person,phone',
			'2028-02-29 09:00–09:50 in_person,phone',
			'2028-03-01 09:00–09:50 in_person,phone'
		]);
		expect(await slots('2027-12-31', '2028-01-01', '2027-12-20 08:00+08')).toEqual([
			'2027-12-31 09:00–09:50 in_person,phone',
			'2028-01-01 09:00–09:50 in_person,phone'
		]);
	});

	it('a local 00:30 is 16:30 UTC of the day before, in winter and in summer alike', async () => {
		for (let d = 1; d <= 7; d++) await hours(d, '00:30', '01:30');
		const utc = async (day: string, now: string) =>
			(
				await rows<{ s: string }>(
					domain,
					`select to_char(starts_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as s
					from private.counselling_slots(null, $1::uuid, $2::date, $2::date, $3::timestamptz)`,
					[counsellor, day, now]
				)
			).map((r) => r.s);
		expect(await utc('2027-01-15', '2027-01-01 00:00+08')).toEqual(['2027-01-14 16:30']);
		expect(await utc('2027-07-15', '2027-07-01 00:00+08')).toEqual(['2027-07-14 16:30']);
	});

	it('hours that end at midnight give a last slot at 23:00 of that day', async () => {
		await hours(1, '22:00', '24:00');
		expect(await slots('2027-03-01', '2027-03-02', NOW)).toEqual([
			'2027-03-01 22:00–22:50 in_person,phone',
			'2027-03-01 23:00–23:50 in_person,phone'
		]);
	});
});

describe('any counsellor', () => {
	it('lists the slots of every active counsellor of the centre, each with its counsellor', async () => {
		const other = c.users.counsellorB.id;
		await hours(1, '09:00', '10:00');
		await domain.db.exec(`
			delete from public.counsellor_hours where counsellor_id = '${other}';
			insert into public.counsellor_hours (counsellor_id, weekday, starts_at, ends_at)
			values ('${other}', 1, '10:00', '11:00');
			update public.counsellors set min_notice_minutes = 0 where user_id = '${other}';`);
		const result = await rows<{ who: string; s: string }>(
			domain,
			`select counsellor_id::text as who, to_char(starts_at at time zone 'Asia/Shanghai', 'HH24:MI') as s
			from private.counselling_slots($1::uuid, null, '2027-03-01', '2027-03-01', $2::timestamptz)`,
			[c.orgC, NOW]
		);
		expect(result).toEqual([
			{ who: counsellor, s: '09:00' },
			{ who: other, s: '10:00' }
		]);
	});
});
