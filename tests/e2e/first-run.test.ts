import { expect, test } from '@playwright/test';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { enterCode, readLatestMail, requestCode, uniqueEmail } from './support';

/**
 * The README's first command as a newcomer runs it: `npm start` with nothing set but the port —
 * no ORIGIN, no keys, no build, no database yet — in a fresh copy of the checkout's files (the
 * installed node_modules linked in, as `npm ci` would have left them). Then a new parent signs in by code from the dev mailbox and registers
 * a child, which only works when the page's own form posts pass the origin check.
 */
const port = Number(process.env.E2E_PORT ?? 4173) + 20;
const site = `http://localhost:${port}`;
let dir = '';
let server: ChildProcess | null = null;
let output = '';

test.beforeAll(async () => {
	test.setTimeout(300_000);
	dir = mkdtempSync(join(tmpdir(), 'gongyu-first-run-'));
	const root = resolve('.');
	// What a clone holds (and files not committed yet, so it also runs before a commit).
	const files = execFileSync(
		'git',
		['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
		{
			cwd: root,
			encoding: 'utf8'
		}
	);
	for (const file of files.split('\0').filter((f) => f && existsSync(join(root, f)))) {
		mkdirSync(dirname(join(dir, file)), { recursive: true });
		cpSync(join(root, file), join(dir, file));
	}
	symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
	server = spawn('npm', ['start'], {
		cwd: dir,
		env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port) },
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true
	});
	server.stdout?.on('data', (chunk) => (output += chunk));
	server.stderr?.on('data', (chunk) => (output += chunk));
	await expect
		.poll(
			async () => {
				if (server?.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
				return fetch(`${site}/healthz`).then(
					(r) => r.status,
					() => 0
				);
			},
			{ timeout: 280_000, intervals: [500] }
		)
		.toBe(200);
});

test.afterAll(async () => {
	if (server?.pid) {
		process.kill(-server.pid, 'SIGTERM');
		await new Promise((done) => {
			const timer = setTimeout(() => {
				if (server?.pid) process.kill(-server.pid, 'SIGKILL');
				done(null);
			}, 10_000);
			server?.once('exit', () => {
				clearTimeout(timer);
				done(null);
			});
		});
	}
	if (dir) rmSync(dir, { recursive: true, force: true });
});

test('npm start with only PORT set: a new parent signs in by code and registers a child', async ({
	browser
}) => {
	test.setTimeout(120_000);
	// The first start builds; neither the build nor the server prints a warning.
	expect(output).toContain('[gongyu] building the app (the first time takes about a minute)');
	const warnings = output
		.split('\n')
		.filter((line) => /\(!\)|warn|error|deprecat|PLUGIN_TIMINGS|IMPORT_IS_UNDEFINED/i.test(line));
	expect(warnings).toEqual([]);
	expect(output).toContain(`[gongyu] starting on ${site}`);

	const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	const page = await context.newPage();
	const email = uniqueEmail('first-run');
	await requestCode(page, email, site);
	await expect(page.getByLabel('6 位验证码')).toBeVisible();
	const mail = await readLatestMail(context, email, site);
	await enterCode(page, mail.code);
	await expect(page).not.toHaveURL(/\/auth\/sign-in/);

	await page.goto(`${site}/family`);
	await page.getByLabel('监护人称呼').fill('新来的妈妈');
	await page.getByRole('button', { name: '保存，下一步' }).click();
	await page.getByRole('button', { name: '我是孩子的监护人，我同意' }).click();
	const child = page.getByTestId('add-child');
	await child.getByLabel('孩子的昵称或小名').fill('豆豆');
	const year = new Date().getFullYear() - 7;
	await child.getByLabel('出生年份').selectOption(String(year));
	await child.getByLabel('出生月份').selectOption('1');
	await child.getByRole('button', { name: '添加这个孩子' }).click();
	await expect(page.getByTestId('member').filter({ hasText: '豆豆' })).toBeVisible();

	// The demo's events for a 7-year-old: register for the first one that takes registrations.
	await page.goto(`${site}/events?age=7`);
	const links = await page
		.getByTestId('event-card')
		.getByRole('link')
		.evaluateAll((anchors) => anchors.map((a) => (a as HTMLAnchorElement).href));
	expect(links.length).toBeGreaterThan(0);
	for (const link of links) {
		await page.goto(link);
		const form = page.getByTestId('register-form');
		if (!(await form.count())) continue;
		await form.getByLabel(/豆豆/).check();
		await form.getByRole('button', { name: /提交报名|报名候补/ }).click();
		await expect(page.getByTestId('my-status')).toContainText(/报名成功|候补/);
		await context.close();
		return;
	}
	throw new Error('no demo event for a 7-year-old takes registrations');
});

for (const javaScriptEnabled of [true, false]) {
	test(`a form posted from another address says why in the visitor's language (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async ({
		browser
	}) => {
		// The same server opened at 127.0.0.1 instead of its origin, localhost: the browser's Origin
		// header then differs from the site's, as behind a misconfigured proxy.
		const context = await browser.newContext({
			locale: 'en-GB',
			javaScriptEnabled,
			viewport: { width: 360, height: 640 }
		});
		await context.addCookies([
			{ name: 'PARAGLIDE_LOCALE', value: 'en', url: `http://127.0.0.1:${port}` }
		]);
		const page = await context.newPage();
		await page.goto(`http://127.0.0.1:${port}/auth/sign-in`);
		await page.getByLabel('Email address').fill(uniqueEmail('elsewhere'));
		await page.getByRole('button', { name: 'Send code' }).click();
		const said = page.getByText(`Open the site at ${site} and try again.`);
		await expect(said).toBeVisible();
		await expect(said).toBeInViewport();
		await context.close();
	});
}
