/**
 * The database-time budget of `/rest/v1` requests over HTTP, per client address: ordinary reads
 * never meet it, a loop of heavy reads is refused 429 with Retry-After while another address is
 * served, the app's own calls (in-process, or from a trusted app server) and service_role are
 * never counted, two processes on one PostgreSQL database count together, and a block the database
 * decided is answered from memory (no query) until it ends — the Auth rate limits' blocks too.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
	createEmbeddedSupabase,
	type EmbeddedSupabase
} from '../../src/lib/server/embedded-supabase';
import { BlockCache } from '../../src/lib/server/embedded-supabase/blocks';
import { budgetKey } from '../../src/lib/server/embedded-supabase/budget';
import { openPostgres, type Database } from '../../src/lib/server/embedded-supabase/database';
import { configuredLimits, parseDbBudget } from '../../src/lib/server/embedded-supabase/limits';
import { applyBootstrap } from '../../src/lib/server/embedded-supabase/migrate';
import {
	API_URL,
	availableBackends,
	freshServerDatabase,
	startEmbedded,
	uniqueEmail,
	type TestSupabase
} from '../support/embedded';

const backends = await availableBackends();

const fixture = String.raw`
create table public.items (id int primary key, label text not null);
insert into public.items select i, 'item ' || i from generate_series(1, 20) as i;
grant select on public.items to anon, authenticated;
-- A read that keeps the database busy for some milliseconds.
create function public.heavy() returns bigint language sql stable as
	'select count(*) from generate_series(1, 300000)';
`;

/** A budget a few heavy reads use up: 20 ms at once, then 1% of wall time. */
const SMALL = { burstMs: 20, share: 0.01 };

const HEAVY = '/rest/v1/rpc/heavy';
const LIGHT = '/rest/v1/items?select=id,label&order=id&limit=5';
const ABUSER = '203.0.113.20';
const NEIGHBOUR = '203.0.113.21';

/** A request as it arrives over HTTP from `clientAddress`. */
async function overHttp(
	e: EmbeddedSupabase,
	path: string,
	clientAddress: string,
	key: 'publishable' | 'secret' = 'publishable'
): Promise<Response> {
	const response = await e.handle(
		new Request(`${API_URL}${path}`, { headers: { apikey: e.keys[key] } }),
		{
			clientAddress
		}
	);
	return response!;
}

/** Heavy reads from `clientAddress` until one is refused; the refusal (or null after `max`). */
async function untilRefused(
	e: EmbeddedSupabase,
	clientAddress: string,
	max = 60
): Promise<Response | null> {
	for (let i = 0; i < max; i++) {
		const response = await overHttp(e, HEAVY, clientAddress);
		if (response.status === 429) return response;
		expect(response.status).toBe(200);
		await response.arrayBuffer();
	}
	return null;
}

/** Counts every call that reaches the database object from now on; `stop` puts it back. */
function countQueries(db: Database): { calls: () => number; stop: () => void } {
	let calls = 0;
	const target = db as unknown as Record<string, unknown>;
	const originals = new Map<string, unknown>();
	for (const name of ['query', 'statement', 'transaction', 'exec']) {
		const original = target[name] as (...args: unknown[]) => unknown;
		originals.set(name, original);
		target[name] = (...args: unknown[]) => {
			calls++;
			return original.apply(db, args);
		};
	}
	return {
		calls: () => calls,
		stop: () => {
			for (const [name, original] of originals) target[name] = original;
		}
	};
}

/** Accounts of the budget in the database: all of them, or one address's. */
const budgetRows = async (db: Database, address?: string) =>
	Number(
		(
			await db.query<{ n: string }>(
				`select count(*)::text as n from auth.rate_limits
				where rule = 'rest_db_time' and ($1::text is null or key = $1)`,
				[address ? budgetKey(address) : null]
			)
		).rows[0].n
	);

describe('GONGYU_REST_DB_SHARE and GONGYU_REST_DB_BURST_MS', () => {
	it('reads a per cent and milliseconds, turns off with 0 or off, refuses anything else', () => {
		expect(parseDbBudget({})).toBeUndefined();
		expect(parseDbBudget({ GONGYU_REST_DB_SHARE: '10%' })).toEqual({ burstMs: 1000, share: 0.1 });
		expect(parseDbBudget({ GONGYU_REST_DB_SHARE: '2.5', GONGYU_REST_DB_BURST_MS: '300' })).toEqual({
			burstMs: 300,
			share: 0.025
		});
		expect(parseDbBudget({ GONGYU_REST_DB_BURST_MS: '5000' })).toEqual({
			burstMs: 5000,
			share: 0.05
		});
		expect(parseDbBudget({ GONGYU_REST_DB_SHARE: '0' })).toBeNull();
		expect(parseDbBudget({ GONGYU_REST_DB_SHARE: 'off' })).toBeNull();
		expect(() => parseDbBudget({ GONGYU_REST_DB_SHARE: 'lots' })).toThrow(/GONGYU_REST_DB_SHARE/);
		expect(() => parseDbBudget({ GONGYU_REST_DB_SHARE: '150%' })).toThrow(/GONGYU_REST_DB_SHARE/);
		expect(() => parseDbBudget({ GONGYU_REST_DB_BURST_MS: '1s' })).toThrow(
			/GONGYU_REST_DB_BURST_MS/
		);
	});
});

describe('GONGYU_REFUSAL_DELAY_MS', () => {
	it('takes milliseconds up to ten seconds, 0 for none, and refuses anything else', () => {
		expect(configuredLimits({ GONGYU_REFUSAL_DELAY_MS: '100' }, {}).refusalDelayMs).toBe(100);
		expect(configuredLimits({ GONGYU_REFUSAL_DELAY_MS: '0' }, {}).refusalDelayMs).toBe(0);
		expect(configuredLimits({}, {}).refusalDelayMs).toBeUndefined();
		for (const bad of ['soon', '-5', '1.5', '20000']) {
			expect(() => configuredLimits({ GONGYU_REFUSAL_DELAY_MS: bad }, {})).toThrow(
				/GONGYU_REFUSAL_DELAY_MS/
			);
		}
	});
});

describe('the memory of blocks', () => {
	it('answers until the moment given, then forgets; it never grows past its size', () => {
		let now = 1000;
		const blocks = new BlockCache(10, () => now);
		blocks.block('a', 500);
		expect(blocks.remaining('a')).toBe(500);
		now = 1499;
		expect(blocks.remaining('a')).toBe(1);
		now = 1500;
		expect(blocks.remaining('a')).toBe(0);
		for (let i = 0; i < 100; i++) blocks.block(`k${i}`, 10_000);
		expect(blocks.size).toBeLessThanOrEqual(10);
		expect(blocks.remaining('k99')).toBeGreaterThan(0);
	});
});

describe.each(backends)('database-time budget per client address (%s)', (backend) => {
	let t: TestSupabase;
	let small: EmbeddedSupabase;

	beforeAll(async () => {
		t = await startEmbedded({ backend, sql: fixture });
		// A second instance on the same database with a budget a few heavy reads use up.
		small = await createEmbeddedSupabase({
			db: t.db,
			apiUrl: API_URL,
			limits: { dbBudget: SMALL },
			mailer: { send: async () => {} }
		});
	});
	afterAll(async () => {
		await small?.close();
		await t?.close();
	});
	afterEach(() => {
		vi.useRealTimers();
	});

	it('an address within its budget gets its answers', async () => {
		for (let i = 0; i < 30; i++) {
			const response = await overHttp(t.embedded, LIGHT, '192.0.2.30');
			expect(response.status).toBe(200);
			expect(await response.json()).toHaveLength(5);
		}
		// Counted all the same: one account, in the database.
		expect(await budgetRows(t.db)).toBeGreaterThan(0);
	});

	it('a loop of heavy reads is refused 429 with Retry-After; another address is served', async () => {
		const refused = await untilRefused(small, ABUSER);
		expect(refused?.status).toBe(429);
		expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
		expect(await refused!.json()).toMatchObject({
			code: 'PGRST429',
			details: null,
			message: expect.stringMatching(/database time/)
		});
		// Refused light reads too, while the block lasts.
		expect((await overHttp(small, LIGHT, ABUSER)).status).toBe(429);

		const neighbour = await overHttp(small, HEAVY, NEIGHBOUR);
		expect(neighbour.status).toBe(200);
		expect(await neighbour.json()).toBe(300000);
	});

	it("the app's own calls (in-process, or over HTTP from a trusted app server) and service_role are never counted", async () => {
		const address = '192.0.2.40';
		const headers = { apikey: small.keys.publishable };
		for (let i = 0; i < 5; i++) {
			const onBehalf = await small.fetchFor(address)(`${API_URL}${HEAVY}`, { headers });
			expect(onBehalf.status).toBe(200);
			await onBehalf.arrayBuffer();
			// Supabase mode against `supabase:local --trusted-proxy`: the app server's request.
			const viaApp = await small.handle(new Request(`${API_URL}${HEAVY}`, { headers }), {
				clientAddress: address,
				appServer: true
			});
			expect(viaApp!.status).toBe(200);
			await viaApp!.arrayBuffer();
			const own = await small.fetch(`${API_URL}${HEAVY}`, { headers });
			expect(own.status).toBe(200);
			await own.arrayBuffer();
			const service = await overHttp(small, HEAVY, address, 'secret');
			expect(service.status).toBe(200);
			await service.arrayBuffer();
		}
		expect(await budgetRows(t.db, address)).toBe(0);
		// The same address over HTTP as anon is counted from its first request.
		expect((await overHttp(small, HEAVY, address)).status).toBe(200);
		expect(await budgetRows(t.db, address)).toBe(1);
	});

	it('a refusal over HTTP is sent after the refusal delay; with a delay of 0 at once', async () => {
		const address = '203.0.113.40';
		expect((await untilRefused(small, address))?.status).toBe(429);
		let started = performance.now();
		expect((await overHttp(small, LIGHT, address)).status).toBe(429);
		expect(performance.now() - started).toBeGreaterThanOrEqual(240);

		const prompt = await createEmbeddedSupabase({
			db: t.db,
			apiUrl: API_URL,
			limits: { dbBudget: SMALL, refusalDelayMs: 0 },
			mailer: { send: async () => {} }
		});
		try {
			const other = '203.0.113.41';
			expect((await untilRefused(prompt, other))?.status).toBe(429);
			started = performance.now();
			expect((await overHttp(prompt, LIGHT, other)).status).toBe(429);
			expect(performance.now() - started).toBeLessThan(200);
		} finally {
			await prompt.close();
		}
	});

	it('a known block is answered from memory, without a query, until it ends', async () => {
		const address = '203.0.113.30';
		expect((await untilRefused(small, address))?.status).toBe(429);
		vi.useFakeTimers({ toFake: ['Date'] });
		const counter = countQueries(t.db);
		try {
			const refused = await overHttp(small, HEAVY, address);
			expect(refused.status).toBe(429);
			const wait = Number(refused.headers.get('retry-after'));
			expect(wait).toBeGreaterThanOrEqual(1);
			expect((await overHttp(small, LIGHT, address)).status).toBe(429);
			expect(counter.calls()).toBe(0);

			// At the end of the block the database is asked again.
			vi.setSystemTime(Date.now() + wait * 1000 + 1);
			await overHttp(small, LIGHT, address);
			expect(counter.calls()).toBeGreaterThan(0);
		} finally {
			counter.stop();
		}
	});

	it("the Auth rate limits' blocks are answered from memory too", async () => {
		const limited = await createEmbeddedSupabase({
			db: t.db,
			apiUrl: API_URL,
			auth: { rateLimits: { tokenVerifications: 2 } },
			mailer: { send: async () => {} }
		});
		const address = '203.0.113.31';
		const verify = () =>
			limited.handle(
				new Request(`${API_URL}/auth/v1/verify`, {
					method: 'POST',
					headers: { apikey: limited.keys.publishable, 'content-type': 'application/json' },
					body: JSON.stringify({ type: 'email', email: uniqueEmail('blocked'), token: '000000' })
				}),
				{ clientAddress: address }
			);
		try {
			const statuses: number[] = [];
			for (let i = 0; i < 3; i++) statuses.push((await verify())!.status);
			expect(statuses).toEqual([403, 403, 429]);
			const counter = countQueries(t.db);
			try {
				const refused = (await verify())!;
				expect(refused.status).toBe(429);
				expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
				expect(await refused.json()).toMatchObject({ error_code: 'over_request_rate_limit' });
				expect(counter.calls()).toBe(0);
			} finally {
				counter.stop();
			}
		} finally {
			await limited.close();
		}
	});
});

describe.each(backends.filter((b) => b === 'postgres'))(
	'one budget for two app processes on one %s database',
	() => {
		let dbs: Database[] = [];
		let drop: () => Promise<void>;
		let a: EmbeddedSupabase;
		let b: EmbeddedSupabase;

		beforeAll(async () => {
			const fresh = await freshServerDatabase();
			drop = fresh.drop;
			dbs = [
				await openPostgres({ connectionString: fresh.url, max: 3 }),
				await openPostgres({ connectionString: fresh.url, max: 3 })
			];
			await applyBootstrap(dbs[0]);
			await dbs[0].exec(fixture);
			[a, b] = await Promise.all(
				dbs.map((db) =>
					createEmbeddedSupabase({
						db,
						apiUrl: API_URL,
						limits: { dbBudget: SMALL },
						mailer: { send: async () => {} }
					})
				)
			);
		});
		afterAll(async () => {
			await a?.close();
			await b?.close();
			for (const db of dbs) await db.close();
			await drop?.();
		});

		it('what one process charged, the other refuses: after one request, as it learns the block', async () => {
			expect((await untilRefused(a, ABUSER))?.status).toBe(429);
			// b has not seen this address: its first request runs and, charged, shows the block.
			const first = await overHttp(b, LIGHT, ABUSER);
			expect(first.status).toBe(200);
			await first.arrayBuffer();
			const counter = countQueries(dbs[1]);
			try {
				const refused = await overHttp(b, LIGHT, ABUSER);
				expect(refused.status).toBe(429);
				expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
				expect(counter.calls()).toBe(0);
			} finally {
				counter.stop();
			}
			expect((await overHttp(b, LIGHT, NEIGHBOUR)).status).toBe(200);
		});
	}
);
