/**
 * What an anonymous abuser costs everyone else: p95 latency of the events list as a visitor reads it
 * (anonymous `GET /rest/v1/events?select=…`), first idle, then while one client sends wrong codes to
 * `/auth/v1/verify` in a loop and another sends the deepest embed the limits allow (a chain three
 * levels deep, then the same depth ten embeds wide with to-many fan-out). Target:
 * the p95 under abuse at most 1.5 × the idle p95. The embedded Supabase in-process, with the
 * project's migrations and demo data, on PGlite and on the PostgreSQL server when it answers.
 *
 *   npx tsx bench/abuse-latency.ts
 *   BENCH_REQUESTS=500 npx tsx bench/abuse-latency.ts
 */
import { serverAvailable, startEmbedded, type Backend } from '../tests/support/embedded';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const API_URL = 'http://localhost:54321';

/** The visitor's read: upcoming published events with their organiser, as the events list shows them. */
const VISITOR =
	'/rest/v1/events?select=id,slug,category,title_zh,title_en,starts_at,ends_at,capacity,seats_taken,' +
	'organisations(slug,name_zh,name_en)&status=eq.published&order=starts_at&limit=12';

/** The abusive reads: each as deep, or as deep and wide, as the limits accept from anyone. */
const ABUSE: Record<string, string | null> = {
	// The wrong codes alone, to tell the two apart.
	'verify only': null,
	// Three levels: an organiser's rooms and their opening hours, for every event.
	'verify + deepest': '/rest/v1/events?select=*,organisations(*,venues(*,venue_opening_hours(*)))',
	// Three levels and ten embeds, fanning out twice through every event of every organiser.
	'verify + widest':
		'/rest/v1/events?select=*,' +
		[1, 2]
			.map(
				(i) =>
					`o${i}:organisations(*,e${i}:events(*,x${i}:organisations(*)),v${i}:venues(*,h${i}:venue_opening_hours(*)))`
			)
			.join(',')
};

function p95(latencies: number[]): number {
	const sorted = [...latencies].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))];
}

async function bench(backend: Backend, abuse: string): Promise<number> {
	const t = await startEmbedded({ backend, dir: 'supabase', seed: true });
	const headers = { apikey: t.embedded.keys.publishable };
	const get = async (path: string) => {
		const response = await t.embedded.fetch(`${API_URL}${path}`, { headers });
		await response.arrayBuffer();
		return response.status;
	};
	const abusive = ABUSE[abuse];
	for (const path of abusive ? [VISITOR, abusive] : [VISITOR]) {
		const status = await get(path);
		if (status !== 200) throw new Error(`${path} answered ${status}`);
	}

	const visitor = async () => {
		const latencies: number[] = [];
		for (let i = 0; i < REQUESTS; i++) {
			const t0 = performance.now();
			if ((await get(VISITOR)) !== 200) throw new Error('the visitor was refused');
			latencies.push(performance.now() - t0);
		}
		return p95(latencies);
	};

	for (let i = 0; i < 20; i++) await get(VISITOR);
	const idle = await visitor();

	let attacking = true;
	const counts = { verify: 0, embed: 0 };
	const verifier = (async () => {
		while (attacking) {
			const response = await t.embedded.fetch(`${API_URL}/auth/v1/verify`, {
				method: 'POST',
				headers: { ...headers, 'content-type': 'application/json' },
				body: JSON.stringify({ type: 'email', email: 'aishan@demo.gongyu.local', token: '000000' })
			});
			await response.arrayBuffer();
			counts.verify++;
		}
	})();
	const embedder = (async () => {
		while (attacking && abusive) {
			await get(abusive);
			counts.embed++;
		}
	})();
	const underAbuse = await visitor();
	attacking = false;
	await Promise.all([verifier, embedder]);
	await t.close();

	const ratio = underAbuse / idle;
	console.log(
		`${backend.padEnd(8)} ${abuse.padEnd(16)}  idle p95 ${idle.toFixed(2).padStart(7)} ms   under abuse p95 ${underAbuse
			.toFixed(2)
			.padStart(
				7
			)} ms   ratio ${ratio.toFixed(2)} (target ≤ 1.5)   sent ${counts.verify} verify, ${counts.embed} embeds`
	);
	return ratio;
}

console.log(`anonymous events list, ${REQUESTS} requests idle and ${REQUESTS} under abuse`);
const backends: Backend[] = [
	'pglite',
	...((await serverAvailable()) ? (['postgres'] as const) : [])
];
for (const backend of backends) {
	for (const abuse of Object.keys(ABUSE)) await bench(backend, abuse);
}
