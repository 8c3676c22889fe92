/**
 * The migrations apply cleanly, from nothing, on PGlite and on the PostgreSQL server (both
 * prepared with the bootstrap), the seed loads on both, and its demo accounts can sign in.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmbeddedSupabase } from '../../src/lib/server/embedded-supabase';
import {
	openPglite,
	openPostgres,
	type Database
} from '../../src/lib/server/embedded-supabase/database';
import { applyBootstrap, migrate } from '../../src/lib/server/embedded-supabase/migrate';
import { API_URL, freshServerDatabase, makeClient, serverAvailable } from '../support/embedded';
import { SUPABASE_DIR } from '../support/personas';

const server = await serverAvailable();
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
	for (const cleanup of cleanups.reverse()) await cleanup();
});

async function open(backend: 'pglite' | 'postgres'): Promise<Database> {
	if (backend === 'pglite') {
		const db = await openPglite();
		cleanups.push(() => db.close());
		return db;
	}
	const fresh = await freshServerDatabase();
	const db = await openPostgres({ connectionString: fresh.url, max: 4 });
	cleanups.push(async () => {
		await db.close();
		await fresh.drop();
	});
	return db;
}

const count = async (db: Database, sql: string) =>
	Number((await db.query<{ n: string }>(sql)).rows[0].n);

describe.each([
	['pglite', true],
	['postgres', server]
] as const)('on %s', (backend, available) => {
	describe.skipIf(!available)('from an empty database', () => {
		let db: Database;

		it('applies every migration and the seed', async () => {
			db = await open(backend);
			await applyBootstrap(db);
			const files = (await readdir(join(SUPABASE_DIR, 'migrations')))
				.filter((f) => f.endsWith('.sql'))
				.sort();
			const result = await migrate(db, { dir: SUPABASE_DIR, seed: true });
			expect(result.applied).toEqual(files);
			expect(result.seeded).toBe(true);
		});

		it('applies nothing the second time, bootstrap included', async () => {
			await applyBootstrap(db);
			expect(await migrate(db, { dir: SUPABASE_DIR, seed: true })).toEqual({
				applied: [],
				seeded: false
			});
		});

		it('leaves no table in public without row-level security', async () => {
			const { rows } = await db.query<{ relname: string }>(
				`select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
				where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relrowsecurity`
			);
			expect(rows).toEqual([]);
		});

		it('exposes no security definer function in public with a search_path other than empty', async () => {
			const { rows } = await db.query<{ proname: string }>(
				`select p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace
				where n.nspname in ('public', 'private') and p.prosecdef
					and not coalesce(p.proconfig, '{}') @> array['search_path=""']`
			);
			expect(rows).toEqual([]);
		});

		it('seeds about forty events over the coming eight weeks, some nearly full, some with a waitlist', async () => {
			const upcoming = await count(
				db,
				`select count(*)::text as n from public.events where status = 'published'
				and starts_at > now() and starts_at < now() + interval '8 weeks'`
			);
			expect(upcoming).toBeGreaterThanOrEqual(38);
			expect(await count(db, `select count(distinct category)::text as n from public.events`)).toBe(
				9
			);
			expect(
				await count(db, `select count(*)::text as n from public.events where waitlist_count > 0`)
			).toBeGreaterThanOrEqual(3);
			expect(
				await count(
					db,
					`select count(*)::text as n from public.events
					where seats_taken < capacity and seats_taken >= capacity - 4 and starts_at > now()`
				)
			).toBeGreaterThanOrEqual(3);
			expect(
				await count(
					db,
					`select count(*)::text as n from public.events where seats_taken > capacity`
				)
			).toBe(0);
			const names = (
				await db.query<{ name_zh: string }>('select name_zh from public.organisations')
			).rows.map((r) => r.name_zh);
			expect(names).toEqual(
				expect.arrayContaining([
					'吴兴区青少年活动中心',
					'吴兴区校外心理辅导中心',
					'吴兴区妇儿活动中心',
					'湖州四中教育集团家长学校'
				])
			);
		});

		it('seeds a parent-school course of eight weekly evenings, open for enrolment, six to complete', async () => {
			const [course] = (
				await db.query<{ sessions: string; required: string; open: string; first: string }>(
					`select count(s.event_id)::text as sessions, c.sessions_required::text as required,
						public.course_details(c.slug) ->> 'enrolment_open' as open,
						(min(e.starts_at) > now())::text as first
					from public.courses c
					join public.course_sessions s on s.course_id = c.id
					join public.events e on e.id = s.event_id and e.status = 'published'
					where c.slug = 'no4-talking-with-teenagers' and c.status = 'published'
					group by c.id`
				)
			).rows;
			expect(course).toEqual({ sessions: '8', required: '6', open: 'true', first: 'true' });
		});

		it('lets the demo accounts sign in with the demo password', async () => {
			const embedded = await createEmbeddedSupabase({
				db,
				apiUrl: API_URL,
				mailer: { send: async () => {} }
			});
			cleanups.push(() => embedded.close());
			const client = () => makeClient(API_URL, embedded.keys.publishable, embedded.fetch);

			const parent = client();
			const signIn = await parent.auth.signInWithPassword({
				email: 'parent1@demo.gongyu.local',
				password: 'gongyu-demo'
			});
			expect(signIn.error).toBeNull();
			const members = await parent.from('family_members').select('kind');
			expect(members.data?.map((m) => m.kind).sort()).toEqual([
				'child',
				'child',
				'grandparent',
				'parent'
			]);

			const admin = client();
			expect(
				(
					await admin.auth.signInWithPassword({
						email: 'admin@district.demo.gongyu.local',
						password: 'gongyu-demo'
					})
				).error
			).toBeNull();
			const families = await admin.from('families').select('id', { count: 'exact', head: true });
			expect(families.count).toBeGreaterThan(2);

			const staff = client();
			await staff.auth.signInWithPassword({
				email: 'staff@youth.demo.gongyu.local',
				password: 'gongyu-demo'
			});
			const pending = await staff.from('venue_bookings').select('id').eq('status', 'requested');
			expect(pending.data?.length).toBeGreaterThanOrEqual(2);
		});
	});
});
