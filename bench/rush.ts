/**
 * The 8 pm rush over HTTP: a popular study trip opens and N distinct families (default 2,000),
 * each already signed in, open the event page and post the registration form, within a minute,
 * against two app servers (then one) on the PostgreSQL server through PgBouncer in transaction
 * mode, behind a round-robin proxy. Printed: registrations/s and p50/p95/p99 of the form post;
 * beside it the SQL function register_family called directly on the same database in the same run
 * (the same families, a second event, over a pool as large as the app servers' pools together);
 * the ratio; overbooked places; emails queued against registrations; and for both, the machine's
 * CPU per registration by process (app servers, PostgreSQL, PgBouncer, this bench), since on one
 * machine they all share the same cores. Last, the journey's own database calls (session check,
 * staff check and event_page; session check, attempt count and register_on_page) made directly
 * for a third event: what the database alone carries of the rush, without the app servers' CPU.
 *
 * Families are signed in during setup by the password grant (cookies written by @supabase/ssr),
 * not by 2,000 browser sign-ins; that time is not measured.
 *
 *   npm run build && npx tsx bench/rush.ts [--families 2000] [--capacity 300] [--concurrency 64]
 *     [--servers 2,1] [--pgbouncer-port 6543]
 */
import { parseArgs } from 'node:util';
import { loadavg, uptime } from 'node:os';
import { describe, snapshot, split } from './cpu-split';
import { defaultPoolSize } from '../src/lib/server/embedded-supabase/database/postgres';
import {
	inFlight,
	journeyDirectly,
	postRegistration,
	registerDirectly,
	rushOutcome,
	seedRush,
	send,
	signInCookie,
	startCluster,
	type Cluster
} from '../tests/public/cluster';

const { values } = parseArgs({
	options: {
		families: { type: 'string', default: '2000' },
		capacity: { type: 'string', default: '300' },
		concurrency: { type: 'string', default: '64' },
		servers: { type: 'string', default: '2,1' },
		'pgbouncer-port': { type: 'string' }
	}
});
const families = Number(values.families);
const capacity = Number(values.capacity);
const concurrency = Number(values.concurrency);

const percentile = (sorted: number[], p: number) =>
	sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function run(servers: number) {
	const cluster: Cluster = await startCluster({
		apps: servers,
		poolerPort: values['pgbouncer-port'] ? Number(values['pgbouncer-port']) : undefined,
		env: { GONGYU_REGISTRATION_LIMIT: '1000', EMAIL_WORKER_INTERVAL_MS: '1000' }
	});
	try {
		const setup = performance.now();
		const { eventId, slug, families: fams } = await seedRush(cluster, families, capacity);
		const cookies: string[] = new Array(fams.length);
		await inFlight(fams.length, 16, async (i) => {
			cookies[i] = await signInCookie(cluster, fams[i].email);
		});
		console.log(
			`  setup: ${fams.length} families signed in in ${((performance.now() - setup) / 1000).toFixed(1)} s`
		);

		// The rush: each family opens the event page, then posts the form.
		const posts: number[] = new Array(fams.length);
		let refused = 0;
		const named = {
			'app servers': cluster.apps.map((a) => a.process.pid!),
			'this bench (browsers, proxy)': [process.pid]
		};
		const cpuBefore = await snapshot();
		const rush = await inFlight(fams.length, concurrency, async (i) => {
			const page = await send(cluster, `/events/${slug}`, { cookie: cookies[i] });
			if (page.status !== 200) refused++;
			const t0 = performance.now();
			const answer = await postRegistration(cluster, cookies[i], slug, eventId, fams[i].memberIds);
			posts[i] = performance.now() - t0;
			if (answer.status !== 303 || !/done=(confirmed|waitlisted)/.test(answer.location ?? ''))
				refused++;
		});
		const rushCpu = split(cpuBefore, await snapshot(), named);
		const outcome = await rushOutcome(cluster, eventId);
		const sorted = [...posts].sort((a, b) => a - b);
		const httpRate = outcome.registrations / rush.seconds;

		/** A run straight on the database (no app servers): its rate, latencies and CPU split. */
		const withoutWeb = async (call: typeof registerDirectly) => {
			const before = await snapshot();
			let cpu = new Map<string, number>();
			const run = await call(cluster, eventId, fams, {
				concurrency,
				poolSize: servers * defaultPoolSize(),
				// Before the pool closes: its server backends' time goes with them.
				finished: async () => void (cpu = split(before, await snapshot(), named))
			});
			const done = await rushOutcome(cluster, run.eventId);
			const sorted = [...run.latencies].sort((a, b) => a - b);
			return { ...run, done, rate: done.registrations / run.seconds, sorted, cpu };
		};
		// The same families, a second event, register_family called directly on the same database;
		// then a third, with the journey's six database calls made directly.
		const direct = await withoutWeb(registerDirectly);
		const journey = await withoutWeb(journeyDirectly);

		console.log(
			`  HTTP (page + form post): ${outcome.registrations} registrations in ${rush.seconds.toFixed(1)} s = ${httpRate.toFixed(0)}/s; form post p50 ${percentile(sorted, 50).toFixed(0)} ms, p95 ${percentile(sorted, 95).toFixed(0)} ms, p99 ${percentile(sorted, 99).toFixed(0)} ms; refused ${refused}`
		);
		console.log(
			`  SQL register_family directly: ${direct.done.registrations} in ${direct.seconds.toFixed(1)} s = ${direct.rate.toFixed(0)}/s; p50 ${percentile(direct.sorted, 50).toFixed(0)} ms, p95 ${percentile(direct.sorted, 95).toFixed(0)} ms`
		);
		console.log(`  CPU per registration, HTTP: ${describe(rushCpu, outcome.registrations)}`);
		console.log(
			`  CPU per registration, SQL directly: ${describe(direct.cpu, direct.done.registrations)}`
		);
		console.log(
			`  ratio HTTP / SQL: ${(httpRate / direct.rate).toFixed(2)} (target >= 0.5); within 60 s: ${rush.seconds <= 60 ? 'yes' : 'no'}`
		);
		console.log(
			`  the journey's six database calls directly, no app server: ${journey.done.registrations} in ${journey.seconds.toFixed(1)} s = ${journey.rate.toFixed(0)}/s (ratio to SQL ${(journey.rate / direct.rate).toFixed(2)}), overbooked ${journey.done.overbooked}; CPU per registration: ${describe(journey.cpu, journey.done.registrations)}`
		);
		console.log(
			`  seats ${outcome.seats} of ${outcome.capacity}, overbooked ${outcome.overbooked}; emails queued ${outcome.emails} for ${outcome.registrations} registrations${outcome.emails === outcome.registrations ? ' (equal)' : ' (NOT EQUAL)'}`
		);
	} finally {
		await cluster.stop();
	}
}

console.log(
	`8 pm rush: ${families} families, ${capacity} places (2 per family), ${concurrency} in flight; load average ${loadavg()
		.map((l) => l.toFixed(2))
		.join(' ')}, up ${Math.round(uptime() / 60)} min`
);
for (const servers of values.servers.split(',').map(Number)) {
	console.log(
		`${servers} app server${servers === 1 ? '' : 's'} through PgBouncer (transaction mode):`
	);
	await run(servers);
}
process.exit(0);
