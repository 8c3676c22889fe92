import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import pg from 'pg';
import { createEmbeddedSupabase } from '/work/main/src/lib/server/embedded-supabase';
import { openPostgres } from '/work/main/src/lib/server/embedded-supabase/database';
import { applyBootstrap } from '/work/main/src/lib/server/embedded-supabase/migrate';
import { signJwt } from '/work/main/src/lib/server/embedded-supabase/jwt';
import { LOCAL_JWT_SECRET } from '/work/main/src/lib/server/embedded-supabase/keys';
const admin = new pg.Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/postgres' });
await admin.connect();
const name = 'gongyu_prof_' + Date.now().toString(36);
await admin.query(`create database ${name}`);
const db = await openPostgres({ connectionString: `postgresql://postgres@127.0.0.1:5432/${name}` });
await applyBootstrap(db);
await db.exec(`create table public.bench_rows (id bigint primary key, owner_id uuid not null, title text, score int);
insert into public.bench_rows select i, '00000000-0000-4000-8000-000000000001', 'row '||i, i%100 from generate_series(1,5000) i;
alter table bench_rows enable row level security; create policy p on bench_rows for select to authenticated using (owner_id = (select auth.uid()));`);
const embedded = await createEmbeddedSupabase({ db, apiUrl: 'http://localhost:54321', mailer: { send: async () => {} } });
const now = Math.floor(Date.now() / 1000);
const token = await signJwt({ sub: '00000000-0000-4000-8000-000000000001', aud: 'authenticated', role: 'authenticated', exp: now + 3600 }, LOCAL_JWT_SECRET);
const supabase = createClient('http://localhost:54321', embedded.keys.publishable, { auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: WebSocket as never }, global: { fetch: embedded.fetch, headers: { Authorization: `Bearer ${token}` } } });
const mode = process.argv[2];
let next = 0; const N = 2000;
const t0 = performance.now();
await Promise.all(Array.from({ length: 10 }, async () => {
	while (next < N) { const i = next++;
		if (mode === 'js') await supabase.from('bench_rows').select('id, title, score').gte('score', i % 90).order('id').limit(20);
		else if (mode === 'handle') { const r = await embedded.handle(new Request(`http://localhost:54321/rest/v1/bench_rows?select=id,title,score&score=gte.${i%90}&order=id.asc&limit=20`, { headers: { apikey: embedded.keys.publishable, authorization: `Bearer ${token}` } })); await r!.text(); }
		else if (mode === 'v1') await db.transaction({ role: 'authenticated', claims: { sub: '00000000-0000-4000-8000-000000000001', role: 'authenticated' } }, (tx) => tx.query(`select coalesce(json_agg(t), '[]')::text as body from (select id, title, score from public.bench_rows where score >= $1 order by id limit $2::int8) t`, [String(i % 90), '20']));
		else if (mode === 'v2') await db.transaction({ role: 'authenticated', claims: { sub: '00000000-0000-4000-8000-000000000001', role: 'authenticated' } }, (tx) => tx.query(`select coalesce(json_agg(t.r), '[]')::text as body from (select json_build_object($2::text, id, $3::text, title, $4::text, score) r from public.bench_rows where score >= $1 order by id limit 20) t`, [String(i % 90), 'id', 'title', 'score']));
		else if (mode === 'v3') await db.transaction({ role: 'authenticated', claims: { sub: '00000000-0000-4000-8000-000000000001', role: 'authenticated' } }, (tx) => tx.query(`select coalesce(json_agg(t), '[]')::text as body from (select id, title, score from "public"."bench_rows" as "bench_rows" where "bench_rows"."score" >= $1 order by "bench_rows"."id" asc limit 20) t`, [String(i % 90)]));
		else if (mode === 'v4') await db.transaction({ role: 'authenticated', claims: { sub: '00000000-0000-4000-8000-000000000001', role: 'authenticated' } }, (tx) => tx.query(`select coalesce(json_agg(t.r), '[]')::text as body from (select json_build_object('id', id, 'title', title, 'score', score) r from public.bench_rows where score >= $1 order by id limit 20) t`, [String(i % 90)]));
		else if (mode === 'v5') await db.transaction({ role: 'authenticated', claims: { sub: '00000000-0000-4000-8000-000000000001', role: 'authenticated' } }, (tx) => tx.query(`select coalesce(json_agg(t.r), '[]')::text as body from (select row_to_json(x) r from (select id, title, score from public.bench_rows where score >= $1 order by id limit 20) x) t`, [String(i % 90)]));
		else if (mode === 'plansql') await db.transaction({ role: 'authenticated', claims: { sub: '00000000-0000-4000-8000-000000000001', role: 'authenticated' }, settings: process.env.RO ? { transaction_read_only: 'on' } : {} }, (tx) => tx.query(`select null::text as total, pg_catalog.count(*)::text as page, coalesce(json_agg(pgrst_t.pgrst_row), '[]')::text as body, nullif(current_setting('response.headers', true), '') as response_headers, nullif(current_setting('response.status', true), '') as response_status from (select json_build_object($1::text, "bench_rows"."id", $2::text, "bench_rows"."title", $3::text, "bench_rows"."score") as pgrst_row from "public"."bench_rows" as "bench_rows" where "bench_rows"."score" >= $4 order by "bench_rows"."id" asc limit $5::int8) as pgrst_t`, ['id','title','score',String(i % 90), '20']));
		else await db.transaction({ role: 'authenticated', claims: { sub: '00000000-0000-4000-8000-000000000001', role: 'authenticated' } }, (tx) => tx.query(`select coalesce(json_agg(t), '[]')::text as body from (select id, title, score from public.bench_rows where score >= $1 order by id limit 20) t`, [String(i % 90)]));
	}
}));
console.log(mode, (N / ((performance.now() - t0) / 1000)).toFixed(0), 'rps');
await embedded.close(); await db.close(); await admin.query(`drop database ${name} with (force)`); await admin.end();
