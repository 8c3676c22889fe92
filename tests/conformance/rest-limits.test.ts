/**
 * What one request may cost on a public install: statement timeout per role, embed depth and
 * count, rows per read (`[api] max_rows`), body size and JSON nesting — each allowed right at its
 * limit and refused just over it, as anon and as a signed-in user, on PGlite and the PostgreSQL
 * server. PGlite runs every statement to its end (no statement_timeout in single-threaded WASM),
 * so the timeout is proved on the server only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonDeeperThan } from '../../src/lib/server/embedded-supabase/body';
import { parseToml } from '../../src/lib/server/embedded-supabase/config';
import {
	maxRowsFromConfig,
	parseStatementTimeouts
} from '../../src/lib/server/embedded-supabase/limits';
import {
	API_URL,
	serverAvailable,
	startEmbedded,
	uniqueEmail,
	type TestSupabase
} from '../support/embedded';

const MAX_ROWS = 5;
const MAX_BODY = 4096;
const MAX_JSON_DEPTH = 64;
const ANON_TIMEOUT = 500;
const USER_TIMEOUT = 1500;

const fixture = String.raw`
create table public.l1 (id int primary key);
create table public.l2 (id int primary key, l1_id int not null references public.l1 (id));
create table public.l3 (id int primary key, l2_id int not null references public.l2 (id));
create table public.l4 (id int primary key, l3_id int not null references public.l3 (id));
create table public.l5 (id int primary key, l4_id int not null references public.l4 (id));
insert into public.l1 values (1);
insert into public.l2 select i, 1 from generate_series(1, 6) as i;
insert into public.l3 values (1, 1);
insert into public.l4 values (1, 1);
insert into public.l5 values (1, 1);
create table public.notes (id int primary key, body text not null, info jsonb);
create function public.nap(seconds float8) returns int language sql as
	'select 1 from pg_catalog.pg_sleep(seconds)';
create function public.depth_of(payload jsonb) returns int language sql as
	'select 1';
create function public.numbers() returns setof int language sql as
	'select generate_series(1, 6)';
`;

function nested(depth: number, inner = '1'): string {
	return '['.repeat(depth) + inner + ']'.repeat(depth);
}

/** A JSON object of exactly `size` bytes: `{"id":…,"body":"xxx…"}`. */
function bodyOfSize(size: number, id: number): string {
	const bare = JSON.stringify({ id, body: '' });
	return JSON.stringify({ id, body: 'x'.repeat(size - bare.length) });
}

/** A body that never ends unless the reader stops: counts what was pulled from it. */
function endlessBody(): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
	let pulled = 0;
	const chunk = new TextEncoder().encode('{"pad":"' + 'x'.repeat(1024));
	const stream = new ReadableStream<Uint8Array>({
		pull(controller) {
			pulled += chunk.byteLength;
			controller.enqueue(chunk);
		}
	});
	return { stream, pulled: () => pulled };
}

describe.each(['pglite', 'postgres'] as const)('request limits (%s)', (backend) => {
	let t: TestSupabase;
	let userToken = '';
	let skip = false;

	beforeAll(async () => {
		if (backend === 'postgres' && !(await serverAvailable())) {
			skip = true;
			return;
		}
		t = await startEmbedded({
			backend,
			sql: fixture,
			pool: 3,
			limits: {
				maxRows: MAX_ROWS,
				maxBodyBytes: MAX_BODY,
				maxJsonDepth: MAX_JSON_DEPTH,
				statementTimeoutMs: { anon: ANON_TIMEOUT, authenticated: USER_TIMEOUT }
			}
		});
		const user = await t.userClient(uniqueEmail('limits'));
		userToken = (await user.auth.getSession()).data.session!.access_token;
	});
	afterAll(async () => {
		await t?.close();
	});

	const test = (name: string, fn: () => Promise<void>) =>
		it(name, async (context) => {
			if (skip) context.skip();
			await fn();
		});

	const callers = ['anon', 'a signed-in user'] as const;
	type Who = (typeof callers)[number];

	/** A request as `who`, to `/rest/v1…` or `/auth/v1…`. */
	function send(who: Who, path: string, init: RequestInit = {}): Promise<Response> {
		const headers = new Headers(init.headers);
		headers.set('apikey', t.embedded.keys.publishable);
		if (who !== 'anon') headers.set('authorization', `Bearer ${userToken}`);
		if (init.body && !headers.has('content-type')) headers.set('content-type', 'application/json');
		return t.embedded.fetch(`${API_URL}${path}`, {
			...init,
			headers,
			duplex: 'half'
		} as RequestInit);
	}

	describe.each(callers)('as %s', (who) => {
		test('an embed three levels deep is answered', async () => {
			const response = await send(who, '/rest/v1/l1?select=id,l2(id,l3(id,l4(id)))&l2.id=eq.1');
			expect(response.status).toBe(200);
			expect(await response.json()).toEqual([
				{ id: 1, l2: [{ id: 1, l3: [{ id: 1, l4: [{ id: 1 }] }] }] }
			]);
		});

		test('an embed four levels deep is refused with 400 before it is planned', async () => {
			const started = performance.now();
			const response = await send(who, '/rest/v1/l1?select=id,l2(id,l3(id,l4(id,l5(id))))');
			expect(response.status).toBe(400);
			expect(await response.json()).toMatchObject({
				code: 'PGRST100',
				details: "'l5' is at level 4"
			});
			// Relationships are resolved in the schema cache (in memory, no query) before the caps
			// are checked, so one that does not exist gets PostgREST's own answer — also a 400 that
			// never reaches the database.
			const unknown = await send(who, '/rest/v1/l1?select=id,l2(l3(l4(nowhere(id))))');
			expect(unknown.status).toBe(400);
			expect((await unknown.json()).code).toBe('PGRST200');
			expect(performance.now() - started).toBeLessThan(1000);
		});

		test('ten embeds in one select are answered and the eleventh is refused', async () => {
			const embeds = (n: number) => Array.from({ length: n }, (_, i) => `e${i}:l2(id)`).join(',');
			const ten = await send(who, `/rest/v1/l1?select=id,${embeds(10)}`);
			expect(ten.status).toBe(200);
			const eleven = await send(who, `/rest/v1/l1?select=id,${embeds(11)}`);
			expect(eleven.status).toBe(400);
			expect((await eleven.json()).code).toBe('PGRST100');
		});

		test('a read is capped at max_rows with an honest Content-Range', async () => {
			const atCap = await send(who, '/rest/v1/l2?select=id&id=lte.5&order=id', {
				headers: { prefer: 'count=exact' }
			});
			expect(atCap.status).toBe(200);
			expect(atCap.headers.get('content-range')).toBe('0-4/5');
			expect(await atCap.json()).toHaveLength(5);

			const overCap = await send(who, '/rest/v1/l2?select=id&order=id', {
				headers: { prefer: 'count=exact' }
			});
			expect(overCap.status).toBe(206);
			expect(overCap.headers.get('content-range')).toBe('0-4/6');
			expect((await overCap.json()).map((r: { id: number }) => r.id)).toEqual([1, 2, 3, 4, 5]);

			const noCount = await send(who, '/rest/v1/l2?select=id&limit=100');
			expect(noCount.status).toBe(200);
			expect(noCount.headers.get('content-range')).toBe('0-4/*');

			const nextPage = await send(who, '/rest/v1/l2?select=id&order=id&offset=5');
			expect(nextPage.headers.get('content-range')).toBe('5-5/*');
			expect(await nextPage.json()).toEqual([{ id: 6 }]);
		});

		test('an embedded array and a set-returning function are capped at max_rows too', async () => {
			const embedded = await send(who, '/rest/v1/l1?select=id,l2(id)');
			const [row] = await embedded.json();
			expect(row.l2).toHaveLength(MAX_ROWS);
			const fewer = await send(who, '/rest/v1/l1?select=id,l2(id)&l2.limit=2');
			expect((await fewer.json())[0].l2).toHaveLength(2);
			const fn = await send(who, '/rest/v1/rpc/numbers', { headers: { prefer: 'count=exact' } });
			expect(fn.headers.get('content-range')).toBe('0-4/6');
			expect(await fn.json()).toEqual([1, 2, 3, 4, 5]);
		});

		test('a body of exactly the limit is read and one byte more is refused with 413', async () => {
			const id = who === 'anon' ? 1 : 2;
			const atLimit = await send(who, '/rest/v1/notes', {
				method: 'POST',
				body: bodyOfSize(MAX_BODY, id)
			});
			expect(atLimit.status).toBe(201);
			const over = await send(who, '/rest/v1/notes', {
				method: 'POST',
				body: bodyOfSize(MAX_BODY + 1, id + 10)
			});
			expect(over.status).toBe(413);
			expect(await over.json()).toMatchObject({ code: 'PGRST413', hint: null });
			const written = await send('a signed-in user', `/rest/v1/notes?select=id&id=eq.${id + 10}`);
			expect(await written.json()).toEqual([]);
		});

		test('a chunked body is refused with 413 as soon as it passes the limit', async () => {
			for (const path of ['/rest/v1/notes', '/auth/v1/otp']) {
				const { stream, pulled } = endlessBody();
				const response = await send(who, path, { method: 'POST', body: stream });
				expect(response.status).toBe(413);
				expect(pulled()).toBeLessThan(MAX_BODY + 3 * 1024);
			}
		});

		test('JSON nested 64 deep is read and 65 deep is refused with 400, never 500', async () => {
			const payload = (depth: number) => `{"payload":${nested(depth - 1)}}`;
			const ok = await send(who, '/rest/v1/rpc/depth_of', { method: 'POST', body: payload(64) });
			expect(ok.status).toBe(200);
			for (const depth of [65, 2000]) {
				const deep = await send(who, '/rest/v1/rpc/depth_of', {
					method: 'POST',
					body: payload(depth)
				});
				expect(deep.status).toBe(400);
				expect((await deep.json()).code).toBe('PGRST102');
			}
			// Brackets inside a string are not nesting.
			const quoted = await send(who, '/rest/v1/rpc/depth_of', {
				method: 'POST',
				body: JSON.stringify({ payload: '['.repeat(200) })
			});
			expect(quoted.status).toBe(200);
		});

		test('an auth body goes through the same guard', async () => {
			const metadata = (depth: number) => ({ data: { deep: JSON.parse(nested(depth - 2)) } });
			const [path, method, extra] =
				who === 'anon'
					? (['/auth/v1/otp', 'POST', { email: uniqueEmail('otp') }] as const)
					: (['/auth/v1/user', 'PUT', {}] as const);
			const ok = await send(who, path, {
				method,
				body: JSON.stringify({ ...extra, ...metadata(64) })
			});
			expect(ok.status).toBe(200);
			const deep = await send(who, path, {
				method,
				body: JSON.stringify({ ...extra, ...metadata(65) })
			});
			expect(deep.status).toBe(400);
			expect(deep.headers.get('x-sb-error-code')).toBe('bad_json');
			const big = await send(who, path, {
				method,
				body: JSON.stringify({ ...extra, data: { pad: 'x'.repeat(MAX_BODY) } })
			});
			expect(big.status).toBe(413);
			expect(big.headers.get('x-sb-error-code')).toBe('request_too_large');
		});
	});

	if (backend === 'pglite') {
		test('PGlite runs a statement past the timeout to its end (WASM has no timer to cancel it)', async () => {
			const response = await send('anon', '/rest/v1/rpc/nap', {
				method: 'POST',
				body: JSON.stringify({ seconds: (ANON_TIMEOUT + 300) / 1000 })
			});
			expect(response.status).toBe(200);
		});
		return;
	}

	describe('statement timeout (the server enforces it)', () => {
		test('anon: a query under the timeout is answered, one over it is cancelled with 57014', async () => {
			const quick = await send('anon', '/rest/v1/rpc/nap', {
				method: 'POST',
				body: JSON.stringify({ seconds: 0.1 })
			});
			expect(quick.status).toBe(200);
			const started = performance.now();
			const slow = await send('anon', '/rest/v1/rpc/nap', {
				method: 'POST',
				body: JSON.stringify({ seconds: 5 })
			});
			const took = performance.now() - started;
			expect(slow.status).toBe(500);
			expect(await slow.json()).toEqual({
				code: '57014',
				details: null,
				hint: null,
				message: 'canceling statement due to statement timeout'
			});
			expect(took).toBeGreaterThanOrEqual(ANON_TIMEOUT - 50);
			expect(took).toBeLessThan(ANON_TIMEOUT + 1500);
		});

		test("a signed-in user has the authenticated role's longer timeout", async () => {
			const longerThanAnon = JSON.stringify({ seconds: (ANON_TIMEOUT + 300) / 1000 });
			const asUser = await send('a signed-in user', '/rest/v1/rpc/nap', {
				method: 'POST',
				body: longerThanAnon
			});
			expect(asUser.status).toBe(200);
			const asAnon = await send('anon', '/rest/v1/rpc/nap', {
				method: 'POST',
				body: longerThanAnon
			});
			expect(asAnon.status).toBe(500);
			const tooLong = await send('a signed-in user', '/rest/v1/rpc/nap', {
				method: 'POST',
				body: JSON.stringify({ seconds: 5 })
			});
			expect(tooLong.status).toBe(500);
			expect((await tooLong.json()).code).toBe('57014');
		});

		test('timed-out requests give their connections back: the next request is answered', async () => {
			// More timed-out requests at once than the pool has connections (3).
			const slow = await Promise.all(
				Array.from({ length: 5 }, () =>
					send('anon', '/rest/v1/rpc/nap', { method: 'POST', body: JSON.stringify({ seconds: 5 }) })
				)
			);
			expect(slow.map((r) => r.status)).toEqual([500, 500, 500, 500, 500]);
			const next = await send('anon', '/rest/v1/l1?select=id');
			expect(next.status).toBe(200);
			expect(await next.json()).toEqual([{ id: 1 }]);
			// A GET read (the statement path) and a write that may veto (the transaction path) alike.
			const viaGet = await send('anon', '/rest/v1/rpc/nap?seconds=5');
			expect(viaGet.status).toBe(500);
			const vetoable = await send('anon', '/rest/v1/rpc/nap', {
				method: 'POST',
				headers: { accept: 'application/vnd.pgrst.object+json' },
				body: JSON.stringify({ seconds: 5 })
			});
			expect(vetoable.status).toBe(500);
			const after = await send('anon', '/rest/v1/l1?select=id');
			expect(after.status).toBe(200);
		});

		test('the service role has no timeout of its own', async () => {
			const response = await t.embedded.fetch(`${API_URL}/rest/v1/rpc/nap`, {
				method: 'POST',
				headers: { apikey: t.embedded.keys.secret, 'content-type': 'application/json' },
				body: JSON.stringify({ seconds: (USER_TIMEOUT + 300) / 1000 })
			});
			expect(response.status).toBe(200);
		});
	});
});

describe('limit configuration', () => {
	it('reads max_rows from the [api] table of config.toml only', () => {
		const maxRows = (toml: string) => maxRowsFromConfig(parseToml(toml));
		expect(maxRows('[api]\nenabled = true\nmax_rows = 1000\n\n[db]\nport = 1')).toBe(1000);
		expect(maxRows('[db]\nmax_rows = 7\n[api]\nport = 1')).toBeNull();
		expect(maxRows('[api]\n# max_rows = 5\n')).toBeNull();
		expect(() => maxRows('[api]\nmax_rows = "many"')).toThrow(/whole number/);
	});

	it('takes one statement timeout for anon and authenticated, or one per role', () => {
		expect(parseStatementTimeouts('5000')).toEqual({ anon: 5000, authenticated: 5000 });
		expect(parseStatementTimeouts('anon=3000, service_role=0')).toEqual({
			anon: 3000,
			service_role: 0
		});
		expect(() => parseStatementTimeouts('3s')).toThrow(/not a number/);
		expect(() => parseStatementTimeouts('admin=1')).toThrow(/unknown role/);
	});

	it('counts nesting outside strings only', () => {
		expect(jsonDeeperThan(nested(64), 64)).toBe(false);
		expect(jsonDeeperThan(nested(65), 64)).toBe(true);
		expect(jsonDeeperThan(`["\\"${'['.repeat(100)}"]`, 64)).toBe(false);
	});
});
