/**
 * Fixtures for the email tests: an organisation with a published event, families registered in
 * bulk (SQL, as the owner — for hundreds of rows), or one family through supabase-js as its own
 * guardian (the real sign-up → consent → member → register_family path).
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from '../../src/lib/server/embedded-supabase/database';
import type { TestSupabase } from '../support/embedded';

export interface EventFixture {
	orgId: string;
	eventId: string;
	startsAt: Date;
}

let counter = 0;
const unique = () =>
	`${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export async function createEvent(
	db: Database,
	options: {
		startsInHours?: number;
		capacity?: number;
		secondReminder?: boolean;
		orgId?: string;
	} = {}
): Promise<EventFixture> {
	const startsAt = new Date(Date.now() + (options.startsInHours ?? 72) * 3600_000);
	startsAt.setUTCSeconds(0, 0);
	let orgId = options.orgId;
	if (!orgId) {
		const org = await db.query<{ id: string }>(
			`insert into public.organisations (kind, slug, name_zh, name_en, address_zh, address_en)
			 values ('youth_centre', $1, '吴兴区青少年活动中心', 'Wuxing District Youth Activity Centre',
				'西山漾丝绸小镇 1 号', '1 Xishanyang Silk Town') returning id::text`,
			[`org-${unique()}`]
		);
		orgId = org.rows[0].id;
	}
	const event = await db.query<{ id: string }>(
		`insert into public.events (org_id, category, status, title_zh, title_en, starts_at, ends_at,
			address_zh, address_en, capacity, max_seats_per_family, second_reminder)
		 values ($1::uuid, 'parent_child_reading', 'published', '亲子阅读分享会', 'Parent-child reading session',
			$2::timestamptz, $2::timestamptz + interval '2 hours', '西山漾丝绸小镇 3 号楼', 'Building 3, Xishanyang Silk Town',
			$3::int, 4, $4::boolean)
		 returning id::text`,
		[
			orgId,
			startsAt.toISOString(),
			String(options.capacity ?? 5000),
			String(options.secondReminder ?? false)
		]
	);
	return { orgId, eventId: event.rows[0].id, startsAt };
}

/**
 * n confirmed registrations for the event, one family each, in SQL. Families alternate zh-CN / en
 * unless a locale is given. Addresses: `<prefix><i>@example.test`.
 */
export async function registerFamiliesInBulk(
	db: Database,
	eventId: string,
	n: number,
	options: { prefix?: string; locale?: 'zh-CN' | 'en' } = {}
): Promise<void> {
	const prefix = options.prefix ?? `f${unique()}-`;
	await db.exec(`
		create sequence if not exists test_check_in_codes start 1048576;
		create temporary table if not exists bulk_families (i int, user_id uuid, family_id uuid, member_id uuid) on commit drop;
		insert into bulk_families (i, user_id, family_id, member_id)
			select i, gen_random_uuid(), gen_random_uuid(), gen_random_uuid() from generate_series(1, ${Number(n)}) i;
		insert into auth.users (id, aud, role, email, email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
			select user_id, 'authenticated', 'authenticated', '${prefix}' || i || '@example.test', now(),
				'{"provider":"email","providers":["email"]}', '{}', now(), now() from bulk_families;
		insert into public.families (id, guardian_id, guardian_name, email, locale)
			select family_id, user_id, '家长' || i, '${prefix}' || i || '@example.test',
				${options.locale ? `'${options.locale}'` : `case when i % 2 = 0 then 'en' else 'zh-CN' end`}::public.app_locale
			from bulk_families;
		insert into public.consents (family_id, user_id, version)
			select family_id, user_id, public.current_privacy_version() from bulk_families;
		insert into public.family_members (id, family_id, kind, nickname, birth_year_month)
			select member_id, family_id, 'child', '小明' || i, date '2019-05-01' from bulk_families;
		insert into public.registrations (id, event_id, family_id, status, seats, check_in_code, confirmed_at)
			select family_id, '${eventId}'::uuid, family_id, 'confirmed', 1,
				upper(lpad(to_hex(nextval('test_check_in_codes')), 6, '0')), now()
			from bulk_families;
		insert into public.registration_attendees (registration_id, member_id)
			select family_id, member_id from bulk_families;
	`);
}

export interface GuardianFixture {
	client: SupabaseClient;
	userId: string;
	email: string;
	familyId: string;
	childId: string;
	unsubscribeToken: string;
}

/** A guardian who signs in and sets up the family through supabase-js, as the app does. */
export async function createGuardian(
	t: TestSupabase,
	options: { email?: string; locale?: 'zh-CN' | 'en'; child?: string } = {}
): Promise<GuardianFixture> {
	const email = options.email ?? `guardian-${unique()}@example.test`;
	const client = await t.userClient(email);
	const { data: userData } = await client.auth.getUser();
	const userId = userData.user!.id;
	const family = await client
		.from('families')
		.insert({ guardian_name: '王女士', email, locale: options.locale ?? 'zh-CN' })
		.select('id, unsubscribe_token')
		.single();
	if (family.error) throw family.error;
	const version = await client.rpc('current_privacy_version');
	if (version.error) throw version.error;
	const consent = await client.rpc('give_consent', { p_version: version.data });
	if (consent.error) throw consent.error;
	const child = await client.rpc('save_family_member', {
		p_kind: 'child',
		p_nickname: options.child ?? '小雨',
		p_birth_year_month: '2019-06-01'
	});
	if (child.error) throw child.error;
	return {
		client,
		userId,
		email,
		familyId: family.data.id,
		childId: (child.data as { id: string }).id,
		unsubscribeToken: family.data.unsubscribe_token
	};
}

export async function register(
	guardian: GuardianFixture,
	eventId: string
): Promise<{ registration_id: string; status: string }> {
	const { data, error } = await guardian.client.rpc('register_family', {
		p_event_id: eventId,
		p_member_ids: [guardian.childId]
	});
	if (error) throw error;
	return data as { registration_id: string; status: string };
}

/** A staff member of the organisation (org_members row), signed in through supabase-js. */
export async function createStaff(t: TestSupabase, orgId: string): Promise<SupabaseClient> {
	const email = `staff-${unique()}@example.test`;
	const client = await t.userClient(email);
	const { data } = await client.auth.getUser();
	await t.db.query(
		`insert into public.org_members (org_id, user_id, role) values ($1::uuid, $2::uuid, 'staff')`,
		[orgId, data.user!.id]
	);
	return client;
}

export async function outboxRows(
	db: Database,
	where = 'true'
): Promise<
	{
		id: string;
		kind: string;
		to_email: string;
		status: string;
		batch_key: string | null;
		provider_id: string | null;
		last_error: string | null;
		attempts: number;
	}[]
> {
	const { rows } = await db.query<{ row: string }>(
		`select to_jsonb(o)::text as row from public.email_outbox o where ${where} order by o.created_at, o.id`
	);
	return rows.map((r) => JSON.parse(r.row));
}

export async function queueReminders(db: Database, at: Date): Promise<number> {
	const { rows } = await db.query<{ n: string }>(
		`select public.enqueue_due_reminders($1::timestamptz)::text as n`,
		[at.toISOString()]
	);
	return Number(rows[0].n);
}

/**
 * The day word a 24-hour reminder queued at `queuedAt` gives an event starting at `startsAt`
 * (English): an event 20 hours away is tomorrow or, queued after midnight, tonight or today.
 */
export function reminderDayEn(startsAt: Date, queuedAt = new Date()): string {
	const beijing = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString();
	if (beijing(startsAt).slice(0, 10) !== beijing(queuedAt).slice(0, 10)) return 'tomorrow';
	return Number(beijing(startsAt).slice(11, 13)) >= 18 ? 'tonight' : 'today';
}
