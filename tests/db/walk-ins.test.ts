/**
 * Walk-ins (register_walk_in): staff of the organising organisation register a family at the door
 * while places remain, checked in at once; coded failures change nothing; with an email the parent
 * claims the family on first sign-in, without one it stays a door-only record that no email job
 * trips over. The race for the last place runs on the PostgreSQL server with real concurrency.
 */
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverAvailable, type Backend } from '../support/embedded';
import {
	codeOf,
	createWorld,
	insertEvent,
	row,
	rows,
	startDomain,
	type Domain,
	type World
} from '../support/personas';

interface Member {
	kind: string;
	nickname: string;
	age?: number | string;
}

const walkIn = (
	client: SupabaseClient,
	eventId: string,
	fields: Partial<{ name: string; phone: string; email: string | null; consent: boolean }> = {},
	members: Member[] = [
		{ kind: 'parent', nickname: '爸爸' },
		{ kind: 'child', nickname: '小雨', age: 7 }
	]
) =>
	client.rpc('register_walk_in', {
		p_event_id: eventId,
		p_guardian_name: fields.name ?? '王先生',
		p_phone: fields.phone ?? '13912345678',
		p_email: fields.email ?? null,
		p_members: members,
		p_consent: fields.consent ?? true
	});

async function counts(domain: Domain, eventId: string) {
	return row<{ seats_taken: string; registrations: string; families: string }>(
		domain,
		`select e.seats_taken::text,
			(select count(*) from public.registrations r where r.event_id = e.id)::text as registrations,
			(select count(*) from public.families f where f.guardian_id is null)::text as families
		from public.events e where e.id = $1::uuid`,
		[eventId]
	);
}

// Started a quarter of an hour ago: the door is open (the event's day in Beijing).
const today = { startsInHours: -0.25, hours: 2 } as const;

const server = await serverAvailable();
const backends: Backend[] = server ? ['pglite', 'postgres'] : ['pglite'];

describe.each(backends)('register_walk_in on %s', (backend) => {
	let domain: Domain;
	let w: World;

	beforeAll(async () => {
		domain = await startDomain(backend);
		w = await createWorld(domain);
	});

	afterAll(async () => {
		await domain?.close();
	});

	it('staff register a family at the door: checked in, seats taken, a door-only record without email', async () => {
		const id = await insertEvent(domain, w, { ...today, capacity: 10 });
		const { data, error } = await walkIn(w.client.staffA, id);
		expect(error).toBeNull();
		expect(data).toMatchObject({
			status: 'attended',
			seats: 2,
			already_checked_in: false,
			guardian_name: '王先生'
		});
		expect(data.check_in_code).toMatch(/^[0-9A-Z]{6}$/);
		expect(data.attendees).toEqual([
			{ kind: 'child', nickname: '小雨', age: 7 },
			{ kind: 'parent', nickname: '爸爸', age: null }
		]);
		const stored = await row<Record<string, string | null>>(
			domain,
			`select r.status::text, r.source, (r.checked_in_at is not null)::text as checked_in,
				f.guardian_id::text, f.email, f.phone, f.reminders_enabled::text, f.door_org_id::text,
				(select c.given_at_door::text || ':' || c.user_id::text from public.consents c
					where c.family_id = f.id) as consent,
				(select count(*) from public.email_outbox o where o.registration_id = r.id)::text as emails
			from public.registrations r join public.families f on f.id = r.family_id
			where r.id = $1::uuid`,
			[data.registration_id]
		);
		expect(stored).toEqual({
			status: 'attended',
			source: 'door',
			checked_in: 'true',
			guardian_id: null,
			email: null,
			phone: '13912345678',
			reminders_enabled: 'false',
			door_org_id: w.orgA,
			consent: `true:${w.users.staffA.id}`,
			emails: '0'
		});
		expect((await counts(domain, id)).seats_taken).toBe('2');
		// The door list shows the walk-in with a masked phone, like every family.
		const list = await w.client.staffA.rpc('event_attendees', { p_event_id: id });
		expect(list.data).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ guardian_name: '王先生', phone_masked: '139****5678' })
			])
		);
	});

	it('bad input gets a coded failure and writes nothing', async () => {
		const id = await insertEvent(domain, w, { ...today, capacity: 10, maxSeats: 3 });
		const before = await counts(domain, id);
		const cases: [Parameters<typeof walkIn>[2], Member[] | undefined, string][] = [
			[{ name: '  ' }, undefined, 'invalid_guardian_name'],
			[{ phone: '123' }, undefined, 'invalid_phone'],
			[{ email: 'not-an-email' }, undefined, 'invalid_email'],
			[{}, [], 'no_attendees'],
			[{}, [{ kind: 'child', nickname: '小雨' }], 'invalid_member'],
			[{}, [{ kind: 'child', nickname: '小雨', age: 'seven' }], 'invalid_member'],
			[{}, [{ kind: 'uncle', nickname: '舅舅' }], 'invalid_member'],
			[{}, [{ kind: 'parent', nickname: '' }], 'invalid_member'],
			[{ consent: false }, undefined, 'consent_required'],
			[{}, [{ kind: 'child', nickname: '宝宝', age: 1 }], 'age_out_of_range'],
			[
				{},
				[
					{ kind: 'parent', nickname: '爸爸' },
					{ kind: 'parent', nickname: '妈妈' },
					{ kind: 'grandparent', nickname: '奶奶' },
					{ kind: 'child', nickname: '小雨', age: 7 }
				],
				'seat_limit_exceeded'
			]
		];
		for (const [fields, members, code] of cases) {
			expect(codeOf(await walkIn(w.client.staffA, id, fields, members)), code).toBe(code);
		}
		expect(await counts(domain, id)).toEqual(before);
		// Adults only need no consent.
		const adults = await walkIn(w.client.staffA, id, { consent: false }, [
			{ kind: 'grandparent', nickname: '奶奶' }
		]);
		expect(adults.error).toBeNull();
	});

	it('a full event refuses a walk-in (event_full) and keeps its count', async () => {
		const id = await insertEvent(domain, w, { ...today, capacity: 3 });
		expect((await walkIn(w.client.staffA, id)).error).toBeNull();
		const full = await walkIn(w.client.staffA, id);
		expect(codeOf(full)).toBe('event_full');
		expect(await counts(domain, id)).toMatchObject({ seats_taken: '2', registrations: '1' });
		const one = await walkIn(w.client.staffA, id, {}, [{ kind: 'parent', nickname: '妈妈' }]);
		expect(one.error).toBeNull();
		expect((await counts(domain, id)).seats_taken).toBe('3');
	});

	it('another organisation’s staff, a guardian and anon cannot register walk-ins', async () => {
		const id = await insertEvent(domain, w, { ...today, capacity: 10 });
		const before = await counts(domain, id);
		expect(codeOf(await walkIn(w.client.staffB, id))).toBe('not_authorised');
		expect(codeOf(await walkIn(w.client.guardianA, id))).toBe('not_authorised');
		const anon = await walkIn(w.client.anon, id);
		expect(anon.error).not.toBeNull();
		expect(anon.data).toBeNull();
		expect(codeOf(await walkIn(w.client.staffA, randomUUID()))).toBe('not_authorised');
		expect(await counts(domain, id)).toEqual(before);
		// Nor can anyone read a door-only family straight from the table.
		const read = await w.client.staffA.from('families').select('id').is('guardian_id', null);
		expect(read.data).toEqual([]);
	});

	it('the door opens on the event’s day and not for cancelled events', async () => {
		const later = await insertEvent(domain, w, { startsInHours: 24 * 10, capacity: 10 });
		expect(codeOf(await walkIn(w.client.staffA, later))).toBe('check_in_not_open');
		const cancelled = await insertEvent(domain, w, { ...today, status: 'cancelled' });
		expect(codeOf(await walkIn(w.client.staffA, cancelled))).toBe('event_cancelled');
	});

	it('with an email, the parent claims the family on first sign-in and sees the registration', async () => {
		const id = await insertEvent(domain, w, { ...today, capacity: 10 });
		const email = `door-${randomUUID().slice(0, 8)}@test.gongyu.local`;
		const first = await walkIn(w.client.staffA, id, { email: email.toUpperCase() });
		expect(first.error).toBeNull();
		const queued = await rows<{ kind: string; to_email: string }>(
			domain,
			'select kind, to_email from public.email_outbox where registration_id = $1::uuid',
			[first.data.registration_id]
		);
		expect(queued).toEqual([{ kind: 'walk_in_registered', to_email: email }]);
		// A second walk-in at another event with the same address joins the same family on claim.
		const other = await insertEvent(domain, w, { ...today, capacity: 10 });
		const second = await walkIn(w.client.staffA, other, { email }, [
			{ kind: 'parent', nickname: '妈妈' }
		]);
		expect(second.error).toBeNull();

		const admin = domain.admin();
		const created = await admin.auth.admin.createUser({
			email,
			password: 'door-Pass-1234',
			email_confirm: true
		});
		expect(created.error).toBeNull();
		// Creating the account is not signing in: nothing is claimed yet.
		expect(
			(await row(domain, 'select guardian_id::text from public.families where id = $1::uuid', [
				first.data.family_id
			]))!.guardian_id
		).toBeNull();

		const parent = domain.anon();
		const signedIn = await parent.auth.signInWithPassword({ email, password: 'door-Pass-1234' });
		expect(signedIn.error).toBeNull();
		const family = await parent.from('families').select('id, guardian_name, email, phone');
		expect(family.data).toEqual([
			{ id: first.data.family_id, guardian_name: '王先生', email, phone: '13912345678' }
		]);
		const mine = await parent.from('registrations').select('event_id, status').order('created_at');
		expect(mine.data).toEqual([
			{ event_id: id, status: 'attended' },
			{ event_id: other, status: 'attended' }
		]);
		const members = await parent.from('family_members').select('nickname').order('nickname');
		expect(members.data?.map((m) => m.nickname).sort()).toEqual(['妈妈', '小雨', '爸爸'].sort());
		expect(
			(await row(
				domain,
				'select count(*)::text as n from public.families where lower(email) = $1',
				[email]
			))!.n
		).toBe('1');
	});

	it('an account that already has a family keeps it; the door record stays unclaimed', async () => {
		const id = await insertEvent(domain, w, { ...today, capacity: 10 });
		const { data } = await walkIn(w.client.staffA, id, { email: w.users.guardianB.email });
		const claimed = await row<{ claimed: string | null }>(
			domain,
			'select private.claim_door_family($1::uuid, $2) as claimed',
			[w.users.guardianB.id, w.users.guardianB.email]
		);
		expect(claimed!.claimed).toBeNull();
		expect(
			(await row(domain, 'select guardian_id::text from public.families where id = $1::uuid', [
				data.family_id
			]))!.guardian_id
		).toBeNull();
	});

	it('a notice to the event’s families skips the door-only family instead of failing', async () => {
		const id = await insertEvent(domain, w, { ...today, capacity: 10 });
		expect((await walkIn(w.client.staffA, id)).error).toBeNull();
		const reg = await w.client.guardianA.rpc('register_family', {
			p_event_id: id,
			p_member_ids: [w.parentA]
		});
		// Registration closed at the start; the guardian's row is added as staff would see it.
		if (reg.error) {
			await domain.db.query(
				`insert into public.registrations (event_id, family_id, status, seats, check_in_code, confirmed_at)
				values ($1::uuid, $2::uuid, 'confirmed', 1, private.new_check_in_code(), now())`,
				[id, w.familyA]
			);
		}
		const sent = await w.client.staffA.rpc('send_notice', {
			p_subject: '照片使用同意',
			p_body: '活动中会拍照，请回复是否已读。',
			p_receipt_kind: 'received',
			p_event_id: id
		});
		expect(sent.error).toBeNull();
		const queued = await rows<{ to_email: string }>(
			domain,
			`select to_email from public.email_outbox where kind = 'notice' and payload -> 'notice' ->> 'id' = $1`,
			[(sent.data as { notice_id: string }).notice_id]
		);
		expect(queued).toEqual([{ to_email: w.users.guardianA.email }]);
	});
});

describe.runIf(server)('the last place at the door on postgres', () => {
	let domain: Domain;
	let w: World;

	beforeAll(async () => {
		domain = await startDomain('postgres', { pool: 20 });
		w = await createWorld(domain);
	});

	afterAll(async () => {
		await domain?.close();
	});

	it('20 walk-ins of 2 at once for 5 free places: exactly 2 are let in, never over capacity', async () => {
		const id = await insertEvent(domain, w, { ...today, capacity: 5 });
		const results = await Promise.all(
			Array.from({ length: 20 }, (_, i) =>
				walkIn(w.client.staffA, id, {
					name: `家长${i}`,
					phone: `1391234${String(i).padStart(4, '0')}`
				})
			)
		);
		expect(results.filter((r) => r.error === null)).toHaveLength(2);
		expect(results.filter((r) => codeOf(r) === 'event_full')).toHaveLength(18);
		const taken = await row<{ seats_taken: string; counted: string; families: string }>(
			domain,
			`select e.seats_taken::text, (select sum(r.seats) from public.registrations r
				where r.event_id = e.id and r.status = 'attended')::text as counted,
				(select count(*) from public.families f where f.door_org_id = e.org_id)::text as families
			from public.events e where e.id = $1::uuid`,
			[id]
		);
		expect(taken).toEqual({ seats_taken: '4', counted: '4', families: '2' });
	});
});
