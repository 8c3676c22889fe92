/**
 * The registration rules, each allowed and denied, through supabase.rpc with the stable codes:
 * register_family, cancel_registration (waitlist promotion), check_in, mark_no_shows,
 * event_attendees, enqueue_due_reminders, and the outbox rows they write.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
	type EventFields,
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

const event = (f: EventFields = {}) => insertEvent(domain, w, f);
const register = (client: SupabaseClient, eventId: string, members: string[], source?: string) =>
	client.rpc('register_family', { p_event_id: eventId, p_member_ids: members, p_source: source });
const outbox = (registrationId: string) =>
	rows<{ kind: string; idempotency_key: string; to_email: string; locale: string }>(
		domain,
		`select kind, idempotency_key, to_email, locale::text from public.email_outbox
		where registration_id = $1::uuid order by created_at, kind`,
		[registrationId]
	);
const eventRow = (id: string) =>
	row<{ seats_taken: string; waitlist_count: string; capacity: string }>(
		domain,
		'select seats_taken::text, waitlist_count::text, capacity::text from public.events where id = $1::uuid',
		[id]
	);

/** Households of one parent and one child, each with its own supabase-js client. */
async function families(count: number) {
	const made = await insertFamilies(domain, count);
	return Promise.all(
		made.map(async (f) => ({ ...f, client: domain.as(await accessToken(f.user)) }))
	);
}

describe('register_family', () => {
	it('confirms a family while places remain and queues the confirmation email', async () => {
		const id = await event({ capacity: 10 });
		const result = await register(w.client.guardianA, id, [w.parentA, w.childA]);
		expect(result.error).toBeNull();
		expect(result.data).toEqual({
			registration_id: expect.any(String),
			status: 'confirmed',
			waitlist_position: null
		});
		expect(await eventRow(id)).toMatchObject({ seats_taken: '2', waitlist_count: '0' });
		expect(await outbox(result.data.registration_id)).toEqual([
			{
				kind: 'registration_confirmed',
				idempotency_key: `registration_confirmed:${result.data.registration_id}`,
				to_email: w.users.guardianA.email,
				locale: 'zh-CN'
			}
		]);
		const payload = await row<{ payload: string }>(
			domain,
			`select payload::text from public.email_outbox where registration_id = $1::uuid`,
			[result.data.registration_id]
		);
		expect(JSON.parse(payload.payload)).toMatchObject({
			event: { id, title_zh: '测试活动', place_zh: '测试地址' },
			registration: {
				status: 'confirmed',
				seats: 2,
				check_in_code: expect.stringMatching(/^[0-9A-Z]{6}$/)
			},
			guardian_name: '家长甲',
			attendees: expect.arrayContaining([{ kind: 'child', nickname: '乐乐' }])
		});
	});

	it('anyone can see how full an event is without reading registrations', async () => {
		const id = await event({ capacity: 7 });
		await register(w.client.guardianA, id, [w.parentA, w.childA]);
		const { data } = await w.client.anon
			.from('events')
			.select('capacity, seats_taken, waitlist_count')
			.eq('id', id);
		expect(data).toEqual([{ capacity: 7, seats_taken: 2, waitlist_count: 0 }]);
		const regs = await w.client.anon.from('registrations').select('id').eq('event_id', id);
		expect(regs.data ?? []).toEqual([]);
	});

	it('puts the family on the waitlist when the places are gone, numbered in joining order', async () => {
		const id = await event({ capacity: 2 });
		const [a, b, c] = await families(3);
		expect((await register(a.client, id, [a.parentId, a.childId])).data.status).toBe('confirmed');
		const second = await register(b.client, id, [b.parentId]);
		expect(second.data).toMatchObject({ status: 'waitlisted', waitlist_position: 1 });
		const third = await register(c.client, id, [c.parentId, c.childId]);
		expect(third.data).toMatchObject({ status: 'waitlisted', waitlist_position: 2 });
		expect((await outbox(third.data.registration_id)).map((o) => o.kind)).toEqual([
			'registration_waitlisted'
		]);
		expect(await eventRow(id)).toMatchObject({ seats_taken: '2', waitlist_count: '2' });
	});

	it('fails with event_full when the event is full and has no waitlist', async () => {
		const id = await event({ capacity: 2, waitlist: false });
		const [a, b] = await families(2);
		expect((await register(a.client, id, [a.parentId, a.childId])).error).toBeNull();
		const full = await register(b.client, id, [b.parentId]);
		expect(codeOf(full)).toBe('event_full');
		expect(await eventRow(id)).toMatchObject({ seats_taken: '2', waitlist_count: '0' });
		expect(
			await rows(domain, 'select 1 from public.registrations where family_id = $1::uuid', [
				b.familyId
			])
		).toEqual([]);
	});

	it('fails with registration_not_open before registration opens', async () => {
		const id = await event({ opensInHours: 24 });
		const result = await register(w.client.guardianA, id, [w.parentA]);
		expect(codeOf(result)).toBe('registration_not_open');
		expect(result.error?.hint).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
	});

	it('fails with registration_closed after registration closes, and once the event has started', async () => {
		const closed = await event({ closesInHours: -1, opensInHours: -48 });
		expect(codeOf(await register(w.client.guardianA, closed, [w.parentA]))).toBe(
			'registration_closed'
		);
		const started = await event({ startsInHours: -1, hours: 3 });
		expect(codeOf(await register(w.client.guardianA, started, [w.parentA]))).toBe(
			'registration_closed'
		);
		const open = await event({ closesInHours: 1, opensInHours: -1 });
		expect((await register(w.client.guardianA, open, [w.parentA])).error).toBeNull();
	});

	it("checks each child's age at the event's start against the age range", async () => {
		// childA is 8, toddlerA 3.
		const id = await event({ minAge: 5, maxAge: 10 });
		const tooYoung = await register(w.client.guardianA, id, [w.parentA, w.childA, w.toddlerA]);
		expect(codeOf(tooYoung)).toBe('age_out_of_range');
		expect(tooYoung.error?.hint).toBe('For children aged 5 to 10.');
		const tooOld = await event({ minAge: 2, maxAge: 7 });
		expect(codeOf(await register(w.client.guardianA, tooOld, [w.childA]))).toBe('age_out_of_range');
		expect((await register(w.client.guardianA, id, [w.parentA, w.childA])).data?.status).toBe(
			'confirmed'
		);
	});

	it('counts age at the start of the event, not today', async () => {
		// Born 8 years 2 months ago: 9 by an event 11 months away.
		const id = await event({ minAge: 9, maxAge: 12, startsInHours: 24 * 335 });
		expect((await register(w.client.guardianA, id, [w.childA])).error).toBeNull();
	});

	it('fails with seat_limit_exceeded above the per-family limit or the whole capacity', async () => {
		const limited = await event({ maxSeats: 2 });
		const over = await register(w.client.guardianA, limited, [w.parentA, w.childA, w.toddlerA]);
		expect(codeOf(over)).toBe('seat_limit_exceeded');
		expect(over.error?.hint).toBe('At most 2 people per family.');
		const tiny = await event({ capacity: 2, maxSeats: 4, minAge: null, maxAge: null });
		expect(
			codeOf(await register(w.client.guardianA, tiny, [w.parentA, w.childA, w.toddlerA]))
		).toBe('seat_limit_exceeded');
		expect((await register(w.client.guardianA, limited, [w.parentA, w.childA])).error).toBeNull();
	});

	it('fails with already_registered for a second registration, and allows one after cancelling', async () => {
		const id = await event();
		const first = await register(w.client.guardianA, id, [w.parentA]);
		expect(codeOf(await register(w.client.guardianA, id, [w.childA]))).toBe('already_registered');
		await w.client.guardianA.rpc('cancel_registration', {
			p_registration_id: first.data.registration_id
		});
		expect((await register(w.client.guardianA, id, [w.childA])).error).toBeNull();
	});

	it('fails with event_cancelled and event_not_found (drafts are not found either)', async () => {
		const cancelled = await event({ status: 'cancelled' });
		expect(codeOf(await register(w.client.guardianA, cancelled, [w.parentA]))).toBe(
			'event_cancelled'
		);
		const draft = await event({ status: 'draft' });
		expect(codeOf(await register(w.client.guardianA, draft, [w.parentA]))).toBe('event_not_found');
		expect(
			codeOf(
				await register(w.client.guardianA, '00000000-0000-4000-8000-000000000000', [w.parentA])
			)
		).toBe('event_not_found');
	});

	it("fails with not_family_member for another family's member", async () => {
		const id = await event();
		expect(codeOf(await register(w.client.guardianA, id, [w.parentA, w.childB]))).toBe(
			'not_family_member'
		);
		expect(
			codeOf(await register(w.client.guardianA, id, ['00000000-0000-4000-8000-000000000000']))
		).toBe('not_family_member');
	});

	it('fails with no_attendees when nobody is chosen, and family_required without a family', async () => {
		const id = await event();
		expect(codeOf(await register(w.client.guardianA, id, []))).toBe('no_attendees');
		expect(codeOf(await register(w.client.guardianC, id, []))).toBe('family_required');
	});

	it('fails with consent_required for a child whose guardian has not agreed to the current text', async () => {
		const [f] = await families(1);
		await domain.db.query('delete from public.consents where family_id = $1', [f.familyId]);
		const id = await event();
		expect(codeOf(await register(f.client, id, [f.parentId, f.childId]))).toBe('consent_required');
		// Adults alone need no consent.
		const adults = await event();
		expect((await register(f.client, adults, [f.parentId])).error).toBeNull();
		const version = (await f.client.rpc('current_privacy_version')).data;
		expect((await f.client.rpc('give_consent', { p_version: version })).error).toBeNull();
		expect((await register(f.client, id, [f.parentId, f.childId])).error).toBeNull();
	});

	it('is not available to anonymous callers', async () => {
		const id = await event();
		const result = await register(w.client.anon, id, [w.parentA]);
		expect(result.error?.code).toBe('42501');
	});

	it('records the channel from ?src= in lower case, and ignores a malformed one', async () => {
		const id = await event();
		const [a, b] = await families(2);
		const tagged = await register(a.client, id, [a.parentId], 'WeChat');
		const junk = await register(b.client, id, [b.parentId], '<script>');
		const sources = await rows<{ source: string | null }>(
			domain,
			'select source from public.registrations where id = any($1::uuid[]) order by created_at',
			[`{${tagged.data.registration_id},${junk.data.registration_id}}`]
		);
		expect(sources.map((s) => s.source).sort()).toEqual(['wechat', null].sort());
	});
});

describe('cancel_registration', () => {
	it('lets the guardian cancel before the start, frees the places and queues an email', async () => {
		const id = await event({ capacity: 5 });
		const reg = await register(w.client.guardianA, id, [w.parentA, w.childA]);
		const result = await w.client.guardianA.rpc('cancel_registration', {
			p_registration_id: reg.data.registration_id
		});
		expect(result.data).toEqual({
			registration_id: reg.data.registration_id,
			status: 'cancelled',
			was: 'confirmed',
			promoted: 0
		});
		expect(await eventRow(id)).toMatchObject({ seats_taken: '0' });
		expect((await outbox(reg.data.registration_id)).map((o) => o.kind)).toEqual([
			'registration_confirmed',
			'registration_cancelled'
		]);
	});

	it('promotes waitlisted families in order, skipping one that does not fit, which keeps its place', async () => {
		const id = await event({ capacity: 2 });
		const [f1, f2, f3, f4, f5] = await families(5);
		const r1 = await register(f1.client, id, [f1.parentId]);
		const r5 = await register(f5.client, id, [f5.parentId]);
		const r2 = await register(f2.client, id, [f2.parentId, f2.childId]);
		const r3 = await register(f3.client, id, [f3.parentId]);
		const r4 = await register(f4.client, id, [f4.parentId]);
		expect([r1, r5, r2, r3, r4].map((r) => r.data.status)).toEqual([
			'confirmed',
			'confirmed',
			'waitlisted',
			'waitlisted',
			'waitlisted'
		]);
		const state = async () =>
			Object.fromEntries(
				(
					await rows<{ id: string; status: string; waitlist_position: string | null }>(
						domain,
						'select id::text, status::text, waitlist_position::text from public.registrations where event_id = $1::uuid',
						[id]
					)
				).map((r) => [r.id, `${r.status}${r.waitlist_position ? ` ${r.waitlist_position}` : ''}`])
			);

		// One place frees: f2 (two people) does not fit and keeps first place; f3 goes in.
		const cancel5 = await f5.client.rpc('cancel_registration', {
			p_registration_id: r5.data.registration_id
		});
		expect(cancel5.data.promoted).toBe(1);
		let s = await state();
		expect(s[r2.data.registration_id]).toBe('waitlisted 1');
		expect(s[r3.data.registration_id]).toBe('confirmed');
		expect(s[r4.data.registration_id]).toBe('waitlisted 2');
		expect((await outbox(r3.data.registration_id)).map((o) => o.kind)).toContain(
			'waitlist_promoted'
		);
		expect((await outbox(r2.data.registration_id)).map((o) => o.kind)).not.toContain(
			'waitlist_promoted'
		);

		// Staff cancel f1: again one place, again f2 is skipped and f4 goes in.
		await w.client.staffA.rpc('cancel_registration', {
			p_registration_id: r1.data.registration_id
		});
		s = await state();
		expect(s[r2.data.registration_id]).toBe('waitlisted 1');
		expect(s[r4.data.registration_id]).toBe('confirmed');
		// f3 and f4 leave: two places, and f2, first in line all along, fits.
		await w.client.staffA.rpc('cancel_registration', {
			p_registration_id: r4.data.registration_id
		});
		expect((await state())[r2.data.registration_id]).toBe('waitlisted 1');
		await f3.client.rpc('cancel_registration', { p_registration_id: r3.data.registration_id });
		s = await state();
		expect(s[r2.data.registration_id]).toBe('confirmed');
		expect(await eventRow(id)).toMatchObject({ seats_taken: '2', waitlist_count: '0' });
	});

	it('fails with too_late_to_cancel for the guardian after the start; staff may still cancel', async () => {
		const id = await event({ startsInHours: 1 });
		const reg = await register(w.client.guardianA, id, [w.parentA]);
		await domain.db.query(
			`update public.events set starts_at = now() - interval '10 minutes', ends_at = now() + interval '1 hour'
			where id = $1`,
			[id]
		);
		const late = await w.client.guardianA.rpc('cancel_registration', {
			p_registration_id: reg.data.registration_id
		});
		expect(codeOf(late)).toBe('too_late_to_cancel');
		const byStaff = await w.client.staffA.rpc('cancel_registration', {
			p_registration_id: reg.data.registration_id
		});
		expect(byStaff.data?.status).toBe('cancelled');
	});

	it("fails with not_authorised for another guardian and another organisation's staff", async () => {
		const id = await event();
		const reg = await register(w.client.guardianA, id, [w.parentA]);
		for (const who of [w.client.guardianB, w.client.staffB, w.client.admin]) {
			expect(
				codeOf(
					await who.rpc('cancel_registration', { p_registration_id: reg.data.registration_id })
				)
			).toBe('not_authorised');
		}
		expect(await eventRow(id)).toMatchObject({ seats_taken: '1' });
	});

	it('fails with registration_not_active twice over, and registration_not_found for unknown ids', async () => {
		const id = await event();
		const reg = await register(w.client.guardianA, id, [w.parentA]);
		await w.client.guardianA.rpc('cancel_registration', {
			p_registration_id: reg.data.registration_id
		});
		expect(
			codeOf(
				await w.client.guardianA.rpc('cancel_registration', {
					p_registration_id: reg.data.registration_id
				})
			)
		).toBe('registration_not_active');
		expect(
			codeOf(
				await w.client.guardianA.rpc('cancel_registration', {
					p_registration_id: '00000000-0000-4000-8000-000000000000'
				})
			)
		).toBe('registration_not_found');
	});
});

describe('check_in and mark_no_shows', () => {
	/** The event began a minute ago: the door is open (families registered before). */
	const begin = (id: string) =>
		domain.db.query(
			`update public.events set starts_at = now() - interval '1 minute',
				ends_at = now() + interval '2 hours' where id = $1::uuid`,
			[id]
		);

	it("checks a family in by its code for the event's staff, showing nicknames and children's ages only", async () => {
		const id = await event();
		const reg = await register(w.client.guardianA, id, [w.parentA, w.childA]);
		await begin(id);
		const { check_in_code: code } = await row<{ check_in_code: string }>(
			domain,
			'select check_in_code from public.registrations where id = $1::uuid',
			[reg.data.registration_id]
		);
		const result = await w.client.staffA.rpc('check_in', { p_code: ` ${code.toLowerCase()} ` });
		expect(result.error).toBeNull();
		expect(result.data).toEqual({
			registration_id: reg.data.registration_id,
			event_id: id,
			status: 'attended',
			seats: 2,
			already_checked_in: false,
			guardian_name: '家长甲',
			attendees: [
				{ kind: 'child', nickname: '乐乐', age: 8 },
				{ kind: 'parent', nickname: '妈妈', age: null }
			]
		});
		const again = await w.client.staffA.rpc('check_in', { p_code: code });
		expect(again.data.already_checked_in).toBe(true);
		expect(await eventRow(id)).toMatchObject({ seats_taken: '2' });
	});

	it('refuses other organisations, guardians, waitlisted, cancelled and unknown codes', async () => {
		const id = await event({ capacity: 1 });
		const confirmed = await register(w.client.guardianA, id, [w.parentA]);
		const waiting = await register(w.client.guardianB, id, [w.parentB]);
		await begin(id);
		const codes = Object.fromEntries(
			(
				await rows<{ id: string; check_in_code: string }>(
					domain,
					'select id::text, check_in_code from public.registrations where event_id = $1::uuid',
					[id]
				)
			).map((r) => [r.id, r.check_in_code])
		);
		const code = codes[confirmed.data.registration_id];
		expect(codeOf(await w.client.staffB.rpc('check_in', { p_code: code }))).toBe('not_authorised');
		expect(codeOf(await w.client.guardianA.rpc('check_in', { p_code: code }))).toBe(
			'not_authorised'
		);
		expect(
			codeOf(await w.client.staffA.rpc('check_in', { p_code: codes[waiting.data.registration_id] }))
		).toBe('not_confirmed');
		expect(codeOf(await w.client.staffA.rpc('check_in', { p_code: 'NOPE99' }))).toBe(
			'registration_not_found'
		);
		// The event has begun: only its staff can still cancel.
		await w.client.staffA.rpc('cancel_registration', {
			p_registration_id: waiting.data.registration_id
		});
		expect(
			codeOf(await w.client.staffA.rpc('check_in', { p_code: codes[waiting.data.registration_id] }))
		).toBe('registration_not_active');
		await domain.db.query(`update public.events set status = 'cancelled' where id = $1`, [id]);
		expect(codeOf(await w.client.staffA.rpc('check_in', { p_code: code }))).toBe('event_cancelled');
	});

	it("opens on the event's day (Beijing time), not days ahead, whatever the code", async () => {
		const id = await event({ startsAt: shanghaiAt(3, '09:30'), endsAt: shanghaiAt(3, '11:00') });
		const reg = await register(w.client.guardianA, id, [w.parentA]);
		const { check_in_code: code } = await row<{ check_in_code: string }>(
			domain,
			'select check_in_code from public.registrations where id = $1::uuid',
			[reg.data.registration_id]
		);
		const early = await w.client.staffA.rpc('check_in', { p_code: code });
		expect(codeOf(early)).toBe('check_in_not_open');
		expect(early.error?.hint).toBe(shanghaiAt(3, '09:30').slice(0, 10));
		expect(await eventRow(id)).toMatchObject({ seats_taken: '1' });
		const { status } = await row<{ status: string }>(
			domain,
			'select status::text from public.registrations where id = $1::uuid',
			[reg.data.registration_id]
		);
		expect(status).toBe('confirmed');
		// Starting at 23:59 today, Beijing time: the door is already open, hours before the start.
		await domain.db.query(
			`update public.events
			set starts_at = (date_trunc('day', now() at time zone 'Asia/Shanghai') + interval '23 hours 59 minutes')
					at time zone 'Asia/Shanghai',
				ends_at = (date_trunc('day', now() at time zone 'Asia/Shanghai') + interval '1 day 2 hours')
					at time zone 'Asia/Shanghai'
			where id = $1::uuid`,
			[id]
		);
		expect((await w.client.staffA.rpc('check_in', { p_code: code })).error).toBeNull();
	});

	it('marks confirmed families who did not come as no-shows once the event has started', async () => {
		const id = await event({ startsInHours: 1, capacity: 10 });
		const came = await register(w.client.guardianA, id, [w.parentA]);
		const [absent] = await families(1);
		const away = await register(absent.client, id, [absent.parentId]);
		expect(codeOf(await w.client.staffA.rpc('mark_no_shows', { p_event_id: id }))).toBe(
			'event_not_started'
		);
		await domain.db.query(
			`update public.events set starts_at = now() - interval '1 minute', ends_at = now() + interval '1 hour' where id = $1`,
			[id]
		);
		const code = await row<{ check_in_code: string }>(
			domain,
			'select check_in_code from public.registrations where id = $1::uuid',
			[came.data.registration_id]
		);
		await w.client.staffA.rpc('check_in', { p_code: code.check_in_code });
		expect(codeOf(await w.client.staffB.rpc('mark_no_shows', { p_event_id: id }))).toBe(
			'not_authorised'
		);
		expect((await w.client.staffA.rpc('mark_no_shows', { p_event_id: id })).data).toBe(1);
		const statuses = await rows<{ id: string; status: string }>(
			domain,
			'select id::text, status::text from public.registrations where event_id = $1::uuid',
			[id]
		);
		expect(Object.fromEntries(statuses.map((s) => [s.id, s.status]))).toEqual({
			[came.data.registration_id]: 'attended',
			[away.data.registration_id]: 'no_show'
		});
		expect(
			codeOf(
				await w.client.staffA.rpc('mark_no_shows', {
					p_event_id: '00000000-0000-4000-8000-000000000000'
				})
			)
		).toBe('event_not_found');
	});
});

describe('event_attendees', () => {
	it('gives staff the nickname and age of each attendee and a masked phone, nothing more', async () => {
		const id = await event({ capacity: 2 });
		await register(w.client.guardianA, id, [w.parentA, w.childA]);
		await register(w.client.guardianB, id, [w.parentB, w.childB]);
		const { data, error } = await w.client.staffA.rpc('event_attendees', { p_event_id: id });
		expect(error).toBeNull();
		expect(data).toHaveLength(2);
		expect(data[0]).toMatchObject({
			status: 'confirmed',
			seats: 2,
			guardian_name: '家长甲',
			phone_masked: '138****1111',
			attendees: [
				{ kind: 'child', nickname: '乐乐', age: 8 },
				{ kind: 'parent', nickname: '妈妈', age: null }
			]
		});
		expect(data[1]).toMatchObject({
			status: 'waitlisted',
			waitlist_position: 1,
			phone_masked: null
		});
		expect(JSON.stringify(data)).not.toMatch(/birth|email|13800001111/);
		expect((await w.client.admin.rpc('event_attendees', { p_event_id: id })).data).toHaveLength(2);
	});

	it('refuses other organisations and guardians', async () => {
		const id = await event();
		for (const who of [w.client.staffB, w.client.guardianA]) {
			expect(codeOf(await who.rpc('event_attendees', { p_event_id: id }))).toBe('not_authorised');
		}
		expect((await w.client.anon.rpc('event_attendees', { p_event_id: id })).error?.code).toBe(
			'42501'
		);
	});
});

describe('enqueue_due_reminders', () => {
	// Far-future events, so that no other test's event is due at the same p_now.
	async function scenario(startsInHours: number, secondReminder: boolean) {
		const id = await event({
			startsInHours,
			secondReminder,
			capacity: 3,
			minAge: null,
			maxAge: null
		});
		const [keep, cancelled, quiet, waiting] = await families(4);
		const regs = {
			keep: (await register(keep.client, id, [keep.parentId])).data.registration_id as string,
			cancelled: (await register(cancelled.client, id, [cancelled.parentId])).data
				.registration_id as string,
			quiet: (await register(quiet.client, id, [quiet.parentId])).data.registration_id as string,
			// Two people: still waiting after one place frees.
			waiting: (await register(waiting.client, id, [waiting.parentId, waiting.childId])).data
				.registration_id as string
		};
		await cancelled.client.rpc('cancel_registration', { p_registration_id: regs.cancelled });
		await quiet.client
			.from('families')
			.update({ reminders_enabled: false })
			.eq('id', quiet.familyId);
		const startsAt = new Date(
			(
				await row<{ s: string }>(
					domain,
					`select to_char(starts_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as s from public.events where id = $1::uuid`,
					[id]
				)
			).s
		);
		const at = (hoursBefore: number) =>
			new Date(startsAt.getTime() - hoursBefore * 3600_000).toISOString();
		const kinds = async (reg: string) =>
			(await outbox(reg)).map((o) => o.kind).filter((k) => k.startsWith('reminder'));
		return { id, regs, at, kinds };
	}

	it('queues the 24-hour reminder once, for confirmed registrations of families who want reminders', async () => {
		const s = await scenario(2000, false);
		const service = domain.admin();
		expect((await service.rpc('enqueue_due_reminders', { p_now: s.at(25) })).data).toBe(0);
		expect((await service.rpc('enqueue_due_reminders', { p_now: s.at(20) })).data).toBe(1);
		expect((await service.rpc('enqueue_due_reminders', { p_now: s.at(20) })).data).toBe(0);
		expect((await service.rpc('enqueue_due_reminders', { p_now: s.at(3) })).data).toBe(0);
		expect(await s.kinds(s.regs.keep)).toEqual(['reminder_24h']);
		expect(
			(await outbox(s.regs.keep)).find((o) => o.kind === 'reminder_24h')?.idempotency_key
		).toBe(`reminder_24h:${s.regs.keep}`);
		for (const other of [s.regs.cancelled, s.regs.quiet, s.regs.waiting])
			expect(await s.kinds(other)).toEqual([]);
		// Two hours before: no second reminder unless the event asks for one.
		expect((await service.rpc('enqueue_due_reminders', { p_now: s.at(1) })).data).toBe(0);
	});

	it('queues the 2-hour reminder when the event asks for a second reminder', async () => {
		const s = await scenario(2100, true);
		const service = domain.admin();
		expect((await service.rpc('enqueue_due_reminders', { p_now: s.at(23) })).data).toBe(1);
		expect((await service.rpc('enqueue_due_reminders', { p_now: s.at(1.5) })).data).toBe(1);
		expect((await service.rpc('enqueue_due_reminders', { p_now: s.at(1) })).data).toBe(0);
		expect(await s.kinds(s.regs.keep)).toEqual(['reminder_24h', 'reminder_2h'].sort());
		expect((await service.rpc('enqueue_due_reminders', { p_now: s.at(-0.5) })).data).toBe(0);
	});

	it('sends nothing for a cancelled event', async () => {
		const s = await scenario(2200, true);
		await w.client.staffA.from('events').update({ status: 'cancelled' }).eq('id', s.id);
		expect((await domain.admin().rpc('enqueue_due_reminders', { p_now: s.at(20) })).data).toBe(0);
	});

	it('is for the service role only', async () => {
		const result = await w.client.staffA.rpc('enqueue_due_reminders', {});
		expect(result.error?.code).toBe('42501');
		expect((await w.client.anon.rpc('enqueue_due_reminders', {})).error?.code).toBe('42501');
	});
});
