/**
 * Counselling on the PostgreSQL server.
 * 1. Slots for 4 weeks × 6 counsellors (08:00–20:00 every day) with 500 existing appointments:
 *    p50/p95 of private.counselling_slots run directly, and of counselling_slots through supabase-js
 *    and the embedded Supabase. Target: p95 ≤ 20 ms on the server.
 * 2. Booking throughput: N families each booking a different free slot at once, through
 *    supabase-js (each family with its own access token) and through book_appointment called
 *    directly over a pg pool of the same size (claims and role set as the embedded Supabase sets
 *    them). Target: supabase-js / direct ≥ 0.5. Then N families racing for one slot, both ways:
 *    exactly one booked each time.
 *
 *   npx tsx bench/counselling.ts [--families 100] [--pool 8] [--runs 50]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createCounselling, everyDay } from '../tests/support/counselling';
import { serverAvailable } from '../tests/support/embedded';
import {
	accessToken,
	createWorld,
	insertFamilies,
	shanghaiAt,
	startDomain,
	usersSql
} from '../tests/support/personas';

const { values } = parseArgs({
	options: {
		families: { type: 'string', default: '100' },
		pool: { type: 'string', default: '8' },
		runs: { type: 'string', default: '50' }
	}
});
const N = Number(values.families);
const poolSize = Number(values.pool);
const runs = Number(values.runs);

if (!(await serverAvailable())) {
	console.error('PostgreSQL is not reachable at 127.0.0.1:5432');
	process.exit(1);
}

const percentile = (sorted: number[], p: number) =>
	sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const ms = (n: number) => `${n.toFixed(1)} ms`;

const domain = await startDomain('postgres', { pool: poolSize });
const url = (domain.db as unknown as { pool: { options: { connectionString: string } } }).pool
	.options.connectionString;
const direct = new pg.Pool({ connectionString: url, max: poolSize });
try {
	const w = await createWorld(domain);
	const c = await createCounselling(domain, w);
	const more = Array.from({ length: 4 }, (_, i) => ({
		id: randomUUID(),
		email: `bench-counsellor-${i}-${randomUUID().slice(0, 6)}@test.gongyu.local`
	}));
	await domain.db.exec(`
		${usersSql(more)}
		insert into public.org_members (org_id, user_id) values
			${more.map((u) => `('${c.orgC}', '${u.id}')`).join(',')};
		insert into public.counsellors (user_id, org_id, display_name_zh, modes, min_notice_minutes, horizon_days)
		values ${more.map((u, i) => `('${u.id}', '${c.orgC}', '咨询师${i + 3}', '{phone,video}', 0, 40)`).join(',')};
		update public.counsellors set daily_max = 20, horizon_days = 40, min_notice_minutes = 0
		where org_id = '${c.orgC}';
	`);
	const counsellors = [c.users.counsellorA.id, c.users.counsellorB.id, ...more.map((u) => u.id)];
	for (const id of counsellors) await everyDay(domain, id, '08:00', '20:00');

	// 500 appointments on distinct (counsellor, day, hour) places of days 1–28.
	const holders = await insertFamilies(domain, 170);
	const places = counsellors.flatMap((id) =>
		Array.from({ length: 28 }, (_, d) =>
			Array.from({ length: 12 }, (_, h) => ({ id, day: d + 1, hour: 8 + h }))
		).flat()
	);
	for (let i = places.length - 1; i > 0; i--) {
		const j = Math.floor(Math.random() * (i + 1));
		[places[i], places[j]] = [places[j], places[i]];
	}
	const existing = places.slice(0, 500);
	await domain.db.exec(`
		insert into public.appointments (org_id, counsellor_id, family_id, starts_at, ends_at, buffer_minutes, mode, status)
		values ${existing
			.map((p, i) => {
				const start = shanghaiAt(p.day, `${String(p.hour).padStart(2, '0')}:00`);
				return `('${c.orgC}', '${p.id}', '${holders[i % holders.length].familyId}', '${start}',
					'${start}'::timestamptz + interval '50 minutes', 10, 'phone', 'confirmed')`;
			})
			.join(',\n')};
		analyze public.appointments;
	`);

	// 1. Slots.
	const from = shanghaiAt(1, '00:00').slice(0, 10);
	const to = shanghaiAt(28, '00:00').slice(0, 10);
	const directTimes: number[] = [];
	let slotCount = 0;
	for (let i = 0; i < runs + 5; i++) {
		const t0 = performance.now();
		const r = await direct.query(
			`select count(*)::int as n from private.counselling_slots($1::uuid, null, $2::date, $3::date, now())`,
			[c.orgC, from, to]
		);
		if (i >= 5) directTimes.push(performance.now() - t0);
		slotCount = r.rows[0].n;
	}
	const guardian = domain.as(await accessToken(holders[0].user));
	const apiTimes: number[] = [];
	for (let i = 0; i < runs + 5; i++) {
		const t0 = performance.now();
		const r = await guardian.rpc('counselling_slots', { p_org_id: c.orgC, p_from: from, p_to: to });
		if (r.error) throw new Error(r.error.message);
		if (i >= 5) apiTimes.push(performance.now() - t0);
	}
	directTimes.sort((a, b) => a - b);
	apiTimes.sort((a, b) => a - b);
	console.log(
		`slots, 4 weeks × ${counsellors.length} counsellors, ${existing.length} appointments: ${slotCount} slots`
	);
	console.log(
		`  SQL function directly:   p50 ${ms(percentile(directTimes, 50))}  p95 ${ms(percentile(directTimes, 95))}  (target p95 ≤ 20 ms)`
	);
	console.log(
		`  through supabase-js:     p50 ${ms(percentile(apiTimes, 50))}  p95 ${ms(percentile(apiTimes, 95))}`
	);

	// 2. Booking throughput: each family a different free slot, on days 29–35 (no appointments).
	const crowd = await insertFamilies(domain, N);
	const tokens = await Promise.all(crowd.map((f) => accessToken(f.user)));
	const slotFor = (run: number, i: number) => ({
		counsellor: counsellors[i % counsellors.length],
		at: shanghaiAt(
			29 + run * 3 + Math.floor(i / (counsellors.length * 12)),
			`${String(8 + (Math.floor(i / counsellors.length) % 12)).padStart(2, '0')}:00`
		)
	});
	const args = (f: (typeof crowd)[number], slot: { counsellor: string; at: string }) => ({
		p_counsellor_id: slot.counsellor,
		p_starts_at: slot.at,
		p_mode: 'phone',
		p_subject: 'family',
		p_topic: 'other',
		p_member_id: null
	});
	const viaApi = async (slot: (i: number) => { counsellor: string; at: string }) => {
		const clients = tokens.map((t) => domain.as(t));
		const t0 = performance.now();
		const results = await Promise.all(
			crowd.map((f, i) => clients[i].rpc('book_appointment', args(f, slot(i))))
		);
		return { seconds: (performance.now() - t0) / 1000, ok: results.filter((r) => !r.error).length };
	};
	const viaSql = async (slot: (i: number) => { counsellor: string; at: string }) => {
		const t0 = performance.now();
		const results = await Promise.all(
			crowd.map(async (f, i) => {
				const client = await direct.connect();
				try {
					await client.query('begin');
					await client.query(
						`select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)`,
						[JSON.stringify({ sub: f.user.id, role: 'authenticated', aud: 'authenticated' })]
					);
					const a = args(f, slot(i));
					await client.query(
						`select public.book_appointment($1::uuid, $2::timestamptz, 'phone', 'family', 'other', null, '', 'phone')`,
						[a.p_counsellor_id, a.p_starts_at]
					);
					await client.query('commit');
					return true;
				} catch {
					await client.query('rollback');
					return false;
				} finally {
					client.release();
				}
			})
		);
		return { seconds: (performance.now() - t0) / 1000, ok: results.filter(Boolean).length };
	};
	const api = await viaApi((i) => slotFor(0, i));
	const sql = await viaSql((i) => slotFor(1, i));
	const apiRate = api.ok / api.seconds;
	const sqlRate = sql.ok / sql.seconds;
	console.log(`booking ${N} different slots at once (pool ${poolSize}):`);
	console.log(`  through supabase-js:     ${api.ok} booked, ${apiRate.toFixed(0)} bookings/s`);
	console.log(`  SQL function directly:   ${sql.ok} booked, ${sqlRate.toFixed(0)} bookings/s`);
	console.log(`  ratio supabase-js / direct: ${(apiRate / sqlRate).toFixed(2)} (target ≥ 0.5)`);

	// The race for one slot: exactly one booking each way.
	await domain.db.exec(
		`update public.appointments set status = 'cancelled' where counsellor_id = '${counsellors[0]}' and starts_at > now() + interval '28 days'`
	);
	const one = { counsellor: counsellors[0], at: shanghaiAt(36, '09:00') };
	const raceApi = await viaApi(() => one);
	const raceSql = await viaSql(() => ({ ...one, at: shanghaiAt(36, '10:00') }));
	console.log(`${N} families racing for one slot:`);
	console.log(
		`  through supabase-js:     ${raceApi.ok} booked in ${ms(raceApi.seconds * 1000)} (${(N / raceApi.seconds).toFixed(0)} answers/s)`
	);
	console.log(
		`  SQL function directly:   ${raceSql.ok} booked in ${ms(raceSql.seconds * 1000)} (${(N / raceSql.seconds).toFixed(0)} answers/s)`
	);
	console.log(
		`  ratio supabase-js / direct: ${(N / raceApi.seconds / (N / raceSql.seconds)).toFixed(2)}`
	);
} finally {
	await direct.end();
	await domain.close();
}
