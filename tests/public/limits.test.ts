/**
 * The REST and Auth limits of a public install, proven through the reverse proxy against two app
 * servers on one PostgreSQL database, as a district with two machines would run them.
 */
import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import pg from 'pg';
import { api, onFreshDatabase, ownSecrets, PUBLIC_ORIGIN, request, type App } from './support';

const schema = `
create table public.l1 (id int primary key);
create table public.l2 (id int primary key, l1_id int not null references public.l1 (id));
create table public.l3 (id int primary key, l2_id int not null references public.l2 (id));
create table public.l4 (id int primary key, l3_id int not null references public.l3 (id));
create table public.l5 (id int primary key, l4_id int not null references public.l4 (id));
insert into public.l1 values (1);
create function public.nap(seconds float8) returns int language sql as
	'select 1 from pg_catalog.pg_sleep(seconds)';
create function public.depth_of(payload jsonb) returns int language sql as 'select 1';
grant select, insert on public.l1, public.l2, public.l3, public.l4, public.l5 to anon;
grant execute on function public.nap(float8), public.depth_of(jsonb) to anon;
notify pgrst, 'reload schema';
`;

const nested = (depth: number) => '['.repeat(depth) + '1' + ']'.repeat(depth);

test.describe('limits through the proxy, on two app servers sharing one database', () => {
	const secrets = ownSecrets();
	const limits = { GONGYU_AUTH_RATE_TOKEN_VERIFICATIONS: '4' };
	const started = onFreshDatabase({ ...secrets, ...limits }, { ...secrets, ...limits });
	let a: App;
	let b: App;
	const anon = (app: App, path: string, options: Parameters<typeof api>[3] = {}) =>
		api(app, path, secrets.SUPABASE_PUBLISHABLE_KEY, options);

	test.beforeAll(async () => {
		[a, b] = started.apps;
		const client = new pg.Client({ connectionString: started.databaseUrl });
		await client.connect();
		await client.query(schema).finally(() => client.end());
		for (const app of [a, b]) {
			await expect.poll(async () => (await anon(app, '/rest/v1/l1?select=id')).status).toBe(200);
		}
	});

	test.describe('REST limits', () => {
		test('embeds nest three levels deep, not four (400)', async () => {
			expect((await anon(a, '/rest/v1/l1?select=id,l2(id,l3(id,l4(id)))')).status).toBe(200);
			const deep = await anon(a, '/rest/v1/l1?select=id,l2(id,l3(id,l4(id,l5(id))))');
			expect(deep.status).toBe(400);
			expect(deep.json<{ code: string }>().code).toBe('PGRST100');
		});

		test('an anonymous query over 3 s is cancelled (57014); the time it took is charged to its address on both servers', async () => {
			// Its own client address: the cancelled query spends that address's database-time budget.
			const napper = { 'x-test-client': '192.0.2.57' };
			expect(
				(
					await anon(a, '/rest/v1/rpc/nap', {
						method: 'POST',
						body: { seconds: 0.1 },
						headers: napper
					})
				).status
			).toBe(200);
			const started = Date.now();
			const slow = await anon(a, '/rest/v1/rpc/nap', {
				method: 'POST',
				body: { seconds: 6 },
				headers: napper
			});
			expect(slow.status).toBe(500);
			expect(slow.json<{ code: string }>().code).toBe('57014');
			expect(Date.now() - started).toBeLessThan(5500);

			// Three seconds of the database is far over the 1 s burst: refused with Retry-After on
			// this server at once, and on the other as soon as it has learnt it from the database
			// (at most one request later); another address is served.
			const refusedOn = async (app: App) => {
				for (let i = 0; i < 2; i++) {
					const answer = await anon(app, '/rest/v1/l1?select=id', { headers: napper });
					if (answer.status === 429) return answer;
					expect(answer.status).toBe(200);
				}
				return null;
			};
			const onA = await anon(a, '/rest/v1/l1?select=id', { headers: napper });
			expect(onA.status).toBe(429);
			expect(Number(onA.headers['retry-after'])).toBeGreaterThanOrEqual(1);
			expect((await refusedOn(b))?.status).toBe(429);
			expect((await anon(b, '/rest/v1/l1?select=id')).status).toBe(200);
		});

		test('a body over 1 MiB is refused (413), JSON nested deeper than 64 levels too (400)', async () => {
			const big = await anon(a, '/rest/v1/l1', {
				method: 'POST',
				body: { id: 2, filler: 'x'.repeat(1024 * 1024 + 1) }
			});
			expect(big.status).toBe(413);
			const shallow = await anon(a, '/rest/v1/rpc/depth_of', {
				method: 'POST',
				body: { payload: JSON.parse(nested(60)) }
			});
			expect(shallow.status).toBe(200);
			for (const path of ['/rest/v1/rpc/depth_of', '/auth/v1/otp']) {
				const deep = await request(`${a.url}${path}`, {
					method: 'POST',
					headers: { apikey: secrets.SUPABASE_PUBLISHABLE_KEY, 'content-type': 'application/json' },
					body: `{"payload":${nested(100)}}`
				});
				expect(deep.status, path).toBe(400);
			}
		});
	});

	test.describe('connections', () => {
		test('the app keeps an idle connection open longer than the proxy does (65 s against 60 s)', async () => {
			const direct = await request(`http://127.0.0.1:${a.port}/healthz`);
			expect(direct.status).toBe(200);
			expect(direct.headers['keep-alive']).toBe('timeout=65');
		});

		test('a body over the limit sent straight to the app is answered 413, not cut off mid-upload', async () => {
			for (const size of [2, 6]) {
				const big = await request(`http://127.0.0.1:${a.port}/rest/v1/l1`, {
					method: 'POST',
					headers: {
						apikey: secrets.SUPABASE_PUBLISHABLE_KEY,
						'content-type': 'application/json',
						'x-forwarded-for': '192.0.2.60' // as the proxy would add
					},
					body: JSON.stringify({ id: 2, filler: 'x'.repeat(size * 1024 * 1024) })
				});
				expect(big.status, `${size} MiB`).toBe(413);
				expect(big.json<{ code: string }>().code).toBe('PGRST413');
			}
		});
	});

	test.describe('Auth hardening', () => {
		test('sign-up with a password is refused (422 signup_disabled) and creates nobody', async () => {
			const email = 'password-signup@example.cn';
			const signUp = await anon(a, '/auth/v1/signup', {
				method: 'POST',
				body: { email, password: 'a-long-enough-password' }
			});
			expect(signUp.status).toBe(422);
			expect(signUp.text).toContain('signup_disabled');
			const users = await api(a, '/auth/v1/admin/users', secrets.SUPABASE_SECRET_KEY);
			expect(users.text).not.toContain(email);
		});

		test('the sixth try fails even with the right code, from six client addresses on two servers', async () => {
			const email = 'guessed@example.cn';
			const secret = secrets.SUPABASE_SECRET_KEY;
			await api(a, '/auth/v1/admin/users', secret, {
				method: 'POST',
				body: { email, email_confirm: true }
			});
			const link = await api(a, '/auth/v1/admin/generate_link', secret, {
				method: 'POST',
				body: { type: 'magiclink', email }
			});
			const code = link.json<{ email_otp: string }>().email_otp;
			const wrong = code.slice(0, 5) + String((Number(code[5]) + 1) % 10);
			for (let i = 0; i < 5; i++) {
				const guess = await anon(i % 2 ? b : a, '/auth/v1/verify', {
					method: 'POST',
					headers: { 'x-test-client': `198.51.100.${i + 1}` },
					body: { type: 'email', email, token: wrong }
				});
				expect(guess.status).toBe(403);
			}
			const right = await anon(b, '/auth/v1/verify', {
				method: 'POST',
				headers: { 'x-test-client': '198.51.100.6' },
				body: { type: 'email', email, token: code }
			});
			expect(right.status).toBe(403);
			expect(right.text).toContain('otp_expired');
		});

		test('one client address reaching the limit across both servers gets 429; another does not', async () => {
			const verify = (app: App, client: string) =>
				anon(app, '/auth/v1/verify', {
					method: 'POST',
					headers: { 'x-test-client': client },
					body: { type: 'email', email: 'nobody@example.cn', token: '123456' }
				});
			const statuses = [];
			for (const app of [a, b, a, b]) statuses.push((await verify(app, '203.0.113.7')).status);
			expect(statuses).toEqual([403, 403, 403, 403]);
			const refused = await verify(a, '203.0.113.7');
			expect(refused.status).toBe(429);
			expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
			expect((await verify(b, '203.0.113.7')).status).toBe(429);
			expect((await verify(b, '203.0.113.8')).status).toBe(403);
		});
	});

	test.describe('one-time links tried from one address', () => {
		const page = (app: App, path: string, client: string) =>
			request(`${app.url}${path}`, { headers: { 'x-test-client': client, accept: 'text/html' } });
		const tooMany = '这个地址尝试了太多无效链接';

		for (const kind of ['notices', 'feedback'] as const) {
			test(`unknown ${kind} links: twenty are refused as unknown, then the address is held off on both servers; another address is not`, async () => {
				const client = kind === 'notices' ? '198.51.100.21' : '198.51.100.22';
				for (let i = 0; i < 20; i++) {
					const answer = await page(i % 2 ? b : a, `/${kind}/not-a-real-link-${i}`, client);
					expect(answer.status).toBe(200);
					expect(answer.text).toContain('这个链接无效或已过期');
					expect(answer.text).not.toContain(tooMany);
				}
				const held = await page(b, `/${kind}/not-a-real-link-20`, client);
				expect(held.text).toContain(tooMany);
				const heldOnA = await page(a, `/${kind}/not-a-real-link-21`, client);
				expect(heldOnA.text).toContain(tooMany);
				const other = await page(a, `/${kind}/not-a-real-link-0`, '198.51.100.99');
				expect(other.text).toContain('这个链接无效或已过期');
				expect(other.text).not.toContain(tooMany);
			});
		}

		test('unknown unsubscribe links (reminders, feedback requests): twenty are refused, then the address is held off on both servers; another address is not', async () => {
			const unsubscribe = (app: App, path: string, client: string) =>
				request(`${app.url}${path}`, {
					method: 'POST',
					headers: {
						'x-test-client': client,
						origin: PUBLIC_ORIGIN,
						accept: 'text/html',
						'content-type': 'application/x-www-form-urlencoded'
					},
					body: `token=${randomUUID()}`
				});
			const paths = ['/email/preferences', '/email/feedback'];
			const unknown = '这个退订链接无效';
			const held = '尝试了太多无效的退订链接';
			const client = '198.51.100.23';
			for (let i = 0; i < 20; i++) {
				const answer = await unsubscribe(i % 2 ? b : a, paths[i % 2], client);
				expect(answer.status).toBe(404);
				expect(answer.text).toContain(unknown);
			}
			for (const [app, path] of [
				[a, paths[0]],
				[b, paths[1]]
			] as const) {
				const refused = await unsubscribe(app, path, client);
				expect(refused.status).toBe(429);
				expect(refused.text).toContain(held);
			}
			const other = await unsubscribe(a, paths[0], '198.51.100.98');
			expect(other.status).toBe(404);
			expect(other.text).toContain(unknown);
		});
	});
});
