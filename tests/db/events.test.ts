/**
 * What happens when staff edit an event through the REST API: the checks of the events trigger,
 * emails to registered families when the time or place changes or the event is cancelled, and
 * the waitlist moving up when places are added.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFromRow, type OutboxEmail } from '../../src/lib/server/email/context';
import { renderEmail } from '../../src/lib/server/email/templates';
import {
	backendUnderTest,
	accessToken,
	codeOf,
	createWorld,
	insertEvent,
	insertFamilies,
	row,
	rows,
	shanghaiAt,
	startDomain,
	type Domain,
	type World
} from '../support/personas';

let domain: Domain;
let w: World;

beforeAll(async () => {
	domain = await startDomain(backendUnderTest);
	w = await createWorld(domain);
});

afterAll(async () => {
	await domain?.close();
});

const kindsFor = async (eventId: string) =>
	(
		await rows<{ kind: string }>(
			domain,
			`select kind from public.email_outbox where event_id = $1::uuid order by created_at, kind`,
			[eventId]
		)
	).map((r) => r.kind);

async function eventWithFamilies(capacity: number, count: number) {
	const id = await insertEvent(domain, w, { capacity });
	const made = await insertFamilies(domain, count);
	const regs: string[] = [];
	for (const f of made) {
		const client = domain.as(await accessToken(f.user));
		const { data, error } = await client.rpc('register_family', {
			p_event_id: id,
			p_member_ids: [f.parentId]
		});
		expect(error).toBeNull();
		regs.push(data.registration_id);
	}
	return { id, regs };
}

describe('staff creating events', () => {
	it('gets a readable slug from the date and category when none is given', async () => {
		const { data, error } = await w.client.staffA
			.from('events')
			.insert({
				org_id: w.orgA,
				category: 'sports_day',
				title_zh: '趣味运动会',
				starts_at: shanghaiAt(12, '09:00'),
				ends_at: shanghaiAt(12, '11:00'),
				capacity: 40
			})
			.select('slug, status, seats_taken')
			.single();
		expect(error).toBeNull();
		expect(data?.slug).toMatch(
			new RegExp(`^${shanghaiAt(12, '09:00').slice(0, 10)}-sports-day-[a-z0-9]{4}$`)
		);
		expect(data).toMatchObject({ status: 'draft', seats_taken: 0 });
	});

	it('fails with invalid_period when the end is not after the start', async () => {
		const result = await w.client.staffA.from('events').insert({
			org_id: w.orgA,
			category: 'other',
			title_zh: '错误',
			starts_at: shanghaiAt(12, '11:00'),
			ends_at: shanghaiAt(12, '09:00'),
			capacity: 10
		});
		expect(codeOf(result)).toBe('invalid_period');
	});

	it("fails with venue_booking_invalid for another organisation's booking", async () => {
		const booking = await w.client.staffB.rpc('request_venue_booking', {
			p_venue_id: w.venueB,
			p_starts_at: shanghaiAt(13, '10:00'),
			p_ends_at: shanghaiAt(13, '12:00'),
			p_purpose: '',
			p_org_id: w.orgB
		});
		const result = await w.client.staffA.from('events').insert({
			org_id: w.orgA,
			category: 'other',
			title_zh: '借用',
			starts_at: shanghaiAt(13, '10:00'),
			ends_at: shanghaiAt(13, '11:00'),
			capacity: 10,
			venue_booking_id: booking.data.booking_id
		});
		expect(codeOf(result)).toBe('venue_booking_invalid');
	});

	it('cannot set the counters', async () => {
		const id = await insertEvent(domain, w);
		const result = await w.client.staffA.from('events').update({ seats_taken: 0 }).eq('id', id);
		expect(result.error?.code).toBe('42501');
	});
});

describe('staff changing events', () => {
	it('emails every registered family (confirmed and waitlisted) when the time changes', async () => {
		const { id, regs } = await eventWithFamilies(1, 3);
		const before = await row<{ sequence: string }>(
			domain,
			'select sequence::text from public.events where id = $1::uuid',
			[id]
		);
		const { error } = await w.client.staffA
			.from('events')
			.update({ starts_at: shanghaiAt(11, '10:00'), ends_at: shanghaiAt(11, '12:00') })
			.eq('id', id);
		expect(error).toBeNull();
		const changed = await rows<{ registration_id: string }>(
			domain,
			`select registration_id::text from public.email_outbox where event_id = $1::uuid and kind = 'event_changed'`,
			[id]
		);
		expect(changed.map((c) => c.registration_id).sort()).toEqual(regs.slice().sort());
		// The rows as the dispatcher renders them: the previous time, and the waitlisted family
		// told it is still waiting (no calendar file that would add the event).
		const outbox = await rows<OutboxEmail & { status: string }>(
			domain,
			`select o.id::text, o.kind, o.to_email, o.locale::text, o.payload::text as payload,
				o.created_at::text,
				r.status::text
			from public.email_outbox o join public.registrations r on r.id = o.registration_id
			where o.event_id = $1::uuid and o.kind = 'event_changed' order by r.status::text`,
			[id]
		);
		for (const email of outbox) {
			const payload = JSON.parse(email.payload as unknown as string);
			const rendered = await renderEmail(contextFromRow({ ...email, payload }), {
				siteUrl: 'https://gongyu.test'
			});
			expect(rendered.text).toContain('变动前的时间');
			if (email.status === 'waitlisted') {
				expect(rendered.text).toContain('候补');
				expect(rendered.attachments ?? []).toEqual([]);
			} else {
				expect(rendered.attachments?.map((a) => a.filename)).toEqual(['event.ics']);
			}
		}
		expect(outbox.map((o) => o.status)).toEqual(['confirmed', 'waitlisted', 'waitlisted']);
		const after = await row<{ sequence: string }>(
			domain,
			'select sequence::text from public.events where id = $1::uuid',
			[id]
		);
		expect(Number(after.sequence)).toBe(Number(before.sequence) + 1);
	});

	it('gives no previous time when only the place changes', async () => {
		const { id } = await eventWithFamilies(5, 1);
		await w.client.staffA.from('events').update({ address_zh: '新地址' }).eq('id', id);
		const changed = await row<{ payload: string }>(
			domain,
			`select payload::text as payload from public.email_outbox
			where event_id = $1::uuid and kind = 'event_changed'`,
			[id]
		);
		const payload = JSON.parse(changed.payload);
		expect(payload).not.toHaveProperty('previous_starts_at');
		expect(payload).toHaveProperty('event.place_zh', '新地址');
	});

	it('sends nothing when only the description changes', async () => {
		const { id } = await eventWithFamilies(5, 1);
		await w.client.staffA.from('events').update({ description_en: 'More details' }).eq('id', id);
		expect(await kindsFor(id)).toEqual(['registration_confirmed']);
	});

	it('emails every registered family when the event is cancelled, and a cancelled event stays cancelled', async () => {
		const { id, regs } = await eventWithFamilies(1, 2);
		await w.client.staffA
			.from('events')
			.update({ status: 'cancelled', cancelled_reason: '天气原因' })
			.eq('id', id);
		const cancelled = await rows<{ registration_id: string; payload: string }>(
			domain,
			`select registration_id::text, payload::text from public.email_outbox where event_id = $1::uuid and kind = 'event_cancelled'`,
			[id]
		);
		expect(cancelled.map((c) => c.registration_id).sort()).toEqual(regs.slice().sort());
		expect(JSON.parse(cancelled[0].payload).event).toMatchObject({
			status: 'cancelled',
			cancelled_reason: '天气原因'
		});
		const reopen = await w.client.staffA
			.from('events')
			.update({ status: 'published' })
			.eq('id', id);
		expect(codeOf(reopen)).toBe('event_cancelled');
	});

	it('fails with capacity_below_confirmed when places would drop below those taken', async () => {
		const { id } = await eventWithFamilies(3, 3);
		const result = await w.client.staffA.from('events').update({ capacity: 2 }).eq('id', id);
		expect(codeOf(result)).toBe('capacity_below_confirmed');
		expect(
			(await w.client.staffA.from('events').update({ capacity: 3 }).eq('id', id)).error
		).toBeNull();
	});

	it('promotes waitlisted families in order when places are added', async () => {
		const { id, regs } = await eventWithFamilies(1, 4);
		await w.client.staffA.from('events').update({ capacity: 3 }).eq('id', id);
		const statuses = await rows<{ id: string; status: string; waitlist_position: string | null }>(
			domain,
			'select id::text, status::text, waitlist_position::text from public.registrations where event_id = $1::uuid',
			[id]
		);
		const byId = Object.fromEntries(statuses.map((s) => [s.id, [s.status, s.waitlist_position]]));
		expect(regs.map((r) => byId[r])).toEqual([
			['confirmed', null],
			['confirmed', null],
			['confirmed', null],
			['waitlisted', '1']
		]);
		expect(await kindsFor(id)).toEqual(
			expect.arrayContaining(['waitlist_promoted', 'waitlist_promoted'])
		);
		const event = await row(
			domain,
			'select seats_taken::text, waitlist_count::text from public.events where id = $1::uuid',
			[id]
		);
		expect(event).toEqual({ seats_taken: '3', waitlist_count: '1' });
	});

	it('fails with event_has_registrations when unpublishing an event families registered for', async () => {
		const { id } = await eventWithFamilies(2, 1);
		expect(
			codeOf(await w.client.staffA.from('events').update({ status: 'draft' }).eq('id', id))
		).toBe('event_has_registrations');
	});

	it('staff of another organisation change nothing', async () => {
		const { id } = await eventWithFamilies(2, 1);
		const { data } = await w.client.staffB
			.from('events')
			.update({ status: 'cancelled' })
			.eq('id', id)
			.select('id');
		expect(data ?? []).toEqual([]);
		expect(await kindsFor(id)).toEqual(['registration_confirmed']);
	});
});

describe('the place in emails', () => {
	it("names the host centre's address for an event in a room booked at another organisation", async () => {
		await domain.db.exec(`
			update public.organisations set address_zh = '主办方地址', address_en = 'Organiser street'
				where id = '${w.orgA}';
			update public.organisations set address_zh = '场馆方地址', address_en = 'Host street'
				where id = '${w.orgB}';
			update public.venues set address_zh = null, address_en = null where id = '${w.venueB}';
		`);
		// Six weeks ahead: the tests above book this room 11–13 days ahead at fixed Beijing times,
		// which "300 hours from now" met at some times of day.
		const booking = await row<{ id: string }>(
			domain,
			`insert into public.venue_bookings (venue_id, org_id, status, starts_at, ends_at)
			values ($1::uuid, $2::uuid, 'approved', now() + interval '1000 hours', now() + interval '1003 hours')
			returning id::text`,
			[w.venueB, w.orgA]
		);
		const eventId = await insertEvent(domain, w, {
			bookingId: booking!.id,
			startsInHours: 1001,
			hours: 1
		});
		const place = await row<{ zh: string; en: string }>(
			domain,
			`select p ->> 'place_zh' as zh, p ->> 'place_en' as en
			from (select private.event_payload($1::uuid) as p) x`,
			[eventId]
		);
		expect(place!.zh).toContain('场馆方地址');
		expect(place!.zh).not.toContain('主办方地址');
		expect(place!.en).toContain('Host street');
	});
});

describe('the counters', () => {
	it('the events trigger is called for every column but seats_taken and waitlist_count', async () => {
		const missing = await rows<{ name: string }>(
			domain,
			`select a.attname::text as name from pg_attribute a
			where a.attrelid = 'public.events'::regclass and a.attnum > 0 and not a.attisdropped
				and a.attnum not in (select unnest(t.tgattr::int2[]) from pg_trigger t
					where t.tgrelid = 'public.events'::regclass and t.tgname = 'events_prepare')
			order by 1`
		);
		expect(missing.map((m) => m.name)).toEqual(['seats_taken', 'waitlist_count']);
	});

	it('a registration moves the counters and leaves updated_at and sequence alone', async () => {
		const id = await insertEvent(domain, w, { capacity: 1 });
		const before = await row(
			domain,
			'select updated_at::text, sequence::text from public.events where id = $1::uuid',
			[id]
		);
		for (const f of await insertFamilies(domain, 2)) {
			const { error } = await domain
				.as(await accessToken(f.user))
				.rpc('register_family', { p_event_id: id, p_member_ids: [f.parentId] });
			expect(error).toBeNull();
		}
		expect(
			await row(
				domain,
				`select updated_at::text, sequence::text, seats_taken::text, waitlist_count::text
				from public.events where id = $1::uuid`,
				[id]
			)
		).toEqual({ ...before, seats_taken: '1', waitlist_count: '1' });
	});
});
