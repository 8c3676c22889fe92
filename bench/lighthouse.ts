/**
 * Lighthouse (mobile, its default) on the public pages families and organisers share: the home
 * page, the event list, an event page and an organisation page. Starts the production build
 * (run `npm run build` first) on a fresh PGlite data directory with the demo data, on PORT (4500).
 * Prints performance, accessibility, best-practices and SEO per page; asserts nothing.
 *   npx tsx bench/lighthouse.ts
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';

const port = Number(process.env.PORT ?? 4500);
const origin = `http://localhost:${port}`;
const dataDir = mkdtempSync(join(tmpdir(), 'gongyu-lighthouse-'));
const server = spawn(process.execPath, [process.env.GONGYU_BUILD_DIR ?? 'build'], {
	env: {
		...process.env,
		PORT: String(port),
		ORIGIN: origin,
		GONGYU_DATA_DIR: dataDir,
		EMAIL_WORKER: 'off'
	},
	stdio: 'ignore'
});

async function waitFor(url: string) {
	for (let i = 0; i < 240; i++) {
		try {
			if ((await fetch(url)).ok) return;
		} catch {
			// not up yet
		}
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new Error(`${url} did not answer`);
}

const firstLink = async (path: string, pattern: RegExp) => {
	const html = await (await fetch(`${origin}${path}`)).text();
	const match = html.match(pattern);
	if (!match) throw new Error(`no link on ${path}`);
	return match[1];
};

let chrome: chromeLauncher.LaunchedChrome | undefined;
try {
	await waitFor(`${origin}/healthz`);
	const eventPath = await firstLink('/events', /href="\.?(\/events\/[a-z0-9-]+)"/);
	const orgPath = await firstLink('/orgs', /href="\.?(\/orgs\/[a-z0-9-]+)"/);
	const pages = ['/', '/events', eventPath, orgPath];

	chrome = await chromeLauncher.launch({
		chromePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		chromeFlags: [
			'--headless=new',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync'
		]
	});
	console.log(
		`Lighthouse ${'(mobile)'.padEnd(10)} performance  accessibility  best-practices  seo`
	);
	for (const path of pages) {
		// One warm-up load so the figures are not about the first query after start.
		await fetch(`${origin}${path}`);
		const result = await lighthouse(`${origin}${path}`, {
			port: chrome.port,
			output: 'json',
			logLevel: 'error',
			onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo']
		});
		const c = result!.lhr.categories;
		const score = (k: string) => (c[k]?.score ?? NaN).toFixed(2).padStart(k.length);
		const audit = (id: string) => result!.lhr.audits[id]?.displayValue ?? '?';
		console.log(
			`${path.padEnd(40)} ${score('performance')}  ${score('accessibility')}  ${score('best-practices')}  ${score('seo')}` +
				`   FCP ${audit('first-contentful-paint')}, LCP ${audit('largest-contentful-paint')}, TBT ${audit('total-blocking-time')}, CLS ${audit('cumulative-layout-shift')}, SI ${audit('speed-index')}`
		);
	}
} finally {
	await chrome?.kill();
	server.kill('SIGTERM');
	await new Promise((r) => server.once('exit', r));
	rmSync(dataDir, { recursive: true, force: true });
}
