/**
 * Changing who comes with a registration (change_registration_members): places re-checked under
 * the event lock, freed places promoted from the waitlist in joining order, answers asked of
 * newcomers, and only the family itself, before the start. The race for the last places runs on
 * the PostgreSQL server with real concurrency.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverAvailable, type Backend } from '../support/embedded';
import {
	accessToken,
	codeOf,
	createWorld,
	insertEvent,
	insertFamilies,
	row,
	rows,
	startDomain,
	type Domain,
	type World
} from '../support/personas';

const change = (
	client: SupabaseClient,
	registrationId: string,
	members: string[],
	answers?: unknown[]
) =>
	client.rpc('change_registration_members', {
		p_registration_id: registrationId,
		p_member_ids: members,
		p_answers: answers ?? null
	});

async function familiesOf(domain: Domain, count: number) {
	const made = await insertFamilies(domain, count);
	return Promise.all(
		made.map(async (f) => ({ ...f, client: domain.as(await accessToken(f.user)) }))
	);
}

async function state(domain: Domain, eventId: string) {
	return row<{ seats_taken: string; waitlist_count: string }>(
		domain,
		'select seats_taken::text, waitlist_count::text from public.events where id = $1::uuid',
		[eventId]
	);
}

async function registrationOf(domain: Domain, id: string) {
	return row<{ status: string; seats: string; waitlist_position: string | null; members: string }>(
		domain,
		`select r.status::text, r.seats::text, r.waitlist_position::text,
			(select string_agg(a.member_id::text, ',' order by a.member_id) from public.registration_attendees a
				where a.registration_id = r.id) as members
		from public.registrations r where r.id = $1::uuid`,
		[id]
	);
}

const server = await serverAvailable();
const backends: Backend[] = server ? ['pglite', 'postgres'] : ['pglite'];

describe.each(backends)('change_registration_members on %s', (backend) => {
	let domain: Domain;
	let w: World;

	beforeAll(async () => {
		domain = await startDomain(backend);
		w = await createWorld(domain);
	});

	afterAll(async () => {
		await domain?.close();
	});

	async function registerA(eventId: string, members: string[], answers: unknown[] = []) {
		const result = await w.client.guardianA.rpc('register_family', {
			p_event_id: eventId,
			p_member_ids: members,
			p_answers: answers
		});
		expect(result.error).toBeNull();
		return result.data.registration_id as string;
	}

	it('adds a member while places remain and counts the place', async () => {
		const id = await insertEvent(domain, w, { capacity: 10 });
		const reg = await registerA(id, [w.parentA]);
		const result = await change(w.client.guardianA, reg, [w.parentA, w.childA]);
		expect(result.error).toBeNull();
		expect(result.data).toEqual({
			registration_id: reg,
			status: 'confirmed',
			seats: 2,
			promoted: 0
		});
		expect(await state(domain, id)).toEqual({ seats_taken: '2', waitlist_count: '0' });
		expect((await registrationOf(domain, reg)).members.split(',').sort()).toEqual(
			[w.parentA, w.childA].sort()
		);
	});

	it('refuses to add more people than places are free, and leaves the registration as it was', async () => {
		const id = await insertEvent(domain, w, { capacity: 3, minAge: null, maxAge: null });
		const reg = await registerA(id, [w.parentA, w.childA]);
		const [other] = await familiesOf(domain, 1);
		await other.client.rpc('register_family', { p_event_id: id, p_member_ids: [other.parentId] });
		const result = await change(w.client.guardianA, reg, [w.parentA, w.childA, w.toddlerA]);
		expect(codeOf(result)).toBe('event_full');
		expect(await registrationOf(domain, reg)).toMatchObject({ status: 'confirmed', seats: '2' });
		expect(await state(domain, id)).toEqual({ seats_taken: '3', waitlist_count: '0' });
	});

	it('a freed place goes to the waitlist in joining order; a family that does not fit keeps waiting', async () => {
		const id = await insertEvent(domain, w, { capacity: 3, minAge: null, maxAge: null });
		const reg = await registerA(id, [w.parentA, w.childA, w.toddlerA]);
		const [first, second] = await familiesOf(domain, 2);
		const firstReg = await first.client.rpc('register_family', {
			p_event_id: id,
			p_member_ids: [first.parentId, first.childId]
		});
		const secondReg = await second.client.rpc('register_family', {
			p_event_id: id,
			p_member_ids: [second.parentId]
		});
		expect(firstReg.data.status).toBe('waitlisted');
		expect(secondReg.data.waitlist_position).toBe(2);

		// Two places freed at once: the first in line (two people) goes first; the second waits.
		const freed = await change(w.client.guardianA, reg, [w.parentA]);
		expect(freed.data).toMatchObject({ seats: 1, promoted: 1 });
		expect(await registrationOf(domain, firstReg.data.registration_id)).toMatchObject({
			status: 'confirmed'
		});
		expect(await registrationOf(domain, secondReg.data.registration_id)).toMatchObject({
			status: 'waitlisted',
			waitlist_position: '1'
		});
		// The first family cancels one member: that place goes to the next in line.
		const one = await change(first.client, firstReg.data.registration_id, [first.parentId]);
		expect(one.data).toMatchObject({ seats: 1, promoted: 1 });
		expect(await registrationOf(domain, secondReg.data.registration_id)).toMatchObject({
			status: 'confirmed'
		});
		expect(await state(domain, id)).toEqual({ seats_taken: '3', waitlist_count: '0' });
	});

	it('a waitlisted family may change who comes and is confirmed when it now fits', async () => {
		const id = await insertEvent(domain, w, { capacity: 2, minAge: null, maxAge: null });
		const [other] = await familiesOf(domain, 1);
		await other.client.rpc('register_family', { p_event_id: id, p_member_ids: [other.parentId] });
		const reg = await registerA(id, [w.parentA, w.childA]);
		expect((await registrationOf(domain, reg)).status).toBe('waitlisted');
		const result = await change(w.client.guardianA, reg, [w.childA]);
		expect(result.data).toMatchObject({ status: 'confirmed', seats: 1, promoted: 1 });
		expect(await state(domain, id)).toEqual({ seats_taken: '2', waitlist_count: '0' });
	});

	it('a newcomer must answer the required questions; answers of people who stay are kept', async () => {
		const id = await insertEvent(domain, w, { capacity: 10 });
		const { data: q } = await w.client.staffA
			.from('event_questions')
			.insert({
				event_id: id,
				kind: 'short_text',
				scope: 'attendee',
				required: true,
				label_zh: '过敏'
			})
			.select('id')
			.single();
		const reg = await registerA(
			id,
			[w.parentA],
			[{ question_id: q!.id, member_id: w.parentA, value: '无' }]
		);
		expect(codeOf(await change(w.client.guardianA, reg, [w.parentA, w.childA]))).toBe(
			'answer_required'
		);
		expect((await registrationOf(domain, reg)).seats).toBe('1');
		const added = await change(
			w.client.guardianA,
			reg,
			[w.parentA, w.childA],
			[{ question_id: q!.id, member_id: w.childA, value: '花生' }]
		);
		expect(added.error).toBeNull();
		const stored = await rows<{ member_id: string; value: string }>(
			domain,
			`select member_id::text, value::text from public.registration_answers
			where registration_id = $1::uuid order by value`,
			[reg]
		);
		expect(stored).toEqual(
			[
				{ member_id: w.parentA, value: '"无"' },
				{ member_id: w.childA, value: '"花生"' }
			].sort((a, b) => (a.value < b.value ? -1 : 1))
		);
		// Removing the child drops the answer about the child.
		await change(w.client.guardianA, reg, [w.parentA]);
		const left = await rows(
			domain,
			'select 1 from public.registration_answers where registration_id = $1::uuid',
			[reg]
		);
		expect(left).toHaveLength(1);
	});

	it('checks the same rules as registering: age, family limit, own members, someone coming', async () => {
		const id = await insertEvent(domain, w, { capacity: 10, minAge: 6, maxAge: 12, maxSeats: 2 });
		const reg = await registerA(id, [w.parentA]);
		expect(codeOf(await change(w.client.guardianA, reg, [w.parentA, w.toddlerA]))).toBe(
			'age_out_of_range'
		);
		expect(codeOf(await change(w.client.guardianA, reg, [w.parentA, w.childA, w.toddlerA]))).toBe(
			'seat_limit_exceeded'
		);
		expect(codeOf(await change(w.client.guardianA, reg, [w.parentA, w.childB]))).toBe(
			'not_family_member'
		);
		expect(codeOf(await change(w.client.guardianA, reg, []))).toBe('no_attendees');
	});

	it('only the family, before the start, while the registration is active', async () => {
		const id = await insertEvent(domain, w, { capacity: 10 });
		const reg = await registerA(id, [w.parentA]);
		for (const client of [w.client.guardianB, w.client.staffA, w.client.staffB, w.client.admin]) {
			expect(codeOf(await change(client, reg, [w.parentA, w.childA]))).toBe(
				'registration_not_found'
			);
		}
		expect((await change(w.client.anon, reg, [w.parentA])).error).not.toBeNull();
		expect((await registrationOf(domain, reg)).seats).toBe('1');

		const started = await insertEvent(domain, w, { capacity: 10, startsInHours: 1 });
		const early = await registerA(started, [w.parentA]);
		await domain.db.query(
			"update public.events set starts_at = now() - interval '5 minutes' where id = $1::uuid",
			[started]
		);
		expect(codeOf(await change(w.client.guardianA, early, [w.parentA, w.childA]))).toBe(
			'too_late_to_change'
		);

		await w.client.guardianA.rpc('cancel_registration', { p_registration_id: reg });
		expect(codeOf(await change(w.client.guardianA, reg, [w.parentA]))).toBe(
			'registration_not_active'
		);
	});
});

describe.skipIf(!server)('changing who comes under concurrency, on the PostgreSQL server', () => {
	let domain: Domain;
	let w: World;

	beforeAll(async () => {
		domain = await startDomain('postgres', { pool: 20 });
		w = await createWorld(domain);
	});

	afterAll(async () => {
		await domain?.close();
	});

	it('30 families adding their child at once for 5 free places: exactly 5 are let in', async () => {
		const id = await insertEvent(domain, w, { capacity: 35, minAge: null, maxAge: null });
		const families = await familiesOf(domain, 30);
		const regs = await Promise.all(
			families.map((f) =>
				f.client.rpc('register_family', { p_event_id: id, p_member_ids: [f.parentId] })
			)
		);
		expect(regs.every((r) => r.data?.status === 'confirmed')).toBe(true);
		const results = await Promise.all(
			families.map((f, i) =>
				change(f.client, regs[i].data.registration_id, [f.parentId, f.childId])
			)
		);
		expect(results.filter((r) => r.error === null)).toHaveLength(5);
		expect(results.filter((r) => codeOf(r) === 'event_full')).toHaveLength(25);
		const taken = await row<{ seats_taken: string; counted: string }>(
			domain,
			`select e.seats_taken::text, (select sum(r.seats) from public.registrations r
				where r.event_id = e.id and r.status = 'confirmed')::text as counted
			from public.events e where e.id = $1::uuid`,
			[id]
		);
		expect(taken).toEqual({ seats_taken: '35', counted: '35' });
	});
});
