/**
 * The JavaScript a browser loads for each route, gzip-compressed: the module scripts and
 * modulepreload links in the server-rendered HTML, fetched from a running production build.
 * Prints figures; asserts nothing. Needs `npm run build` first (or BENCH_URL of a running server).
 *
 *   npx tsx bench/js-size.ts [route …]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startBuild, type Started } from './server';

const routes = process.argv.slice(2).length
	? process.argv.slice(2)
	: ['/', '/auth/sign-in', '/events', '/dev/mailbox'];

let server: Started | null = null;
let dataDir: string | null = null;
let origin = process.env.BENCH_URL?.replace(/\/$/, '');
if (!origin) {
	dataDir = mkdtempSync(join(tmpdir(), 'gongyu-bench-'));
	server = await startBuild({ port: Number(process.env.BENCH_PORT ?? 4311), dataDir });
	origin = server.origin;
}

/** Script URLs a page loads: modulepreload links, module scripts and dynamic imports in inline boot code. */
function scriptUrls(html: string, link: string | null, base: string): string[] {
	const urls = new Set<string>();
	// adapter-node sends the modulepreloads in a Link header rather than in the HTML.
	for (const match of (link ?? '').matchAll(/<([^>]+)>;\s*rel="modulepreload"/g))
		urls.add(match[1]);
	for (const match of html.matchAll(/<link[^>]+rel="modulepreload"[^>]*href="([^"]+)"/g))
		urls.add(match[1]);
	for (const match of html.matchAll(/<script[^>]+src="([^"]+)"/g)) urls.add(match[1]);
	for (const match of html.matchAll(/import\("([^"]+\.js)"\)/g)) urls.add(match[1]);
	return [...urls].map((u) => new URL(u, base).href);
}

try {
	console.log('route                     files   raw KB   gzip KB');
	for (const route of routes) {
		const page = await fetch(`${origin}${route}`);
		const html = await page.text();
		const urls = scriptUrls(html, page.headers.get('link'), `${origin}${route}`);
		let raw = 0;
		let gz = 0;
		for (const url of urls) {
			const body = Buffer.from(await (await fetch(url)).arrayBuffer());
			raw += body.length;
			gz += gzipSync(body, { level: 9 }).length;
		}
		console.log(
			`${route.padEnd(24)} ${String(urls.length).padStart(5)} ${(raw / 1024).toFixed(1).padStart(8)} ${(gz / 1024).toFixed(1).padStart(9)}${page.status === 200 ? '' : `  (HTTP ${page.status})`}`
		);
	}
} finally {
	await server?.stop();
	if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
