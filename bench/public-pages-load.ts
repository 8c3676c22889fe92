/**
 * Server time of the public pages under load: `/events` and an event page, 50 concurrent anonymous
 * visitors (CONCURRENCY) for SECONDS (10) each, on the PostgreSQL server (a fresh database with the
 * demo data, TEST_DATABASE_SERVER or postgresql://postgres@127.0.0.1:5432), with the page cache on
 * and off (GONGYU_PAGE_CACHE). Prints requests/s and p50/p95/p99 per page and mode, the ratio of
 * the p95s, and checks that seats left are exact with the cache on: a change to the event through
 * the API shows on the next request. Needs `npm run build` first. Asserts nothing.
 *   npx tsx bench/public-pages-load.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startBuild } from './server';

const SERVER = (process.env.TEST_DATABASE_SERVER ?? 'postgresql://postgres@127.0.0.1:5432').replace(
	/\/$/,
	''
);
const SECRET = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz';
const concurrency = Number(process.env.CONCURRENCY ?? 50);
const seconds = Number(process.env.SECONDS ?? 10);
const port = Number(process.env.PORT ?? 6580);

const admin = new pg.Client({ connectionString: `${SERVER}/postgres` });
await admin.connect();
const name = `gongyu_bench_pages_${Date.now().toString(36)}`;
await admin.query(`create database ${name}`);
const dataDir = mkdtempSync(join(tmpdir(), 'gongyu-bench-pages-'));

interface Figures {
	count: number;
	perSecond: number;
	p50: number;
	p95: number;
	p99: number;
	errors: number;
}

async function load(origin: string, path: string): Promise<Figures> {
	const times: number[] = [];
	let errors = 0;
	const end = performance.now() + seconds * 1000;
	const started = performance.now();
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (performance.now() < end) {
				const t0 = performance.now();
				const response = await fetch(`${origin}${path}`);
				await response.arrayBuffer();
				if (response.status !== 200) errors++;
				times.push(performance.now() - t0);
			}
		})
	);
	const elapsed = (performance.now() - started) / 1000;
	times.sort((a, b) => a - b);
	const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
	return {
		count: times.length,
		perSecond: times.length / elapsed,
		p50: at(0.5),
		p95: at(0.95),
		p99: at(0.99),
		errors
	};
}

const seatsOf = async (origin: string, path: string) =>
	/data-testid="seats"[^>]*>\s*([^<]*?)\s*</.exec(
		await (await fetch(`${origin}${path}`)).text()
	)?.[1];

const results = new Map<string, Figures>();
try {
	console.log(
		`load average before: ${loadavg()
			.map((n) => n.toFixed(2))
			.join(' ')}; ${concurrency} concurrent anonymous visitors, ${seconds} s per page`
	);
	let eventPath = '';
	for (const cache of ['on', 'off']) {
		const server = await startBuild({
			port,
			dataDir,
			env: {
				DATABASE_URL: `${SERVER}/${name}`,
				GONGYU_PAGE_CACHE: cache,
				EMAIL_WORKER: 'off'
			}
		});
		try {
			if (!eventPath) {
				const html = await (await fetch(`${server.origin}/events`)).text();
				eventPath = /href="\.?(\/events\/[a-z0-9-]+)"/.exec(html)![1];
			}
			for (const path of ['/events', eventPath]) {
				// Warm-up: the first renders, and the connection pool filled.
				await load(server.origin, path).then(
					() => undefined,
					() => undefined
				);
				results.set(`${path} ${cache}`, await load(server.origin, path));
			}
			if (cache === 'on') {
				// Seats left stay exact, also across app servers: a change committed through a second
				// server on the same database shows on the first server's next answer.
				const other = await startBuild({
					port: port + 1,
					dataDir,
					env: { DATABASE_URL: `${SERVER}/${name}`, EMAIL_WORKER: 'off' }
				});
				try {
					const before = await seatsOf(server.origin, eventPath);
					const again = await fetch(`${server.origin}${eventPath}`);
					await again.arrayBuffer();
					const slug = eventPath.split('/').pop();
					const headers = { apikey: SECRET, authorization: `Bearer ${SECRET}` };
					const [event] = (await (
						await fetch(`${other.origin}/rest/v1/events?slug=eq.${slug}&select=seats_taken`, {
							headers
						})
					).json()) as { seats_taken: number }[];
					await fetch(`${other.origin}/rest/v1/events?slug=eq.${slug}`, {
						method: 'PATCH',
						headers: { ...headers, 'content-type': 'application/json' },
						body: JSON.stringify({ seats_taken: event.seats_taken + 1 })
					});
					const after = await fetch(`${server.origin}${eventPath}`);
					const seats = /data-testid="seats"[^>]*>\s*([^<]*?)\s*</.exec(await after.text())?.[1];
					console.log(
						`seats left, cache on: "${before}" (then served from the cache: ${again.headers.get('x-gongyu-page-cache')}); one more taken through a second app server → "${seats}" (${after.headers.get('x-gongyu-page-cache')})`
					);
				} finally {
					await other.stop();
				}
			}
		} finally {
			await server.stop();
		}
	}
	console.log(
		'page                               cache  requests   req/s   p50 ms   p95 ms   p99 ms'
	);
	for (const [key, f] of results) {
		const [path, cache] = key.split(' ');
		console.log(
			`${path.padEnd(34)} ${cache.padEnd(5)} ${String(f.count).padStart(9)} ${f.perSecond.toFixed(0).padStart(7)} ${f.p50.toFixed(1).padStart(8)} ${f.p95.toFixed(1).padStart(8)} ${f.p99.toFixed(1).padStart(8)}${f.errors ? `  (${f.errors} not 200)` : ''}`
		);
	}
	for (const path of ['/events', eventPath]) {
		const on = results.get(`${path} on`)!;
		const off = results.get(`${path} off`)!;
		console.log(
			`${path}: p95 ${on.p95.toFixed(1)} ms cached vs ${off.p95.toFixed(1)} ms not (${(off.p95 / on.p95).toFixed(1)}x); throughput ${(on.perSecond / off.perSecond).toFixed(1)}x`
		);
	}
	console.log(
		`load average after: ${loadavg()
			.map((n) => n.toFixed(2))
			.join(' ')}`
	);
} finally {
	rmSync(dataDir, { recursive: true, force: true });
	await admin.query(`drop database if exists ${name} with (force)`);
	await admin.end();
}
