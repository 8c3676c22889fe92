/**
 * One hot event, N families registering at the same moment (N = 50 and 200), on the PostgreSQL
 * server: through supabase-js and the embedded Supabase (each family with its own access token),
 * beside the same SQL function called directly over a pg pool of the same size, two ways: each
 * statement awaited in turn, and begin/claims/call/commit sent at once so the server commits the
 * moment the call ends (the limit the database itself sets, since every registration holds the
 * event row lock until its commit). Prints registrations per second, the ratio to the faster direct
 * way, latency percentiles, and overbooking counted from the database.
 *
 * Each event has descriptions of a few thousand characters, as real ones do: a registration must
 * not read them while it holds the event row.
 *
 * The largest N is run once more spread over --spread events (no shared row), which separates
 * waiting for the event row from the cost of a registration itself.
 *
 *   npx tsx bench/registration-race.ts [--sizes 50,200] [--pool N, default twice the cores]
 *     [--capacity 40] [--spread 50]
 */
import { defaultPoolSize } from '../src/lib/server/embedded-supabase/database/postgres';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { serverAvailable } from '../tests/support/embedded';
import {
	accessToken,
	createWorld,
	insertEvent,
	insertFamilies,
	startDomain
} from '../tests/support/personas';

const { values } = parseArgs({
	options: {
		sizes: { type: 'string', default: '50,200' },
		pool: { type: 'string', default: String(defaultPoolSize()) },
		capacity: { type: 'string', default: '40' },
		spread: { type: 'string', default: '50' }
	}
});
const sizes = values.sizes.split(',').map(Number);
const poolSize = Number(values.pool);
const capacity = Number(values.capacity);
const spread = Number(values.spread);

if (!(await serverAvailable())) {
	console.error('PostgreSQL is not reachable at 127.0.0.1:5432');
	process.exit(1);
}

const percentile = (sorted: number[], p: number) =>
	sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

interface Run {
	perSecond: number;
	p50: number;
	p95: number;
	p99: number;
	errors: number;
}

async function race(calls: (() => PromiseLike<{ error: unknown }>)[]): Promise<Run> {
	const latencies: number[] = [];
	let errors = 0;
	const start = performance.now();
	await Promise.all(
		calls.map(async (call) => {
			const t0 = performance.now();
			const { error } = await call();
			latencies.push(performance.now() - t0);
			if (error) errors++;
		})
	);
	const seconds = (performance.now() - start) / 1000;
	latencies.sort((a, b) => a - b);
	return {
		perSecond: calls.length / seconds,
		p50: percentile(latencies, 50),
		p95: percentile(latencies, 95),
		p99: percentile(latencies, 99),
		errors
	};
}

const fmt = (r: Run) =>
	`${r.perSecond.toFixed(0).padStart(6)} reg/s   p50 ${r.p50.toFixed(1).padStart(6)} ms   p95 ${r.p95
		.toFixed(1)
		.padStart(
			6
		)} ms   p99 ${r.p99.toFixed(1).padStart(6)} ms${r.errors ? `   errors ${r.errors}` : ''}`;

const domain = await startDomain('postgres', { pool: poolSize });
const direct = new pg.Pool({
	connectionString: (domain.db as unknown as { pool: pg.Pool }).pool.options.connectionString,
	max: poolSize
});
const directPipelined = new pg.Pool({
	connectionString: direct.options.connectionString,
	max: poolSize,
	pipeline: true
});
// Dropping the database at the end ends every connection still open: not an error here.
direct.on('error', () => {});
directPipelined.on('error', () => {});
let overbooked: number;
try {
	const world = await createWorld(domain);
	console.log(
		`registration race: one event of ${capacity} places, pool ${poolSize} connections, PostgreSQL ${
			(await direct.query('show server_version')).rows[0].server_version
		}`
	);
	type Family = Awaited<ReturnType<typeof insertFamilies>>[number];
	const claimsOf = (f: Family) =>
		JSON.stringify({ sub: f.user.id, role: 'authenticated', aud: 'authenticated' });
	const scopeSql = `select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)`;
	const callSql = 'select public.register_family($1::uuid, $2::uuid[])';
	// Events as a centre writes them, with a description of a few thousand characters in each
	// language (varied text, so it is stored out of line as a long description would be).
	const text = (length: number, first: number, span: number) => {
		let x = length;
		return Array.from({ length }, () => {
			x = (x * 1103515245 + 12345) % 2 ** 31;
			return String.fromCodePoint(first + ((x >> 8) % span));
		}).join('');
	};
	const descriptionZh = text(2500, 0x4e00, 3000);
	const descriptionEn = text(5000, 0x61, 26);
	const newEvents = (k: number) =>
		Promise.all(
			Array.from({ length: k }, async () => {
				const id = await insertEvent(domain, world, { capacity, minAge: null, maxAge: null });
				await domain.db.query(
					'update public.events set description_zh = $2, description_en = $3 where id = $1',
					[id, descriptionZh, descriptionEn]
				);
				return id;
			})
		);

	/** Every family registers once, family i for event i mod k, through each of the three ways. */
	async function threeWays(families: Family[], k: number) {
		// One supabase-js client per family, with its own access token.
		const clients = (await Promise.all(families.map((f) => accessToken(f.user)))).map((t) =>
			domain.as(t)
		);
		const viaApi = await newEvents(k);
		// Each family's client has been used before (the parent opened the event page): its first
		// call sets up supabase-js's auth state, which is not the server's work.
		await Promise.all(clients.map((c) => c.from('events').select('id').limit(1)));
		const api = await race(
			clients.map(
				(c, i) => () =>
					c.rpc('register_family', {
						p_event_id: viaApi[i % k],
						p_member_ids: [families[i].parentId]
					})
			)
		);

		// Each statement awaited before the next: the lock is held while `commit` travels.
		const viaPool = await newEvents(k);
		const pool = await race(
			families.map((f, i) => async () => {
				const client = await direct.connect();
				try {
					await client.query('begin');
					await client.query(scopeSql, [claimsOf(f)]);
					await client.query(callSql, [viaPool[i % k], `{${f.parentId}}`]);
					await client.query('commit');
					return { error: null };
				} catch (error) {
					await client.query('rollback').catch(() => {});
					return { error };
				} finally {
					client.release();
				}
			})
		);

		// All four statements sent at once: the server commits as soon as the call ends.
		const viaPipeline = await newEvents(k);
		const pipelined = await race(
			families.map((f, i) => async () => {
				const client = await directPipelined.connect();
				try {
					const settled = await Promise.allSettled([
						client.query('begin'),
						client.query(scopeSql, [claimsOf(f)]),
						client.query(callSql, [viaPipeline[i % k], `{${f.parentId}}`]),
						client.query('commit')
					]);
					const failed = settled.find((r) => r.status === 'rejected');
					return { error: failed ? (failed as PromiseRejectedResult).reason : null };
				} finally {
					client.release();
				}
			})
		);
		return { api, pool, pipelined };
	}

	function report(label: string, runs: Awaited<ReturnType<typeof threeWays>>) {
		const best = runs.pool.perSecond > runs.pipelined.perSecond ? runs.pool : runs.pipelined;
		console.log(`${label}  supabase-js + embedded     ${fmt(runs.api)}`);
		console.log(`${label}  pg pool, direct            ${fmt(runs.pool)}`);
		console.log(`${label}  pg pool, direct pipelined  ${fmt(runs.pipelined)}`);
		console.log(
			`${label}  ratio (embedded / faster direct) ${(runs.api.perSecond / best.perSecond).toFixed(2)}`
		);
	}

	// Warm-up, not reported: every connection of every pool runs the function (confirmed and
	// waitlisted) often enough to have compiled it and settled its plans.
	await threeWays(await insertFamilies(domain, capacity + 8 * poolSize), 1);

	for (const n of sizes) {
		report(`N=${String(n).padEnd(4)}`, await threeWays(await insertFamilies(domain, n), 1));
		if (n === Math.max(...sizes) && spread > 1) {
			// The same load spread over many events: no row is shared, so what is left is the cost of
			// each registration itself (CPU of the database and of this process, the commit's flush).
			report(
				`N=${n} over ${spread} events`,
				await threeWays(await insertFamilies(domain, n), spread)
			);
		}
	}
	const { rows } = await direct.query<{ n: string }>(
		`select count(*)::text as n from public.events e
		where (select coalesce(sum(r.seats), 0) from public.registrations r
			where r.event_id = e.id and r.status in ('confirmed', 'attended', 'no_show')) > e.capacity
			or e.seats_taken > e.capacity`
	);
	overbooked = Number(rows[0].n);
	console.log(`overbooked: ${overbooked}`);
} finally {
	await direct.end();
	await directPipelined.end();
	await domain.close();
}
process.exit(overbooked === 0 ? 0 : 1);
