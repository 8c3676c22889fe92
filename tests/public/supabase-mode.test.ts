/**
 * The app in Supabase mode, as the README deploys it: a fresh PostgreSQL database given the roles
 * and auth schema a project has (`supabase:local --init-only`), the migrations applied by the
 * Supabase CLI (`supabase db push --db-url`), `npm run supabase:local` over it standing in for the
 * hosted project, and the build started with PUBLIC_SUPABASE_URL and the project's keys.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { expect, test } from '@playwright/test';
import { createServerClient } from '@supabase/ssr';
import WebSocket from 'ws';
import { openPostgres, type Database } from '../../src/lib/server/embedded-supabase/database';
import { createWorld, insertEvent, insertFamilies } from '../support/personas';
import { ownerOnly } from './cluster';
import { startResendCapture, type ResendCapture } from '../support/resend-capture';
import { freePort, freshDatabase, startApp, request, type App } from './support';

const PASSWORD = 'supabase-mode-2026';

test.describe('Supabase mode: migrations by supabase db push, a separate Supabase process', () => {
	let database: Awaited<ReturnType<typeof freshDatabase>>;
	let supabase: ChildProcess;
	let project: { API_URL: string; PUBLISHABLE_KEY: string; SECRET_KEY: string };
	let app: App;
	let db: Database;
	let capture: ResendCapture;

	test.beforeAll(async () => {
		test.setTimeout(240_000);
		database = await freshDatabase();
		const tsx = ['node_modules/.bin/tsx', 'scripts/supabase-local.ts'];
		execFileSync(tsx[0], [tsx[1], '--db-url', database.url, '--init-only'], { stdio: 'pipe' });
		const pushed = execFileSync(
			'node_modules/.bin/supabase',
			['db', 'push', '--db-url', `${database.url}?sslmode=disable`, '--yes'],
			{ encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }
		);
		expect(pushed).toContain('Finished supabase db push');
		const port = await freePort();
		supabase = spawn(
			tsx[0],
			[tsx[1], '--db-url', database.url, '--no-seed', '--json', '--port', String(port)],
			{
				stdio: ['ignore', 'pipe', 'pipe']
			}
		);
		project = await new Promise((done, fail) => {
			supabase.on('exit', (code) => fail(new Error(`supabase:local exited ${code}`)));
			createInterface({ input: supabase.stdout! }).on('line', (line) => {
				if (line.startsWith('{')) done(JSON.parse(line));
			});
		});
		capture = await startResendCapture({ apiKey: 're_test_supabase_mode' });
		app = await startApp({
			ORIGIN: 'http://localhost:3000',
			PUBLIC_SUPABASE_URL: project.API_URL,
			PUBLIC_SUPABASE_PUBLISHABLE_KEY: project.PUBLISHABLE_KEY,
			SUPABASE_SECRET_KEY: project.SECRET_KEY,
			RESEND_API_KEY: 're_test_supabase_mode',
			RESEND_BASE_URL: capture.url,
			EMAIL_FROM: 'Gongyu <noreply@gongyu.example.cn>'
		});
		db = await openPostgres({ connectionString: database.url, max: 2 });
	});
	test.afterAll(async () => {
		await db?.close();
		await app?.stop();
		supabase?.kill('SIGTERM');
		await capture?.close();
		await database?.drop();
	});

	test('the CLI recorded every migration and supabase:local applied none of its own', async () => {
		const { rows } = await db.query<{ n: string }>(
			'select count(*)::text as n from supabase_migrations.schema_migrations'
		);
		const files = execFileSync('ls', ['supabase/migrations'], { encoding: 'utf8' })
			.split('\n')
			.filter((f) => f.endsWith('.sql'));
		expect(Number(rows[0].n)).toBe(files.length);
	});

	test('a family signed in with the project registers through the event page’s form; the confirmation is emailed once', async () => {
		test.setTimeout(120_000);
		const domain = ownerOnly(db);
		const world = await createWorld(domain);
		const eventId = await insertEvent(domain, world, { capacity: 5, minAge: null, maxAge: null });
		const [family] = await insertFamilies(domain, 1);
		await db.query(
			`update auth.users set encrypted_password = extensions.crypt($1, extensions.gen_salt('bf', 4)) where id = $2`,
			[PASSWORD, family.user.id]
		);
		const { rows } = await db.query<{ slug: string }>(
			'select slug from public.events where id = $1',
			[eventId]
		);
		const slug = rows[0].slug;
		// The session as @supabase/ssr writes it for the project's URL, which the app reads.
		const jar = new Map<string, string>();
		const client = createServerClient(project.API_URL, project.PUBLISHABLE_KEY, {
			realtime: { transport: WebSocket as never },
			cookies: {
				getAll: () => [...jar].map(([name, value]) => ({ name, value })),
				setAll: (cookies) => cookies.forEach((c) => jar.set(c.name, c.value))
			}
		});
		const signedIn = await client.auth.signInWithPassword({
			email: family.user.email,
			password: PASSWORD
		});
		expect(signedIn.error).toBeNull();
		const cookie = [...jar].map(([n, v]) => `${n}=${v}`).join('; ');
		const headers = { host: 'localhost:3000', cookie };

		const family_ = await request(`${app.url}/family`, { headers });
		expect(family_.status).toBe(200);
		const page = await request(`${app.url}/events/${slug}`, { headers });
		expect(page.status).toBe(200);
		expect(page.text).toContain('name="member"');

		const form = new URLSearchParams({ event_id: eventId });
		form.append('member', family.childId);
		form.append('member', family.parentId);
		const posted = await request(`${app.url}/events/${slug}?/register`, {
			method: 'POST',
			headers: {
				...headers,
				origin: 'http://localhost:3000',
				accept: 'text/html',
				'content-type': 'application/x-www-form-urlencoded'
			},
			body: form.toString()
		});
		expect(posted.status).toBe(303);
		expect(posted.headers.location).toContain('done=confirmed');
		await expect.poll(() => capture.emails.length, { timeout: 30_000 }).toBe(1);
		expect(capture.emails[0].to).toEqual([family.user.email]);

		// Another family's session does not see this registration.
		const anon = await request(`${project.API_URL}/rest/v1/registrations?select=id`, {
			headers: { apikey: project.PUBLISHABLE_KEY, host: new URL(project.API_URL).host }
		});
		expect(anon.json()).toEqual([]);
	});
});
