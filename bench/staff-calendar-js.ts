/**
 * The JavaScript a browser loads for the staff calendar (/staff/calendar), gzip-compressed: every
 * script the page fetches in Chromium until FullCalendar has drawn the week — the route's own
 * modules and the dynamically imported FullCalendar (core, daygrid, timegrid, list, interaction,
 * zh-cn). Also /staff, for comparison (no FullCalendar). Prints figures; asserts nothing.
 *
 *   npx tsx bench/staff-calendar-js.ts      BENCH_BUILD_DIR=build (default) BENCH_PORT=4321
 * Needs a production build (GONGYU_BUILD_DIR=<dir> npx vite build) and Chromium (CHROMIUM_PATH).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from '@playwright/test';

const buildDir = process.env.BENCH_BUILD_DIR ?? 'build';
const port = Number(process.env.BENCH_PORT ?? 4321);
const origin = `http://localhost:${port}`;
const dataDir = mkdtempSync(join(tmpdir(), 'gongyu-bench-'));
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

async function waitForServer() {
	const deadline = Date.now() + 240_000;
	while (Date.now() < deadline) {
		try {
			if ((await fetch(`${origin}/healthz`)).ok) return;
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error('the server did not start');
}

async function signIn(page: Page, email: string) {
	await page.goto(`${origin}/auth/sign-in`);
	await page.getByLabel('邮箱地址').fill(email);
	await page.getByRole('button', { name: '发送验证码' }).click();
	await page.getByLabel('6 位验证码').waitFor();
	const mailbox = await page.context().newPage();
	await mailbox.goto(`${origin}/dev/mailbox`);
	await mailbox.locator(`a[data-to="${email}"]`).first().click();
	const text = (await mailbox.getByTestId('mail-text').textContent()) ?? '';
	await mailbox.close();
	await page.getByLabel('6 位验证码').fill(/\b(\d{6})\b/.exec(text)![1]);
	await page.getByRole('button', { name: '登录', exact: true }).click();
	await page.waitForURL((url) => !url.pathname.startsWith('/auth'));
}

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	args: ['--headless', '--no-sandbox', '--disable-gpu']
});
try {
	await waitForServer();
	const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	const page = await context.newPage();
	await signIn(page, 'staff@youth.demo.gongyu.local');

	for (const route of ['/staff', '/staff/calendar']) {
		// Routing every request turns the HTTP cache off: every script counts, as on a first visit.
		const measure = await context.newPage();
		await measure.route('**/*', (r) => r.continue());
		const scripts = new Map<string, Buffer>();
		measure.on('response', async (response) => {
			if (response.request().resourceType() !== 'script') return;
			const body = await response.body().catch(() => null);
			if (body) scripts.set(response.url(), body);
		});
		await measure.goto(`${origin}${route}`);
		if (route === '/staff/calendar') {
			await measure.locator('[data-testid="staff-calendar"][data-loaded="true"]').waitFor();
		}
		await measure.waitForLoadState('networkidle');
		let raw = 0;
		let gz = 0;
		const rows: [string, number][] = [];
		for (const [url, body] of scripts) {
			const size = gzipSync(body, { level: 9 }).length;
			raw += body.length;
			gz += size;
			rows.push([new URL(url).pathname.split('/').pop()!, size]);
		}
		console.log(
			`${route.padEnd(18)} ${String(scripts.size).padStart(3)} scripts  raw ${(raw / 1024).toFixed(1)} KB  gzip ${(gz / 1024).toFixed(1)} KB`
		);
		for (const [name, size] of rows
			.sort((a, b) => b[1] - a[1])
			.slice(0, Number(process.env.BENCH_TOP ?? 5))) {
			console.log(`    ${name.padEnd(40)} ${(size / 1024).toFixed(1).padStart(6)} KB gzip`);
		}
		await measure.close();
	}
} finally {
	await browser.close();
	server.kill('SIGTERM');
	await new Promise((r) => server.once('exit', r));
	rmSync(dataDir, { recursive: true, force: true });
}
