/**
 * A PostgreSQL restart under load, with a server of the test's own (never the shared one): the app
 * keeps running, answers 503 while the database is away, comes back by itself within seconds, and
 * its schema listener is back too.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import pg from 'pg';
import { api, freePort, ownSecrets, request, startApp, type Answer, type App } from './support';

const BIN = '/usr/lib/postgresql/15/bin';

/** PostgreSQL refuses to run as root: as root, its commands run as the `postgres` user. */
function asPostgres(command: string, args: string[]): string {
	const [file, argv] =
		process.getuid?.() === 0
			? ['runuser', ['-u', 'postgres', '--', `${BIN}/${command}`, ...args]]
			: [`${BIN}/${command}`, args];
	return execFileSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number) {
	const deadline = Date.now() + timeoutMs;
	while (!(await check().catch(() => false))) {
		if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
		await sleep(100);
	}
}

test.describe('a PostgreSQL restart', () => {
	let dir = '';
	let port = 0;
	let app: App | null = null;
	let loading = false;
	const secrets = ownSecrets();
	const pgctl = (...args: string[]) =>
		asPostgres('pg_ctl', ['-D', join(dir, 'data'), '-l', join(dir, 'log'), ...args]);
	const sql = async (text: string) => {
		const client = new pg.Client({
			connectionString: `postgresql://postgres@127.0.0.1:${port}/gongyu`
		});
		await client.connect();
		try {
			await client.query(text);
		} finally {
			await client.end();
		}
	};
	const rest = (path: string) => api(app!, `/rest/v1/${path}`, secrets.SUPABASE_PUBLISHABLE_KEY);

	test.beforeAll(async () => {
		test.setTimeout(180_000);
		dir = mkdtempSync(join(tmpdir(), 'gongyu-faults-'));
		if (process.getuid?.() === 0)
			chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), 0);
		chmodSync(dir, 0o700);
		port = await freePort();
		asPostgres('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
		pgctl(
			'-o',
			`-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`,
			'-w',
			'start'
		);
		const admin = new pg.Client({
			connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres`
		});
		await admin.connect();
		await admin.query('create database gongyu');
		await admin.end();
		app = await startApp({
			...secrets,
			DATABASE_URL: `postgresql://postgres@127.0.0.1:${port}/gongyu`,
			DATABASE_POOL_SIZE: '4'
		});
	});

	test.afterAll(async () => {
		loading = false;
		await app?.stop();
		if (dir) {
			try {
				pgctl('-m', 'immediate', 'stop');
			} catch {
				// Already stopped (or never started): nothing to clean but the files.
			}
			rmSync(dir, { recursive: true, force: true });
		}
	});

	test('the app comes back by itself, says so on /healthz meanwhile, and hears schema reloads again', async () => {
		test.setTimeout(120_000);
		const pid = app!.process.pid;
		const seen: Answer[] = [];
		const health: Answer[] = [];
		loading = true;
		// Light load: a parent's list and a load balancer's check, over and over.
		const load = (async () => {
			while (loading) {
				// A dropped connection would be recorded as status 0.
				const failed = { status: 0, headers: {}, text: '', json: () => null } as Answer;
				const [list, check] = await Promise.all([
					rest('organisations?select=id').catch(() => failed),
					request(`${app!.url}/healthz`).catch(() => failed)
				]);
				seen.push(list);
				health.push(check);
				await sleep(50);
			}
		})();

		await until(
			'the app answers before the restart',
			async () => seen.some((a) => a.status === 200),
			10_000
		);
		pgctl('-m', 'fast', '-w', 'restart');
		const restarted = Date.now();
		await until(
			'the app answers again after the restart',
			async () => (await rest('organisations?select=id')).status === 200,
			10_000
		);
		expect(Date.now() - restarted).toBeLessThan(10_000);

		// Down for long enough to be seen: every answer meanwhile is a clear 503, never a crash.
		pgctl('-m', 'fast', '-w', 'stop');
		await until(
			'the API says the database is away',
			async () => (await rest('organisations?select=id')).status === 503,
			10_000
		);
		// PostgREST's own words while the database is away (a lost connection, or a schema cache that
		// cannot be loaded), never the driver's host and port.
		const away = await rest('organisations?select=id');
		expect(['08006', 'PGRST002']).toContain(away.json<{ code: string }>().code);
		expect(away.text).not.toContain(String(port));
		await until(
			'/healthz says the database is down',
			async () => {
				const check = await request(`${app!.url}/healthz`);
				return check.status === 503 && check.text.includes('database: not answering');
			},
			10_000
		);
		pgctl('-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, '-w', 'start');
		await until(
			'/healthz is ok again',
			async () => (await request(`${app!.url}/healthz`)).text === 'ok',
			10_000
		);
		loading = false;
		await load;

		// The same process all along, and nothing but 200s and 503s on the way.
		expect(app!.process.exitCode).toBeNull();
		expect(app!.process.pid).toBe(pid);
		// Whether the light load happened to ask during the short outages is timing; what it got
		// can only ever be an answer or a clear 503 (the 503s themselves are proven above).
		expect(seen.some((a) => a.status === 200)).toBe(true);
		for (const answer of [...seen, ...health]) expect([200, 503]).toContain(answer.status);
		expect(app!.output()).not.toMatch(/Uncaught|unhandled/i);

		// The listener reconnected (with back-off, at most a few seconds) and listens again: a new
		// table is invisible until `notify pgrst`, then visible.
		await sleep(4000);
		await sql(
			'create table public.after_restart (id int); grant select on public.after_restart to anon'
		);
		await sleep(500);
		expect((await rest('after_restart?select=id')).status).toBe(404);
		await sql(`notify pgrst, 'reload schema'`);
		await until(
			'the new table is visible',
			async () => (await rest('after_restart?select=id')).status === 200,
			5000
		);
	});
});
