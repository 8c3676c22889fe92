import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	serverAvailable,
	startEmbedded,
	type Backend,
	type TestSupabase
} from '../support/embedded';

const ORG = 'a1000000-0000-4000-8000-000000000001';
const OTHER_ORG = 'a1000000-0000-4000-8000-000000000002';
const VENUE = 'b1000000-0000-4000-8000-000000000001';
const BOOKING = 'c1000000-0000-4000-8000-000000000001';
const EVENT_IN_ROOM = 'e1000000-0000-4000-8000-000000000001';
const EVENT_OUTSIDE = 'e1000000-0000-4000-8000-000000000002';
const EVENT_DRAFT = 'e1000000-0000-4000-8000-000000000003';
const EVENT_CANCELLED = 'e1000000-0000-4000-8000-000000000004';
const EVENT_OTHER_ORG = 'e1000000-0000-4000-8000-000000000005';

// Events a week ahead; the booking holds the room for the first of them.
const fixtures = `
insert into public.organisations (id, kind, slug, name_zh, name_en, address_zh, address_en, contact_email)
values
	('${ORG}', 'youth_centre', 'youth-centre', '吴兴区青少年活动中心', 'Wuxing Youth Activity Centre',
		'西山漾丝绸小镇', 'Xishanyang Silk Town', 'youth@example.cn'),
	('${OTHER_ORG}', 'community_parent_school', 'river-community', '河畔社区家长学校', 'Riverside Community Parent School',
		null, null, null);
insert into public.venues (id, org_id, name_zh, name_en, capacity)
values ('${VENUE}', '${ORG}', '阅读室', 'Reading room', 40);
insert into public.venue_bookings (id, venue_id, org_id, status, starts_at, ends_at)
values ('${BOOKING}', '${VENUE}', '${ORG}', 'approved', now() + interval '7 days', now() + interval '7 days 3 hours');
insert into public.events (id, org_id, slug, category, status, title_zh, title_en, starts_at, ends_at,
	venue_booking_id, address_zh, capacity)
values
	('${EVENT_IN_ROOM}', '${ORG}', 'reading-in-room', 'parent_child_reading', 'published', '亲子阅读', 'Reading',
		now() + interval '7 days 1 hour', now() + interval '7 days 2 hours', '${BOOKING}', null, 30),
	('${EVENT_OUTSIDE}', '${ORG}', 'sports-outside', 'sports_day', 'published', '趣味运动会', 'Sports day',
		now() + interval '8 days', now() + interval '8 days 3 hours', null, '滨湖公园', 100),
	('${EVENT_DRAFT}', '${ORG}', 'draft-event', 'sports_day', 'draft', '草稿', '',
		now() + interval '9 days', now() + interval '9 days 1 hour', null, null, 10),
	('${EVENT_CANCELLED}', '${ORG}', 'cancelled-event', 'parent_class', 'published', '家长课堂', '',
		now() + interval '10 days', now() + interval '10 days 1 hour', null, '线上', 10),
	('${EVENT_OTHER_ORG}', '${OTHER_ORG}', 'other-org-event', 'parent_class', 'published', '社区课堂', '',
		now() + interval '10 days', now() + interval '10 days 1 hour', null, '社区中心', 10);
update public.events set status = 'cancelled', cancelled_reason = '讲师临时有事' where id = '${EVENT_CANCELLED}';
`;

async function userId(client: SupabaseClient): Promise<string> {
	const { data, error } = await client.auth.getUser();
	if (error || !data.user) throw error ?? new Error('no user');
	return data.user.id;
}

/** A guardian with a family of one parent, registered for the event through `source`. */
async function registerParent(
	t: TestSupabase,
	email: string,
	eventId: string,
	source: string | null
) {
	const client = await t.userClient(email);
	const id = await userId(client);
	const family = await client
		.from('families')
		.insert({ guardian_id: id, guardian_name: '王女士', email })
		.select('id')
		.single();
	if (family.error) throw family.error;
	const member = await client.rpc('save_family_member', { p_kind: 'parent', p_nickname: '妈妈' });
	if (member.error) throw member.error;
	const registration = await client.rpc('register_family', {
		p_event_id: eventId,
		p_member_ids: [(member.data as { id: string }).id],
		p_source: source
	});
	if (registration.error) throw registration.error;
	return client;
}

const backends: Backend[] = ['pglite', 'postgres'];

describe.each(backends)('promotion SQL on %s', (backend) => {
	let t: TestSupabase | null = null;
	let staff: SupabaseClient;
	let otherStaff: SupabaseClient;

	beforeAll(async () => {
		if (backend === 'postgres' && !(await serverAvailable())) return;
		t = await startEmbedded({ backend, dir: 'supabase', sql: fixtures });
		staff = await t.userClient('staff@youth.example.cn');
		otherStaff = await t.userClient('staff@river.example.cn');
		await t.db.query(
			`insert into public.org_members (org_id, user_id, role) values ($1::uuid, $2::uuid, 'staff'), ($3::uuid, $4::uuid, 'staff')`,
			[ORG, await userId(staff), OTHER_ORG, await userId(otherStaff)]
		);
	});

	afterAll(async () => {
		await t?.close();
	});

	const ready = () => {
		if (!t) throw new Error('PostgreSQL server not reachable (not under CI): nothing was tested');
		return t;
	};

	it('anyone sees published and cancelled events with their place, never drafts', async (ctx) => {
		if (!t) return ctx.skip();
		const { data, error } = await ready().anon().rpc('public_events', { p_org_id: ORG });
		expect(error).toBeNull();
		const rows = data as Array<Record<string, unknown>>;
		expect(rows.map((r) => r.slug)).toEqual([
			'reading-in-room',
			'sports-outside',
			'cancelled-event'
		]);
		const inRoom = rows[0];
		// The room comes from a booking the anonymous visitor cannot read directly.
		expect(inRoom.place_zh).toBe('阅读室 · 西山漾丝绸小镇');
		expect(inRoom.place_en).toBe('Reading room · Xishanyang Silk Town');
		expect(inRoom.org_slug).toBe('youth-centre');
		expect(rows[1].place_zh).toBe('滨湖公园');
		expect(rows[2].status).toBe('cancelled');
		const direct = await ready().anon().from('venue_bookings').select('id');
		expect(direct.error).not.toBeNull();
	});

	it('filters public events by category, slug and end time', async (ctx) => {
		if (!t) return ctx.skip();
		const anon = ready().anon();
		const byCategory = await anon.rpc('public_events', { p_category: 'parent_class' });
		expect((byCategory.data as Array<{ slug: string }>).map((r) => r.slug).sort()).toEqual([
			'cancelled-event',
			'other-org-event'
		]);
		const bySlug = await anon.rpc('public_events', { p_slug: 'draft-event' });
		expect(bySlug.data).toEqual([]);
		const later = await anon.rpc('public_events', {
			p_org_id: ORG,
			p_ends_after: new Date(Date.now() + 8.5 * 86_400_000).toISOString()
		});
		expect((later.data as Array<{ slug: string }>).map((r) => r.slug)).toEqual(['cancelled-event']);
	});

	it('a changed time raises the event sequence, a counter change does not', async (ctx) => {
		if (!t) return ctx.skip();
		const before = await staff.from('events').select('sequence').eq('id', EVENT_OUTSIDE).single();
		const moved = await staff
			.from('events')
			.update({ ends_at: new Date(Date.now() + 8 * 86_400_000 + 4 * 3_600_000).toISOString() })
			.eq('id', EVENT_OUTSIDE)
			.select('sequence')
			.single();
		expect(moved.error).toBeNull();
		expect(moved.data!.sequence).toBe(before.data!.sequence + 1);
		await registerParent(ready(), 'seq@example.cn', EVENT_OUTSIDE, null);
		const after = await staff
			.from('events')
			.select('sequence, seats_taken')
			.eq('id', EVENT_OUTSIDE)
			.single();
		expect(after.data).toEqual({ sequence: moved.data!.sequence, seats_taken: 1 });
	});

	it('a registration through a tagged link is counted for that channel', async (ctx) => {
		if (!t) return ctx.skip();
		await registerParent(ready(), 'poster1@example.cn', EVENT_IN_ROOM, 'poster');
		await registerParent(ready(), 'poster2@example.cn', EVENT_IN_ROOM, ' Poster ');
		await registerParent(ready(), 'wechat@example.cn', EVENT_IN_ROOM, 'wechat');
		const bad = await registerParent(ready(), 'bad@example.cn', EVENT_IN_ROOM, '<script>');
		await registerParent(ready(), 'direct@example.cn', EVENT_IN_ROOM, null);
		const mine = await bad.from('registrations').select('id').single();
		const cancelled = await bad.rpc('cancel_registration', { p_registration_id: mine.data!.id });
		expect(cancelled.error).toBeNull();

		const { data, error } = await staff.rpc('event_channel_counts', { p_org_id: ORG });
		expect(error).toBeNull();
		const rows = (data as Array<Record<string, unknown>>).filter(
			(r) => r.event_id === EVENT_IN_ROOM
		);
		const bySource = Object.fromEntries(
			rows.map((r) => [r.source ?? 'direct', [r.registrations, r.people, r.cancelled]])
		);
		// An unusable tag is stored as no tag ("direct"); its cancellation is counted apart.
		expect(bySource).toEqual({ poster: [2, 2, 0], wechat: [1, 1, 0], direct: [1, 1, 1] });
		// Counts only: no family, registration or person is named.
		expect(Object.keys(rows[0]).sort()).toEqual(
			[
				'cancelled',
				'event_id',
				'event_slug',
				'org_id',
				'people',
				'registrations',
				'source',
				'starts_at',
				'title_en',
				'title_zh'
			].sort()
		);
	});

	it('staff of another organisation, a parent and a visitor see no channel counts', async (ctx) => {
		if (!t) return ctx.skip();
		const other = await otherStaff.rpc('event_channel_counts', { p_org_id: ORG });
		expect(other.error).toBeNull();
		expect(other.data).toEqual([]);
		const everything = await otherStaff.rpc('event_channel_counts');
		expect(everything.data).toEqual([]);
		const parent = await ready().userClient('poster1@example.cn');
		const asParent = await parent.rpc('event_channel_counts');
		expect(asParent.data).toEqual([]);
		const anon = await ready().anon().rpc('event_channel_counts');
		expect(anon.error).not.toBeNull();
		expect(anon.data).toBeNull();
	});

	it('a district administrator sees every organisation’s channels', async (ctx) => {
		if (!t) return ctx.skip();
		const admin = await ready().userClient('admin@district.example.cn', {
			appMetadata: { role: 'district_admin' }
		});
		const { data, error } = await admin.rpc('event_channel_counts');
		expect(error).toBeNull();
		expect((data as Array<{ event_id: string }>).some((r) => r.event_id === EVENT_IN_ROOM)).toBe(
			true
		);
	});
});
