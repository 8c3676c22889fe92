/**
 * The event list with 10,000 events in the database: time of the load function's data path
 * (supabase-js → embedded Supabase → find_events) per filter combination, on PGlite and, when it
 * answers, the PostgreSQL server. Prints p50/p95/max; asserts nothing.
 *
 *   npx tsx bench/parents-list.ts [pglite|postgres …]   (default: both; postgres only if reachable)
 *   BENCH_EVENTS=10000 BENCH_RUNS=200
 */
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { serverAvailable, type Backend } from '../tests/support/embedded';
import { startDomain } from '../tests/support/personas';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);

const requested = process.argv.slice(2) as Backend[];
const backends: Backend[] = requested.length
	? requested
	: (['pglite', ...((await serverAvailable()) ? ['postgres'] : [])] as Backend[]);

const words = [
	'亲子阅读',
	'绘本',
	'运动会',
	'传统文化',
	'心理健康',
	'家长课堂',
	'研学',
	'隔代教育'
];

async function seed(domain: Awaited<ReturnType<typeof startDomain>>) {
	const orgs = Array.from({ length: 20 }, () => randomUUID());
	await domain.db.exec(`
		insert into public.organisations (id, kind, slug, name_zh, name_en)
		select o.id, 'community_parent_school', 'bench-org-' || o.n, '社区家长学校' || o.n, 'School ' || o.n
		from unnest(array[${orgs.map((o) => `'${o}'::uuid`).join(',')}]) with ordinality as o(id, n);
	`);
	// Spread over the coming year (and some already past), most published, every category.
	await domain.db.exec(`
		insert into public.events (org_id, slug, category, status, title_zh, title_en, summary_zh,
			starts_at, ends_at, capacity, min_child_age, max_child_age, seats_taken, address_zh)
		select (array[${orgs.map((o) => `'${o}'::uuid`).join(',')}])[1 + n % 20],
			'bench-' || n,
			(enum_range(null::public.event_category))[1 + n % 9],
			case when n % 10 = 0 then 'draft'::public.event_status when n % 25 = 0 then 'cancelled' else 'published' end,
			(array[${words.map((w) => `'${w}'`).join(',')}])[1 + n % 8] || '活动第' || n || '期',
			'Bench event ' || n,
			'面向' || (3 + n % 10) || '到' || (6 + n % 10) || '岁孩子和家长的活动，地点在吴兴区。',
			now() + make_interval(hours => (n * 53) % (24 * 365) - 24 * 30),
			now() + make_interval(hours => (n * 53) % (24 * 365) - 24 * 30 + 2),
			30, case when n % 3 = 0 then null else 3 + n % 10 end,
			case when n % 3 = 0 then null else 6 + n % 10 end, n % 31, '吴兴区'
		from generate_series(1, ${EVENTS}) n;
		analyze public.events;
	`);
	return orgs;
}

function percentile(sorted: number[], p: number) {
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function time(client: SupabaseClient, args: Record<string, unknown>) {
	const samples: number[] = [];
	let total = 0;
	for (let i = 0; i < RUNS; i++) {
		const started = performance.now();
		const { data, error } = await client.rpc('find_events', { p_limit: 12, p_offset: 0, ...args });
		samples.push(performance.now() - started);
		if (error) throw new Error(`${error.code} ${error.message}`);
		total = (data as { total: number }).total;
	}
	samples.sort((a, b) => a - b);
	return {
		total,
		p50: percentile(samples, 50),
		p95: percentile(samples, 95),
		max: samples.at(-1)!
	};
}

for (const backend of backends) {
	const started = performance.now();
	const domain = await startDomain(backend);
	try {
		const orgs = await seed(domain);
		console.log(
			`\n${backend}: ${EVENTS} events inserted in ${((performance.now() - started) / 1000).toFixed(1)} s; ${RUNS} calls per row`
		);
		const anon = domain.anon();
		const from = new Date(Date.now() + 30 * 86_400_000);
		const cases: [string, Record<string, unknown>][] = [
			['first page, no filter', {}],
			['page 20', { p_offset: 12 * 19 }],
			['age 7', { p_age: 7 }],
			['search 绘本', { p_query: '绘本' }],
			['search 亲子阅读 + age 7', { p_query: '亲子阅读', p_age: 7 }],
			['search "bench event 77"', { p_query: 'bench event 77' }],
			['category + organisation', { p_category: 'sports_day', p_org_id: orgs[4] }],
			[
				'a month, calendar (compact, ≤ 500)',
				{
					p_from: from.toISOString(),
					p_to: new Date(from.getTime() + 31 * 86_400_000).toISOString(),
					p_limit: 500,
					p_compact: true
				}
			]
		];
		console.log('case                                  matches   p50 ms   p95 ms   max ms');
		for (const [name, args] of cases) {
			const r = await time(anon, args);
			console.log(
				`${name.padEnd(36)} ${String(r.total).padStart(8)} ${r.p50.toFixed(1).padStart(8)} ${r.p95.toFixed(1).padStart(8)} ${r.max.toFixed(1).padStart(8)}`
			);
		}
	} finally {
		await domain.close();
	}
}
