/**
 * Domain fixtures for database tests: a running embedded Supabase with the project's migrations
 * (PGlite from a cached, prepared copy; or a fresh database on the PostgreSQL server), a small
 * world of organisations, venues, families and events written as the owner, and supabase-js
 * clients for each persona, authorised with access tokens signed like Supabase Auth's.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SupabaseClient } from '@supabase/supabase-js';
import {
	createEmbeddedSupabase,
	type EmbeddedSupabase
} from '../../src/lib/server/embedded-supabase';
import { bootstrapSql } from '../../src/lib/server/embedded-supabase/bootstrap';
import {
	openPglite,
	openPostgres,
	type Database
} from '../../src/lib/server/embedded-supabase/database';
import { signJwt } from '../../src/lib/server/embedded-supabase/jwt';
import { LOCAL_JWT_SECRET } from '../../src/lib/server/embedded-supabase/keys';
import { applyBootstrap, migrate } from '../../src/lib/server/embedded-supabase/migrate';
import { API_URL, freshServerDatabase, makeClient, type Backend } from './embedded';

export const SUPABASE_DIR = resolve(import.meta.dirname, '../../supabase');

export interface Domain {
	backend: Backend;
	db: Database;
	embedded: EmbeddedSupabase;
	anon(): SupabaseClient;
	admin(): SupabaseClient;
	/** A client whose requests carry `token` as the user's access token. */
	as(token: string): SupabaseClient;
	close(): Promise<void>;
}

async function migrationsHash(): Promise<string> {
	const pglite = await readFile(
		resolve(SUPABASE_DIR, '../node_modules/@electric-sql/pglite/package.json'),
		'utf8'
	).catch(() => '');
	const hash = createHash('sha256').update(pglite).update(bootstrapSql);
	const dir = join(SUPABASE_DIR, 'migrations');
	for (const file of (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort()) {
		hash.update(file).update(await readFile(join(dir, file)));
	}
	return hash.digest('hex').slice(0, 16);
}

/**
 * A PGlite database with bootstrap and every migration applied, loaded from a dump cached in the
 * temp folder (keyed by the PGlite version, the bootstrap and the migrations' contents): creating
 * and migrating a PGlite takes seconds, loading a dump well under one.
 */
export async function preparedPglite(): Promise<Database> {
	const cacheDir = join(tmpdir(), 'gongyu-test-pglite');
	const file = join(cacheDir, `migrated-${await migrationsHash()}.tar.gz`);
	const cached = await readFile(file).catch(() => null);
	if (cached) return openPglite({ loadDataDir: new Blob([cached]) });
	const db = await openPglite();
	await applyBootstrap(db);
	await migrate(db, { dir: SUPABASE_DIR, seed: false });
	const dump = await db.pglite.dumpDataDir('gzip');
	await mkdir(cacheDir, { recursive: true });
	const partial = `${file}.${process.pid}.${randomUUID()}`;
	await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
	await rename(partial, file);
	// Dumps of earlier migrations are never read again.
	for (const old of await readdir(cacheDir)) {
		if (old.startsWith('migrated-') && join(cacheDir, old) !== file && !old.includes('.tar.gz.')) {
			await rm(join(cacheDir, old), { force: true });
		}
	}
	return db;
}

/**
 * The backend the single-backend database tests run on: PGlite, or the PostgreSQL server in the
 * Vitest project that runs those files again against it (see vite.config.ts).
 */
export const backendUnderTest: Backend =
	process.env.GONGYU_TEST_BACKEND === 'postgres' ? 'postgres' : 'pglite';

export async function startDomain(
	backend: Backend,
	options: { pool?: number } = {}
): Promise<Domain> {
	let db: Database;
	let drop = async () => {};
	if (backend === 'postgres') {
		const fresh = await freshServerDatabase();
		db = await openPostgres({ connectionString: fresh.url, max: options.pool ?? 10 });
		drop = fresh.drop;
		await applyBootstrap(db);
		await migrate(db, { dir: SUPABASE_DIR, seed: false });
	} else {
		db = await preparedPglite();
	}
	const embedded = await createEmbeddedSupabase({
		db,
		apiUrl: API_URL,
		mailer: { send: async () => {} }
	});
	const as = (token: string) =>
		makeClient(API_URL, embedded.keys.publishable, async (input, init) => {
			const request = new Request(input, init);
			request.headers.set('authorization', `Bearer ${token}`);
			return embedded.fetch(request);
		});
	return {
		backend,
		db,
		embedded,
		anon: () => makeClient(API_URL, embedded.keys.publishable, embedded.fetch),
		admin: () => makeClient(API_URL, embedded.keys.secret, embedded.fetch),
		as,
		async close() {
			await embedded.close();
			await db.close();
			await drop();
		}
	};
}

export interface User {
	id: string;
	email: string;
	appMetadata?: Record<string, unknown>;
}

/**
 * An access token with the claims Supabase Auth puts in one; `aal2` as after a verified TOTP code
 * (then `totp` joins `amr`).
 */
export async function accessToken(
	user: User,
	secret = LOCAL_JWT_SECRET,
	aal: 'aal1' | 'aal2' = 'aal1'
): Promise<string> {
	const now = Math.floor(Date.now() / 1000);
	return signJwt(
		{
			iss: `${API_URL}/auth/v1`,
			sub: user.id,
			aud: 'authenticated',
			exp: now + 3600,
			iat: now,
			email: user.email,
			phone: '',
			role: 'authenticated',
			aal,
			amr: [
				...(aal === 'aal2' ? [{ method: 'totp', timestamp: now }] : []),
				{ method: 'password', timestamp: now }
			],
			session_id: randomUUID(),
			is_anonymous: false,
			app_metadata: { provider: 'email', providers: ['email'], ...user.appMetadata },
			user_metadata: {}
		},
		secret
	);
}

/** SQL that creates auth users (no password) with their email identities. */
export function usersSql(users: User[]): string {
	if (users.length === 0) return '';
	const rows = users
		.map(
			(u) =>
				`('${u.id}'::uuid, '${u.email}', '${JSON.stringify({ provider: 'email', providers: ['email'], ...u.appMetadata })}'::jsonb)`
		)
		.join(',\n');
	return `
		with u (id, email, meta) as (values ${rows}),
		users as (
			insert into auth.users (instance_id, id, aud, role, email, email_confirmed_at,
				raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
			select '00000000-0000-0000-0000-000000000000', id, 'authenticated', 'authenticated', email,
				now(), meta, '{}', now(), now() from u
			returning id, email
		)
		insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
		select id::text, id, jsonb_build_object('sub', id::text, 'email', email), 'email', now(), now()
		from users;`;
}

export const PERSONAS = ['anon', 'guardianA', 'guardianB', 'staffA', 'staffB', 'admin'] as const;
export type Persona = (typeof PERSONAS)[number];

/**
 * The world most tests start from:
 * - orgA (a youth centre) with staffA, venueA (09:00–21:00 every day, 15 min buffer) and an
 *   inactive room; orgB (a school parent school) with staffB and venueB (no opening hours);
 * - family A (guardianA: a parent and two children, consent given) and family B (guardianB: a
 *   parent and a child, consent given); guardianC has an account but no family;
 * - a district administrator (app_metadata.role = district_admin).
 * Ids are fresh per call, so several worlds can live in one database.
 */
export interface World {
	orgA: string;
	orgB: string;
	venueA: string;
	venueAInactive: string;
	venueB: string;
	familyA: string;
	familyB: string;
	parentA: string;
	childA: string;
	toddlerA: string;
	parentB: string;
	childB: string;
	users: Record<'guardianA' | 'guardianB' | 'guardianC' | 'staffA' | 'staffB' | 'admin', User>;
	tokens: Record<'guardianA' | 'guardianB' | 'guardianC' | 'staffA' | 'staffB' | 'admin', string>;
	/** supabase-js clients; `anon` uses the publishable key alone. */
	client: Record<Persona | 'guardianC', SupabaseClient>;
}

const id = () => randomUUID();

/** A birth month `years` years and `months` months before the current month, as SQL. */
export const bornSql = (years: number, months = 0) =>
	`(date_trunc('month', now() at time zone 'Asia/Shanghai') - interval '${years} years ${months} months')::date`;

export async function createWorld(domain: Domain): Promise<World> {
	const tag = randomUUID().slice(0, 8);
	const mk = (name: string, appMetadata?: Record<string, unknown>): User => ({
		id: id(),
		email: `${name.toLowerCase()}-${tag}@test.gongyu.local`,
		appMetadata
	});
	const users = {
		guardianA: mk('guardianA'),
		guardianB: mk('guardianB'),
		guardianC: mk('guardianC'),
		staffA: mk('staffA'),
		staffB: mk('staffB'),
		admin: mk('admin', { role: 'district_admin' })
	};
	const w = {
		orgA: id(),
		orgB: id(),
		venueA: id(),
		venueAInactive: id(),
		venueB: id(),
		familyA: id(),
		familyB: id(),
		parentA: id(),
		childA: id(),
		toddlerA: id(),
		parentB: id(),
		childB: id()
	};
	await domain.db.exec(`
		${usersSql(Object.values(users))}
		insert into public.organisations (id, kind, slug, name_zh, name_en, contact_email) values
			('${w.orgA}', 'youth_centre', 'centre-${tag}', '测试活动中心', 'Test Centre', 'centre-${tag}@test.gongyu.local'),
			('${w.orgB}', 'school_parent_school', 'school-${tag}', '测试学校家长学校', 'Test School', null);
		insert into public.org_members (org_id, user_id, role) values
			('${w.orgA}', '${users.staffA.id}', 'manager'),
			('${w.orgB}', '${users.staffB.id}', 'staff');
		insert into public.venues (id, org_id, name_zh, name_en, capacity, buffer_minutes, active) values
			('${w.venueA}', '${w.orgA}', '多功能厅', 'Hall', 100, 15, true),
			('${w.venueAInactive}', '${w.orgA}', '旧教室', 'Old room', 20, 0, false),
			('${w.venueB}', '${w.orgB}', '报告厅', 'Lecture hall', 300, 0, true);
		insert into public.venue_opening_hours (venue_id, weekday, opens_at, closes_at)
		select '${w.venueA}', d, '09:00', '21:00' from generate_series(1, 7) d;
		insert into public.families (id, guardian_id, guardian_name, phone, email, locale) values
			('${w.familyA}', '${users.guardianA.id}', '家长甲', '13800001111', '${users.guardianA.email}', 'zh-CN'),
			('${w.familyB}', '${users.guardianB.id}', 'Parent B', null, '${users.guardianB.email}', 'en');
		insert into public.consents (family_id, user_id, version)
		select f.id, f.guardian_id, public.current_privacy_version() from public.families f
		where f.id in ('${w.familyA}', '${w.familyB}');
		insert into public.family_members (id, family_id, kind, nickname, birth_year_month) values
			('${w.parentA}', '${w.familyA}', 'parent', '妈妈', null),
			('${w.childA}', '${w.familyA}', 'child', '乐乐', ${bornSql(8, 2)}),
			('${w.toddlerA}', '${w.familyA}', 'child', '朵朵', ${bornSql(3, 1)}),
			('${w.parentB}', '${w.familyB}', 'parent', 'Dad', null),
			('${w.childB}', '${w.familyB}', 'child', 'Yu', ${bornSql(7, 5)});
	`);
	const tokens = Object.fromEntries(
		await Promise.all(Object.entries(users).map(async ([k, u]) => [k, await accessToken(u)]))
	) as World['tokens'];
	const client = {
		anon: domain.anon(),
		...Object.fromEntries(Object.entries(tokens).map(([k, t]) => [k, domain.as(t)]))
	} as World['client'];
	return { ...w, users, tokens, client };
}

export interface EventFields {
	org?: string;
	status?: 'draft' | 'published' | 'cancelled';
	capacity?: number;
	/** Hours from now (negative: in the past). */
	startsInHours?: number;
	hours?: number;
	minAge?: number | null;
	maxAge?: number | null;
	maxSeats?: number;
	waitlist?: boolean;
	secondReminder?: boolean;
	opensInHours?: number | null;
	closesInHours?: number | null;
	bookingId?: string | null;
	category?: string;
	/** Exact times (ISO), instead of startsInHours/hours. */
	startsAt?: string;
	endsAt?: string;
}

/** Inserts an event as the owner and returns its id. Defaults: orgA, published, 10 places, in 10 days. */
export async function insertEvent(
	domain: Domain,
	world: World,
	f: EventFields = {}
): Promise<string> {
	const eventId = id();
	const start = f.startsInHours ?? 240;
	const lit = (v: number | null | undefined) =>
		v === null || v === undefined ? 'null' : String(v);
	const at = (h: number | null | undefined) =>
		h === null || h === undefined ? 'null' : `now() + interval '${h} hours'`;
	await domain.db.exec(`
		insert into public.events (id, org_id, slug, category, status, title_zh, title_en, starts_at,
			ends_at, capacity, min_child_age, max_child_age, max_seats_per_family, waitlist_enabled,
			second_reminder, registration_opens_at, registration_closes_at, venue_booking_id, address_zh)
		values ('${eventId}', '${f.org ?? world.orgA}', 'event-${eventId.slice(0, 8)}',
			'${f.category ?? 'parent_child_reading'}', '${f.status ?? 'published'}', '测试活动', 'Test event',
			${f.startsAt ? `'${f.startsAt}'::timestamptz` : `now() + interval '${start} hours'`},
			${f.endsAt ? `'${f.endsAt}'::timestamptz` : `now() + interval '${start + (f.hours ?? 2)} hours'`},
			${f.capacity ?? 10}, ${lit(f.minAge === undefined ? 3 : f.minAge)},
			${lit(f.maxAge === undefined ? 12 : f.maxAge)}, ${f.maxSeats ?? 4}, ${f.waitlist ?? true},
			${f.secondReminder ?? false}, ${at(f.opensInHours)}, ${at(f.closesInHours)},
			${f.bookingId ? `'${f.bookingId}'` : 'null'}, '测试地址');
	`);
	return eventId;
}

/** Adds `count` families (guardian account, consent, one parent and one child of 7) as the owner. */
export async function insertFamilies(
	domain: Domain,
	count: number
): Promise<{ user: User; familyId: string; parentId: string; childId: string }[]> {
	const families = Array.from({ length: count }, (_, i) => ({
		user: { id: id(), email: `family-${i}-${randomUUID().slice(0, 8)}@test.gongyu.local` },
		familyId: id(),
		parentId: id(),
		childId: id()
	}));
	for (let i = 0; i < families.length; i += 250) {
		const chunk = families.slice(i, i + 250);
		const values = (f: (x: (typeof families)[number]) => string) => chunk.map(f).join(',\n');
		await domain.db.exec(`
			${usersSql(chunk.map((f) => f.user))}
			insert into public.families (id, guardian_id, guardian_name, email) values
				${values((f) => `('${f.familyId}', '${f.user.id}', '家长', '${f.user.email}')`)};
			insert into public.consents (family_id, user_id, version)
				select f.id, f.guardian_id, public.current_privacy_version() from public.families f
				where f.id in (${values((f) => `'${f.familyId}'`)});
			insert into public.family_members (id, family_id, kind, nickname, birth_year_month) values
				${values((f) => `('${f.parentId}', '${f.familyId}', 'parent', '家长', null), ('${f.childId}', '${f.familyId}', 'child', '孩子', ${bornSql(7)})`)};
		`);
	}
	return families;
}

/** One row as the owner, values as text (both backends return text). */
export async function row<R = Record<string, string | null>>(
	domain: Domain,
	sql: string,
	params: unknown[] = []
): Promise<R> {
	const { rows } = await domain.db.query<R>(sql, params);
	return rows[0];
}

export async function rows<R = Record<string, string | null>>(
	domain: Domain,
	sql: string,
	params: unknown[] = []
): Promise<R[]> {
	return (await domain.db.query<R>(sql, params)).rows;
}

/** `days` days from today (Asia/Shanghai) at local time `hhmm`, as an ISO string with +08:00. */
export function shanghaiAt(days: number, hhmm: string): string {
	const local = new Date(Date.now() + 8 * 3600_000 + days * 86_400_000);
	return `${local.toISOString().slice(0, 10)}T${hhmm}:00+08:00`;
}

/** The stable code a failed rpc reports (PostgREST puts the exception message in `message`). */
export function codeOf(result: { error: { message: string } | null }): string | null {
	return result.error?.message ?? null;
}
