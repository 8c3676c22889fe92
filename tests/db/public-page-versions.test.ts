/**
 * The version of what public pages show (public_pages_version()), which lets the app keep pages
 * for anonymous visitors: everyone may read it, nobody may touch its counters, and every committed
 * change to an event (a registration's places included), an organisation or a room raises it —
 * once per transaction, also under real concurrency on the PostgreSQL server — while a refused or
 * unrelated change does not.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	PERSONAS,
	accessToken,
	backendUnderTest,
	codeOf,
	createWorld,
	insertEvent,
	insertFamilies,
	row,
	startDomain,
	type Domain,
	type World
} from '../support/personas';

let domain: Domain;
let w: World;

beforeAll(async () => {
	domain = await startDomain(backendUnderTest, { pool: 20 });
	w = await createWorld(domain);
});

afterAll(async () => {
	await domain?.close();
});

async function version(client: SupabaseClient = w.client.anon): Promise<number> {
	const { data, error } = await client.rpc('public_pages_version');
	expect(error).toBeNull();
	return Number(data);
}

describe('who may read and change the version', () => {
	it.each(PERSONAS)('%s can read the version through public_pages_version()', async (persona) => {
		expect(Number.isInteger(await version(w.client[persona]))).toBe(true);
	});

	it.each(PERSONAS)('%s cannot read or change the counters themselves', async (persona) => {
		const client = w.client[persona];
		const read = await client.schema('private').from('public_page_versions').select('*');
		expect(read.error).not.toBeNull();
		const write = await client
			.schema('private')
			.from('public_page_versions')
			.update({ version: 0 })
			.eq('slot', 0);
		expect(write.error).not.toBeNull();
	});

	it('the API roles have no privilege on the counters, and cannot call the function that raises them', async () => {
		const privileges = await row<{ anon: string; authenticated: string; raise: string }>(
			domain,
			`select has_table_privilege('anon', 'private.public_page_versions', 'select, update')::text as anon,
				has_table_privilege('authenticated', 'private.public_page_versions', 'select, update')::text
					as authenticated,
				has_function_privilege('authenticated', 'private.raise_public_page_version()', 'execute')::text
					as raise`
		);
		expect(privileges).toEqual({ anon: 'false', authenticated: 'false', raise: 'false' });
	});
});

describe('what raises the version', () => {
	it('a registration raises it once, and so does cancelling it', async () => {
		const eventId = await insertEvent(domain, w, { capacity: 5 });
		const before = await version();
		const registered = await w.client.guardianA.rpc('register_family', {
			p_event_id: eventId,
			p_member_ids: [w.childA]
		});
		expect(registered.error).toBeNull();
		expect(await version()).toBe(before + 1);
		const cancelled = await w.client.guardianA.rpc('cancel_registration', {
			p_registration_id: registered.data.registration_id
		});
		expect(cancelled.error).toBeNull();
		expect(await version()).toBe(before + 2);
	});

	it('a refused registration, and a change to a family, leave it as it was', async () => {
		const eventId = await insertEvent(domain, w, { capacity: 5, minAge: 14, maxAge: 16 });
		const before = await version();
		const refused = await w.client.guardianB.rpc('register_family', {
			p_event_id: eventId,
			p_member_ids: [w.childB]
		});
		expect(codeOf(refused)).toMatch(/^age_out_of_range/);
		const renamed = await w.client.guardianB
			.from('family_members')
			.update({ nickname: '小雨' })
			.eq('id', w.childB);
		expect(renamed.error).toBeNull();
		expect(await version()).toBe(before);
	});

	it("staff editing an event, an organisation's details or a room raise it", async () => {
		const eventId = await insertEvent(domain, w);
		let last = await version();
		const changes = [
			() => w.client.staffA.from('events').update({ title_zh: '改过的标题' }).eq('id', eventId),
			() =>
				w.client.admin
					.from('organisations')
					.update({ contact_phone: '0572-1234567' })
					.eq('id', w.orgA),
			() => w.client.staffA.from('venues').update({ name_zh: '多功能厅' }).eq('id', w.venueA)
		];
		for (const change of changes) {
			const { error } = await change();
			expect(error).toBeNull();
			const now = await version();
			expect(now).toBe(last + 1);
			last = now;
		}
	});

	it('a transaction that changes many events raises it once', async () => {
		const ids = await Promise.all([1, 2, 3].map(() => insertEvent(domain, w)));
		const before = await version();
		const { error, count } = await w.client.staffA
			.from('events')
			.update({ summary_zh: '一起改' }, { count: 'exact' })
			.in('id', ids);
		expect(error).toBeNull();
		expect(count).toBe(3);
		expect(await version()).toBe(before + 1);
	});

	it("a family's rating and a staff reply raise it (the organisation's page shows the average and public replies); a refused second rating does not", async () => {
		const eventId = await insertEvent(domain, w, { startsInHours: -30 });
		const registration = await row<{ id: string }>(
			domain,
			`insert into public.registrations (event_id, family_id, status, seats, check_in_code,
				confirmed_at, checked_in_at)
			 values ($1::uuid, $2::uuid, 'attended', 1, private.new_check_in_code(), now(), now())
			 returning id`,
			[eventId, w.familyA]
		);
		const before = await version();
		const given = await w.client.guardianA.rpc('submit_feedback', {
			p_registration_id: registration.id,
			p_rating: 4
		});
		expect(given.error).toBeNull();
		expect(await version()).toBe(before + 1);
		const again = await w.client.guardianA.rpc('submit_feedback', {
			p_registration_id: registration.id,
			p_rating: 5
		});
		expect(codeOf(again)).toBe('feedback_already_given');
		expect(await version()).toBe(before + 1);
		const replied = await w.client.staffA.rpc('reply_to_feedback', {
			p_feedback_id: (given.data as { feedback_id: string }).feedback_id,
			p_body: '谢谢，下次见！',
			p_public: true
		});
		expect(replied.error).toBeNull();
		expect(await version()).toBe(before + 2);
	});
});

// On PGlite the requests queue for its one connection; on the PostgreSQL server they race.
describe('under concurrency', () => {
	it('200 families registering at once for 10 events raise it by exactly the registrations committed, without a deadlock', async () => {
		const events = await Promise.all(
			Array.from({ length: 10 }, () => insertEvent(domain, w, { capacity: 15, waitlist: false }))
		);
		const families = await insertFamilies(domain, 200);
		const before = await version();
		const results = await Promise.all(
			families.map(async (family, i) =>
				domain.as(await accessToken(family.user)).rpc('register_family', {
					p_event_id: events[i % events.length],
					p_member_ids: [family.childId]
				})
			)
		);
		const committed = results.filter((result) => result.error === null).length;
		const refusals = results.filter((result) => result.error !== null).map(codeOf);
		expect(new Set(refusals.map((code) => code?.split(':')[0]))).toEqual(new Set(['event_full']));
		expect(committed).toBe(150);
		expect(await version()).toBe(before + committed);
		const seats = await row<{ taken: string }>(
			domain,
			`select sum(seats_taken)::text as taken from public.events where id = any($1::uuid[])`,
			[events]
		);
		expect(Number(seats.taken)).toBe(150);
	});
});
