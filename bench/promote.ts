/**
 * Promotion figures, printed (no assertions):
 * - iCalendar writer alone: renderCalendar() over 1,000 events;
 * - the organisation feed end to end (/feeds/orgs/<slug>.ics) for an organisation with 1,000
 *   events, on a production build over PGlite: first request, median and p95, and a 304
 *   revalidation;
 * - the embed route (/embed/orgs/<slug>): JavaScript it loads (gzip) and its own HTML (gzip).
 *
 *   GONGYU_BUILD_DIR=build-promote npx tsx bench/promote.ts      (or BENCH_URL of a running server)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { renderCalendar, type CalendarEvent } from '../src/lib/server/calendar/ics';
import { LOCAL_SECRET_KEY } from '../src/lib/server/embedded-supabase/keys';

const EVENTS = 1000;
const ROUNDS = 20;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1];
const ms = (x: number) => `${x.toFixed(1)} ms`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

// 1. The writer alone.
const synthetic: CalendarEvent[] = Array.from({ length: EVENTS }, (_, i) => ({
	id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
	start: new Date(Date.UTC(2026, 0, 1 + (i % 300), 1, 30)),
	end: new Date(Date.UTC(2026, 0, 1 + (i % 300), 3, 0)),
	summary: `亲子阅读分享会：第 ${i} 期《猜猜我有多爱你》`,
	description:
		'带上孩子一起来，请准时入场。\n适合 4–8 岁\n主办：吴兴区青少年活动中心\n详情和报名：https://gongyu.example/events/x',
	location: '阅读室 · 湖州市吴兴区西山漾丝绸小镇',
	url: `https://gongyu.example/events/2026-01-01-parent-child-reading-${i}?src=calendar`,
	sequence: i % 3,
	status: i % 20 === 0 ? 'cancelled' : 'confirmed',
	updatedAt: new Date(Date.UTC(2025, 11, 1)),
	organizer: { name: '吴兴区青少年活动中心', email: 'youth@example.cn' },
	categories: ['亲子阅读分享会']
}));
renderCalendar({ name: 'warm-up', events: synthetic.slice(0, 50) });
const writerTimes: number[] = [];
let writerBytes = 0;
for (let i = 0; i < ROUNDS; i++) {
	const t = performance.now();
	writerBytes = Buffer.byteLength(
		renderCalendar({ name: '吴兴区青少年活动中心 · 活动', events: synthetic })
	);
	writerTimes.push(performance.now() - t);
}
console.log(
	`renderCalendar, ${EVENTS} events: median ${ms(median(writerTimes))}, p95 ${ms(p95(writerTimes))}, ${kb(writerBytes)}`
);

// 2 and 3. Against a production build.
let child: ChildProcess | null = null;
let dataDir: string | null = null;
let origin = process.env.BENCH_URL?.replace(/\/$/, '');
if (!origin) {
	const build = process.env.GONGYU_BUILD_DIR ?? 'build';
	if (!existsSync(join(build, 'index.js'))) throw new Error(`No ${build}/ — build first.`);
	const port = Number(process.env.BENCH_PORT ?? 4631);
	origin = `http://localhost:${port}`;
	dataDir = mkdtempSync(join(tmpdir(), 'gongyu-bench-promote-'));
	child = spawn(process.execPath, [build], {
		stdio: ['ignore', 'ignore', 'inherit'],
		env: {
			...process.env,
			PORT: String(port),
			ORIGIN: origin,
			GONGYU_DATA_DIR: dataDir,
			GONGYU_SEED: 'false'
		}
	});
	const deadline = Date.now() + 180_000;
	for (;;) {
		if (Date.now() > deadline) throw new Error('the server did not answer in time');
		try {
			if ((await fetch(`${origin}/healthz`)).ok) break;
		} catch {
			/* not yet */
		}
		await new Promise((r) => setTimeout(r, 250));
	}
}

try {
	const admin = createClient(origin, process.env.BENCH_SECRET_KEY ?? LOCAL_SECRET_KEY, {
		auth: { persistSession: false, autoRefreshToken: false },
		realtime: { transport: WebSocket as never }
	});
	const slug = `bench-org-${Date.now().toString(36)}`;
	const org = await admin
		.from('organisations')
		.insert({
			kind: 'youth_centre',
			slug,
			name_zh: '基准测试青少年活动中心',
			name_en: 'Bench Youth Centre',
			contact_email: 'bench@example.cn'
		})
		.select('id')
		.single();
	if (org.error) throw new Error(org.error.message);
	const t0 = performance.now();
	for (let chunk = 0; chunk < EVENTS; chunk += 250) {
		const rows = Array.from({ length: Math.min(250, EVENTS - chunk) }, (_, j) => {
			const i = chunk + j;
			const start = Date.now() + (1 + (i % 28)) * 86_400_000 + (i % 8) * 3_600_000;
			return {
				org_id: org.data.id,
				slug: `${slug}-e${i}`,
				category: 'parent_child_reading',
				status: 'published',
				title_zh: `亲子阅读分享会：第 ${i} 期`,
				title_en: `Reading session ${i}`,
				summary_zh: '带上孩子一起来，请准时入场。',
				starts_at: new Date(start).toISOString(),
				ends_at: new Date(start + 5_400_000).toISOString(),
				address_zh: '阅读室 · 西山漾丝绸小镇',
				capacity: 30,
				min_child_age: 4,
				max_child_age: 8
			};
		});
		const inserted = await admin.from('events').insert(rows, { defaultToNull: false });
		if (inserted.error) throw new Error(inserted.error.message);
	}
	console.log(`(fixture: ${EVENTS} events inserted in ${ms(performance.now() - t0)})`);

	const feedUrl = `${origin}/feeds/orgs/${slug}.ics`;
	const times: number[] = [];
	let body = '';
	let etag = '';
	for (let i = 0; i <= ROUNDS; i++) {
		const t = performance.now();
		const response = await fetch(feedUrl);
		body = await response.text();
		const elapsed = performance.now() - t;
		etag = response.headers.get('etag') ?? '';
		if (i === 0) console.log(`feed, org with ${EVENTS} events: first request ${ms(elapsed)}`);
		else times.push(elapsed);
	}
	const vevents = body.match(/BEGIN:VEVENT/g)?.length ?? 0;
	console.log(
		`feed, org with ${EVENTS} events: median ${ms(median(times))}, p95 ${ms(p95(times))} over ${ROUNDS}; ` +
			`${vevents} VEVENTs, ${kb(Buffer.byteLength(body))} raw, ${kb(gzipSync(body).length)} gzip`
	);
	const revalidate: number[] = [];
	for (let i = 0; i < ROUNDS; i++) {
		const t = performance.now();
		const response = await fetch(feedUrl, { headers: { 'if-none-match': etag } });
		await response.arrayBuffer();
		revalidate.push(performance.now() - t);
		if (response.status !== 304) console.log(`  (revalidation answered ${response.status})`);
	}
	console.log(`feed revalidation (If-None-Match → 304): median ${ms(median(revalidate))}`);

	const embedUrl = `${origin}/embed/orgs/${slug}`;
	const embed = await fetch(embedUrl);
	const html = await embed.text();
	const scripts = [
		...html.matchAll(/<script[^>]+src="([^"]+)"/g),
		...html.matchAll(/<link[^>]+rel="modulepreload"[^>]*href="([^"]+)"/g),
		...(embed.headers.get('link') ?? '').matchAll(/<([^>]+)>;\s*rel="modulepreload"/g)
	].map((match) => new URL(match[1], embedUrl).href);
	let jsGzip = 0;
	for (const url of scripts) {
		jsGzip += gzipSync(Buffer.from(await (await fetch(url)).arrayBuffer()), { level: 9 }).length;
	}
	const inline = html.match(/<script/g)?.length ?? 0;
	const embedTimes: number[] = [];
	for (let i = 0; i < ROUNDS; i++) {
		const t = performance.now();
		await (await fetch(embedUrl)).text();
		embedTimes.push(performance.now() - t);
	}
	console.log(
		`embed ${new URL(embedUrl).pathname}: JavaScript ${scripts.length} files / ${inline} script tags, ` +
			`${kb(jsGzip)} gzip; HTML with inline CSS ${kb(Buffer.byteLength(html))} raw, ` +
			`${kb(gzipSync(html, { level: 9 }).length)} gzip; median response ${ms(median(embedTimes))}`
	);
} finally {
	child?.kill('SIGTERM');
	if (child) await new Promise((r) => child!.once('exit', r));
	if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
