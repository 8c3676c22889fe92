/**
 * The parents' pages on a running production build, measured from outside:
 * 1. browser JavaScript per route (every script Chromium fetches, dynamic imports included,
 *    gzip -9), for /events (list), /events/<slug> and /events?view=calendar;
 * 2. Chromium's own paint metrics under a Lighthouse-like mobile profile (4× CPU slowdown,
 *    ~1.6 Mbps / 150 ms RTT, 360×740) — Lighthouse itself is not installed;
 * 3. server time of GET /events with 10,000 events in the database (HTTP, p50/p95).
 * Prints figures; asserts nothing.
 *
 *   GONGYU_BUILD_DIR=build npx tsx bench/parents-web.ts     (needs `vite build` first)
 *   BENCH_EVENTS=10000 BENCH_RUNS=100 BENCH_PORT=4331
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from '@playwright/test';
import { LOCAL_SECRET_KEY } from '../src/lib/server/embedded-supabase/keys';

const buildDir = process.env.GONGYU_BUILD_DIR ?? 'build';
const port = Number(process.env.BENCH_PORT ?? 4331);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const origin = `http://localhost:${port}`;

if (!existsSync(join(buildDir, 'index.js'))) throw new Error(`No ${buildDir}/ — build first.`);
const dataDir = mkdtempSync(join(tmpdir(), 'gongyu-bench-parents-'));
const server = spawn(process.execPath, [buildDir], {
	stdio: ['ignore', 'ignore', 'inherit'],
	env: { ...process.env, PORT: String(port), ORIGIN: origin, GONGYU_DATA_DIR: dataDir }
});

async function waitFor(path: string) {
	const deadline = Date.now() + 180_000;
	for (;;) {
		try {
			if ((await fetch(`${origin}${path}`)).ok) return;
		} catch {
			// not yet
		}
		if (Date.now() > deadline) throw new Error('the server did not start');
		await new Promise((r) => setTimeout(r, 100));
	}
}

async function rest(path: string, body: unknown) {
	const response = await fetch(`${origin}/rest/v1/${path}`, {
		method: 'POST',
		headers: {
			apikey: LOCAL_SECRET_KEY,
			authorization: `Bearer ${LOCAL_SECRET_KEY}`,
			'content-type': 'application/json',
			prefer: 'return=representation'
		},
		body: JSON.stringify(body)
	});
	if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
	return response.json();
}

async function scriptsOf(page: Page, path: string) {
	const bodies = new Map<string, Buffer>();
	const onResponse = async (response: import('@playwright/test').Response) => {
		if (response.request().resourceType() !== 'script') return;
		bodies.set(response.url(), await response.body().catch(() => Buffer.alloc(0)));
	};
	page.on('response', onResponse);
	await page.goto(`${origin}${path}`);
	await page.waitForLoadState('networkidle');
	page.off('response', onResponse);
	let raw = 0;
	let gz = 0;
	for (const body of bodies.values()) {
		raw += body.length;
		gz += gzipSync(body, { level: 9 }).length;
	}
	return { files: bodies.size, raw, gz };
}

async function mobileMetrics(page: Page, path: string) {
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
	await cdp.send('Network.enable');
	await cdp.send('Network.emulateNetworkConditions', {
		offline: false,
		latency: 150,
		downloadThroughput: (1.6 * 1024 * 1024) / 8,
		uploadThroughput: (750 * 1024) / 8
	});
	await page.goto(`${origin}${path}`, { waitUntil: 'load' });
	await page.waitForLoadState('networkidle');
	const metrics = await page.evaluate(
		() =>
			new Promise<{ fcp: number; lcp: number; load: number; cls: number }>((resolve) => {
				let lcp = 0;
				let cls = 0;
				new PerformanceObserver((list) => {
					for (const entry of list.getEntries()) lcp = Math.max(lcp, entry.startTime);
				}).observe({ type: 'largest-contentful-paint', buffered: true });
				new PerformanceObserver((list) => {
					for (const entry of list.getEntries() as (PerformanceEntry & { value: number })[])
						cls += entry.value;
				}).observe({ type: 'layout-shift', buffered: true });
				setTimeout(() => {
					const fcp =
						performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN;
					const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
					resolve({ fcp, lcp, load: nav.loadEventEnd, cls });
				}, 500);
			})
	);
	await cdp.detach();
	return metrics;
}

function percentile(sorted: number[], p: number) {
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

try {
	await waitFor('/healthz');
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run']
	});
	const listHtml = await (await fetch(`${origin}/events`)).text();
	const slug = /events\/([a-z0-9-]+)"/.exec(listHtml)?.[1];
	if (!slug) throw new Error('no event on /events (seed missing?)');
	const routes = ['/events', `/events/${slug}`, '/events?view=calendar'];

	console.log('Browser JavaScript per route (all scripts fetched, gzip -9)');
	console.log('route                                          files   raw KB   gzip KB');
	for (const route of routes) {
		const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
		const r = await scriptsOf(await context.newPage(), route);
		console.log(
			`${route.padEnd(46)} ${String(r.files).padStart(5)} ${(r.raw / 1024).toFixed(1).padStart(8)} ${(r.gz / 1024).toFixed(1).padStart(9)}`
		);
		await context.close();
	}

	console.log(
		'\nChromium paint metrics, mobile profile (4x CPU, 1.6 Mbps, 150 ms RTT, 360x740), cold'
	);
	console.log('route                                          FCP ms   LCP ms  load ms     CLS');
	for (const route of routes) {
		const context = await browser.newContext({
			viewport: { width: 360, height: 740 },
			isMobile: true,
			hasTouch: true,
			deviceScaleFactor: 2
		});
		const m = await mobileMetrics(await context.newPage(), route);
		console.log(
			`${route.padEnd(46)} ${m.fcp.toFixed(0).padStart(6)} ${m.lcp.toFixed(0).padStart(8)} ${m.load.toFixed(0).padStart(8)} ${m.cls.toFixed(3).padStart(7)}`
		);
		await context.close();
	}
	await browser.close();

	const started = performance.now();
	const [org] = (await rest('organisations', {
		kind: 'community_parent_school',
		slug: 'bench-parents',
		name_zh: '压测社区家长学校',
		name_en: 'Bench school'
	})) as { id: string }[];
	const categories = [
		'parent_child_reading',
		'study_trip',
		'sports_day',
		'traditional_culture',
		'parenting_lecture'
	];
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
	for (let offset = 0; offset < EVENTS; offset += 1000) {
		const batch = Array.from({ length: Math.min(1000, EVENTS - offset) }, (_, i) => {
			const n = offset + i;
			const start = Date.now() + (((n * 53) % (24 * 365)) + 1) * 3_600_000;
			return {
				org_id: org.id,
				slug: `bench-${n}`,
				category: categories[n % categories.length],
				status: 'published',
				title_zh: `${words[n % words.length]}活动第${n}期`,
				title_en: `Bench event ${n}`,
				summary_zh: '面向孩子和家长的活动，地点在吴兴区。',
				starts_at: new Date(start).toISOString(),
				ends_at: new Date(start + 7_200_000).toISOString(),
				capacity: 30,
				min_child_age: n % 3 === 0 ? null : 3 + (n % 10),
				max_child_age: n % 3 === 0 ? null : 6 + (n % 10),
				address_zh: '吴兴区'
			};
		});
		await rest('events', batch);
	}
	console.log(
		`\nGET with ${EVENTS} more events in the database (inserted over REST in ${((performance.now() - started) / 1000).toFixed(1)} s), ${RUNS} sequential requests each`
	);
	console.log('path                                           p50 ms   p95 ms   max ms');
	for (const path of [
		'/events',
		'/events?age=7',
		`/events?q=${encodeURIComponent('绘本')}&age=7`,
		'/events?page=40',
		'/events?view=calendar'
	]) {
		const samples: number[] = [];
		for (let i = 0; i < RUNS; i++) {
			const t = performance.now();
			const response = await fetch(`${origin}${path}`);
			await response.arrayBuffer();
			if (!response.ok) throw new Error(`${path}: ${response.status}`);
			samples.push(performance.now() - t);
		}
		samples.sort((a, b) => a - b);
		console.log(
			`${path.padEnd(46)} ${percentile(samples, 50).toFixed(1).padStart(6)} ${percentile(samples, 95).toFixed(1).padStart(8)} ${samples.at(-1)!.toFixed(1).padStart(8)}`
		);
	}
} finally {
	server.kill('SIGTERM');
	await new Promise((r) => server.once('exit', r));
	rmSync(dataDir, { recursive: true, force: true });
}
