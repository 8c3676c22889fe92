/**
 * One hot event, N families registering at the same moment (N = 50 and 200), on the PostgreSQL
 * server: through supabase-js and the embedded Supabase (each family with its own access token),
 * beside the same SQL function called directly over a pg pool of the same size, two ways: each
 * statement awaited in turn, and begin/claims/call/commit sent at once so the server commits the
 * moment the call ends (the limit the database itself sets, since every registration holds the
 * event row lock until its commit). Prints registrations per second, the ratio to the faster direct
 * way, latency percentiles, and overbooking counted from the database.
 *
 *   npx tsx bench/registration-race.ts [--sizes 50,200] [--pool N, default twice the cores] [--capacity 40]
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
		capacity: { type: 'string', default: '40' }
	}
});
const sizes = values.sizes.split(',').map(Number);
const poolSize = Number(values.pool);
const capacity = Number(values.capacity);

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
	for (const n of sizes) {
		const families = await insertFamilies(domain, n);
		const tokens = await Promise.all(families.map((f) => accessToken(f.user)));
		const clients = tokens.map((t) => domain.as(t));
		const warm = await insertEvent(domain, world, { capacity: 1000, minAge: null, maxAge: null });
		await Promise.all(
			clients
				.slice(0, 10)
				.map((c, i) =>
					c.rpc('register_family', { p_event_id: warm, p_member_ids: [families[i].parentId] })
				)
		);

		// Warm both pools: every connection open, plans cached.
		for (const p of [direct, directPipelined]) {
			await Promise.all(
				Array.from({ length: poolSize }, () => p.query('select public.current_privacy_version()'))
			);
		}

		const viaApi = await insertEvent(domain, world, { capacity, minAge: null, maxAge: null });
		const api = await race(
			clients.map(
				(c, i) => () =>
					c.rpc('register_family', { p_event_id: viaApi, p_member_ids: [families[i].parentId] })
			)
		);

		const claimsOf = (f: (typeof families)[number]) =>
			JSON.stringify({ sub: f.user.id, role: 'authenticated', aud: 'authenticated' });
		const scopeSql = `select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)`;
		const callSql = 'select public.register_family($1::uuid, $2::uuid[])';

		// Each statement awaited before the next: the lock is held while `commit` travels.
		const viaPool = await insertEvent(domain, world, { capacity, minAge: null, maxAge: null });
		const pool = await race(
			families.map((f) => async () => {
				const client = await direct.connect();
				try {
					await client.query('begin');
					await client.query(scopeSql, [claimsOf(f)]);
					await client.query(callSql, [viaPool, `{${f.parentId}}`]);
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
		const viaPipeline = await insertEvent(domain, world, { capacity, minAge: null, maxAge: null });
		const pipelined = await race(
			families.map((f) => async () => {
				const client = await directPipelined.connect();
				try {
					const sent = [
						client.query('begin'),
						client.query(scopeSql, [claimsOf(f)]),
						client.query(callSql, [viaPipeline, `{${f.parentId}}`]),
						client.query('commit')
					];
					const settled = await Promise.allSettled(sent);
					const failed = settled.find((r) => r.status === 'rejected');
					return { error: failed ? (failed as PromiseRejectedResult).reason : null };
				} finally {
					client.release();
				}
			})
		);
		const best = pool.perSecond > pipelined.perSecond ? pool : pipelined;

		console.log(`N=${String(n).padEnd(4)} supabase-js + embedded  ${fmt(api)}`);
		console.log(`N=${String(n).padEnd(4)} pg pool, direct         ${fmt(pool)}`);
		console.log(`N=${String(n).padEnd(4)} pg pool, direct pipelined ${fmt(pipelined)}`);
		console.log(
			`N=${String(n).padEnd(4)} ratio (embedded / faster direct) ${(api.perSecond / best.perSecond).toFixed(2)}`
		);
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
