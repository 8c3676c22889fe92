/**
 * The district administrators' SQL (20261129001600_district_admin.sql) through supabase-js:
 * district_participation counts, allowed for a district administrator and refused to everyone
 * else; and the organisation/staff management the admin pages rely on (add_org_member, org_staff,
 * RLS on organisations and org_members), allowed and denied.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverAvailable, type Backend } from '../support/embedded';
import {
	codeOf,
	createWorld,
	insertEvent,
	insertFamilies,
	startDomain,
	type Domain,
	type World
} from '../support/personas';

interface Row {
	org_id: string;
	org_kind: string;
	category: string | null;
	events_published: number;
	events_held: number;
	events_cancelled: number;
	places_offered: number;
	families_registered: number;
	people_registered: number;
	people_attended: number;
	people_no_show: number;
	families_waitlisted: number;
	people_waitlisted: number;
	fill_rate: number | null;
	channels: Record<string, number>;
}

const backends: Backend[] = ['pglite', 'postgres'];
const serverUp = await serverAvailable();

describe.each(backends)('district administration SQL on %s', (backend) => {
	let domain: Domain;
	let w: World;
	const from = new Date(Date.now() - 90 * 86_400_000).toISOString();
	const skip = backend === 'postgres' && !serverUp;

	async function register(
		eventId: string,
		familyId: string,
		status: string,
		seats: number,
		source: string | null,
		position: number | null = null
	) {
		await domain.db.query(
			`insert into public.registrations (event_id, family_id, status, seats, waitlist_position,
				waitlist_joined_at, check_in_code, source)
			values ($1::uuid, $2::uuid, $3::public.registration_status, $4::smallint, $5::integer,
				case when $5 is null then null else now() end, private.new_check_in_code(), $6)`,
			[eventId, familyId, status, String(seats), position == null ? null : String(position), source]
		);
	}

	beforeAll(async () => {
		if (skip) return;
		domain = await startDomain(backend);
		w = await createWorld(domain);
		const [f1, f2, f3] = await insertFamilies(domain, 3);
		// orgA: a reading session held two days ago, an upcoming lecture, a draft, a cancelled
		// event, and one held long before the period.
		const held = await insertEvent(domain, w, { startsInHours: -48, capacity: 10 });
		const lecture = await insertEvent(domain, w, {
			startsInHours: 72,
			capacity: 20,
			category: 'parenting_lecture'
		});
		const draft = await insertEvent(domain, w, { status: 'draft', capacity: 50 });
		await insertEvent(domain, w, { status: 'cancelled', capacity: 30 });
		const old = await insertEvent(domain, w, { startsInHours: -24 * 200, capacity: 40 });
		await register(held, w.familyA, 'attended', 3, 'poster');
		await register(held, w.familyB, 'no_show', 2, null);
		await register(lecture, f1.familyId, 'confirmed', 2, 'wechat');
		await register(lecture, f2.familyId, 'waitlisted', 1, 'wechat', 1);
		await register(lecture, f3.familyId, 'cancelled', 4, 'poster');
		await register(draft, w.familyA, 'confirmed', 1, 'poster');
		await register(old, w.familyB, 'attended', 2, 'poster');
	});

	afterAll(async () => {
		await domain?.close();
	});

	it.skipIf(skip)(
		'a district administrator sees counts per organisation and category',
		async () => {
			const { data, error } = await w.client.admin.rpc('district_participation', {
				p_from: from,
				p_to: null as unknown as string
			});
			expect(error).toBeNull();
			const rows = (data as Row[]).filter((r) => r.org_id === w.orgA);
			const reading = rows.find((r) => r.category === 'parent_child_reading');
			const lecture = rows.find((r) => r.category === 'parenting_lecture');
			expect(reading).toMatchObject({
				org_kind: 'youth_centre',
				events_published: 1,
				events_held: 1,
				events_cancelled: 1,
				places_offered: 10,
				families_registered: 2,
				people_registered: 5,
				people_attended: 3,
				people_no_show: 2,
				families_waitlisted: 0,
				channels: { poster: 1, '': 1 }
			});
			expect(Number(reading!.fill_rate)).toBe(0.5);
			expect(lecture).toMatchObject({
				events_published: 1,
				events_held: 0,
				places_offered: 20,
				families_registered: 1,
				people_registered: 2,
				people_attended: 0,
				families_waitlisted: 1,
				people_waitlisted: 1,
				channels: { wechat: 2 }
			});
			expect(Number(lecture!.fill_rate)).toBe(0.1);
			// orgB has no events in the period: one row of zeros without a category.
			const quiet = (data as Row[]).filter((r) => r.org_id === w.orgB);
			expect(quiet).toEqual([
				expect.objectContaining({ category: null, events_published: 0, fill_rate: null })
			]);
		}
	);

	it.skipIf(skip)('the period decides which events count', async () => {
		const { data, error } = await w.client.admin.rpc('district_participation', {
			p_from: new Date(Date.now() - 400 * 86_400_000).toISOString(),
			p_to: new Date(Date.now() - 86_400_000).toISOString()
		});
		expect(error).toBeNull();
		const reading = (data as Row[]).find(
			(r) => r.org_id === w.orgA && r.category === 'parent_child_reading'
		);
		// The event of 200 days ago and the one two days ago; not the upcoming ones.
		expect(reading).toMatchObject({ events_published: 2, places_offered: 50, people_attended: 5 });
		expect((data as Row[]).some((r) => r.category === 'parenting_lecture')).toBe(false);
	});

	it.skipIf(skip)('a period ending before it starts is refused', async () => {
		const result = await w.client.admin.rpc('district_participation', {
			p_from: new Date().toISOString(),
			p_to: from
		});
		expect(codeOf(result)).toBe('invalid_period');
	});

	it.skipIf(skip)('parents and staff are refused the district overview', async () => {
		for (const client of [w.client.guardianA, w.client.staffA, w.client.staffB]) {
			const result = await client.rpc('district_participation', { p_from: from, p_to: from });
			expect(codeOf(result)).toBe('not_authorised');
			expect(result.data).toBeNull();
		}
		const anon = await w.client.anon.rpc('district_participation', { p_from: from, p_to: from });
		expect(anon.error).not.toBeNull();
		expect(anon.data).toBeNull();
	});

	it.skipIf(skip)(
		'a district administrator creates an organisation and manages its staff',
		async () => {
			const slug = `admin-test-${Date.now().toString(36)}`;
			const { data: org, error } = await w.client.admin
				.from('organisations')
				.insert({
					kind: 'community_parent_school',
					slug,
					name_zh: '测试社区家长学校',
					name_en: 'Test'
				})
				.select('id')
				.single();
			expect(error).toBeNull();
			const added = await w.client.admin.rpc('add_org_member', {
				p_org_id: org!.id,
				p_email: w.users.guardianC.email.toUpperCase(),
				p_role: 'manager'
			});
			expect(added.error).toBeNull();
			const staff = await w.client.admin.rpc('org_staff', { p_org_id: org!.id });
			expect(staff.data).toEqual([
				expect.objectContaining({ email: w.users.guardianC.email, role: 'manager' })
			]);
			const unknown = await w.client.admin.rpc('add_org_member', {
				p_org_id: org!.id,
				p_email: 'nobody@example.cn'
			});
			expect(codeOf(unknown)).toBe('user_not_found');
			const removed = await w.client.admin
				.from('org_members')
				.delete()
				.eq('org_id', org!.id)
				.eq('user_id', w.users.guardianC.id)
				.select('user_id');
			expect(removed.data).toHaveLength(1);
			expect((await w.client.admin.rpc('org_staff', { p_org_id: org!.id })).data).toEqual([]);
		}
	);

	it.skipIf(skip)('parents and staff cannot add organisations or staff', async () => {
		for (const client of [w.client.guardianA, w.client.staffA]) {
			const insert = await client
				.from('organisations')
				.insert({ kind: 'other', slug: `nope-${Date.now()}`, name_zh: '不行', name_en: 'No' });
			expect(insert.error).not.toBeNull();
			const add = await client.rpc('add_org_member', {
				p_org_id: w.orgA,
				p_email: w.users.guardianC.email
			});
			expect(codeOf(add)).toBe('not_authorised');
			// Removing someone is silently nothing: RLS hides the row from the delete.
			const removed = await client
				.from('org_members')
				.delete()
				.eq('org_id', w.orgA)
				.eq('user_id', w.users.staffA.id)
				.select('user_id');
			expect(removed.data ?? []).toHaveLength(0);
		}
		const parentStaff = await w.client.guardianA.rpc('org_staff', { p_org_id: w.orgA });
		expect(codeOf(parentStaff)).toBe('not_authorised');
		const stillThere = await domain.db.query<{ n: string }>(
			`select count(*) as n from public.org_members where org_id = $1::uuid`,
			[w.orgA]
		);
		expect(Number(stillThere.rows[0].n)).toBe(1);
	});
});
