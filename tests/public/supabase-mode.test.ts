/**
 * The app in Supabase mode, as the README deploys it: a fresh PostgreSQL database given the roles
 * and auth schema a project has (`supabase:local --init-only`), the migrations applied by the
 * Supabase CLI (`supabase db push --db-url`), `npm run supabase:local` over it standing in for the
 * hosted project, and the build started with PUBLIC_SUPABASE_URL and the project's keys, behind a
 * reverse proxy. The journeys run in headless Chromium as a family and as staff: sign-in on the
 * sign-in page with the code the project emailed through the app's Send Email Hook, the family page
 * (a child added), the event page's registration form and its one confirmation email, "my
 * registrations", another family that sees none of it, the form on a 360 px phone without
 * JavaScript, and the staff calendar (FullCalendar) of each organisation. What a browser cannot do
 * is checked over HTTP: forged form posts, the project's REST API, the hook's signatures.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createInterface } from 'node:readline';
import {
	expect,
	test,
	type Browser,
	type BrowserContext,
	type BrowserContextOptions,
	type Page
} from '@playwright/test';
import { openPostgres, type Database } from '../../src/lib/server/embedded-supabase/database';
import {
	addChild,
	createFamily,
	enterCode,
	expectSignedInAs,
	otherCode,
	requestCode,
	uniqueEmail
} from '../e2e/support';
import {
	createWorld,
	insertEvent,
	insertFamilies,
	shanghaiAt,
	type World
} from '../support/personas';
import { ownerOnly } from './cluster';
import {
	startResendCapture,
	type CapturedEmail,
	type ResendCapture
} from '../support/resend-capture';
import { freePort, freshDatabase, startApp, request, type App } from './support';

const PASSWORD = 'supabase-mode-2026';
/** The Send Email Hook's secret, as Supabase shows it; the project and the app both have it. */
const HOOK_SECRET = `v1,whsec_${randomBytes(32).toString('base64')}`;
/** The event families register for (organisation A's), and organisation B's own. */
const EVENT_TITLE = '星空绘本共读会';
const OTHER_ORG_TITLE = '乙校家长开放日';
const EVENT_STARTS = shanghaiAt(10, '10:00');
const EVENT_DAY = EVENT_STARTS.slice(0, 10);
const DAY_AFTER = shanghaiAt(11, '10:00').slice(0, 10);

type Family = Awaited<ReturnType<typeof insertFamilies>>[number];

test.describe('Supabase mode in Chromium: migrations by supabase db push, a separate Supabase process', () => {
	test.describe.configure({ mode: 'serial' });
	let database: Awaited<ReturnType<typeof freshDatabase>>;
	let supabase: ChildProcess;
	let authMail = '';
	let project: { API_URL: string; PUBLISHABLE_KEY: string; SECRET_KEY: string };
	let app: App;
	/** The app's public origin: the reverse proxy's port on localhost, as the browser sees it. */
	let ORIGIN: string;
	let db: Database;
	let capture: ResendCapture;
	let world: World;
	let eventId: string;
	let slug: string;
	let families: Family[];
	/** The parent who signs up in the browser (no family yet) and registers a child. */
	const PARENT = uniqueEmail('supabase-parent');
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
				hookUrl,
				// The app server calls it for every visitor: each is counted by their own address.
				'--trusted-proxy',
				'127.0.0.1'
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
		// The browser opens the proxy by the name the app's ORIGIN gives (form posts must match it).
		const proxyPort = await freePort();
		ORIGIN = `http://localhost:${proxyPort}`;
		app = await startApp(
			{
				ORIGIN,
				PUBLIC_SUPABASE_URL: project.API_URL,
				PUBLIC_SUPABASE_PUBLISHABLE_KEY: project.PUBLISHABLE_KEY,
				SUPABASE_SECRET_KEY: project.SECRET_KEY,
				SEND_EMAIL_HOOK_SECRET: HOOK_SECRET,
				RESEND_API_KEY: 're_test_supabase_mode',
				RESEND_BASE_URL: capture.url,
				EMAIL_FROM: 'Gongyu <noreply@gongyu.example.cn>'
			},
			proxyPort
		);
		db = await openPostgres({ connectionString: database.url, max: 2 });

		const domain = ownerOnly(db);
		world = await createWorld(domain);
		const at = { startsAt: EVENT_STARTS, endsAt: EVENT_STARTS.replace('T10:00', 'T12:00') };
		const event = { capacity: 5, minAge: null, maxAge: null, ...at };
		eventId = await insertEvent(domain, world, event);
		const otherOrgEvent = await insertEvent(domain, world, { ...event, org: world.orgB });
		await db.query(`update public.events set title_zh = $1 where id = $2`, [EVENT_TITLE, eventId]);
		await db.query(`update public.events set title_zh = $1 where id = $2`, [
			OTHER_ORG_TITLE,
			otherOrgEvent
		]);
		families = await insertFamilies(domain, 2);
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

	let visitors = 0;
	/** What went wrong in the test's pages: uncaught errors and errors logged to the console. */
	let pageErrors: string[] = [];
	test.beforeEach(() => {
		pageErrors = [];
	});
	test.afterEach(async () => {
		const testInfo = test.info();
		// A failure shows what the app and the project logged, not only what the browser saw.
		if (testInfo.status !== testInfo.expectedStatus || pageErrors.length) {
			await testInfo.attach('app output', { body: app.output(), contentType: 'text/plain' });
			await testInfo.attach('supabase:local output', { body: authMail, contentType: 'text/plain' });
		}
		expect(pageErrors, 'errors in the pages').toEqual([]);
	});

	/** A refusal the test asked for: the console's line about its status is no error of the page. */
	function expectedRefusal(path: string, status: number) {
		const line = `${ORIGIN}${path}: Failed to load resource: the server responded with a status of ${status} `;
		pageErrors = pageErrors.filter((e) => !e.startsWith(line));
	}

	/** A browser window on the app, in Chinese and Beijing time; its pages' errors are kept. */
	async function open(browser: Browser, options: BrowserContextOptions = {}) {
		const context = await browser.newContext({
			baseURL: ORIGIN,
			locale: 'zh-CN',
			timezoneId: 'Asia/Shanghai',
			// Each window a visitor of its own address (the proxy puts it in X-Forwarded-For).
			extraHTTPHeaders: { 'x-test-client': `10.23.0.${++visitors}` },
			...options
		});
		context.on('weberror', (e) => pageErrors.push(`${e.page()?.url()}: ${e.error().message}`));
		context.on('console', (message) => {
			if (message.type() === 'error')
				pageErrors.push(`${message.page()?.url()}: ${message.text()}`);
		});
		return { context, page: await context.newPage() };
	}

	/** The sign-in emails the app sent for the project (through the hook) to `email`. */
	const signInMails = (email: string) =>
		capture.emails.filter((e) => e.to.includes(email) && e.subject.startsWith('共育登录验证码'));
	const codeIn = (mail: CapturedEmail) => /\b(\d{6})\b/.exec(mail.text ?? mail.html ?? '')![1];
	/** The registration confirmations sent to `email`. */
	const confirmations = (email: string) =>
		capture.emails.filter((e) => e.to.includes(email) && e.subject.startsWith('报名成功'));

	/** Signs in on the sign-in page with the newest code the project emailed to `email`. */
	async function signInByCode(page: Page, email: string) {
		const before = signInMails(email).length;
		await requestCode(page, email, ORIGIN);
		await expect(page.getByLabel('6 位验证码')).toBeVisible();
		await expect.poll(() => signInMails(email).length, { timeout: 15_000 }).toBe(before + 1);
		await enterCode(page, codeIn(signInMails(email).at(-1)!));
		await expect(page).not.toHaveURL(/\/auth\/sign-in/);
	}

	/** The browser's cookies as a Cookie header, for what the test sends past its forms. */
	const cookieOf = async (context: BrowserContext) =>
		(await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');

	const get = (path: string, cookie = '') =>
		request(`${app.url}${path}`, { headers: { host: new URL(ORIGIN).host, cookie } });

	/** A form posted as a browser without JavaScript posts it. */
	const post = (path: string, form: URLSearchParams, cookie = '') =>
		request(`${app.url}${path}`, {
			method: 'POST',
			headers: {
				host: new URL(ORIGIN).host,
				cookie,
				origin: ORIGIN,
				accept: 'text/html',
				'content-type': 'application/x-www-form-urlencoded'
			},
			body: form.toString()
		});

	/** The project's access token for `email` (the REST API as a family's own client calls it). */
	async function accessToken(email: string): Promise<string> {
		await db.query(
			`update auth.users set encrypted_password = extensions.crypt($1, extensions.gen_salt('bf', 4))
			 where email = $2`,
			[PASSWORD, email]
		);
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

	/** Registrations of the event by the family whose guardian signs in as `email`. */
	async function registrationsOf(email: string): Promise<number> {
		const { rows } = await db.query<{ n: string }>(
			`select count(*)::text as n from public.registrations r
			 join public.families f on f.id = r.family_id
			 where r.event_id = $1 and f.email = $2`,
			[eventId, email]
		);
		return Number(rows[0].n);
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

	test('a new parent signs in with the emailed code, adds a child on the family page, registers on the event page and finds it in “my registrations”; the confirmation arrives once', async ({
		browser
	}) => {
		test.setTimeout(120_000);
		const { context, page } = await open(browser);
		// Nobody signed in: the family page sends to sign-in.
		await page.goto('/family');
		await expect(page).toHaveURL(/\/auth\/sign-in\?next=%2Ffamily/);
		await requestCode(page, PARENT, ORIGIN);
		await expect(page.getByRole('status')).toContainText(PARENT);
		// The project handed the email to the app's Send Email Hook: the app's own template, in
		// Chinese, through Resend; the project sent nothing itself.
		await expect.poll(() => signInMails(PARENT).length, { timeout: 15_000 }).toBe(1);
		const code = codeIn(signInMails(PARENT)[0]);
		expect(authMail).not.toContain(`to ${PARENT}`);
		// A wrong code: the page's message, and no session.
		await enterCode(page, otherCode(code));
		await expect(page.getByRole('alert')).toHaveText(/验证码不正确或已过期/);
		const session = (await context.cookies()).filter((c) => /-auth-token(\.\d+)?$/.test(c.name));
		expect(session).toEqual([]);
		await enterCode(page, code);
		await expect(page).not.toHaveURL(/\/auth\/sign-in/);
		await expectSignedInAs(page, PARENT);

		// The family page: the guardian, the consent for children, a child of seven.
		await createFamily(page, '星星妈妈');
		await page
			.getByTestId('add-child')
			.getByRole('button', { name: '我是孩子的监护人，我同意' })
			.click();
		await addChild(page, '小星', Number(EVENT_DAY.slice(0, 4)) - 7, 3);
		await expect(page.getByTestId('member')).toHaveCount(1);

		// The event page's form (with JavaScript: it counts as the box is ticked).
		await page.goto(`/events/${slug}`);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(EVENT_TITLE);
		const form = page.getByTestId('register-form');
		await form.getByRole('checkbox', { name: /小星/ }).check();
		await expect(page.getByTestId('register-summary')).toContainText('已选 1 人');
		await form.getByRole('button', { name: '提交报名' }).click();
		await expect(page.getByTestId('done')).toContainText('报名成功');
		await expect(page.getByTestId('my-status')).toContainText('报名成功');

		await page.goto('/family/registrations');
		const card = page.getByTestId('registration-card').filter({ hasText: EVENT_TITLE });
		await expect(card.getByTestId('registration-status')).toHaveText('报名成功');
		await expect(card).toContainText('小星');

		// Once: the outbox row is sent, and the Resend server holds one confirmation for it.
		await expect
			.poll(
				async () =>
					(
						await db.query<{ status: string }>(
							`select status::text from public.email_outbox
							 where to_email = $1 and kind = 'registration_confirmed'`,
							[PARENT]
						)
					).rows.map((r) => r.status),
				{ timeout: 30_000 }
			)
			.toEqual(['sent']);
		expect(confirmations(PARENT)).toHaveLength(1);
		expect(confirmations(PARENT)[0].subject).toContain(EVENT_TITLE);
		await context.close();
	});

	test('another family sees neither that registration nor that child, and cannot register the child by a forged post', async ({
		browser
	}) => {
		const other = families[0].user.email;
		const { context, page } = await open(browser);
		await signInByCode(page, other);
		await page.goto('/family/registrations');
		await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
		await expect(page.getByTestId('registration-card')).toHaveCount(0);
		await expect(page.locator('main')).not.toContainText(EVENT_TITLE);
		await page.goto(`/events/${slug}`);
		const form = page.getByTestId('register-form');
		await expect(form.getByRole('checkbox')).toHaveCount(2);
		await expect(form).not.toContainText('小星');
		await expect(page.getByTestId('my-status')).toHaveCount(0);
		// Nor the staff calendar.
		expect((await page.goto('/staff/calendar'))?.status()).toBe(403);
		expectedRefusal('/staff/calendar', 403);

		// What its browser could send by hand: the first family's child, with its own session.
		const { rows } = await db.query<{ id: string }>(
			`select m.id from public.family_members m join public.families f on f.id = m.family_id
			 where f.email = $1 and m.nickname = '小星'`,
			[PARENT]
		);
		const forged = new URLSearchParams({ event_id: eventId, member: rows[0].id });
		const refused = await post(`/events/${slug}?/register`, forged, await cookieOf(context));
		expect(refused.status).not.toBe(303);
		expect(await registrationsOf(other)).toBe(0);
		expect(await registrationsOf(PARENT)).toBe(1);
		await context.close();

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
		expect((await rest(await accessToken(PARENT))).json()).toHaveLength(1);
		expect((await rest(await accessToken(other))).json()).toEqual([]);
		const anon = await rest(null);
		expect(anon.status).toBeGreaterThanOrEqual(401);
		expect(anon.json<{ code: string }>().code).toBe('42501');
		// The first family's email names nobody of the other.
		expect(JSON.stringify(confirmations(PARENT))).not.toContain(other);
		expect(confirmations(other)).toEqual([]);
	});

	test('on a 360 px phone without JavaScript a family registers through the form; sent empty, it says why where the family can see it', async ({
		browser
	}, testInfo) => {
		const family = families[1].user.email;
		const { context, page } = await open(browser, {
			javaScriptEnabled: false,
			viewport: { width: 360, height: 740 },
			deviceScaleFactor: 2,
			isMobile: true,
			hasTouch: true
		});
		await signInByCode(page, family);
		await page.goto(`/events/${slug}`);
		const form = page.getByTestId('register-form');
		await form.getByRole('button', { name: '提交报名' }).click();
		await expect(page).toHaveURL(/#register-form$/);
		await expect(page.getByTestId('form-error')).toHaveText('请至少勾选一位参加的家庭成员。');
		await expect(page.getByTestId('form-error')).toBeInViewport();
		expectedRefusal(`/events/${slug}?/register#register-form`, 400);
		expect(await registrationsOf(family)).toBe(0);

		await form.getByRole('checkbox', { name: /孩子/ }).check();
		await form.getByRole('button', { name: '提交报名' }).click();
		await expect(page).toHaveURL(/done=confirmed/);
		await expect(page.getByTestId('my-status')).toContainText('报名成功');
		const overflow = await page.evaluate(
			() => document.documentElement.scrollWidth - document.documentElement.clientWidth
		);
		expect(overflow, 'the event page scrolls sideways at 360 px').toBeLessThanOrEqual(0);
		const shot = await page.screenshot({
			fullPage: true,
			path: testInfo.outputPath('supabase-mode-registered-360.png')
		});
		await testInfo.attach('supabase-mode-registered-360', { body: shot, contentType: 'image/png' });
		await expect.poll(() => confirmations(family).length, { timeout: 30_000 }).toBe(1);
		expect(await registrationsOf(family)).toBe(1);
		await context.close();
	});

	test('staff sign in and see their organisation’s event on the staff calendar, not another organisation’s', async ({
		browser
	}) => {
		test.setTimeout(120_000);
		const staff = [
			[world.users.staffA.email, EVENT_TITLE, OTHER_ORG_TITLE],
			[world.users.staffB.email, OTHER_ORG_TITLE, EVENT_TITLE]
		] as const;
		for (const [email, own, foreign] of staff) {
			const { context, page } = await open(browser, { viewport: { width: 1280, height: 1000 } });
			await signInByCode(page, email);
			// Signed in from nowhere in particular, staff land at their workbench.
			await expect(page).toHaveURL(/\/staff$/);
			await page.goto(`/staff/calendar?date=${EVENT_DAY}`);
			const calendar = page.locator('[data-testid="staff-calendar"][data-loaded="true"]');
			await expect(calendar).toBeVisible();
			await expect(calendar.locator('.fc-timegrid')).toBeVisible();
			// An event at an address of its own: "外出活动 · <title>", in the week's grid.
			await expect(calendar.locator('.fc-event', { hasText: own }), email).toBeVisible();
			await expect(calendar.locator('.fc-event', { hasText: foreign }), email).toHaveCount(0);
			await context.close();
		}
		// The feed behind it: nobody signed in is refused.
		const feed = `/staff/calendar/feed?from=${EVENT_DAY}&to=${DAY_AFTER}`;
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
