/**
 * The staff calendar's data path with 5,000 bookings in the database: the same supabase-js call
 * the page and its feed make (rpc staff_calendar) for one room's week and for the whole
 * organisation's month, as the demo centre's staff member, through the embedded Supabase on PGlite
 * and, when it answers, on the PostgreSQL server. Prints p50/p95/max in milliseconds; asserts
 * nothing.
 *
 *   npx tsx bench/staff-calendar-query.ts [pglite|postgres …]   BENCH_BOOKINGS=5000 BENCH_RUNS=200
 */
import { serverAvailable, startEmbedded, type Backend } from '../tests/support/embedded';

const BOOKINGS = Number(process.env.BENCH_BOOKINGS ?? 5000);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const ORG = 'a0000000-0000-4000-8000-000000000001';
const OTHER_ORG = 'a0000000-0000-4000-8000-000000000004';
const VENUES = 10;

const requested = process.argv.slice(2) as Backend[];
const backends: Backend[] = requested.length
	? requested
	: (['pglite', ...((await serverAvailable()) ? ['postgres'] : [])] as Backend[]);

/** Shanghai midnight of today + days, as an ISO instant. */
function midnight(days: number): string {
	const now = new Date(Date.now() + 8 * 3600_000);
	const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days));
	return `${day.toISOString().slice(0, 10)}T00:00:00+08:00`;
}

// Six more rooms for the demo centre (ten in all), then bookings spread over a year around today:
// two a day per room (09:00–11:00 and 14:00–16:30), mostly approved, some pending requests from a
// school, some blocks; a third of the approved ones hold an event.
const seedSql = `
insert into public.venues (org_id, name_zh, name_en, capacity, buffer_minutes)
select '${ORG}', '测试活动室' || n, 'Bench room ' || n, 50, 15 from generate_series(1, ${VENUES - 4}) n;

create temporary table bench_slots as
select v.id as venue_id, v.rn, n,
	(date_trunc('day', now() at time zone 'Asia/Shanghai') - interval '120 days'
		+ make_interval(days => n / 2) + case when n % 2 = 0 then interval '9 hours' else interval '14 hours' end)
		at time zone 'Asia/Shanghai' as starts_at
from (select id, row_number() over (order by id) as rn from public.venues where org_id = '${ORG}') v
cross join generate_series(0, ${Math.ceil(BOOKINGS / VENUES) - 1}) n;

-- Leave the demo data's own bookings alone: skip any slot that would collide with them.
delete from bench_slots s where exists (
	select 1 from public.venue_bookings b
	where b.venue_id = s.venue_id and b.status in ('approved', 'blocked')
		and b.occupied && tstzrange(s.starts_at, s.starts_at + interval '3 hours')
);

insert into public.venue_bookings (venue_id, org_id, status, starts_at, ends_at, buffer_minutes, purpose, reason)
select venue_id,
	case when (n + rn) % 10 = 3 then '${OTHER_ORG}'::uuid else '${ORG}'::uuid end,
	case when (n + rn) % 10 = 3 then 'requested'::public.booking_status
		when (n + rn) % 10 = 7 then 'blocked' else 'approved' end,
	starts_at, starts_at + interval '2 hours 30 minutes',
	case when (n + rn) % 10 = 7 then 0 else 15 end,
	'预约 ' || n, case when (n + rn) % 10 = 7 then '设备检修' end
from bench_slots;

insert into public.events (org_id, category, status, title_zh, starts_at, ends_at, venue_booking_id, capacity)
select '${ORG}', 'parent_class', 'published', '家长课堂第' || row_number() over () || '期',
	b.starts_at, b.ends_at, b.id, 40
from public.venue_bookings b
where b.org_id = '${ORG}' and b.status = 'approved' and b.purpose like '预约 %'
	and (extract(epoch from b.starts_at)::bigint / 3600) % 3 = 0;
analyze;
`;

function stats(samples: number[]) {
	const sorted = [...samples].sort((a, b) => a - b);
	const at = (p: number) =>
		sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
	return `p50 ${at(50).toFixed(1).padStart(6)}  p95 ${at(95).toFixed(1).padStart(6)}  max ${sorted[sorted.length - 1].toFixed(1).padStart(6)}`;
}

for (const backend of backends) {
	const t = await startEmbedded({ backend, dir: 'supabase', seed: true });
	try {
		await t.db.exec(seedSql);
		const { rows } = await t.db.query<{ n: string; venue: string }>(
			`select (select count(*) from public.venue_bookings)::text n,
				(select id::text from public.venues where org_id = '${ORG}' and name_zh = '测试活动室1') venue`
		);
		const venueId = rows[0].venue;
		const client = t.anon();
		const signedIn = await client.auth.signInWithPassword({
			email: 'staff@youth.demo.gongyu.local',
			password: 'gongyu-demo'
		});
		if (signedIn.error) throw signedIn.error;

		const cases = [
			{ name: "one room's week", from: midnight(7), to: midnight(14), venue: venueId },
			{ name: "organisation's month (6 wk)", from: midnight(0), to: midnight(42), venue: null }
		];
		console.log(`\n${backend}: ${rows[0].n} bookings in the database, ${RUNS} runs each (ms)`);
		for (const c of cases) {
			const call = () =>
				client.rpc('staff_calendar', {
					p_org_id: ORG,
					p_from: c.from,
					p_to: c.to,
					p_venue_id: c.venue
				});
			const first = await call();
			if (first.error) throw first.error;
			const items = (first.data as { items: unknown[] }).items.length;
			for (let i = 0; i < 10; i++) await call();
			const samples: number[] = [];
			for (let i = 0; i < RUNS; i++) {
				const started = performance.now();
				const { error } = await call();
				samples.push(performance.now() - started);
				if (error) throw error;
			}
			console.log(`  ${c.name.padEnd(22)} ${String(items).padStart(4)} items  ${stats(samples)}`);
		}
	} finally {
		await t.close();
	}
}
