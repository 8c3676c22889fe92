/**
 * One hot event, N families registering at the same moment (N = 50 and 200), on the PostgreSQL
 * server: through supabase-js and the embedded Supabase (each family with its own access token),
 * beside the same SQL function called directly over a pg pool of the same size, two ways: each
 * statement awaited in turn, and begin/claims/call/commit sent at once so the server commits the
 * moment the call ends (the limit the database itself sets, since every registration holds the
 * event row lock until its commit). Prints registrations per second, the ratio to the faster direct
 * way, latency percentiles, and overbooking counted from the database.
 *
 * Each event has descriptions of a few thousand characters, as real ones do: a registration must
 * not read them while it holds the event row.
 *
 * The largest N is run once more spread over --spread events (no shared row), which separates
 * waiting for the event row from the cost of a registration itself.
 *
 *   npx tsx bench/registration-race.ts [--sizes 50,200] [--pool N, default twice the cores]
 *     [--capacity 40] [--spread 50]
 */
import { defaultPoolSize } from '../src/lib/server/embedded-supabase/database/postgres';
import { parseArgs } from 'node:util';
import { race, registerDirect, report, startRace } from './race';
import { accessToken, createWorld, insertEvent, insertFamilies } from '../tests/support/personas';

const { values } = parseArgs({
	options: {
		sizes: { type: 'string', default: '50,200' },
		pool: { type: 'string', default: String(defaultPoolSize()) },
		capacity: { type: 'string', default: '40' },
		spread: { type: 'string', default: '50' }
	}
});
const sizes = values.sizes.split(',').map(Number);
const poolSize = Number(values.pool);
const capacity = Number(values.capacity);
const spread = Number(values.spread);

const { domain, pools } = await startRace(poolSize);
const direct = pools.awaited;
let overbooked: number;
try {
	const world = await createWorld(domain);
	console.log(
		`registration race: one event of ${capacity} places, pool ${poolSize} connections, PostgreSQL ${
			(await direct.query('show server_version')).rows[0].server_version
		}`
	);
	type Family = Awaited<ReturnType<typeof insertFamilies>>[number];
	// Events as a centre writes them, with a description of a few thousand characters in each
	// language (varied text, so it is stored out of line as a long description would be).
	const text = (length: number, first: number, span: number) => {
		let x = length;
		return Array.from({ length }, () => {
			x = (x * 1103515245 + 12345) % 2 ** 31;
			return String.fromCodePoint(first + ((x >> 8) % span));
		}).join('');
	};
	const descriptionZh = text(2500, 0x4e00, 3000);
	const descriptionEn = text(5000, 0x61, 26);
	const newEvents = (k: number) =>
		Promise.all(
			Array.from({ length: k }, async () => {
				const id = await insertEvent(domain, world, { capacity, minAge: null, maxAge: null });
				await domain.db.query(
					'update public.events set description_zh = $2, description_en = $3 where id = $1',
					[id, descriptionZh, descriptionEn]
				);
				return id;
			})
		);

	/** Every family registers once, family i for event i mod k, through each of the three ways. */
	async function threeWays(families: Family[], k: number) {
		// One supabase-js client per family, with its own access token.
		const clients = (await Promise.all(families.map((f) => accessToken(f.user)))).map((t) =>
			domain.as(t)
		);
		const viaApi = await newEvents(k);
		// Each family's client has been used before (the parent opened the event page): its first
		// call sets up supabase-js's auth state, which is not the server's work.
		await Promise.all(clients.map((c) => c.from('events').select('id').limit(1)));
		const api = await race(
			clients.map(
				(c, i) => () =>
					c.rpc('register_family', {
						p_event_id: viaApi[i % k],
						p_member_ids: [families[i].parentId]
					})
			)
		);

		// Each statement awaited before the next, then all four sent at once (see bench/race.ts).
		const viaPool = await newEvents(k);
		const pool = await race(
			families.map(
				(f, i) => () => registerDirect(direct, 'awaited', f.user.id, viaPool[i % k], f.parentId)
			)
		);
		const viaPipeline = await newEvents(k);
		const pipelined = await race(
			families.map(
				(f, i) => () =>
					registerDirect(pools.pipelined, 'pipelined', f.user.id, viaPipeline[i % k], f.parentId)
			)
		);
		return { api, pool, pipelined };
	}

	// Warm-up, not reported: every connection of every pool runs the function (confirmed and
	// waitlisted) often enough to have compiled it and settled its plans.
	await threeWays(await insertFamilies(domain, capacity + 8 * poolSize), 1);

	for (const n of sizes) {
		report(`N=${String(n).padEnd(4)}`, await threeWays(await insertFamilies(domain, n), 1));
		if (n === Math.max(...sizes) && spread > 1) {
			// The same load spread over many events: no row is shared, so what is left is the cost of
			// each registration itself (CPU of the database and of this process, the commit's flush).
			report(
				`N=${n} over ${spread} events`,
				await threeWays(await insertFamilies(domain, n), spread)
			);
		}
	}
	const { rows } = await direct.query<{ n: string }>(
		`select count(*)::text as n from public.events e
		where (select coalesce(sum(r.seats), 0) from public.registrations r
			where r.event_id = e.id and r.status in ('confirmed', 'attended', 'no_show')) > e.capacity
			or e.seats_taken > e.capacity`
	);
	overbooked = Number(rows[0].n);
	console.log(`overbooked: ${overbooked}`);
} finally {
	await pools.end();
	await domain.close();
}
process.exit(overbooked === 0 ? 0 : 1);
