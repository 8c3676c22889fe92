/**
 * The district's dashboard figures (20261205220200_create_dashboard_figures.sql) and the monthly
 * report's queue (20261205220300_create_monthly_reports.sql), on PGlite and on the PostgreSQL
 * server, against a fixture counted by hand (the counts are worked out beside the fixture).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDispatcher } from '../../src/lib/server/email/dispatcher';
import { createRateLimiter } from '../../src/lib/server/email/rate-limit';
import { resendTransport } from '../../src/lib/server/email/transport';
import { serverAvailable, type Backend } from '../support/embedded';
import { startResendCapture } from '../support/resend-capture';
import {
	codeOf,
	createWorld,
	insertEvent,
	insertFamilies,
	startDomain,
	type Domain,
	type World
} from '../support/personas';

type Figures = {
	totals: Record<string, number | string | null>;
	over_time: {
		bucket: string;
		events: number;
		families: number;
		people: number;
		attended: number;
	}[];
	by_org: Record<string, unknown>[];
	by_category: { category: string; events: number; families: number; people: number }[];
	by_town: { town: string; orgs: number; events: number; families: number; people: number }[];
	by_age_band: { band: string; children: number | string }[];
	events: Record<string, unknown>[];
};

const backends: Backend[] = ['pglite', 'postgres'];
const serverUp = await serverAvailable();

describe.each(backends)('dashboard figures on %s', (backend) => {
	let domain: Domain;
	let w: World;
	const skip = backend === 'postgres' && !serverUp;
	const ev: Record<string, string> = {};
	const quarter = { p_from: '2026-09-01', p_to: '2026-11-30' };

	beforeAll(async () => {
		if (skip) return;
		domain = await startDomain(backend);
		w = await createWorld(domain);
		const f = await insertFamilies(domain, 8);
		// f5 also brings a grandparent and a toddler (born March 2024: 2 at the lecture); f8 a grandparent.
		const grandparent5 = crypto.randomUUID();
		const toddler5 = crypto.randomUUID();
		const grandparent8 = crypto.randomUUID();
		await domain.db.exec(`
			update public.organisations set town = '八里店镇' where id = '${w.orgA}';
			insert into public.family_members (id, family_id, kind, nickname, birth_year_month) values
				('${grandparent5}', '${f[4].familyId}', 'grandparent', '奶奶', null),
				('${toddler5}', '${f[4].familyId}', 'child', '小宝', '2024-03-01'),
				('${grandparent8}', '${f[7].familyId}', 'grandparent', '阿公', null);
		`);
		const at = (startsAt: string) => ({
			startsAt,
			endsAt: new Date(Date.parse(startsAt) + 2 * 3600_000).toISOString()
		});
		ev.E0 = await insertEvent(domain, w, { ...at('2026-08-20T10:00:00+08:00') });
		ev.E1 = await insertEvent(domain, w, { ...at('2026-09-10T10:00:00+08:00'), capacity: 10 });
		ev.E2 = await insertEvent(domain, w, {
			...at('2026-10-15T10:00:00+08:00'),
			capacity: 20,
			category: 'parenting_lecture'
		});
		ev.E3 = await insertEvent(domain, w, {
			...at('2026-11-20T10:00:00+08:00'),
			capacity: 5,
			org: w.orgB
		});
		ev.E4 = await insertEvent(domain, w, {
			...at('2026-10-01T10:00:00+08:00'),
			capacity: 30,
			status: 'cancelled',
			category: 'sports_day'
		});
		ev.E5 = await insertEvent(domain, w, {
			...at('2026-10-02T10:00:00+08:00'),
			capacity: 50,
			status: 'draft'
		});
		// Just outside the quarter in Asia/Shanghai (inside it in UTC for E7).
		ev.E6 = await insertEvent(domain, w, { ...at('2026-08-31T23:30:00+08:00'), org: w.orgB });
		ev.E7 = await insertEvent(domain, w, { ...at('2026-12-01T00:30:00+08:00'), org: w.orgB });

		let position = 0;
		const register = async (
			event: string,
			i: number,
			status: string,
			members: string[],
			source: string | null = null
		) => {
			const waitlisted = status === 'waitlisted';
			if (waitlisted) position++;
			const { rows } = await domain.db.query<{ id: string }>(
				`insert into public.registrations (event_id, family_id, status, seats, waitlist_position,
					waitlist_joined_at, check_in_code, source)
				values ($1::uuid, $2::uuid, $3::public.registration_status, $4::smallint, $5::integer,
					case when $5 is null then null else now() end, private.new_check_in_code(), $6)
				returning id`,
				[
					event,
					f[i].familyId,
					status,
					String(members.length),
					waitlisted ? String(position) : null,
					source
				]
			);
			for (const member of members) {
				await domain.db.query(
					`insert into public.registration_attendees (registration_id, member_id)
					values ($1::uuid, $2::uuid)`,
					[rows[0].id, member]
				);
			}
			return rows[0].id;
		};
		const both = (i: number) => [f[i].parentId, f[i].childId];
		await register(ev.E0, 0, 'attended', both(0));
		const r11 = await register(ev.E1, 0, 'attended', both(0), 'poster');
		const r12 = await register(ev.E1, 1, 'attended', both(1));
		await register(ev.E1, 2, 'no_show', both(2));
		const r14 = await register(ev.E1, 3, 'attended', [f[3].childId]);
		await register(ev.E2, 1, 'confirmed', both(1), 'wechat');
		await register(ev.E2, 4, 'confirmed', [...both(4), grandparent5, toddler5], 'wechat');
		await register(ev.E2, 5, 'waitlisted', both(5));
		await register(ev.E2, 6, 'cancelled', both(6));
		await register(ev.E3, 7, 'attended', [f[7].childId, grandparent8]);
		await register(ev.E3, 0, 'confirmed', both(0));
		position = 0;
		await register(ev.E3, 5, 'waitlisted', [f[5].childId]);
		await register(ev.E4, 2, 'cancelled', both(2));
		await register(ev.E5, 3, 'confirmed', [f[3].childId]);
		await register(ev.E6, 6, 'attended', both(6));
		await register(ev.E7, 7, 'attended', [f[7].childId, grandparent8]);

		// A notice about the lecture asking for a receipt (f2 answered, f5 not), one without.
		await domain.db.exec(`
			with n as (
				insert into public.notices (org_id, event_id, subject, body, receipt_kind, created_at)
				values ('${w.orgA}', '${ev.E2}', '通知', '内容', 'received', '2026-10-10T09:00:00+08:00')
				returning id
			)
			insert into public.notice_recipients (notice_id, family_id, answer, answered_at, answered_via)
			select n.id, '${f[1].familyId}'::uuid, '收到', now(), 'site' from n
			union all select n.id, '${f[4].familyId}'::uuid, null, null, null from n;
			with n as (
				insert into public.notices (org_id, event_id, subject, body, created_at)
				values ('${w.orgA}', '${ev.E2}', '提示', '内容', '2026-10-11T09:00:00+08:00') returning id
			)
			insert into public.notice_recipients (notice_id, family_id) select n.id, '${f[1].familyId}'::uuid from n;
			insert into public.feedback_requests (registration_id, event_id) values
				('${r11}', '${ev.E1}'), ('${r12}', '${ev.E1}'), ('${r14}', '${ev.E1}');
			insert into public.event_feedback (registration_id, event_id, family_id, rating, answered_via)
				values ('${r11}', '${ev.E1}', '${f[0].familyId}', 4, 'site');
			insert into public.referrals (org_id, family_id, reason, starts_on, ends_on)
				values ('${w.orgB}', '${f[7].familyId}', 'left_behind', '2026-11-01', '2026-12-31');
		`);
	});

	afterAll(async () => {
		await domain?.close();
	});

	const figures = async (client: 'admin' | 'staffA', args: Record<string, unknown> = {}) => {
		const { data, error } = await w.client[client].rpc('dashboard_figures', {
			...quarter,
			...args
		});
		expect(error).toBeNull();
		return data as Figures;
	};

	it.skipIf(skip)('the district totals for a quarter match the hand count', async () => {
		const { totals } = await figures('admin');
		expect(totals).toEqual({
			events: 3,
			events_cancelled: 1,
			places: 35,
			families: 6,
			participations: 8,
			people: 17,
			attended: 7,
			no_show: 2,
			no_show_rate: 0.222,
			utilisation: 0.486,
			new_families: 5,
			returning_families: 1,
			events_turning_away: 2,
			families_turned_away: 2,
			grandparents: '<5',
			grandparent_families: '<5',
			receipts_asked: 2,
			receipts_answered: 1,
			receipt_rate: 0.5,
			feedback_asked: 3,
			feedback_given: 1,
			feedback_rate: 0.333,
			rating: null,
			referred_participations: '<5'
		});
	});

	it.skipIf(skip)('participation over time: months, and weeks with empty ones', async () => {
		const months = await figures('admin');
		expect(months.over_time).toEqual([
			{ bucket: '2026-09-01', events: 1, families: 4, people: 7, attended: 5 },
			{ bucket: '2026-10-01', events: 1, families: 2, people: 6, attended: 0 },
			{ bucket: '2026-11-01', events: 1, families: 2, people: 4, attended: 2 }
		]);
		const weeks = await figures('admin', { p_grain: 'week' });
		// Monday 31 August to Monday 30 November: 14 weeks; E6 (31 August, 23:30) is before the period.
		expect(weeks.over_time).toHaveLength(14);
		expect(weeks.over_time[0]).toEqual({
			bucket: '2026-08-31',
			events: 0,
			families: 0,
			people: 0,
			attended: 0
		});
		expect(weeks.over_time.reduce((sum, b) => sum + b.people, 0)).toBe(17);
		expect(weeks.over_time.find((b) => b.bucket === '2026-09-07')?.people).toBe(7);
	});

	it.skipIf(skip)('by organisation, category, town and age band', async () => {
		const data = await figures('admin');
		expect(data.by_org).toEqual([
			expect.objectContaining({
				org_id: w.orgA,
				town: '八里店镇',
				events: 2,
				places: 30,
				families: 5,
				people: 13,
				attended: 5,
				no_show: 2,
				waitlisted: 1,
				utilisation: 0.433
			}),
			expect.objectContaining({
				org_id: w.orgB,
				town: null,
				events: 1,
				places: 5,
				families: 2,
				people: 4,
				attended: 2,
				no_show: 0,
				waitlisted: 1,
				utilisation: 0.8
			})
		]);
		expect(data.by_category).toEqual([
			{ category: 'parent_child_reading', events: 2, families: 5, people: 11 },
			{ category: 'parenting_lecture', events: 1, families: 2, people: 6 },
			{ category: 'sports_day', events: 0, families: 0, people: 0 }
		]);
		expect(data.by_town).toEqual([
			{ town: '八里店镇', orgs: 1, events: 2, families: 5, people: 13 },
			{ town: '', orgs: 1, events: 1, families: 2, people: 4 }
		]);
		expect(data.by_age_band).toEqual([
			{ band: '0-2', children: '<5' },
			{ band: '3-5', children: 0 },
			{ band: '6-8', children: 8 },
			{ band: '9-11', children: 0 },
			{ band: '12-14', children: 0 },
			{ band: '15+', children: 0 }
		]);
		expect(data.events).toEqual([]);
	});

	it.skipIf(skip)('an organisation filter narrows every figure and lists its events', async () => {
		const data = await figures('admin', { p_org: w.orgA });
		expect(data.totals).toMatchObject({ events: 2, places: 30, families: 5, people: 13 });
		expect(data.by_org.map((o) => o.org_id)).toEqual([w.orgA]);
		expect(data.events.map((e) => e.id)).toEqual([ev.E1, ev.E4, ev.E2]);
		expect(data.events[0]).toMatchObject({
			families: 4,
			people: 7,
			attended: 5,
			no_show: 2,
			waitlisted: 0
		});
		expect(data.events[1]).toMatchObject({ status: 'cancelled', people: 0 });
		// orgB's only returning family (f1) came to orgA before, not to orgB: new there.
		const b = await figures('admin', { p_org: w.orgB });
		expect(b.totals).toMatchObject({ families: 2, new_families: 2, returning_families: 0 });
	});

	it.skipIf(skip)('staff see their own organisation only, without referrals', async () => {
		const own = await figures('staffA', { p_org: w.orgA });
		expect(own.totals).toMatchObject({ events: 2, people: 13 });
		expect(own.totals).not.toHaveProperty('referred_participations');
		for (const args of [{ p_org: w.orgB }, { p_org: null }]) {
			const other = await w.client.staffA.rpc('dashboard_figures', { ...quarter, ...args });
			expect(codeOf(other)).toBe('not_authorised');
		}
		const parent = await w.client.guardianA.rpc('dashboard_figures', quarter);
		expect(codeOf(parent)).toBe('not_authorised');
		const anon = await w.client.anon.rpc('dashboard_figures', quarter);
		expect(anon.error).not.toBeNull();
		expect(anon.data).toBeNull();
	});

	it.skipIf(skip)('bad periods and grains are refused', async () => {
		const backwards = await w.client.admin.rpc('dashboard_figures', {
			p_from: '2026-11-30',
			p_to: '2026-09-01'
		});
		expect(codeOf(backwards)).toBe('invalid_period');
		const long = await w.client.admin.rpc('dashboard_figures', {
			p_from: '2020-01-01',
			p_to: '2026-01-01'
		});
		expect(codeOf(long)).toBe('invalid_period');
		const grain = await w.client.admin.rpc('dashboard_figures', { ...quarter, p_grain: 'day' });
		expect(codeOf(grain)).toBe('invalid_grain');
	});

	it.skipIf(skip)('an event’s figures: counts without a family, small counts as <5', async () => {
		const { data, error } = await w.client.admin.rpc('dashboard_event_figures', {
			p_event: ev.E2
		});
		expect(error).toBeNull();
		expect(data).toMatchObject({
			id: ev.E2,
			capacity: 20,
			registrations: 3,
			cancelled: 1,
			families: 2,
			people: 6,
			attended: 0,
			no_show: 0,
			waitlisted: 1,
			returning_families: 1,
			channels: { wechat: 2, '': 1 },
			grandparents: '<5',
			receipts_asked: 2,
			receipts_answered: 1,
			feedback_asked: 0,
			feedback_given: 0,
			rating: null
		});
		expect(data.by_age_band).toEqual([
			{ band: '0-2', children: '<5' },
			{ band: '3-5', children: 0 },
			{ band: '6-8', children: '<5' },
			{ band: '9-11', children: 0 },
			{ band: '12-14', children: 0 },
			{ band: '15+', children: 0 }
		]);
		// Nothing that names a family or a member.
		const text = JSON.stringify(data);
		expect(text).not.toMatch(/家长|孩子|奶奶|小宝|family_id|nickname|email/);
		const staff = await w.client.staffA.rpc('dashboard_event_figures', { p_event: ev.E2 });
		expect(staff.error).toBeNull();
		for (const who of ['staffB', 'guardianA'] as const) {
			const denied = await w.client[who].rpc('dashboard_event_figures', { p_event: ev.E2 });
			expect(codeOf(denied)).toBe('not_authorised');
		}
		const draft = await w.client.admin.rpc('dashboard_event_figures', { p_event: ev.E5 });
		expect(codeOf(draft)).toBe('event_not_found');
		const hidden = await w.client.staffA.rpc('dashboard_event_figures', { p_event: ev.E5 });
		expect(codeOf(hidden)).toBe('not_authorised');
	});

	it.skipIf(skip)(
		'the monthly report is queued once per administrator on the 1st, however often it runs',
		async () => {
			const service = domain.admin();
			const first = await service.rpc('enqueue_monthly_reports', {
				p_now: '2026-12-01T08:00:00+08:00'
			});
			expect(first.error).toBeNull();
			expect(first.data).toBe(1);
			const again = await service.rpc('enqueue_monthly_reports', {
				p_now: '2026-12-02T08:00:00+08:00'
			});
			expect(again.data).toBe(0);
			const late = await service.rpc('enqueue_monthly_reports', {
				p_now: '2026-12-04T08:00:00+08:00'
			});
			expect(late.data).toBe(0);
			const { rows } = await domain.db.query<{ to_email: string; payload: string }>(
				`select to_email, payload::text as payload from public.email_outbox
				where kind = 'monthly_report'`
			);
			expect(rows.map((r) => r.to_email)).toEqual([w.users.admin.email]);
			const payload = JSON.parse(rows[0].payload) as { month: string; figures: Figures };
			expect(payload.month).toBe('2026-11');
			expect(payload.figures.totals).toMatchObject({ events: 1, people: 4, families: 2 });
			for (const who of ['admin', 'staffA', 'anon'] as const) {
				const denied = await w.client[who].rpc('enqueue_monthly_reports', {
					p_now: '2026-12-01T08:00:00+08:00'
				});
				expect(denied.error).not.toBeNull();
			}
		}
	);

	it.skipIf(skip)(
		'the queued report reaches the administrator once, with the PDF and no family in it',
		async () => {
			const capture = await startResendCapture();
			const dir = mkdtempSync(join(tmpdir(), 'gongyu-monthly-'));
			try {
				const dispatcher = () =>
					createDispatcher({
						client: domain.admin(),
						transport: resendTransport({
							apiKey: 're_test',
							baseUrl: capture.url,
							timeoutMs: 5000
						}),
						limiter: createRateLimiter(20),
						from: 'Gongyu <noreply@gongyu.example.org>',
						siteUrl: 'https://gongyu.example.org'
					});
				await dispatcher().runOnce();
				await domain.admin().rpc('enqueue_monthly_reports', { p_now: '2026-12-01T09:00:00+08:00' });
				await dispatcher().runOnce();
				const reports = capture.emails.filter((e) => e.subject.includes('月报'));
				expect(reports).toHaveLength(1);
				const [email] = reports;
				expect(email.to).toEqual([w.users.admin.email]);
				expect(email.subject).toBe('共育月报：2026年11月全区活动情况');
				expect(email.text).toContain('2026年11月，全区共有 1 个机构举办活动 1 场');
				expect(email.attachments?.map((a) => a.filename)).toEqual(['月报-2026-11-全区.pdf']);
				const file = join(dir, 'report.pdf');
				writeFileSync(file, Buffer.from(email.attachments![0].content!, 'base64'));
				const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
				expect(text.replace(/\s+/g, '')).toContain('家校社协同育人月报·2026年11月');
				// Counts only: no guardian, child or email address of the fixture.
				for (const body of [email.text ?? '', email.html ?? '', text])
					expect(body).not.toMatch(/家长甲|乐乐|朵朵|小宝|阿公|@test\.gongyu\.local/);
			} finally {
				await capture.close();
				rmSync(dir, { recursive: true, force: true });
			}
		}
	);
});
