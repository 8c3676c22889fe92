/**
 * What the embedded PostgREST costs over plain SQL: requests/s and p50/p95 latency for a 20-row
 * filtered select and for an RPC, through supabase-js in-process, beside the same query run
 * directly on the same Database (`db.transaction` with the same role and claims).
 *
 *   npx tsx bench/rest-overhead.ts            (PGlite, and the PostgreSQL server when reachable)
 *   BENCH_REQUESTS=500 npx tsx bench/rest-overhead.ts
 */
import { createClient } from '@supabase/supabase-js';
import pg from 'pg';
import WebSocket from 'ws';
import { createEmbeddedSupabase } from '../src/lib/server/embedded-supabase';
import {
	openPglite,
	openPostgres,
	type Database
} from '../src/lib/server/embedded-supabase/database';
import { signJwt } from '../src/lib/server/embedded-supabase/jwt';
import { LOCAL_JWT_SECRET } from '../src/lib/server/embedded-supabase/keys';
import { applyBootstrap } from '../src/lib/server/embedded-supabase/migrate';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const SERVER = process.env.TEST_DATABASE_SERVER ?? 'postgresql://postgres@127.0.0.1:5432';
const API_URL = 'http://localhost:54321';
const USER = '00000000-0000-4000-8000-000000000001';

const fixture = `
create table public.bench_rows (
	id bigint primary key,
	owner_id uuid not null,
	title text not null,
	score int not null,
	created_at timestamptz not null default now()
);
insert into public.bench_rows (id, owner_id, title, score)
	select i, case when i % 2 = 0 then '${USER}'::uuid else gen_random_uuid() end, 'row ' || i, i % 100
	from generate_series(1, 5000) i;
create index on public.bench_rows (score);
alter table public.bench_rows enable row level security;
create policy "own rows" on public.bench_rows for select to authenticated
	using (owner_id = (select auth.uid()));
create function public.bench_score(min_score int) returns bigint language sql stable as
	$$ select count(*) from public.bench_rows where score >= min_score and owner_id = (select auth.uid()) $$;
`;

interface Stats {
	rps: number;
	p50: number;
	p95: number;
}

async function measure(concurrency: number, run: (i: number) => Promise<void>): Promise<Stats> {
	// Warm-up at full concurrency, so that every pooled connection is open before timing starts.
	let warm = 0;
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (warm < Math.min(200, REQUESTS)) await run(warm++);
		})
	);
	const latencies: number[] = [];
	let next = 0;
	const started = performance.now();
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < REQUESTS) {
				const i = next++;
				const t0 = performance.now();
				await run(i);
				latencies.push(performance.now() - t0);
			}
		})
	);
	const seconds = (performance.now() - started) / 1000;
	latencies.sort((a, b) => a - b);
	const pick = (q: number) =>
		latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
	return { rps: REQUESTS / seconds, p50: pick(0.5), p95: pick(0.95) };
}

function line(label: string, s: Stats): string {
	return `  ${label.padEnd(34)} ${s.rps.toFixed(0).padStart(7)} req/s   p50 ${s.p50.toFixed(2).padStart(6)} ms   p95 ${s.p95.toFixed(2).padStart(6)} ms`;
}

async function bench(name: string, db: Database, concurrency: number): Promise<void> {
	await applyBootstrap(db);
	await db.exec(fixture);
	const embedded = await createEmbeddedSupabase({
		db,
		apiUrl: API_URL,
		mailer: { send: async () => {} }
	});
	const now = Math.floor(Date.now() / 1000);
	const claims = {
		sub: USER,
		aud: 'authenticated',
		role: 'authenticated',
		iat: now,
		exp: now + 3600
	};
	const token = await signJwt(claims, LOCAL_JWT_SECRET);
	const supabase = createClient(API_URL, embedded.keys.publishable, {
		auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
		realtime: { transport: WebSocket as never },
		global: { fetch: embedded.fetch, headers: { Authorization: `Bearer ${token}` } }
	});
	const scope = { role: 'authenticated' as const, claims };

	// Sanity: both paths answer the same rows.
	const viaRest = await supabase
		.from('bench_rows')
		.select('id, title, score')
		.gte('score', 50)
		.order('id')
		.limit(20);
	if (viaRest.error || viaRest.data?.length !== 20)
		throw new Error(`select failed: ${JSON.stringify(viaRest.error)}`);

	const selectSql = `select coalesce(json_agg(t), '[]')::text as body from (
		select id, title, score from public.bench_rows where score >= $1 order by id limit 20) t`;
	const rpcSql = `select to_json(public.bench_score($1::int))::text as body`;

	console.log(
		`\n${name} (${REQUESTS} requests, concurrency ${concurrency}, best of ${ROUNDS} rounds)`
	);
	const workloads: Record<string, (i: number) => Promise<void>> = {
		restSelect: async (i) => {
			const { error } = await supabase
				.from('bench_rows')
				.select('id, title, score')
				.gte('score', i % 90)
				.order('id')
				.limit(20);
			if (error) throw new Error(error.message);
		},
		// The handler alone, without supabase-js: a plain Request through the in-process fetch.
		fetchSelect: async (i) => {
			const response = await embedded.fetch(
				`${API_URL}/rest/v1/bench_rows?select=id,title,score&score=gte.${i % 90}&order=id.asc&limit=20`,
				{ headers: { apikey: embedded.keys.publishable, authorization: `Bearer ${token}` } }
			);
			if (response.status !== 200) throw new Error(`status ${response.status}`);
			await response.text();
		},
		directSelect: async (i) => {
			await db.transaction(scope, (tx) => tx.query(selectSql, [String(i % 90)]));
		},
		restRpc: async (i) => {
			const { error } = await supabase.rpc('bench_score', { min_score: i % 90 });
			if (error) throw new Error(error.message);
		},
		directRpc: async (i) => {
			await db.transaction(scope, (tx) => tx.query(rpcSql, [String(i % 90)]));
		}
	};
	// Rounds alternate the workloads, so that a busy moment on a shared machine hits all of them;
	// each keeps its best round.
	const best: Record<string, Stats> = {};
	for (let round = 0; round < ROUNDS; round++) {
		for (const [key, run] of Object.entries(workloads)) {
			const stats = await measure(concurrency, run);
			if (!best[key] || stats.rps > best[key].rps) best[key] = stats;
		}
	}
	console.log(line('select 20 rows via supabase-js', best.restSelect));
	console.log(line('select 20 rows via fetch (no client)', best.fetchSelect));
	console.log(line('select 20 rows, same SQL direct', best.directSelect));
	console.log(
		`  ratio ${(best.restSelect.rps / best.directSelect.rps).toFixed(2)} (target >= 0.5)`
	);
	console.log(line('rpc via supabase-js', best.restRpc));
	console.log(line('rpc, same SQL direct', best.directRpc));
	console.log(`  ratio ${(best.restRpc.rps / best.directRpc.rps).toFixed(2)} (target >= 0.5)`);
	await embedded.close();
}

async function main() {
	const lite = await openPglite();
	try {
		await bench('PGlite (in-memory)', lite, 1);
	} finally {
		await lite.close();
	}

	const admin = new pg.Client({ connectionString: `${SERVER}/postgres` });
	try {
		await admin.connect();
	} catch {
		console.log(`\nPostgreSQL server at ${SERVER} unreachable: skipped`);
		return;
	}
	const dbName = `gongyu_bench_${Date.now().toString(36)}`;
	await admin.query(`create database ${dbName}`);
	try {
		const server = await openPostgres({ connectionString: `${SERVER}/${dbName}`, max: 10 });
		try {
			await bench('PostgreSQL server (pool of 10)', server, 10);
		} finally {
			await server.close();
		}
	} finally {
		await admin.query(`drop database if exists ${dbName} with (force)`);
		await admin.end();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
