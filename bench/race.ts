/** Racing many calls at once and summing them up: shared by the registration benchmarks. */
import pg from 'pg';
import { serverAvailable } from '../tests/support/embedded';
import { startDomain } from '../tests/support/personas';

export const percentile = (sorted: number[], p: number) =>
	sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

export interface Run {
	perSecond: number;
	p50: number;
	p95: number;
	p99: number;
	errors: number;
}

/** Starts every call at once; counts those that answered an error. */
export async function race(calls: (() => PromiseLike<{ error: unknown }>)[]): Promise<Run> {
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

export const fmt = (r: Run) =>
	`${r.perSecond.toFixed(0).padStart(6)} reg/s   p50 ${r.p50.toFixed(1).padStart(6)} ms   p95 ${r.p95
		.toFixed(1)
		.padStart(
			6
		)} ms   p99 ${r.p99.toFixed(1).padStart(6)} ms${r.errors ? `   errors ${r.errors}` : ''}`;

/**
 * Two pg pools onto the test database, of `max` connections each: one sends each statement in
 * turn, one pipelines them. Dropping the database at the end ends their connections: not an error.
 */
export function directPools(connectionString: string, max: number) {
	const awaited = new pg.Pool({ connectionString, max });
	const pipelined = new pg.Pool({ connectionString, max, pipeline: true });
	awaited.on('error', () => {});
	pipelined.on('error', () => {});
	return {
		awaited,
		pipelined,
		end: () => Promise.all([awaited.end(), pipelined.end()])
	};
}

const scopeSql = `select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)`;
const callSql = 'select public.register_family($1::uuid, $2::uuid[])';
const claimsOf = (userId: string) =>
	JSON.stringify({ sub: userId, role: 'authenticated', aud: 'authenticated' });

/**
 * register_family as the user over a direct connection: `awaited` sends each statement after the
 * last (the event lock is held while `commit` travels); `pipelined` sends all four at once, so the
 * server commits as soon as the call ends.
 */
export async function registerDirect(
	pool: pg.Pool,
	mode: 'awaited' | 'pipelined',
	userId: string,
	eventId: string,
	memberId: string
): Promise<{ error: unknown }> {
	const client = await pool.connect();
	const statements: [string, unknown[]?][] = [
		['begin'],
		[scopeSql, [claimsOf(userId)]],
		[callSql, [eventId, `{${memberId}}`]],
		['commit']
	];
	try {
		if (mode === 'pipelined') {
			const settled = await Promise.allSettled(statements.map(([q, v]) => client.query(q, v)));
			const failed = settled.find((r) => r.status === 'rejected');
			return { error: failed ? (failed as PromiseRejectedResult).reason : null };
		}
		for (const [q, v] of statements) await client.query(q, v);
		return { error: null };
	} catch (error) {
		await client.query('rollback').catch(() => {});
		return { error };
	} finally {
		client.release();
	}
}

/** The race's database on the PostgreSQL server (or exit), with the two direct pools onto it. */
export async function startRace(poolSize: number) {
	if (!(await serverAvailable())) {
		console.error('PostgreSQL is not reachable at 127.0.0.1:5432');
		process.exit(1);
	}
	const domain = await startDomain('postgres', { pool: poolSize });
	const pools = directPools(
		(domain.db as unknown as { pool: pg.Pool }).pool.options.connectionString!,
		poolSize
	);
	return { domain, pools };
}

export interface ThreeRuns {
	api: Run;
	pool: Run;
	pipelined: Run;
}

/** The three ways side by side, and the ratio of supabase-js to the faster direct way. */
export function report(label: string, runs: ThreeRuns) {
	const best = runs.pool.perSecond > runs.pipelined.perSecond ? runs.pool : runs.pipelined;
	console.log(`${label}  supabase-js + embedded     ${fmt(runs.api)}`);
	console.log(`${label}  pg pool, direct            ${fmt(runs.pool)}`);
	console.log(`${label}  pg pool, direct pipelined  ${fmt(runs.pipelined)}`);
	console.log(
		`${label}  ratio (embedded / faster direct) ${(runs.api.perSecond / best.perSecond).toFixed(2)}`
	);
}
