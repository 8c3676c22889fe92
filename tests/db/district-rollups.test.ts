/**
 * The district's tables from the dashboard's roll-up (20261206000100_roll_up_district_tables.sql),
 * on PGlite and on the PostgreSQL server: on a generated year, district_participation and
 * closed_loop_counts give the same rows, in the same order, as the functions computed from every
 * row (tests/db/fixtures/district-tables-reference.sql, the functions as they were), for every
 * caller and period, with every event and notice dirty, some of them, and none; they refuse whom
 * they refused; registering, checking in, feedback, cancelling and a notice read or answered show
 * at once, before any refresh; nobody reads the notices' roll-up. dashboard_figures, whose receipts
 * now come from the notices' roll-up (20261206000200_read_dashboard_receipts_from_rollups.sql), is
 * compared with tests/db/fixtures/dashboard-figures-reference.sql on the same notices.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serverAvailable, type Backend } from '../support/embedded';
import {
	createWorld,
	insertEvent,
	insertFamilies,
	startDomain,
	type Domain,
	type World
} from '../support/personas';

const backends: Backend[] = ['pglite', 'postgres'];
const serverUp = await serverAvailable();
const referenceSql = ['district-tables-reference.sql', 'dashboard-figures-reference.sql']
	.map((file) => readFileSync(join(import.meta.dirname, 'fixtures', file), 'utf8'))
	.join('\n;\n');

const daysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
/** A day in Asia/Shanghai, for dashboard_figures. */
const day = (offset: number) =>
	new Date(Date.now() + 8 * 3600_000 + offset * 86_400_000).toISOString().slice(0, 10);

/** A small deterministic generator, so that a failure can be replayed. */
function generator(seed: number) {
	let x = seed;
	return () => {
		x = (x * 1103515245 + 12345) % 2 ** 31;
		return x / 2 ** 31;
	};
}

type Caller = 'anon' | 'guardianA' | 'staffA' | 'staffB' | 'admin';
type Table = 'district_participation' | 'closed_loop_counts';
type Answer = { rows: Record<string, unknown>[] } | { refused: string };

interface ParticipationRow {
	org_id: string;
	category: string | null;
	families_registered: number;
	people_registered: number;
	people_attended: number;
	people_waitlisted: number;
	channels: Record<string, number>;
}
interface LoopRow {
	org_id: string;
	category: string | null;
	notices: number;
	notices_sent_to: number;
	notices_read: number;
	receipts_answered: number;
	feedback_requested: number;
	feedback_given: number;
	ratings_average: number | null;
}

describe.each(backends)('the district tables from the roll-up on %s', (backend) => {
	let domain: Domain;
	let w: World;
	const skip = backend === 'postgres' && !serverUp;

	const periods: [string | null, string | null][] = [
		[null, null],
		[daysFromNow(-365), daysFromNow(30)],
		[daysFromNow(-91), daysFromNow(0)],
		[daysFromNow(-200), daysFromNow(-20)]
	];
	const claims = (who: Caller) =>
		who === 'anon'
			? { role: 'anon' }
			: {
					sub: w.users[who].id,
					role: 'authenticated',
					aal: 'aal1',
					...(w.users[who].appMetadata ? { app_metadata: w.users[who].appMetadata } : {})
				};

	/** One function's whole answer for a caller (rows in order), or the refusal's message. */
	const answer = async (
		fn: `public.${Table}` | `private.${Table}_reference`,
		who: Caller,
		from: string | null,
		to: string | null
	): Promise<Answer> => {
		try {
			const { rows } = await domain.db.statement<{ rows: string }>(
				{ role: who === 'anon' ? 'anon' : 'authenticated', claims: claims(who) },
				`select coalesce(json_agg(to_jsonb(x) - 'ordinality' order by x.ordinality), '[]')::text
					as rows
				from ${fn}($1::timestamptz, $2::timestamptz) with ordinality x`,
				[from, to]
			);
			return { rows: JSON.parse(rows[0].rows) };
		} catch (error) {
			// Named as called: "permission denied for function closed_loop_counts(_reference)".
			return { refused: (error as Error).message.replace('_reference', '') };
		}
	};
	const current = async <R>(table: Table, who: Caller = 'admin', from = periods[1][0]) => {
		const a = await answer(`public.${table}`, who, from, periods[1][1]);
		if (!('rows' in a)) throw new Error(a.refused);
		return a.rows as R[];
	};

	/** The dashboard's figures (its receipts from the notices' roll-up) against every row's. */
	const expectDashboardExact = async () => {
		for (const [from, to, org, grain] of [
			[day(-365), day(30), null, 'month'],
			[day(-91), day(0), w.orgA, 'week'],
			[day(-200), day(-20), w.orgB, 'month']
		]) {
			const figures = async (fn: string) =>
				JSON.parse(
					(
						await domain.db.query<{ figures: string }>(
							`select private.${fn}($1::date, $2::date, $3::uuid, $4)::text as figures`,
							[from, to, org, grain]
						)
					).rows[0].figures
				);
			expect(await figures('dashboard_figures'), `dashboard from ${from} for ${org}`).toEqual(
				await figures('dashboard_figures_reference')
			);
		}
	};
	/** Every caller's answer for every period equals the one computed from every row. */
	const expectExact = async (callers: Caller[] = ['admin', 'staffA', 'staffB', 'guardianA']) => {
		await expectDashboardExact();
		for (const table of ['district_participation', 'closed_loop_counts'] as const) {
			for (const who of callers) {
				for (const [from, to] of periods) {
					expect(
						await answer(`public.${table}`, who, from, to),
						`${table} for ${who} from ${from} to ${to}`
					).toEqual(await answer(`private.${table}_reference`, who, from, to));
				}
			}
		}
	};
	const count = async (table: string) =>
		Number(
			(await domain.db.query<{ n: string }>(`select count(*) as n from private.${table}`)).rows[0].n
		);
	const refresh = async (limit: number) => {
		const { data, error } = await domain.admin().rpc('refresh_dashboard_rollups', {
			p_limit: limit
		});
		expect(error).toBeNull();
		return data as number;
	};
	const refreshAll = async () => {
		while ((await refresh(50)) > 0);
		expect(await count('dashboard_dirty_events')).toBe(0);
		expect(await count('dashboard_dirty_notices')).toBe(0);
	};

	beforeAll(async () => {
		if (skip) return;
		domain = await startDomain(backend);
		w = await createWorld(domain);
		await domain.db.exec(referenceSql);
		const random = generator(2206);
		const families = await insertFamilies(domain, 36);
		const categories = ['parent_child_reading', 'parenting_lecture', 'sports_day'];
		const sources = [null, 'wechat', 'poster', 'school-site'];
		const events: { id: string; org: string; days: number }[] = [];
		for (let i = 0; i < 28; i++) {
			const org = i % 3 === 0 ? w.orgB : w.orgA;
			const days = -(380 - i * 14);
			events.push({
				id: await insertEvent(domain, w, {
					org,
					startsInHours: days * 24 + (i % 5),
					capacity: 40 + (i % 4) * 10,
					status: i % 9 === 4 ? 'cancelled' : i === 13 ? 'draft' : 'published',
					category: categories[i % categories.length]
				}),
				org,
				days
			});
		}
		const regs: string[] = [];
		const requests: string[] = [];
		const feedback: string[] = [];
		const notices: string[] = [];
		const recipients: string[] = [];
		const registered = new Map<string, string[]>();
		for (const [e, event] of events.entries()) {
			let position = 0;
			registered.set(event.id, []);
			for (const [i, f] of families.entries()) {
				if (random() > 0.4) continue;
				const r = random();
				const status =
					r < 0.45
						? 'attended'
						: r < 0.6
							? 'no_show'
							: r < 0.8
								? 'confirmed'
								: r < 0.9
									? 'waitlisted'
									: 'cancelled';
				const id = crypto.randomUUID();
				const source = sources[Math.floor(random() * sources.length)];
				regs.push(
					`('${id}', '${event.id}', '${f.familyId}', '${status}', ${1 + Math.floor(random() * 3)},
					${status === 'waitlisted' ? ++position : 'null'}, ${status === 'waitlisted' ? 'now()' : 'null'},
					'H${String(e).padStart(2, '0')}${String(i).padStart(3, '0')}', ${source ? `'${source}'` : 'null'})`
				);
				if (status !== 'cancelled') registered.get(event.id)!.push(f.familyId);
				if (status !== 'attended') continue;
				// Most are asked; some answer without being asked (on the event's page).
				const asked = random() < 0.7;
				if (asked) requests.push(`('${id}', '${event.id}')`);
				if (random() < (asked ? 0.6 : 0.3))
					feedback.push(
						`('${id}', '${event.id}', '${f.familyId}', ${1 + Math.floor(random() * 5)}, 'site')`
					);
			}
			// A notice to the registered families of two events in three, two days before.
			if (e % 3 === 2) continue;
			const notice = crypto.randomUUID();
			const kind = (['none', 'received', 'choice'] as const)[e % 3 === 0 ? (e / 3) % 3 : 0];
			notices.push(
				`('${notice}', '${event.org}', '${event.id}', null, null, '通知', '正文', '${kind}',
				${kind === 'choice' ? `'{参加,不参加}'` : `'{}'`}, now() + interval '${event.days - 2} days')`
			);
			for (const family of registered.get(event.id)!) {
				const read = random() < 0.6;
				const answered = kind !== 'none' && read && random() < 0.7;
				const reply = kind === 'choice' ? '参加' : 'received';
				recipients.push(
					`('${notice}', '${family}', ${read ? 'now()' : 'null'}, ${answered ? `'${reply}', now(), 'email'` : 'null, null, null'})`
				);
			}
		}
		// Notices to the families of a period (no event, no category), from each organisation.
		for (const [k, org] of [w.orgA, w.orgB, w.orgA].entries()) {
			const notice = crypto.randomUUID();
			notices.push(
				`('${notice}', '${org}', null, current_date - ${300 - k * 100}, current_date - ${200 - k * 100},
				'通知', '正文', 'received', '{}', now() - interval '${150 - k * 60} days')`
			);
			for (const f of families.slice(k * 5, k * 5 + 9)) {
				const answered = random() < 0.5;
				recipients.push(
					`('${notice}', '${f.familyId}', ${answered ? 'now()' : 'null'}, ${answered ? `'received', now(), 'site'` : 'null, null, null'})`
				);
			}
		}
		await domain.db.exec(`
			insert into public.registrations (id, event_id, family_id, status, seats, waitlist_position,
				waitlist_joined_at, check_in_code, source) values ${regs.join(',\n')};
			insert into public.feedback_requests (registration_id, event_id) values ${requests.join(',\n')};
			insert into public.event_feedback (registration_id, event_id, family_id, rating, answered_via)
				values ${feedback.join(',\n')};
			insert into public.notices (id, org_id, event_id, attended_from, attended_to, subject, body,
				receipt_kind, options, created_at) values ${notices.join(',\n')};
			insert into public.notice_recipients (notice_id, family_id, read_at, answer, answered_at,
				answered_via) values ${recipients.join(',\n')};
		`);
	}, 120_000);

	afterAll(async () => {
		await domain?.close();
	});

	it.skipIf(skip)(
		'the same rows as computed from every row, with all, some and none of the events and notices dirty',
		async () => {
			expect(await count('dashboard_dirty_events')).toBeGreaterThan(25);
			expect(await count('dashboard_dirty_notices')).toBeGreaterThan(15);
			await expectExact();

			// Some computed, some still dirty.
			await refresh(9);
			await refresh(9);
			expect(await count('dashboard_dirty_events')).toBeGreaterThan(5);
			expect(await count('dashboard_dirty_notices')).toBeGreaterThan(0);
			expect(await count('dashboard_event_rollups')).toBeGreaterThanOrEqual(18);
			expect(await count('dashboard_notice_rollups')).toBe(18);
			await expectExact();

			await refreshAll();
			await expectExact();

			// Non-trivial answers: families counted once across a category's events, every channel,
			// answers without a request, averages from 5 ratings, receipts.
			const participation = await current<ParticipationRow>('district_participation');
			// orgB's reading sessions: ten events of about ten families each, from 36 families.
			const reading = participation.find(
				(r) => r.org_id === w.orgB && r.category === 'parent_child_reading'
			)!;
			expect(reading.families_registered).toBeGreaterThan(20);
			expect(reading.families_registered).toBeLessThanOrEqual(36);
			expect(reading.people_registered).toBeGreaterThan(100);
			expect(Object.keys(reading.channels).sort()).toEqual(['', 'poster', 'school-site', 'wechat']);
			expect(participation.some((r) => r.people_waitlisted > 0)).toBe(true);
			const loop = await current<LoopRow>('closed_loop_counts', 'admin', null);
			expect(loop.some((r) => r.feedback_given > 0 && r.ratings_average !== null)).toBe(true);
			expect(loop.some((r) => r.category === null && r.notices > 0)).toBe(true);
			expect(loop.some((r) => r.receipts_answered > 0)).toBe(true);
			const dashboard = await domain.db.query<{ asked: string; answered: string }>(
				`select f -> 'totals' ->> 'receipts_asked' as asked,
					f -> 'totals' ->> 'receipts_answered' as answered
				from private.dashboard_figures($1::date, $2::date, null, 'month') f`,
				[day(-365), day(30)]
			);
			expect(Number(dashboard.rows[0].asked)).toBeGreaterThan(Number(dashboard.rows[0].answered));
			expect(Number(dashboard.rows[0].answered)).toBeGreaterThan(0);
			const asked = loop.reduce((sum, r) => sum + r.feedback_requested, 0);
			const given = loop.reduce((sum, r) => sum + r.feedback_given, 0);
			expect(given).toBeGreaterThan(0);
			expect(asked).toBeGreaterThan(0);
		}
	);

	it.skipIf(skip)('whoever was refused is refused the same way', async () => {
		for (const table of ['district_participation', 'closed_loop_counts'] as const) {
			for (const who of ['anon', 'guardianA', 'staffA', 'admin'] as const) {
				for (const [from, to] of [
					[daysFromNow(0), daysFromNow(-1)],
					[daysFromNow(-30), daysFromNow(0)]
				]) {
					expect(await answer(`public.${table}`, who, from, to), `${table} for ${who}`).toEqual(
						await answer(`private.${table}_reference`, who, from, to)
					);
				}
			}
		}
		expect(await answer('public.district_participation', 'staffA', null, null)).toEqual({
			refused: expect.stringContaining('not_authorised')
		});
		expect(await answer('public.closed_loop_counts', 'anon', null, null)).toEqual({
			refused: expect.stringContaining('permission denied')
		});
		expect(
			await answer('public.closed_loop_counts', 'admin', daysFromNow(0), daysFromNow(-1))
		).toEqual({ refused: expect.stringContaining('invalid_period') });
	});

	it.skipIf(skip)(
		'registering, checking in, feedback, cancelling and a notice read show at once, before a refresh',
		async () => {
			await refreshAll();
			const event = await insertEvent(domain, w, {
				startsInHours: -30,
				capacity: 20,
				category: 'study_trip'
			});
			const participation = async () =>
				(await current<ParticipationRow>('district_participation')).find(
					(r) => r.org_id === w.orgA && r.category === 'study_trip'
				)!;
			const loop = async () =>
				(await current<LoopRow>('closed_loop_counts')).find(
					(r) => r.org_id === w.orgA && r.category === 'study_trip'
				);
			const { rows } = await domain.db.query<{ id: string; check_in_code: string }>(
				`insert into public.registrations (event_id, family_id, status, seats, check_in_code, source)
				values ($1::uuid, $2::uuid, 'confirmed', 2, private.new_check_in_code(), 'poster')
				returning id, check_in_code`,
				[event, w.familyA]
			);
			const registration = rows[0];
			await domain.db.query(
				`insert into public.registration_attendees (registration_id, member_id)
				values ($1::uuid, $2::uuid), ($1::uuid, $3::uuid)`,
				[registration.id, w.parentA, w.childA]
			);
			expect(await participation()).toMatchObject({
				families_registered: 1,
				people_registered: 2,
				channels: { poster: 1 }
			});
			await refreshAll();

			// Another family registers through the app, from a WeChat link.
			const later = await insertEvent(domain, w, {
				startsInHours: 24 * 10,
				capacity: 20,
				category: 'study_trip'
			});
			const registered = await w.client.guardianB.rpc('register_family', {
				p_event_id: later,
				p_member_ids: [w.parentB, w.childB],
				p_source: 'wechat'
			});
			expect(registered.error).toBeNull();
			expect(await count('dashboard_dirty_events')).toBe(1);
			expect(await participation()).toMatchObject({
				families_registered: 2,
				people_registered: 4,
				channels: { poster: 1, wechat: 1 }
			});
			await expectExact(['admin', 'staffA']);
			await refreshAll();

			const checked = await w.client.staffA.rpc('check_in_at_event', {
				p_event_id: event,
				p_code: registration.check_in_code
			});
			expect(checked.error).toBeNull();
			expect(await participation()).toMatchObject({ people_attended: 2 });
			await refreshAll();

			// The request the worker would queue, then the family's answer.
			await domain.db.query(
				'insert into public.feedback_requests (registration_id, event_id) values ($1::uuid, $2::uuid)',
				[registration.id, event]
			);
			expect(await loop()).toMatchObject({ feedback_requested: 1, feedback_given: 0 });
			await refreshAll();
			const answered = await w.client.guardianA.rpc('submit_feedback', {
				p_registration_id: registration.id,
				p_rating: 4
			});
			expect(answered.error).toBeNull();
			expect(await loop()).toMatchObject({
				feedback_requested: 1,
				feedback_given: 1,
				feedback_rate: 1
			});
			await refreshAll();

			const cancelled = await w.client.guardianB.rpc('cancel_registration', {
				p_registration_id: (registered.data as { registration_id: string }).registration_id
			});
			expect(cancelled.error).toBeNull();
			expect(await participation()).toMatchObject({
				families_registered: 1,
				people_registered: 2,
				channels: { poster: 1 }
			});
			await refreshAll();

			// A notice with a receipt to the event's family: sent, opened, answered.
			const sent = await w.client.staffA.rpc('send_notice', {
				p_subject: '集合地点调整',
				p_body: '请到东门集合。',
				p_receipt_kind: 'received',
				p_event_id: event
			});
			expect(sent.error).toBeNull();
			const notice = (sent.data as { notice_id: string }).notice_id;
			expect(await loop()).toMatchObject({ notices: 1, notices_sent_to: 1, notices_read: 0 });
			await refreshAll();
			const read = await w.client.guardianA.rpc('mark_notice_read', { p_notice_id: notice });
			expect(read.error).toBeNull();
			expect(await count('dashboard_dirty_notices')).toBe(1);
			expect(await loop()).toMatchObject({ notices_read: 1, receipts_answered: 0 });
			await refreshAll();
			const receipt = await w.client.guardianA.rpc('answer_notice', {
				p_notice_id: notice,
				p_answer: 'received'
			});
			expect(receipt.error).toBeNull();
			expect(await loop()).toMatchObject({
				notices_read: 1,
				receipts_answered: 1,
				receipt_rate: 1
			});
			await expectExact(['admin', 'staffA', 'staffB']);
			await refreshAll();
			await expectExact(['admin', 'staffA']);
		}
	);

	it.skipIf(skip)('nobody reads the notices’ roll-up but the functions', async () => {
		for (const table of ['dashboard_notice_rollups', 'dashboard_dirty_notices']) {
			for (const who of ['anon', 'guardianA', 'staffA', 'admin'] as const) {
				const read = await w.client[who].schema('private').from(table).select('*');
				expect(read.error, `${who} reads ${table}`).not.toBeNull();
				expect(read.data).toBeNull();
			}
			for (const role of ['anon', 'authenticated', 'service_role'] as const) {
				await expect(
					domain.db.statement(
						{ role, claims: role === 'anon' ? null : { sub: w.users.staffA.id, role } },
						`select count(*) from private.${table}`
					)
				).rejects.toThrow(/permission denied/);
			}
		}
	});
});
