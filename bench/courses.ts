/**
 * Parent-school course figures, printed:
 * 1. the course register page (/staff/courses/<id>) for 60 families (120 people) × 12 sessions,
 *    rendered by a production build over PGlite for the school's signed-in staff: p50/p95 of the
 *    whole HTTP answer (target p95 ≤ 100 ms), and the CSV export beside it;
 * 2. 500 certificate PDFs generated one after another in this process (target ≤ 30 s), with the
 *    resident memory before, halfway and after (flat: no growth per certificate).
 *
 *   E2E_PORT=4351 GONGYU_BUILD_DIR=build npx tsx bench/courses.ts     (needs `vite build` first)
 *   BENCH_RUNS=100 BENCH_CERTIFICATES=500 BENCH_PART=certificates|register
 *   (npx tsx --expose-gc … shows the heap after a collection every 100 certificates)
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { LOCAL_SECRET_KEY } from '../src/lib/server/embedded-supabase/keys';
import { certificatePdf } from '../src/lib/server/pdf/certificate';

const buildDir = process.env.GONGYU_BUILD_DIR ?? 'build';
const port = Number(process.env.E2E_PORT ?? 4351);
const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const CERTIFICATES = Number(process.env.BENCH_CERTIFICATES ?? 500);
const FAMILIES = 60;
const SESSIONS = 12;
const origin = `http://localhost:${port}`;
const SCHOOL4 = 'a0000000-0000-4000-8000-000000000004';

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const checkInCode = () => [...randomBytes(6)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
const pct = (xs: number[], p: number) =>
	[...xs].sort((a, b) => a - b)[Math.ceil(xs.length * p) - 1];
const ms = (x: number) => `${x.toFixed(1)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function rest<T = unknown>(path: string, method = 'GET', body?: unknown): Promise<T> {
	const response = await fetch(`${origin}/rest/v1/${path}`, {
		method,
		headers: {
			apikey: LOCAL_SECRET_KEY,
			authorization: `Bearer ${LOCAL_SECRET_KEY}`,
			'content-type': 'application/json',
			prefer: 'return=representation'
		},
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	if (!response.ok)
		throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
	const text = await response.text();
	return (text ? JSON.parse(text) : null) as T;
}

async function certificates() {
	global.gc?.();
	const before = process.memoryUsage().rss;
	const sizes: number[] = [];
	const heaps: number[] = [];
	let half = 0;
	const started = performance.now();
	for (let i = 0; i < CERTIFICATES; i++) {
		const serial = `GY26-${randomBytes(10).toString('hex').toUpperCase().match(/.{4}/g)!.join('-')}`;
		const bytes = await certificatePdf({
			serial,
			holderName: ['李奶奶', '王爷爷', 'Grandma Chen 陈奶奶', '张妈妈'][i % 4],
			courseZh: '隔代教育：和孙辈一起成长',
			courseEn: "Grandparents' course",
			organisationZh: '湖州四中教育集团家长学校',
			organisationEn: 'Huzhou No. 4 Middle School Education Group Parent School',
			sessionsAttended: 6 + (i % 3),
			hours: 9 + (i % 3) * 1.5,
			issuedAt: new Date().toISOString(),
			verifyUrl: `https://gongyu.example/certificates/${serial}`
		});
		sizes.push(bytes.length);
		if (i === Math.floor(CERTIFICATES / 2)) half = process.memoryUsage().rss;
		// What stays alive, every 100th certificate (the collector run first when --expose-gc).
		if ((i + 1) % 100 === 0) {
			global.gc?.();
			heaps.push(process.memoryUsage().heapUsed);
		}
	}
	const seconds = (performance.now() - started) / 1000;
	const after = process.memoryUsage().rss;
	console.log(
		`${CERTIFICATES} certificates: ${seconds.toFixed(1)} s (${ms((seconds * 1000) / CERTIFICATES)} each, ` +
			`${(sizes.reduce((a, b) => a + b, 0) / sizes.length / 1024).toFixed(0)} KB each); ` +
			`RSS before ${mb(before)}, halfway ${mb(half)}, after ${mb(after)} (target ≤ 30 s)`
	);
	console.log(
		`heap in use${global.gc ? ' after a collection' : ' (run with --expose-gc to collect first)'} ` +
			`every 100 certificates: ${heaps.map(mb).join(', ')}; growth from the first to the last ` +
			`${mb(heaps[heaps.length - 1] - heaps[0])}`
	);
}

async function register() {
	if (!existsSync(join(buildDir, 'index.js'))) throw new Error(`No ${buildDir}/ — build first.`);
	const dataDir = mkdtempSync(join(tmpdir(), 'gongyu-bench-courses-'));
	const server = spawn(process.execPath, [buildDir], {
		stdio: ['ignore', 'ignore', 'inherit'],
		env: {
			...process.env,
			PORT: String(port),
			ORIGIN: origin,
			GONGYU_DATA_DIR: dataDir,
			GONGYU_CODE_LIMIT_PER_IP: '1000'
		}
	});
	try {
		const deadline = Date.now() + 180_000;
		for (;;) {
			try {
				if ((await fetch(`${origin}/healthz`)).ok) break;
			} catch {
				// not yet
			}
			if (Date.now() > deadline) throw new Error('the server did not start');
			await new Promise((r) => setTimeout(r, 200));
		}
		// 12 weekly sessions (the first 8 held), one course, the 60 demo households enrolled with both
		// members, registered for every session and checked in at most of the held ones.
		const day = (n: number, hour: number) =>
			new Date(Date.now() + n * 86_400_000 + hour * 3600_000).toISOString();
		const events = await rest<{ id: string }[]>(
			'events',
			'POST',
			Array.from({ length: SESSIONS }, (_, i) => ({
				org_id: SCHOOL4,
				slug: `bench-course-${i + 1}`,
				category: 'parent_class',
				status: 'published',
				title_zh: `与青春期孩子沟通 第${i + 1}讲`,
				starts_at: day(7 * (i - 8) + 3, 0),
				ends_at: day(7 * (i - 8) + 3, 1.5),
				address_zh: '湖州四中 报告厅',
				capacity: 150
			}))
		);
		const [course] = await rest<{ id: string }[]>('courses', 'POST', {
			org_id: SCHOOL4,
			slug: 'bench-course',
			kind: 'teenagers',
			status: 'published',
			title_zh: '与青春期孩子沟通（测速）',
			capacity: 150,
			sessions_required: 8,
			excused_allowed: 1
		});
		await rest(
			'course_sessions',
			'POST',
			events.map((e) => ({ course_id: course.id, event_id: e.id }))
		);
		const families = await rest<{ id: string }[]>(
			`families?email=like.family*&select=id&order=email&limit=${FAMILIES}`
		);
		const members = await rest<{ id: string; family_id: string }[]>(
			`family_members?family_id=in.(${families.map((f) => f.id).join(',')})&select=id,family_id`
		);
		const enrolments = await rest<{ id: string; family_id: string }[]>(
			'course_enrolments',
			'POST',
			families.map((f) => ({
				course_id: course.id,
				family_id: f.id,
				status: 'confirmed',
				seats: 2,
				confirmed_at: new Date().toISOString()
			}))
		);
		const byFamily = new Map(enrolments.map((e) => [e.family_id, e.id]));
		await rest(
			'course_enrolment_members',
			'POST',
			members.map((m) => ({ enrolment_id: byFamily.get(m.family_id), member_id: m.id }))
		);
		const regs = await rest<{ id: string; family_id: string; event_id: string }[]>(
			'registrations',
			'POST',
			events.flatMap((e) =>
				families.map((f) => ({
					event_id: e.id,
					family_id: f.id,
					status: 'confirmed',
					seats: 2,
					check_in_code: checkInCode(),
					source: 'course'
				}))
			)
		);
		// Checked in at the door at the 8 sessions held, four families in five each time.
		for (let i = 0; i < 8; i++) {
			const came = families.filter((_, j) => (i + j) % 5 !== 0).map((f) => f.id);
			await rest(
				`registrations?event_id=eq.${events[i].id}&family_id=in.(${came.join(',')})`,
				'PATCH',
				{ status: 'attended', checked_in_at: new Date().toISOString() }
			);
		}
		await rest(
			'registration_attendees',
			'POST',
			regs.flatMap((r) =>
				members
					.filter((m) => m.family_id === r.family_id)
					.map((m) => ({ registration_id: r.id, member_id: m.id }))
			)
		);

		const browser = await chromium.launch({
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			args: ['--headless', '--no-sandbox', '--disable-gpu']
		});
		process.env.E2E_PORT = String(port);
		const { signIn } = await import('../tests/e2e/support');
		const context = await browser.newContext({ baseURL: origin, locale: 'zh-CN' });
		const page = await context.newPage();
		await signIn(page, 'staff@school4.demo.gongyu.local');
		const time = async (path: string, runs: number) => {
			const took: number[] = [];
			let size = 0;
			for (let i = 0; i < runs + 5; i++) {
				const t0 = performance.now();
				const response = await context.request.get(path);
				const body = await response.body();
				if (!response.ok()) throw new Error(`${path}: ${response.status()}`);
				if (i >= 5) took.push(performance.now() - t0);
				size = body.length;
			}
			return { took, size };
		};
		const page1 = await time(`/staff/courses/${course.id}`, RUNS);
		const html = await (await context.request.get(`/staff/courses/${course.id}`)).text();
		const cells = (html.match(/data-cell="/g) ?? []).length;
		const csv = await time(`/staff/courses/${course.id}/register.csv`, Math.min(RUNS, 30));
		console.log(
			`course register page, ${FAMILIES} families (${members.length} people) × ${SESSIONS} sessions ` +
				`(${cells} cells): p50 ${ms(pct(page1.took, 0.5))}, p95 ${ms(pct(page1.took, 0.95))} over ${RUNS} ` +
				`requests, ${(page1.size / 1024).toFixed(0)} KB HTML (target p95 ≤ 100 ms)`
		);
		console.log(
			`register CSV: p50 ${ms(pct(csv.took, 0.5))}, p95 ${ms(pct(csv.took, 0.95))}, ${(csv.size / 1024).toFixed(0)} KB`
		);
		await browser.close();
	} finally {
		server.kill('SIGTERM');
		await new Promise((r) => setTimeout(r, 1000));
		rmSync(dataDir, { recursive: true, force: true });
	}
}

// BENCH_PART=certificates or register runs one of the two.
const part = process.env.BENCH_PART;
if (!part || part === 'certificates') await certificates();
if (!part || part === 'register') await register();
process.exit(0);
