/**
 * Lighthouse (mobile: its default emulated phone, 4x CPU slowdown and slow 4G) on every public page
 * type families and organisers share: the home page, the event list (plain, filtered, calendar),
 * an event page, the organisations and an organisation page, the counselling centres and a
 * centre's page, and a course page. The first event gets an uploaded cover (a 2400 × 1600 photo,
 * through Storage as staff would), so its page is measured with its largest picture. Starts the production build (run
 * `npm run build` first) on a fresh PGlite data directory with the demo data, on PORT (6590).
 * Each page is measured RUNS times (3) and the median run (by performance score, then TBT) is
 * printed: the four scores, total blocking time, largest contentful paint, and the JavaScript the
 * page downloaded (requests, KB as transferred). The load average before and after is printed too:
 * these figures mean something only on a quiet machine. Asserts nothing.
 *   npx tsx bench/lighthouse.ts [path | event | org …]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import sharp from 'sharp';
import { startBuild, type Started } from './server';

const port = Number(process.env.PORT ?? 6590);
const runs = Number(process.env.RUNS ?? 3);
const dataDir = mkdtempSync(join(tmpdir(), 'gongyu-lighthouse-'));

const firstLink = async (origin: string, path: string, pattern: RegExp) => {
	const html = await (await fetch(`${origin}${path}`)).text();
	const match = html.match(pattern);
	if (!match) throw new Error(`no link on ${path}`);
	return match[1];
};

interface Run {
	scores: Record<string, number>;
	/** Audits that failed in the categories other than performance, with the elements they name. */
	failed: string[];
	/** Lighthouse's own error for a run it could not complete (then it has no scores). */
	error?: string;
	tbt: number;
	lcp: number;
	scripts: number;
	scriptKb: number;
}

const categories = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
const load = () =>
	loadavg()
		.map((n) => n.toFixed(2))
		.join(' ');

const SECRET = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz';

/** A photo-like cover (smooth noise, so it weighs what a photo does) for the event, as staff upload it. */
async function giveCover(origin: string, slug: string) {
	const headers = { apikey: SECRET, authorization: `Bearer ${SECRET}` };
	const [event] = (await (
		await fetch(`${origin}/rest/v1/events?slug=eq.${slug}&select=id,org_id`, { headers })
	).json()) as { id: string; org_id: string }[];
	const photo = await sharp({
		create: {
			width: 1920,
			height: 1080,
			channels: 3,
			noise: { type: 'gaussian', mean: 128, sigma: 60 }
		}
	})
		.blur(4)
		.jpeg({ quality: 82, mozjpeg: true })
		.toBuffer();
	const path = `${event.org_id}/${event.id}/bench-cover.jpg`;
	const stored = await fetch(`${origin}/storage/v1/object/covers/${path}`, {
		method: 'POST',
		headers: { ...headers, 'content-type': 'image/jpeg', 'x-upsert': 'true' },
		body: photo
	});
	if (!stored.ok) throw new Error(`cover upload: ${stored.status} ${await stored.text()}`);
	const row = await fetch(`${origin}/rest/v1/event_covers`, {
		method: 'POST',
		headers: {
			...headers,
			'content-type': 'application/json',
			prefer: 'resolution=merge-duplicates'
		},
		body: JSON.stringify({
			event_id: event.id,
			org_id: event.org_id,
			object_path: path,
			width: 1920,
			height: 1080
		})
	});
	if (!row.ok) throw new Error(`event_covers: ${row.status} ${await row.text()}`);
	console.log(`${slug}: cover of ${Math.round(photo.length / 1024)} KB uploaded`);
}

let server: Started | null = null;
let chrome: chromeLauncher.LaunchedChrome | undefined;
try {
	server = await startBuild({
		port,
		dataDir,
		path: '/healthz',
		env: { EMAIL_WORKER: 'off' }
	});
	const { origin } = server;
	const eventPath = await firstLink(origin, '/events', /href="\.?(\/events\/[a-z0-9-]+)"/);
	const orgPath = await firstLink(origin, '/orgs', /href="\.?(\/orgs\/[a-z0-9-]+)"/);
	await giveCover(origin, eventPath.split('/').pop()!);
	// `event` and `org` stand for the event page (with the cover) and the organisation page.
	const named: Record<string, string> = { event: eventPath, org: orgPath };
	const pages = process.argv.slice(2).length
		? process.argv.slice(2).map((path) => named[path] ?? path)
		: [
				'/',
				'/events',
				'/events?age=6&category=parent_child_reading',
				'/events?view=calendar',
				eventPath,
				'/orgs',
				orgPath,
				'/counselling',
				'/orgs/wuxing-counselling-centre/counselling',
				'/courses/no4-talking-with-teenagers'
			];

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
	console.log(`load average before: ${load()}; median of ${runs} Lighthouse runs (mobile)`);
	console.log(
		`${'page'.padEnd(46)} perf  a11y  best   seo    TBT ms   LCP s  JS files  JS KB (transfer)`
	);
	for (const path of pages) {
		// One warm-up load so the figures are not about the first query after start.
		await (await fetch(`${origin}${path}`)).arrayBuffer();
		const measured: Run[] = [];
		for (let i = 0; i < runs; i++) {
			const result = await lighthouse(`${origin}${path}`, {
				port: chrome.port,
				output: 'json',
				logLevel: 'error',
				onlyCategories: [...categories]
			});
			const lhr = result!.lhr;
			const requests = (
				lhr.audits['network-requests']?.details as {
					items?: { resourceType?: string; transferSize?: number }[];
				}
			)?.items?.filter((item) => item.resourceType === 'Script');
			const failed = categories
				.filter((k) => k !== 'performance')
				.flatMap((k) => lhr.categories[k]?.auditRefs ?? [])
				.filter((ref) => ref.weight > 0 && (lhr.audits[ref.id]?.score ?? 1) < 1)
				.map((ref) => {
					const items =
						(lhr.audits[ref.id]?.details as { items?: { node?: { snippet?: string } }[] })?.items ??
						[];
					const nodes = items.flatMap((item) => (item.node?.snippet ? [item.node.snippet] : []));
					return nodes.length ? `${ref.id} (${nodes.slice(0, 3).join(' ')})` : ref.id;
				});
			measured.push({
				error: lhr.runtimeError?.code,
				failed,
				scores: Object.fromEntries(
					categories.map((k) => [k, lhr.categories[k]?.score ?? Number.NaN])
				),
				tbt: lhr.audits['total-blocking-time']?.numericValue ?? Number.NaN,
				lcp: lhr.audits['largest-contentful-paint']?.numericValue ?? Number.NaN,
				scripts: requests?.length ?? 0,
				scriptKb: (requests ?? []).reduce((sum, item) => sum + (item.transferSize ?? 0), 0) / 1024
			});
		}
		// A run Lighthouse could not complete has no scores: it is reported, and the median is taken
		// over the runs that completed.
		const errors = measured.flatMap((r) =>
			r.error || Number.isNaN(r.scores.performance) ? [r.error ?? 'no score'] : []
		);
		const completed = measured.filter((r) => !r.error && !Number.isNaN(r.scores.performance));
		completed.sort((a, b) => a.scores.performance - b.scores.performance || b.tbt - a.tbt);
		if (!completed.length) {
			console.log(`${path.padEnd(46)} no run completed: ${errors.join(', ')}`);
			continue;
		}
		const median = completed[Math.floor(completed.length / 2)];
		const all = completed.map((r) => r.scores.performance.toFixed(2)).join('/');
		console.log(
			`${path.padEnd(46)} ${categories.map((k) => median.scores[k].toFixed(2)).join('  ')} ${median.tbt.toFixed(0).padStart(8)} ${(median.lcp / 1000).toFixed(2).padStart(7)} ${String(median.scripts).padStart(9)} ${median.scriptKb.toFixed(1).padStart(8)}   (perf of each run: ${all})`
		);
		if (median.failed.length) console.log(`   failed audits: ${median.failed.join(', ')}`);
		if (errors.length) console.log(`   runs that did not complete: ${errors.join(', ')}`);
	}
	console.log(`load average after: ${load()}`);
} finally {
	await chrome?.kill();
	await server?.stop();
	rmSync(dataDir, { recursive: true, force: true });
}
