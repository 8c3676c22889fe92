/**
 * The registration race with held places (关爱名额): one event of --capacity places of which 10%
 * are held for referred families, and N families registering at the same moment, 10% of them
 * referred, on the PostgreSQL server: through supabase-js and the embedded Supabase (each family
 * with its own access token) beside the same SQL function called directly over a pg pool of the
 * same size (each statement awaited; and begin/claims/call/commit pipelined). Prints registrations
 * per second, the ratio to the faster direct way, latency percentiles, and from the database:
 * overbooked events, held seats taken by families without a referral (must be 0), held seats used.
 *
 *   npx tsx bench/held-places-race.ts [--sizes 50,200] [--pool N, default twice the cores]
 *     [--capacity 40]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { defaultPoolSize } from '../src/lib/server/embedded-supabase/database/postgres';
import { accessToken, createWorld, insertEvent, insertFamilies } from '../tests/support/personas';
import { race, registerDirect, report, startRace } from './race';

const { values } = parseArgs({
	options: {
		sizes: { type: 'string', default: '50,200' },
		pool: { type: 'string', default: String(defaultPoolSize()) },
		capacity: { type: 'string', default: '40' }
	}
});
const sizes = values.sizes.split(',').map(Number);
const poolSize = Number(values.pool);
const capacity = Number(values.capacity);
const held = Math.max(1, Math.round(capacity / 10));

const { domain, pools } = await startRace(poolSize);
const direct = pools.awaited;
let failures = 0;
try {
	const world = await createWorld(domain);
	console.log(
		`held-places race: one event of ${capacity} places, ${held} held (release in a day), 10% of families referred, pool ${poolSize} connections, PostgreSQL ${
			(await direct.query('show server_version')).rows[0].server_version
		}`
	);
	type Family = Awaited<ReturnType<typeof insertFamilies>>[number];

	/** N families, every tenth referred by the youth centre (from yesterday for a month). */
	async function families(n: number): Promise<Family[]> {
		const made = await insertFamilies(domain, n);
		const referred = made.filter((_, i) => i % 10 === 0);
		await domain.db.exec(`
			insert into public.referrals (id, org_id, family_id, reason, starts_on, ends_on)
			values ${referred
				.map(
					(f) =>
						`('${randomUUID()}', '${world.orgA}', '${f.familyId}', 'left_behind', current_date - 1, current_date + 30)`
				)
				.join(',\n')};
		`);
		return made;
	}
	async function heldEvent(): Promise<string> {
		const id = await insertEvent(domain, world, { capacity, minAge: null, maxAge: null });
		await domain.db.exec(
			`insert into public.event_holds (event_id, seats, release_at) values ('${id}', ${held}, now() + interval '1 day')`
		);
		return id;
	}

	/** Every family registers once for one held-places event, through each of the three ways. */
	async function threeWays(list: Family[]) {
		const clients = (await Promise.all(list.map((f) => accessToken(f.user)))).map((t) =>
			domain.as(t)
		);
		const viaApi = await heldEvent();
		await Promise.all(clients.map((c) => c.from('events').select('id').limit(1)));
		const api = await race(
			clients.map(
				(c, i) => () =>
					c.rpc('register_family', { p_event_id: viaApi, p_member_ids: [list[i].parentId] })
			)
		);
		const viaPool = await heldEvent();
		const pool = await race(
			list.map((f) => () => registerDirect(direct, 'awaited', f.user.id, viaPool, f.parentId))
		);
		const viaPipeline = await heldEvent();
		const pipelined = await race(
			list.map(
				(f) => () =>
					registerDirect(pools.pipelined, 'pipelined', f.user.id, viaPipeline, f.parentId)
			)
		);
		return { api, pool, pipelined, events: [viaApi, viaPool, viaPipeline] };
	}

	// Warm-up, not reported.
	await threeWays(await families(capacity + 8 * poolSize));

	for (const n of sizes) {
		const runs = await threeWays(await families(n));
		const label = `N=${String(n).padEnd(4)}`;
		report(label, runs);
		const { rows } = await direct.query<{
			used: string;
			confirmed: string;
			unreferred: string;
			over: string;
		}>(
			`select
				(select coalesce(sum(r.seats), 0) from public.held_place_uses u
					join public.registrations r on r.id = u.registration_id
					where u.event_id = any ($1::uuid[]))::text as used,
				(select coalesce(sum(r.seats), 0) from public.registrations r
					where r.event_id = any ($1::uuid[]) and r.status = 'confirmed')::text as confirmed,
				(select count(*) from public.held_place_uses u
					join public.registrations r on r.id = u.registration_id
					where u.event_id = any ($1::uuid[])
						and not exists (select 1 from public.referrals f where f.family_id = r.family_id))::text
					as unreferred,
				(select count(*) from public.events e where e.id = any ($1::uuid[])
					and (e.seats_taken > e.capacity or (select coalesce(sum(r.seats), 0)
						from public.registrations r where r.event_id = e.id
							and r.status in ('confirmed', 'attended', 'no_show')) > e.capacity))::text as over`,
			[runs.events]
		);
		const r = rows[0];
		console.log(
			`${label}  3 events: ${r.confirmed} confirmed of ${3 * capacity} places, held seats used ${r.used} of ${3 * held}, held seats to families without a referral ${r.unreferred}, overbooked ${r.over}`
		);
		failures += Number(r.unreferred) + Number(r.over);
	}
} finally {
	await pools.end();
	await domain.close();
}
console.log(`overbooked or held seats misgiven: ${failures}`);
process.exit(failures === 0 ? 0 : 1);
