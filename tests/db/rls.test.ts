/**
 * Row-level security, table by table, through supabase-js as each persona: anon, guardian A,
 * guardian B, staff of the organisation (A), staff of another organisation (B) and a district
 * administrator. Every allowed operation must succeed and every denied one must fail or touch
 * nothing — checked afterwards as the owner.
 */
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	backendUnderTest,
	PERSONAS,
	createWorld,
	insertEvent,
	row,
	shanghaiAt,
	startDomain,
	type Domain,
	type Persona,
	type World
} from '../support/personas';

let domain: Domain;
let w: World;
const fx = {} as {
	eventPublished: string;
	eventDraft: string;
	registrationA: string;
	outboxA: string;
	bookingByB: string;
	bookingByA: string;
};

beforeAll(async () => {
	domain = await startDomain(backendUnderTest);
	w = await createWorld(domain);
	fx.eventPublished = await insertEvent(domain, w);
	fx.eventDraft = await insertEvent(domain, w, { status: 'draft' });
	const reg = await w.client.guardianA.rpc('register_family', {
		p_event_id: fx.eventPublished,
		p_member_ids: [w.parentA, w.childA]
	});
	expect(reg.error).toBeNull();
	fx.registrationA = reg.data.registration_id;
	fx.outboxA = (
		await row<{ id: string }>(
			domain,
			'select id::text from public.email_outbox where registration_id = $1::uuid',
			[fx.registrationA]
		)
	).id;
	const byB = await w.client.staffB.rpc('request_venue_booking', {
		p_venue_id: w.venueA,
		p_starts_at: shanghaiAt(10, '10:00'),
		p_ends_at: shanghaiAt(10, '12:00'),
		p_purpose: 'parents committee',
		p_org_id: w.orgB
	});
	expect(byB.error).toBeNull();
	fx.bookingByB = byB.data.booking_id;
	const byA = await w.client.staffA.rpc('request_venue_booking', {
		p_venue_id: w.venueA,
		p_starts_at: shanghaiAt(11, '10:00'),
		p_ends_at: shanghaiAt(11, '12:00'),
		p_purpose: 'our own reading club',
		p_org_id: w.orgA
	});
	expect(byA.error).toBeNull();
	fx.bookingByA = byA.data.booking_id;
});

afterAll(async () => {
	await domain?.close();
});

const c = (p: Persona): SupabaseClient => w.client[p];
const exists = async (sql: string, params: unknown[]) =>
	(await domain.db.query(sql, params)).rows.length > 0;
const tag = () => randomUUID().slice(0, 8);
/** What an attempt made, for its effect check (by the attempt's tag). */
const stash = new Map<string, string>();

type Allowed = readonly Persona[];

/** Runs one check per persona: `attempt` does the operation, `effect` says whether it happened. */
function matrix(
	op: string,
	allowed: Allowed,
	attempt: (p: Persona, t: string) => PromiseLike<{ error: unknown }>,
	effect: (p: Persona, t: string) => Promise<boolean>,
	options: { errorWhenDenied?: boolean } = {}
) {
	describe(op, () => {
		it.each(PERSONAS.map((p) => [p, allowed.includes(p)] as const))(
			'%s → allowed: %s',
			async (p, ok) => {
				const t = tag();
				const result = await attempt(p, t);
				if (ok) expect(result.error).toBeNull();
				else if (options.errorWhenDenied) expect(result.error).not.toBeNull();
				expect(await effect(p, t)).toBe(ok);
			}
		);
	});
}

/** Select: which personas can see the row(s) matched by `filter`. */
function selectMatrix(table: string, allowed: Allowed, filter: () => [string, string]) {
	matrix(
		'select',
		allowed,
		async () => ({ error: null }),
		async (p) => {
			const [column, value] = filter();
			const { data, error } = await c(p).from(table).select('*').eq(column, value);
			return !error && (data?.length ?? 0) > 0;
		}
	);
}

const everyone: Allowed = PERSONAS;
const nobody: Allowed = [];

describe('every table in public has row-level security enabled', () => {
	it('no public table without RLS', async () => {
		const { rows } = await domain.db.query<{ relname: string }>(
			`select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
			where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relrowsecurity`
		);
		expect(rows.map((r) => r.relname)).toEqual([]);
	});

	it('anon and authenticated have no grants on public tables beyond what migrations give', async () => {
		// TRUNCATE, REFERENCES and TRIGGER are never needed by the API roles.
		const { rows } = await domain.db.query<{ grant: string }>(
			`select table_name || ':' || grantee || ':' || privilege_type as grant
			from information_schema.role_table_grants
			where table_schema = 'public' and grantee in ('anon', 'authenticated')
				and privilege_type in ('TRUNCATE', 'REFERENCES', 'TRIGGER')`
		);
		expect(rows).toEqual([]);
	});
});

describe('organisations', () => {
	selectMatrix('organisations', everyone, () => ['id', w.orgA]);
	matrix(
		'insert',
		['admin'],
		(p, t) =>
			c(p)
				.from('organisations')
				.insert({ kind: 'other', slug: `org-${t}`, name_zh: '新', name_en: 'New' }),
		(_, t) => exists('select 1 from public.organisations where slug = $1', [`org-${t}`])
	);
	matrix(
		'update',
		['staffA', 'admin'],
		(p, t) => c(p).from('organisations').update({ description_en: t }).eq('id', w.orgA),
		(_, t) =>
			exists('select 1 from public.organisations where id = $1 and description_en = $2', [
				w.orgA,
				t
			])
	);
	matrix(
		'delete',
		['admin'],
		async (p, t) => {
			await domain.db.exec(
				`insert into public.organisations (kind, slug, name_zh, name_en) values ('other', 'gone-${t}', '删', 'Gone')`
			);
			return c(p).from('organisations').delete().eq('slug', `gone-${t}`);
		},
		async (_, t) =>
			!(await exists('select 1 from public.organisations where slug = $1', [`gone-${t}`]))
	);
});

describe('org_members', () => {
	selectMatrix('org_members', ['staffA', 'admin'], () => ['user_id', w.users.staffA.id]);
	matrix(
		'insert',
		['admin'],
		(p) => c(p).from('org_members').insert({ org_id: w.orgB, user_id: w.users.guardianC.id }),
		async () => {
			const found = await exists(
				'select 1 from public.org_members where org_id = $1 and user_id = $2',
				[w.orgB, w.users.guardianC.id]
			);
			await domain.db.query('delete from public.org_members where user_id = $1', [
				w.users.guardianC.id
			]);
			return found;
		}
	);
	matrix(
		'update',
		['admin'],
		async (p) => {
			await domain.db.query(`update public.org_members set role = 'staff' where user_id = $1`, [
				w.users.staffB.id
			]);
			return c(p).from('org_members').update({ role: 'manager' }).eq('user_id', w.users.staffB.id);
		},
		() =>
			exists(`select 1 from public.org_members where user_id = $1 and role = 'manager'`, [
				w.users.staffB.id
			])
	);
	matrix(
		'delete',
		['admin'],
		async (p) => {
			await domain.db.query(
				`insert into public.org_members (org_id, user_id) values ($1, $2) on conflict do nothing`,
				[w.orgA, w.users.guardianC.id]
			);
			return c(p).from('org_members').delete().eq('user_id', w.users.guardianC.id);
		},
		async () => {
			const gone = !(await exists('select 1 from public.org_members where user_id = $1', [
				w.users.guardianC.id
			]));
			await domain.db.query('delete from public.org_members where user_id = $1', [
				w.users.guardianC.id
			]);
			return gone;
		}
	);
});

describe('venues', () => {
	describe('active venue', () => selectMatrix('venues', everyone, () => ['id', w.venueA]));
	describe('inactive venue', () =>
		selectMatrix('venues', ['staffA', 'admin'], () => ['id', w.venueAInactive]));
	matrix(
		'insert',
		['staffA'],
		(p, t) =>
			c(p)
				.from('venues')
				.insert({ org_id: w.orgA, name_zh: `新室${t}`, capacity: 10 }),
		(_, t) => exists('select 1 from public.venues where name_zh = $1', [`新室${t}`])
	);
	matrix(
		'update',
		['staffA'],
		(p, t) => c(p).from('venues').update({ description_en: t }).eq('id', w.venueA),
		(_, t) =>
			exists('select 1 from public.venues where id = $1 and description_en = $2', [w.venueA, t])
	);
	matrix(
		'delete',
		['staffA'],
		async (p, t) => {
			await domain.db.query(
				`insert into public.venues (org_id, name_zh, capacity) values ($1, $2, 5)`,
				[w.orgA, `删室${t}`]
			);
			return c(p).from('venues').delete().eq('name_zh', `删室${t}`);
		},
		async (_, t) => !(await exists('select 1 from public.venues where name_zh = $1', [`删室${t}`]))
	);
});

describe('venue_opening_hours', () => {
	selectMatrix('venue_opening_hours', everyone, () => ['venue_id', w.venueA]);
	matrix(
		'insert',
		['staffA'],
		(p) =>
			c(p)
				.from('venue_opening_hours')
				.insert({ venue_id: w.venueA, weekday: 1, opens_at: '06:00', closes_at: '07:00' }),
		async () => {
			const found = await exists(
				`select 1 from public.venue_opening_hours where venue_id = $1 and opens_at = '06:00'`,
				[w.venueA]
			);
			await domain.db.query(
				`delete from public.venue_opening_hours where venue_id = $1 and opens_at = '06:00'`,
				[w.venueA]
			);
			return found;
		}
	);
	matrix(
		'update',
		['staffA'],
		async (p) => {
			await domain.db.query(
				`update public.venue_opening_hours set closes_at = '21:00' where venue_id = $1 and weekday = 2`,
				[w.venueA]
			);
			return c(p)
				.from('venue_opening_hours')
				.update({ closes_at: '21:30' })
				.eq('venue_id', w.venueA)
				.eq('weekday', 2);
		},
		() =>
			exists(
				`select 1 from public.venue_opening_hours where venue_id = $1 and weekday = 2 and closes_at = '21:30'`,
				[w.venueA]
			)
	);
	matrix(
		'delete',
		['staffA'],
		async (p) => {
			await domain.db.query(
				`insert into public.venue_opening_hours (venue_id, weekday, opens_at, closes_at)
				values ($1, 3, '05:00', '06:00') on conflict do nothing`,
				[w.venueA]
			);
			return c(p)
				.from('venue_opening_hours')
				.delete()
				.eq('venue_id', w.venueA)
				.eq('opens_at', '05:00');
		},
		async () => {
			const gone = !(await exists(
				`select 1 from public.venue_opening_hours where venue_id = $1 and opens_at = '05:00'`,
				[w.venueA]
			));
			await domain.db.query(`delete from public.venue_opening_hours where opens_at = '05:00'`);
			return gone;
		}
	);
});

describe('venue_bookings', () => {
	describe("another organisation's request at the venue", () =>
		selectMatrix('venue_bookings', ['staffA', 'staffB', 'admin'], () => ['id', fx.bookingByB]));
	describe("the venue organisation's own booking", () =>
		selectMatrix('venue_bookings', ['staffA', 'admin'], () => ['id', fx.bookingByA]));
	matrix(
		'insert (only through the booking functions)',
		nobody,
		(p) =>
			c(p)
				.from('venue_bookings')
				.insert({
					venue_id: w.venueA,
					org_id: w.orgA,
					status: 'approved',
					starts_at: shanghaiAt(30, '10:00'),
					ends_at: shanghaiAt(30, '11:00')
				}),
		() =>
			exists(`select 1 from public.venue_bookings where starts_at = $1::timestamptz`, [
				shanghaiAt(30, '10:00')
			]),
		{ errorWhenDenied: true }
	);
	matrix(
		'update (only through the booking functions)',
		nobody,
		(p) => c(p).from('venue_bookings').update({ status: 'approved' }).eq('id', fx.bookingByB),
		() =>
			exists(`select 1 from public.venue_bookings where id = $1 and status = 'approved'`, [
				fx.bookingByB
			])
	);
	matrix(
		'delete (only through the booking functions)',
		nobody,
		(p) => c(p).from('venue_bookings').delete().eq('id', fx.bookingByB),
		async () =>
			!(await exists('select 1 from public.venue_bookings where id = $1', [fx.bookingByB]))
	);
});

describe('events', () => {
	describe('published event', () =>
		selectMatrix('events', everyone, () => ['id', fx.eventPublished]));
	describe('draft event', () =>
		selectMatrix('events', ['staffA', 'admin'], () => ['id', fx.eventDraft]));
	matrix(
		'insert',
		['staffA'],
		(p, t) =>
			c(p)
				.from('events')
				.insert({
					org_id: w.orgA,
					slug: `new-${t}`,
					category: 'parent_class',
					title_zh: '新活动',
					starts_at: shanghaiAt(20, '19:00'),
					ends_at: shanghaiAt(20, '20:30'),
					capacity: 30
				}),
		(_, t) => exists('select 1 from public.events where slug = $1', [`new-${t}`])
	);
	matrix(
		'update',
		['staffA'],
		(p, t) => c(p).from('events').update({ summary_en: t }).eq('id', fx.eventPublished),
		(_, t) =>
			exists('select 1 from public.events where id = $1 and summary_en = $2', [
				fx.eventPublished,
				t
			])
	);
	matrix(
		'delete (drafts only)',
		['staffA'],
		async (p, t) => {
			stash.set(t, await insertEvent(domain, w, { status: 'draft' }));
			return c(p).from('events').delete().eq('id', stash.get(t)!);
		},
		async (_, t) => !(await exists('select 1 from public.events where id = $1', [stash.get(t)]))
	);
	matrix(
		'delete of a published event',
		nobody,
		(p) => c(p).from('events').delete().eq('id', fx.eventPublished),
		async () => !(await exists('select 1 from public.events where id = $1', [fx.eventPublished]))
	);
});

describe('privacy_texts', () => {
	selectMatrix('privacy_texts', everyone, () => ['kind', 'children_data']);
	// Future versions only, so the current text (and every consent) stays as it is.
	matrix(
		'insert',
		['admin'],
		(p, t) =>
			c(p)
				.from('privacy_texts')
				.insert({
					version: `v-${t}`,
					title_zh: '新',
					title_en: 'New',
					body_zh: '正文',
					body_en: 'Body',
					published_at: '2099-01-01T00:00:00Z'
				}),
		(_, t) => exists('select 1 from public.privacy_texts where version = $1', [`v-${t}`])
	);
	matrix(
		'update',
		['admin'],
		async (p, t) => {
			await domain.db.query(
				`insert into public.privacy_texts (version, title_zh, title_en, body_zh, body_en, published_at)
				values ($1, '旧', 'Old', '正文', 'Body', '2099-01-01')`,
				[`u-${t}`]
			);
			return c(p).from('privacy_texts').update({ title_en: 'Changed' }).eq('version', `u-${t}`);
		},
		(_, t) =>
			exists(`select 1 from public.privacy_texts where version = $1 and title_en = 'Changed'`, [
				`u-${t}`
			])
	);
	matrix(
		'delete',
		['admin'],
		async (p, t) => {
			await domain.db.query(
				`insert into public.privacy_texts (version, title_zh, title_en, body_zh, body_en, published_at)
				values ($1, '旧', 'Old', '正文', 'Body', '2099-01-01')`,
				[`d-${t}`]
			);
			return c(p).from('privacy_texts').delete().eq('version', `d-${t}`);
		},
		async (_, t) =>
			!(await exists('select 1 from public.privacy_texts where version = $1', [`d-${t}`]))
	);
});

describe('families', () => {
	selectMatrix('families', ['guardianA', 'admin'], () => ['id', w.familyA]);
	// Everyone tries to create a family for guardian C (who has none): only guardian C may.
	matrix(
		'insert for guardian C',
		nobody,
		(p) =>
			c(p).from('families').insert({
				guardian_id: w.users.guardianC.id,
				guardian_name: 'C',
				email: w.users.guardianC.email
			}),
		() => exists('select 1 from public.families where guardian_id = $1', [w.users.guardianC.id])
	);
	it('guardian C can create their own family, once', async () => {
		const first = await w.client.guardianC
			.from('families')
			.insert({ guardian_name: '家长丙', email: w.users.guardianC.email })
			.select('guardian_id')
			.single();
		expect(first.error).toBeNull();
		expect(first.data?.guardian_id).toBe(w.users.guardianC.id);
		const second = await w.client.guardianC
			.from('families')
			.insert({ guardian_name: '家长丙', email: w.users.guardianC.email });
		expect(second.error?.code).toBe('23505');
		await domain.db.query('delete from public.families where guardian_id = $1', [
			w.users.guardianC.id
		]);
	});
	it('a guardian cannot choose their own unsubscribe token', async () => {
		const result = await w.client.guardianC.from('families').insert({
			guardian_name: 'C',
			email: w.users.guardianC.email,
			unsubscribe_token: randomUUID()
		});
		expect(result.error?.code).toBe('42501');
	});
	matrix(
		'update',
		['guardianA'],
		(p, t) =>
			c(p)
				.from('families')
				.update({ guardian_name: `甲${t}` })
				.eq('id', w.familyA),
		(_, t) =>
			exists('select 1 from public.families where id = $1 and guardian_name = $2', [
				w.familyA,
				`甲${t}`
			])
	);
	// Each attempt gets a world of its own, since a family can be deleted only once.
	matrix(
		"delete of guardian A's family",
		['guardianA'],
		async (p, t) => {
			const other = await createWorld(domain);
			stash.set(t, other.familyA);
			return other.client[p].from('families').delete().eq('id', other.familyA);
		},
		async (_, t) => !(await exists('select 1 from public.families where id = $1', [stash.get(t)]))
	);
	it('a guardian can delete their own family', async () => {
		await domain.db.query(
			`insert into public.families (guardian_id, guardian_name, email) values ($1, 'C', $2)`,
			[w.users.guardianC.id, w.users.guardianC.email]
		);
		const result = await w.client.guardianC
			.from('families')
			.delete()
			.eq('guardian_id', w.users.guardianC.id);
		expect(result.error).toBeNull();
		expect(
			await exists('select 1 from public.families where guardian_id = $1', [w.users.guardianC.id])
		).toBe(false);
	});
});

describe('family_members', () => {
	selectMatrix('family_members', ['guardianA', 'admin'], () => ['id', w.childA]);
	matrix(
		'insert into family A',
		['guardianA'],
		(p, t) =>
			c(p)
				.from('family_members')
				.insert({ family_id: w.familyA, kind: 'grandparent', nickname: `奶奶${t}` }),
		(_, t) => exists('select 1 from public.family_members where nickname = $1', [`奶奶${t}`])
	);
	matrix(
		'update',
		['guardianA'],
		(p, t) => c(p).from('family_members').update({ grade: t }).eq('id', w.childA),
		(_, t) =>
			exists('select 1 from public.family_members where id = $1 and grade = $2', [w.childA, t])
	);
	matrix(
		'delete',
		['guardianA'],
		async (p, t) => {
			await domain.db.query(
				`insert into public.family_members (family_id, kind, nickname) values ($1, 'parent', $2)`,
				[w.familyA, `爸爸${t}`]
			);
			return c(p).from('family_members').delete().eq('nickname', `爸爸${t}`);
		},
		async (_, t) =>
			!(await exists('select 1 from public.family_members where nickname = $1', [`爸爸${t}`]))
	);
});

describe('consents', () => {
	selectMatrix('consents', ['guardianA', 'admin'], () => ['family_id', w.familyA]);
	matrix(
		'insert (only through give_consent)',
		nobody,
		(p) =>
			c(p)
				.from('consents')
				.insert({ family_id: w.familyA, user_id: w.users.guardianA.id, version: '2099' }),
		() => exists(`select 1 from public.consents where version = '2099'`, []),
		{ errorWhenDenied: true }
	);
	matrix(
		'update (consents are never edited)',
		nobody,
		(p) =>
			c(p)
				.from('consents')
				.update({ agreed_at: '2000-01-01T00:00:00Z' })
				.eq('family_id', w.familyA),
		() =>
			exists(`select 1 from public.consents where family_id = $1 and agreed_at < '2001-01-01'`, [
				w.familyA
			])
	);
	matrix(
		'delete',
		nobody,
		(p) => c(p).from('consents').delete().eq('family_id', w.familyA),
		async () => !(await exists('select 1 from public.consents where family_id = $1', [w.familyA]))
	);
});

describe('registrations', () => {
	selectMatrix('registrations', ['guardianA', 'staffA', 'admin'], () => ['id', fx.registrationA]);
	matrix(
		'insert (only through register_family)',
		nobody,
		(p) =>
			c(p).from('registrations').insert({
				event_id: fx.eventPublished,
				family_id: w.familyB,
				status: 'confirmed',
				seats: 1,
				check_in_code: 'ZZZZZZ'
			}),
		() => exists(`select 1 from public.registrations where check_in_code = 'ZZZZZZ'`, []),
		{ errorWhenDenied: true }
	);
	matrix(
		'update (only through the registration functions)',
		nobody,
		(p) => c(p).from('registrations').update({ status: 'attended' }).eq('id', fx.registrationA),
		() =>
			exists(`select 1 from public.registrations where id = $1 and status = 'attended'`, [
				fx.registrationA
			])
	);
	matrix(
		'delete',
		nobody,
		(p) => c(p).from('registrations').delete().eq('id', fx.registrationA),
		async () =>
			!(await exists('select 1 from public.registrations where id = $1', [fx.registrationA]))
	);
});

describe('registration_attendees', () => {
	// Staff see attendees only through event_attendees(): nickname and age, nothing else.
	selectMatrix('registration_attendees', ['guardianA', 'admin'], () => [
		'registration_id',
		fx.registrationA
	]);
	matrix(
		'insert',
		nobody,
		(p) =>
			c(p)
				.from('registration_attendees')
				.insert({ registration_id: fx.registrationA, member_id: w.toddlerA }),
		() =>
			exists(
				'select 1 from public.registration_attendees where registration_id = $1 and member_id = $2',
				[fx.registrationA, w.toddlerA]
			),
		{ errorWhenDenied: true }
	);
	matrix(
		'update',
		nobody,
		(p) =>
			c(p)
				.from('registration_attendees')
				.update({ member_id: w.toddlerA })
				.eq('registration_id', fx.registrationA),
		() => exists('select 1 from public.registration_attendees where member_id = $1', [w.toddlerA])
	);
	matrix(
		'delete',
		nobody,
		(p) => c(p).from('registration_attendees').delete().eq('registration_id', fx.registrationA),
		async () =>
			!(await exists('select 1 from public.registration_attendees where registration_id = $1', [
				fx.registrationA
			]))
	);
});

describe('email_outbox', () => {
	selectMatrix('email_outbox', ['staffA', 'admin'], () => ['id', fx.outboxA]);
	matrix(
		'insert (only the database and the dispatcher write emails)',
		nobody,
		(p, t) =>
			c(p)
				.from('email_outbox')
				.insert({ kind: 'spam', to_email: 'x@example.com', idempotency_key: `spam-${t}` }),
		(_, t) => exists('select 1 from public.email_outbox where idempotency_key = $1', [`spam-${t}`]),
		{ errorWhenDenied: true }
	);
	matrix(
		'update',
		nobody,
		(p) => c(p).from('email_outbox').update({ to_email: 'evil@example.com' }).eq('id', fx.outboxA),
		() =>
			exists(`select 1 from public.email_outbox where id = $1 and to_email = 'evil@example.com'`, [
				fx.outboxA
			])
	);
	matrix(
		'delete',
		nobody,
		(p) => c(p).from('email_outbox').delete().eq('id', fx.outboxA),
		async () => !(await exists('select 1 from public.email_outbox where id = $1', [fx.outboxA]))
	);
});

describe('roles come from verified claims only', () => {
	it('user_metadata claiming district_admin grants nothing', async () => {
		const { signJwt } = await import('../../src/lib/server/embedded-supabase/jwt');
		const { LOCAL_JWT_SECRET } = await import('../../src/lib/server/embedded-supabase/keys');
		const now = Math.floor(Date.now() / 1000);
		const token = await signJwt(
			{
				sub: w.users.guardianB.id,
				aud: 'authenticated',
				role: 'authenticated',
				exp: now + 600,
				app_metadata: {},
				user_metadata: { role: 'district_admin' }
			},
			LOCAL_JWT_SECRET
		);
		const { data } = await domain.as(token).from('families').select('id').eq('id', w.familyA);
		expect(data).toEqual([]);
	});

	it('a token signed with another secret is refused', async () => {
		const { accessToken } = await import('../support/personas');
		const forged = await accessToken(w.users.admin, 'another-secret-of-at-least-32-characters!!');
		const { error } = await domain.as(forged).from('families').select('id');
		expect(error).not.toBeNull();
	});
});
