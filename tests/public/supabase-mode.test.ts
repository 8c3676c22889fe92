/**
 * The app in Supabase mode, as the README deploys it: a fresh PostgreSQL database given the roles
 * and auth schema a project has (`supabase:local --init-only`), the migrations applied by the
 * Supabase CLI (`supabase db push --db-url`), `npm run supabase:local` over it standing in for the
 * hosted project, and the build started with PUBLIC_SUPABASE_URL and the project's keys. The
 * journeys go through the app's pages as a browser without JavaScript does: sign-in by emailed
 * code, the family's page, the registration form and its email, the staff calendar.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createInterface } from 'node:readline';
import { expect, test } from '@playwright/test';
import { createServerClient } from '@supabase/ssr';
import WebSocket from 'ws';
import { openPostgres, type Database } from '../../src/lib/server/embedded-supabase/database';
import { createWorld, insertEvent, insertFamilies, type World } from '../support/personas';
import { ownerOnly } from './cluster';
import { startResendCapture, type ResendCapture } from '../support/resend-capture';
import { freePort, freshDatabase, startApp, request, type App } from './support';

const PASSWORD = 'supabase-mode-2026';
/** The Send Email Hook's secret, as Supabase shows it; the project and the app both have it. */
const HOOK_SECRET = `v1,whsec_${randomBytes(32).toString('base64')}`;
const ORIGIN = 'http://localhost:3000';

type Family = Awaited<ReturnType<typeof insertFamilies>>[number];

test.describe('Supabase mode: migrations by supabase db push, a separate Supabase process', () => {
	let database: Awaited<ReturnType<typeof freshDatabase>>;
	let supabase: ChildProcess;
	let authMail = '';
	let project: { API_URL: string; PUBLISHABLE_KEY: string; SECRET_KEY: string };
	let app: App;
	let db: Database;
	let capture: ResendCapture;
	let world: World;
	let eventId: string;
	let slug: string;
	let families: Family[];
	/** Where the project posts its auth emails: forwarded to the app once it runs. */
	let hook: Server;
	let hookUrl: string;

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
		const hookPort = await freePort();
		hook = createServer(async (req, res) => {
			const chunks: Buffer[] = [];
			for await (const chunk of req) chunks.push(chunk as Buffer);
			const answer = await fetch(`${app.url}/api/auth/send-email`, {
				method: 'POST',
				headers: Object.fromEntries(
					['content-type', 'webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => [
						h,
						String(req.headers[h] ?? '')
					])
				),
				body: Buffer.concat(chunks)
			});
			res.writeHead(answer.status, { 'content-type': 'application/json' });
			res.end(await answer.text());
		});
		await new Promise<void>((done) => hook.listen(hookPort, '127.0.0.1', done));
		hookUrl = `http://127.0.0.1:${hookPort}/`;
		supabase = spawn(
			tsx[0],
			[
				tsx[1],
				'--db-url',
				database.url,
				'--no-seed',
				'--json',
				'--port',
				String(port),
				'--send-email-hook',
				hookUrl
			],
			{
				stdio: ['ignore', 'pipe', 'pipe'],
				env: { ...process.env, SEND_EMAIL_HOOK_SECRET: HOOK_SECRET }
			}
		);
		supabase.stderr!.on('data', (chunk) => (authMail += chunk));
		project = await new Promise((done, fail) => {
			supabase.on('exit', (code) => fail(new Error(`supabase:local exited ${code}\n${authMail}`)));
			createInterface({ input: supabase.stdout! }).on('line', (line) => {
				if (line.startsWith('{')) done(JSON.parse(line));
			});
		});
		capture = await startResendCapture({ apiKey: 're_test_supabase_mode' });
		app = await startApp({
			ORIGIN,
			PUBLIC_SUPABASE_URL: project.API_URL,
			PUBLIC_SUPABASE_PUBLISHABLE_KEY: project.PUBLISHABLE_KEY,
			SUPABASE_SECRET_KEY: project.SECRET_KEY,
			SEND_EMAIL_HOOK_SECRET: HOOK_SECRET,
			RESEND_API_KEY: 're_test_supabase_mode',
			RESEND_BASE_URL: capture.url,
			EMAIL_FROM: 'Gongyu <noreply@gongyu.example.cn>'
		});
		db = await openPostgres({ connectionString: database.url, max: 2 });

		const domain = ownerOnly(db);
		world = await createWorld(domain);
		eventId = await insertEvent(domain, world, { capacity: 5, minAge: null, maxAge: null });
		families = await insertFamilies(domain, 3);
		const withPassword = [
			...families.map((f) => f.user.id),
			world.users.staffA.id,
			world.users.staffB.id
		];
		await db.query(
			`update auth.users set encrypted_password = extensions.crypt($1, extensions.gen_salt('bf', 4))
			 where id = any($2::uuid[])`,
			[PASSWORD, withPassword]
		);
		const { rows } = await db.query<{ slug: string }>(
			'select slug from public.events where id = $1',
			[eventId]
		);
		slug = rows[0].slug;
	});
	test.afterAll(async () => {
		await db?.close();
		await app?.stop();
		supabase?.kill('SIGTERM');
		await capture?.close();
		await new Promise((done) => hook?.close(done));
		await database?.drop();
	});

	/** The session as @supabase/ssr writes it for the project's URL (which the app reads) as a Cookie header. */
	async function passwordCookie(email: string): Promise<string> {
		const jar = new Map<string, string>();
		const client = createServerClient(project.API_URL, project.PUBLISHABLE_KEY, {
			realtime: { transport: WebSocket as never },
			cookies: {
				getAll: () => [...jar].map(([name, value]) => ({ name, value })),
				setAll: (cookies) => cookies.forEach((c) => jar.set(c.name, c.value))
			}
		});
		const signedIn = await client.auth.signInWithPassword({ email, password: PASSWORD });
		expect(signedIn.error).toBeNull();
		return [...jar].map(([n, v]) => `${n}=${v}`).join('; ');
	}

	const get = (path: string, cookie = '') =>
		request(`${app.url}${path}`, { headers: { host: 'localhost:3000', cookie } });

	/** A form posted as a browser without JavaScript posts it. */
	const post = (path: string, form: URLSearchParams, cookie = '') =>
		request(`${app.url}${path}`, {
			method: 'POST',
			headers: {
				host: 'localhost:3000',
				cookie,
				origin: ORIGIN,
				accept: 'text/html',
				'content-type': 'application/x-www-form-urlencoded'
			},
			body: form.toString()
		});

	/** The project's access token for `email` (the REST API as the family's browser calls it). */
	async function accessToken(email: string): Promise<string> {
		const answer = await request(`${project.API_URL}/auth/v1/token?grant_type=password`, {
			method: 'POST',
			headers: {
				host: new URL(project.API_URL).host,
				apikey: project.PUBLISHABLE_KEY,
				'content-type': 'application/json'
			},
			body: JSON.stringify({ email, password: PASSWORD })
		});
		expect(answer.status).toBe(200);
		return answer.json<{ access_token: string }>().access_token;
	}

	test('the CLI recorded every migration and supabase:local applied none of its own', async () => {
		const { rows } = await db.query<{ n: string }>(
			'select count(*)::text as n from supabase_migrations.schema_migrations'
		);
		const files = execFileSync('ls', ['supabase/migrations'], { encoding: 'utf8' })
			.split('\n')
			.filter((f) => f.endsWith('.sql'));
		expect(Number(rows[0].n)).toBe(files.length);
	});

	test('a parent signs in on the app’s page with the code the project emailed through the app’s hook and templates, and reaches the family page', async () => {
		const email = families[2].user.email;
		// Nobody signed in: the family page sends to sign-in.
		const before = await get('/family');
		expect(before.status).toBe(303);
		expect(before.headers.location).toContain('/auth/sign-in');

		const requested = await post('/auth/sign-in?/request', new URLSearchParams({ email }));
		expect(requested.status).toBe(200);
		// The project handed the email to the app's Send Email Hook: the app's own template, in
		// Chinese, through Resend; the project sent nothing itself.
		const mailTo = () => capture.emails.filter((e) => e.to.includes(email));
		await expect.poll(() => mailTo().length, { timeout: 15_000 }).toBe(1);
		const mail = mailTo()[0];
		expect(mail.subject).toContain('共育');
		const code = /\b(\d{6})\b/.exec(mail.text ?? mail.html ?? '')![1];
		expect(authMail).not.toContain(`to ${email}`);

		// A wrong code: refused with the page's message, no session.
		const wrongCode = code === '000000' ? '111111' : '000000';
		const wrong = await post(
			'/auth/sign-in?/verify',
			new URLSearchParams({ email, code: wrongCode })
		);
		expect(wrong.status).toBe(400);
		expect(String(wrong.headers['set-cookie'] ?? '')).not.toContain('-auth-token=');

		const verified = await post('/auth/sign-in?/verify', new URLSearchParams({ email, code }));
		expect(verified.status).toBe(303);
		const setCookies = (verified.headers['set-cookie'] ?? []) as string[];
		const cookie = setCookies
			.map((c) => c.split(';')[0])
			.filter((c) => !c.endsWith('='))
			.join('; ');
		expect(cookie).toContain('-auth-token');
		const family = await get('/family', cookie);
		expect(family.status).toBe(200);
	});

	test('a family signed in with the project registers through the event page’s form; the confirmation is emailed once, and only it sees the registration', async () => {
		test.setTimeout(120_000);
		const [family, other] = families;
		const cookie = await passwordCookie(family.user.email);

		expect((await get('/family', cookie)).status).toBe(200);
		const page = await get(`/events/${slug}`, cookie);
		expect(page.status).toBe(200);
		expect(page.text).toContain('name="member"');

		const form = new URLSearchParams({ event_id: eventId });
		form.append('member', family.childId);
		form.append('member', family.parentId);
		const posted = await post(`/events/${slug}?/register`, form, cookie);
		expect(posted.status).toBe(303);
		expect(posted.headers.location).toContain('done=confirmed');
		const mailTo = (to: string) => capture.emails.filter((e) => e.to.includes(to));
		await expect.poll(() => mailTo(family.user.email).length, { timeout: 30_000 }).toBe(1);
		// Its page of registrations lists it.
		const mine = await get('/family/registrations', cookie);
		expect(mine.status).toBe(200);
		expect(mine.text).toContain('测试活动');

		// Another member of the other family posting that family's members is refused.
		const foreign = new URLSearchParams({ event_id: eventId });
		foreign.append('member', family.childId);
		const otherCookie = await passwordCookie(other.user.email);
		const refused = await post(`/events/${slug}?/register`, foreign, otherCookie);
		expect(refused.status).not.toBe(303);
		const { rows } = await db.query<{ n: string }>(
			`select count(*)::text as n from public.registrations where event_id = $1`,
			[eventId]
		);
		expect(rows[0].n).toBe('1');

		// Through the project's REST API: the family sees its registration, the other family none,
		// nobody signed in is refused the table.
		const rest = (token: string | null) =>
			request(`${project.API_URL}/rest/v1/registrations?select=id&event_id=eq.${eventId}`, {
				headers: {
					host: new URL(project.API_URL).host,
					apikey: project.PUBLISHABLE_KEY,
					...(token ? { authorization: `Bearer ${token}` } : {})
				}
			});
		expect((await rest(await accessToken(family.user.email))).json()).toHaveLength(1);
		expect((await rest(await accessToken(other.user.email))).json()).toEqual([]);
		const anon = await rest(null);
		expect(anon.status).toBeGreaterThanOrEqual(401);
		expect(anon.json<{ code: string }>().code).toBe('42501');
		// The email names the event and not the other family.
		expect(JSON.stringify(mailTo(family.user.email))).not.toContain(other.user.email);
	});

	test('the staff calendar shows the organisation’s event to its staff, and not to another organisation’s or to nobody', async () => {
		const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(
			new Date()
		);
		const until = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(
			new Date(Date.now() + 14 * 86_400_000)
		);
		const feed = `/staff/calendar/feed?from=${today}&to=${until}`;
		const own = await get(feed, await passwordCookie(world.users.staffA.email));
		expect(own.status).toBe(200);
		const entries = own.json<{ entries: { title?: string; text?: string }[] }>().entries;
		expect(JSON.stringify(entries)).toContain('测试活动');
		const page = await get('/staff/calendar', await passwordCookie(world.users.staffA.email));
		expect(page.status).toBe(200);

		const foreign = await get(feed, await passwordCookie(world.users.staffB.email));
		expect(foreign.status).toBe(200);
		expect(foreign.text).not.toContain('测试活动');
		const family = await get(feed, await passwordCookie(families[1].user.email));
		expect(family.status).toBe(403);
		expect((await get(feed)).status).not.toBe(200);
	});

	test('the Send Email Hook refuses what the project did not sign, and sends nothing for it', async () => {
		const before = capture.emails.length;
		const body = JSON.stringify({
			user: { email: 'stranger@example.cn', user_metadata: {} },
			email_data: {
				token: '123456',
				token_hash: 'abc',
				redirect_to: '',
				email_action_type: 'magiclink',
				site_url: ORIGIN
			}
		});
		const id = 'msg_test';
		const now = Math.floor(Date.now() / 1000);
		const { Webhook } = await import('standardwebhooks');
		const signWith = (secret: string, at: number) =>
			new Webhook(secret.replace(/^v1,/, '')).sign(id, new Date(at * 1000), body);
		const postHook = (headers: Record<string, string>) =>
			request(`${app.url}/api/auth/send-email`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', ...headers },
				body
			});
		// Unsigned.
		expect((await postHook({})).status).toBe(401);
		// Signed with another secret.
		const other = `v1,whsec_${randomBytes(32).toString('base64')}`;
		const wrong = await postHook({
			'webhook-id': id,
			'webhook-timestamp': String(now),
			'webhook-signature': signWith(other, now)
		});
		expect(wrong.status).toBe(401);
		expect(wrong.json<{ error: { http_code: number } }>().error.http_code).toBe(401);
		// Signed rightly, but ten minutes old.
		const stale = await postHook({
			'webhook-id': id,
			'webhook-timestamp': String(now - 600),
			'webhook-signature': signWith(HOOK_SECRET, now - 600)
		});
		expect(stale.status).toBe(401);
		// The same, signed now: accepted (so the refusals above are about the signature).
		const right = await postHook({
			'webhook-id': id,
			'webhook-timestamp': String(now),
			'webhook-signature': signWith(HOOK_SECRET, now)
		});
		expect(right.status).toBe(200);
		await expect.poll(() => capture.emails.length, { timeout: 15_000 }).toBe(before + 1);
		expect(capture.emails.at(-1)!.to).toEqual(['stranger@example.cn']);
	});
});
