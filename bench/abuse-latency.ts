/**
 * What an anonymous abuser costs everyone else: p95 latency of the events list as a visitor reads it
 * (anonymous `GET /rest/v1/events?select=…`, made by the app's server on the visitor's behalf as a
 * page load makes it: `fetchFor(visitor's address)`), first idle, then while one HTTP client sends
 * wrong codes to `/auth/v1/verify` in a loop and another HTTP client sends the deepest embed the
 * limits allow (a chain three levels deep, then the same depth ten embeds wide with to-many
 * fan-out). The abusers come through `handle(request, { clientAddress })`, the HTTP path, each from
 * its own address. Target: the p95 under abuse at most 1.5 × the idle p95. The embedded Supabase
 * in-process, with the project's migrations and demo data, on PGlite and on the PostgreSQL server
 * when it answers.
 *
 * An address first gets a burst of database time (`dbBudget.burstMs`) before its share applies:
 * the visitor's p95 is measured once the embedding abuser has had its first refusal (the burst is
 * spent), and the p95 during the burst is printed beside it.
 *
 *   npx tsx bench/abuse-latency.ts
 *   BENCH_REQUESTS=500 npx tsx bench/abuse-latency.ts
 */
import { serverAvailable, startEmbedded, type Backend } from '../tests/support/embedded';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const API_URL = 'http://localhost:54321';
const VISITOR_ADDRESS = '198.51.100.7';
const VERIFIER_ADDRESS = '203.0.113.9';
const EMBEDDER_ADDRESS = '203.0.113.10';

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

const nextEvent = () => new Promise((resolve) => setImmediate(resolve));

function p95(latencies: number[]): number {
	const sorted = [...latencies].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))];
}

async function bench(backend: Backend, abuse: string): Promise<number> {
	const t = await startEmbedded({ backend, dir: 'supabase', seed: true });
	const headers = { apikey: t.embedded.keys.publishable };
	const visitorFetch = t.embedded.fetchFor(VISITOR_ADDRESS);
	const get = async (path: string) => {
		const response = await visitorFetch(`${API_URL}${path}`, { headers });
		await response.arrayBuffer();
		return response.status;
	};
	/**
	 * A request from an HTTP client at `address`. Each arrives as its own event, as a request read
	 * from a socket does: in-process loops whose answers need no I/O (a refusal from memory, a PGlite
	 * read) would otherwise hold the event loop and starve the other loops, which no network client
	 * can do.
	 */
	const fromClient = async (address: string, path: string, init?: RequestInit) => {
		await nextEvent();
		const response = await t.embedded.handle(new Request(`${API_URL}${path}`, init), {
			clientAddress: address
		});
		if (!response) throw new Error(`${path} is not an API path`);
		await response.arrayBuffer();
		return response.status;
	};
	const abusive = ABUSE[abuse];
	if ((await get(VISITOR)) !== 200) throw new Error('the events list failed');
	let costMs = 0;
	if (abusive) {
		// Its cost alone, from an address of its own so the abuser's budget is left whole.
		const t0 = performance.now();
		const status = await fromClient('192.0.2.1', abusive, { headers });
		costMs = performance.now() - t0;
		if (status !== 200) throw new Error(`${abusive} answered ${status}`);
	}

	const visitor = async (count: number, until?: () => boolean) => {
		const latencies: number[] = [];
		for (let i = 0; i < count && !until?.(); i++) {
			// The page load arrives as its own event too (see fromClient), and waits for whatever
			// holds the event loop when it arrives: that wait is part of its latency.
			const t0 = performance.now();
			await nextEvent();
			if ((await get(VISITOR)) !== 200) throw new Error('the visitor was refused');
			latencies.push(performance.now() - t0);
		}
		return latencies;
	};

	await visitor(20);
	const idle = p95(await visitor(REQUESTS));

	let attacking = true;
	const counts = { verify: 0, verify429: 0, embed: 0, embed429: 0 };
	let burstSpent = abusive === null;
	const verifier = (async () => {
		while (attacking) {
			const status = await fromClient(VERIFIER_ADDRESS, '/auth/v1/verify', {
				method: 'POST',
				headers: { ...headers, 'content-type': 'application/json' },
				body: JSON.stringify({ type: 'email', email: 'aishan@demo.gongyu.local', token: '000000' })
			});
			counts.verify++;
			if (status === 429) counts.verify429++;
		}
	})();
	const embedder = (async () => {
		while (attacking && abusive) {
			const status = await fromClient(EMBEDDER_ADDRESS, abusive, { headers });
			counts.embed++;
			if (status === 429) {
				counts.embed429++;
				burstSpent = true;
			}
		}
	})();
	// Every call that reaches the database from here on, to tell the visitor's own from the rest.
	let dbCalls = 0;
	const db = t.db as unknown as Record<string, (...args: unknown[]) => unknown>;
	for (const name of ['query', 'statement', 'transaction']) {
		const original = db[name];
		db[name] = (...args: unknown[]) => {
			dbCalls++;
			return original.apply(t.db, args);
		};
	}
	const burstStarted = performance.now();
	const duringBurst = await visitor(Number.MAX_SAFE_INTEGER, () => burstSpent);
	const burstMs = performance.now() - burstStarted;
	const before = { ...counts };
	const callsBefore = dbCalls;
	const underAbuse = p95(await visitor(REQUESTS));
	const callsMeasured = dbCalls - callsBefore;
	attacking = false;
	await Promise.all([verifier, embedder]);
	await t.close();

	const ratio = underAbuse / idle;
	const sent = (n: number, refused: number) => `${n} sent, ${refused} answered 429`;
	console.log(
		`${backend.padEnd(8)} ${abuse.padEnd(16)}  idle p95 ${idle.toFixed(2).padStart(6)} ms   under abuse p95 ${underAbuse
			.toFixed(2)
			.padStart(6)} ms   ratio ${ratio.toFixed(2)} (target ≤ 1.5)\n` +
			`         measured: verify ${sent(counts.verify - before.verify, counts.verify429 - before.verify429)}; ` +
			`embed ${sent(counts.embed - before.embed, counts.embed429 - before.embed429)}; ` +
			`database calls ${callsMeasured} (the visitor's ${REQUESTS})` +
			(abusive
				? `\n         one embed alone ${costMs.toFixed(1)} ms; burst before the first 429: ${burstMs.toFixed(0)} ms, ` +
					`${before.embed - before.embed429} embeds answered, visitor p95 then ${duringBurst.length ? p95(duringBurst).toFixed(2) : '-'} ms (${duringBurst.length} reads)`
				: '')
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
