/**
 * The parents' SQL (20261129001100_parents.sql) through supabase-js, allowed and denied:
 * find_events, event_details, my_registrations, remove_family_member, export_my_family and
 * delete_my_account.
 */
import { randomUUID } from 'node:crypto';
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
	shanghaiAt,
	startDomain,
	usersSql,
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

interface Card {
	id: string;
	slug: string;
	title_zh: string;
	seats_taken: number;
	organisation: { name_zh: string };
	place: { venue_zh: string | null; address_zh: string | null };
}

/** An event with its own words in the title and summary, so searches can find exactly it. */
async function event(
	fields: EventFields & { title?: string; summary?: string; titleEn?: string } = {}
) {
	const id = await insertEvent(domain, w, fields);
	await domain.db.query(
		`update public.events set title_zh = $2, summary_zh = $3, title_en = $4 where id = $1::uuid`,
		[id, fields.title ?? '测试活动', fields.summary ?? '', fields.titleEn ?? 'Test event']
	);
	return id;
}

async function find(client: SupabaseClient, args: Record<string, unknown>) {
	const { data, error } = await client.rpc('find_events', { p_limit: 500, ...args });
	expect(error).toBeNull();
	return data as { total: number; items: Card[] };
}
const ids = (result: { items: Card[] }) => result.items.map((item) => item.id);

describe('find_events', () => {
	it('shows anyone published events that have not ended, never drafts, cancelled or past ones', async () => {
		const word = `可见${randomUUID().slice(0, 6)}`;
		const published = await event({ title: word });
		const draft = await event({ title: word, status: 'draft' });
		const cancelled = await event({ title: word, status: 'cancelled' });
		const past = await event({ title: word, startsInHours: -5, hours: 2 });
		const running = await event({ title: word, startsInHours: -1, hours: 3 });
		for (const client of [w.client.anon, w.client.guardianA, w.client.staffA]) {
			const result = await find(client, { p_query: word });
			expect(ids(result).sort()).toEqual([published, running].sort());
			expect(ids(result)).not.toContain(draft);
			expect(ids(result)).not.toContain(cancelled);
			expect(ids(result)).not.toContain(past);
		}
	});

	it('keeps events whose age range includes the child, and events open to every age', async () => {
		const word = `年龄${randomUUID().slice(0, 6)}`;
		const sixToNine = await event({ title: word, minAge: 6, maxAge: 9 });
		const tenToTwelve = await event({ title: word, minAge: 10, maxAge: 12 });
		const anyAge = await event({ title: word, minAge: null, maxAge: null });
		const fromSeven = await event({ title: word, minAge: 7, maxAge: null });
		expect(ids(await find(w.client.anon, { p_query: word, p_age: 7 })).sort()).toEqual(
			[sixToNine, anyAge, fromSeven].sort()
		);
		expect(ids(await find(w.client.anon, { p_query: word, p_age: 12 })).sort()).toEqual(
			[tenToTwelve, anyAge, fromSeven].sort()
		);
		expect(ids(await find(w.client.anon, { p_query: word, p_age: 5 })).sort()).toEqual([anyAge]);
	});

	it('finds Chinese words in the title or summary, English case-insensitively, and needs every word', async () => {
		const tag = randomUUID().slice(0, 6);
		const reading = await event({
			title: `绘本森林亲子阅读${tag}`,
			summary: '一起读绘本',
			titleEn: `Picture-book forest ${tag}`
		});
		const sports = await event({ title: `趣味运动会${tag}`, summary: '跳绳 拔河' });
		expect(ids(await find(w.client.anon, { p_query: `绘本森林 ${tag}` }))).toEqual([reading]);
		expect(ids(await find(w.client.anon, { p_query: `拔河 ${tag}` }))).toEqual([sports]);
		expect(ids(await find(w.client.anon, { p_query: `PICTURE-BOOK ${tag}` }))).toEqual([reading]);
		expect(ids(await find(w.client.anon, { p_query: `绘本 拔河 ${tag}` }))).toEqual([]);
	});

	it('takes % and _ in a search literally', async () => {
		const tag = randomUUID().slice(0, 6);
		await event({ title: `百分百${tag}` });
		expect((await find(w.client.anon, { p_query: `% ${tag}` })).total).toBe(0);
		expect((await find(w.client.anon, { p_query: `_ ${tag}` })).total).toBe(0);
		expect((await find(w.client.anon, { p_query: `百分百${tag}` })).total).toBe(1);
	});

	it('narrows by category, organisation and start dates, and pages with a total', async () => {
		const tag = `筛选${randomUUID().slice(0, 6)}`;
		const inOrgB = await event({
			title: tag,
			org: w.orgB,
			category: 'sports_day',
			startsAt: shanghaiAt(20, '09:00'),
			endsAt: shanghaiAt(20, '11:00')
		});
		const early = await event({
			title: tag,
			startsAt: shanghaiAt(3, '09:00'),
			endsAt: shanghaiAt(3, '11:00')
		});
		const later = await event({
			title: tag,
			startsAt: shanghaiAt(6, '19:00'),
			endsAt: shanghaiAt(6, '20:00')
		});
		expect(ids(await find(w.client.anon, { p_query: tag, p_org_id: w.orgB }))).toEqual([inOrgB]);
		expect(ids(await find(w.client.anon, { p_query: tag, p_category: 'sports_day' }))).toEqual([
			inOrgB
		]);
		const window = await find(w.client.anon, {
			p_query: tag,
			p_from: shanghaiAt(4, '00:00'),
			p_to: shanghaiAt(7, '00:00')
		});
		expect(ids(window)).toEqual([later]);
		const first = await find(w.client.anon, { p_query: tag, p_limit: 2, p_offset: 0 });
		const second = await find(w.client.anon, { p_query: tag, p_limit: 2, p_offset: 2 });
		expect(first.total).toBe(3);
		expect(ids(first)).toEqual([early, later]);
		expect(ids(second)).toEqual([inOrgB]);
	});

	it('shows a room booked for the event to anyone, though bookings themselves are staff-only', async () => {
		const bookingId = randomUUID();
		const startsAt = shanghaiAt(12, '09:00');
		const endsAt = shanghaiAt(12, '11:00');
		await domain.db.query(
			`insert into public.venue_bookings (id, venue_id, org_id, status, starts_at, ends_at)
			values ($1::uuid, $2::uuid, $3::uuid, 'approved', $4::timestamptz, $5::timestamptz)`,
			[bookingId, w.venueA, w.orgA, startsAt, endsAt]
		);
		const tag = `场地${randomUUID().slice(0, 6)}`;
		const inRoom = await event({ title: tag, bookingId, startsAt, endsAt });
		const outside = await event({
			title: tag,
			startsAt: shanghaiAt(13, '09:00'),
			endsAt: shanghaiAt(13, '10:00')
		});
		const result = await find(w.client.anon, { p_query: tag });
		const byId = Object.fromEntries(result.items.map((item) => [item.id, item]));
		expect(byId[inRoom].place.venue_zh).toBe('多功能厅');
		expect(byId[inRoom].organisation.name_zh).toBe('测试活动中心');
		expect(byId[outside].place).toMatchObject({ venue_zh: null, address_zh: '测试地址' });
		const bookings = await w.client.anon.from('venue_bookings').select('id').eq('id', bookingId);
		expect(bookings.data ?? []).toEqual([]);
	});
});

describe('event_details', () => {
	it('answers a published event by slug to anyone, and a draft only to its own staff', async () => {
		const published = await event({ title: '公开活动' });
		const draft = await event({ title: '草稿活动', status: 'draft' });
		const slug = (id: string) =>
			row<{ slug: string }>(domain, 'select slug from public.events where id = $1::uuid', [
				id
			]).then((r) => r.slug);
		const open = await w.client.anon.rpc('event_details', { p_slug: await slug(published) });
		expect(open.data).toMatchObject({ id: published, title_zh: '公开活动', description_zh: '' });
		for (const client of [w.client.anon, w.client.guardianA, w.client.staffB]) {
			expect((await client.rpc('event_details', { p_slug: await slug(draft) })).data).toBeNull();
		}
		expect(
			(await w.client.staffA.rpc('event_details', { p_slug: await slug(draft) })).data
		).toMatchObject({ id: draft });
	});
});

describe("a family's own registrations", () => {
	it('my_registrations returns my family’s registrations with who comes, and nobody else’s', async () => {
		const id = await event({ minAge: 3, maxAge: 12 });
		const mine = await w.client.guardianA.rpc('register_family', {
			p_event_id: id,
			p_member_ids: [w.parentA, w.childA]
		});
		expect(mine.error).toBeNull();
		const theirs = await w.client.guardianB.rpc('register_family', {
			p_event_id: id,
			p_member_ids: [w.parentB]
		});
		expect(theirs.error).toBeNull();
		const a = (await w.client.guardianA.rpc('my_registrations', { p_event_id: id })).data as {
			id: string;
			status: string;
			attendees: { nickname: string }[];
			event: { id: string };
		}[];
		expect(a).toHaveLength(1);
		expect(a[0]).toMatchObject({ status: 'confirmed', event: { id } });
		expect(a[0].attendees.map((x) => x.nickname).sort()).toEqual(['乐乐', '妈妈'].sort());
		const b = (await w.client.guardianB.rpc('my_registrations', { p_event_id: id })).data as {
			id: string;
		}[];
		expect(b.map((r) => r.id)).toEqual([
			(theirs.data as { registration_id: string }).registration_id
		]);
		expect((await w.client.guardianC.rpc('my_registrations', {})).data).toEqual([]);
		const anon = await w.client.anon.rpc('my_registrations', {});
		expect(anon.error).not.toBeNull();
	});
});

describe('remove_family_member', () => {
	it('refuses while the member is registered for an event ahead, and removes after cancelling', async () => {
		const [f] = await insertFamilies(domain, 1);
		const client = domain.as(await accessToken(f.user));
		const id = await event({ minAge: 3, maxAge: 12 });
		const registered = await client.rpc('register_family', {
			p_event_id: id,
			p_member_ids: [f.parentId, f.childId]
		});
		expect(registered.error).toBeNull();
		expect(codeOf(await client.rpc('remove_family_member', { p_id: f.childId }))).toBe(
			'member_registered'
		);
		const registrationId = (registered.data as { registration_id: string }).registration_id;
		expect(
			(await client.rpc('cancel_registration', { p_registration_id: registrationId })).error
		).toBeNull();
		const removed = await client.rpc('remove_family_member', { p_id: f.childId });
		expect(removed.error).toBeNull();
		expect(removed.data).toBe(f.childId);
		const left = await row<{ n: string }>(
			domain,
			'select count(*)::text as n from public.family_members where id = $1::uuid',
			[f.childId]
		);
		expect(left.n).toBe('0');
	});

	it("cannot remove another family's member", async () => {
		expect(codeOf(await w.client.guardianB.rpc('remove_family_member', { p_id: w.toddlerA }))).toBe(
			'not_family_member'
		);
		expect(codeOf(await w.client.guardianC.rpc('remove_family_member', { p_id: w.toddlerA }))).toBe(
			'family_required'
		);
		const still = await row<{ n: string }>(
			domain,
			'select count(*)::text as n from public.family_members where id = $1::uuid',
			[w.toddlerA]
		);
		expect(still.n).toBe('1');
	});
});

describe('export_my_family', () => {
	it("holds my family, members, consent and registrations, and nothing of another family's", async () => {
		const { data, error } = await w.client.guardianA.rpc('export_my_family');
		expect(error).toBeNull();
		const exported = data as {
			family: { id: string; guardian_name: string; unsubscribe_token?: string };
			members: { id: string; nickname: string }[];
			consents: { version: string }[];
			registrations: unknown[];
			account: { email: string };
		};
		expect(exported.family.id).toBe(w.familyA);
		expect(exported.family.unsubscribe_token).toBeUndefined();
		expect(exported.account.email).toBe(w.users.guardianA.email);
		expect(exported.members.map((m) => m.id).sort()).toEqual(
			[w.parentA, w.childA, w.toddlerA].sort()
		);
		expect(exported.consents.map((c) => c.version)).toEqual(['2026-12']);
		expect(JSON.stringify(exported)).not.toContain(w.childB);
		expect(JSON.stringify(exported)).not.toContain(w.familyB);
		const anon = await w.client.anon.rpc('export_my_family');
		expect(anon.error).not.toBeNull();
	});
});

describe('delete_my_account', () => {
	it('deletes the account and the family, and gives its places to the waitlist', async () => {
		const [leaving, waiting] = await insertFamilies(domain, 2);
		const leavingClient = domain.as(await accessToken(leaving.user));
		const waitingClient = domain.as(await accessToken(waiting.user));
		const id = await event({ capacity: 2, minAge: 3, maxAge: 12 });
		const first = await leavingClient.rpc('register_family', {
			p_event_id: id,
			p_member_ids: [leaving.parentId, leaving.childId]
		});
		expect((first.data as { status: string }).status).toBe('confirmed');
		const second = await waitingClient.rpc('register_family', {
			p_event_id: id,
			p_member_ids: [waiting.parentId, waiting.childId]
		});
		expect(second.data).toMatchObject({ status: 'waitlisted', waitlist_position: 1 });

		const deleted = await leavingClient.rpc('delete_my_account');
		expect(deleted.error).toBeNull();
		expect(deleted.data).toMatchObject({ deleted: true, family_deleted: true });

		const gone = await row<{ users: string; families: string; members: string; emails: string }>(
			domain,
			`select (select count(*) from auth.users where id = $1::uuid)::text as users,
				(select count(*) from public.families where id = $2::uuid)::text as families,
				(select count(*) from public.family_members where family_id = $2::uuid)::text as members,
				(select count(*) from public.email_outbox where to_email = $3)::text as emails`,
			[leaving.user.id, leaving.familyId, leaving.user.email]
		);
		expect(gone).toEqual({ users: '0', families: '0', members: '0', emails: '0' });
		const promoted = (await waitingClient.rpc('my_registrations', { p_event_id: id })).data as {
			status: string;
		}[];
		expect(promoted[0].status).toBe('confirmed');
		const counts = await row<{ seats_taken: string; waitlist_count: string }>(
			domain,
			'select seats_taken::text, waitlist_count::text from public.events where id = $1::uuid',
			[id]
		);
		expect(counts).toEqual({ seats_taken: '2', waitlist_count: '0' });
	});

	it('deletes an account that never made a family', async () => {
		const user = {
			id: randomUUID(),
			email: `lonely-${randomUUID().slice(0, 6)}@test.gongyu.local`
		};
		await domain.db.exec(usersSql([user]));
		const client = domain.as(await accessToken(user));
		const deleted = await client.rpc('delete_my_account');
		expect(deleted.data).toMatchObject({ deleted: true, family_deleted: false });
		const left = await row<{ n: string }>(
			domain,
			'select count(*)::text as n from auth.users where id = $1::uuid',
			[user.id]
		);
		expect(left.n).toBe('0');
	});

	it('refuses staff accounts and anonymous callers, and deletes nothing', async () => {
		expect(codeOf(await w.client.staffA.rpc('delete_my_account'))).toBe('staff_account');
		expect((await w.client.anon.rpc('delete_my_account')).error).not.toBeNull();
		const staff = await row<{ n: string }>(
			domain,
			'select count(*)::text as n from auth.users where id = $1::uuid',
			[w.users.staffA.id]
		);
		expect(staff.n).toBe('1');
	});
});
