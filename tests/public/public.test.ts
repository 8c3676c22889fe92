/**
 * The production build on a public origin (https://gongyu.example.cn) behind a reverse proxy, as a
 * district runs it: what it refuses to start with, and what it does not expose once started.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { SignJWT } from 'jose';
import pg from 'pg';
import {
	LOCAL_JWT_SECRET,
	LOCAL_PUBLISHABLE_KEY,
	LOCAL_SECRET_KEY
} from '../../src/lib/server/embedded-supabase/keys';
import {
	PUBLIC_ORIGIN,
	api,
	onFreshDatabase,
	ownSecrets,
	request,
	runUntilExit,
	type App,
	type Env
} from './support';

// The demo keys `supabase start` prints (legacy JWTs signed with the local JWT secret).
const DEMO_ANON_JWT =
	'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0';
const DEMO_SERVICE_ROLE_JWT =
	'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU';
const PARTNER = 'https://partner.example.cn';
const DEMO_PARENT = 'parent1@demo.gongyu.local';

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };

function signedWithLocalSecret(role: string): Promise<string> {
	return new SignJWT({ role, aud: role === 'authenticated' ? 'authenticated' : undefined })
		.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
		.setSubject('00000000-0000-4000-8000-000000000001')
		.setExpirationTime('1h')
		.sign(new TextEncoder().encode(LOCAL_JWT_SECRET));
}

/** The README's demo password, as supabase-js's signInWithPassword sends it. */
function demoPasswordSignIn(app: App, key: string) {
	return api(app, '/auth/v1/token?grant_type=password', key, {
		method: 'POST',
		body: { email: DEMO_PARENT, password: 'gongyu-demo' }
	});
}

function setCookies(headers: Record<string, unknown>): string[] {
	const value = headers['set-cookie'];
	return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}

/**
 * Every cookie the app sets while a visitor picks a language and text size, asks for a sign-in code
 * and enters it, posting forms as a browser on `origin` does without JavaScript.
 */
async function cookiesOfASignIn(app: App, origin: string, secretKey: string): Promise<string[]> {
	const sameSite = { ...formHeaders, origin, accept: 'text/html' };
	const preferences = await request(`${app.url}/preferences`, {
		method: 'POST',
		headers: sameSite,
		body: form({ locale: 'en', text: 'large', next: '/' })
	});
	expect(preferences.status).toBe(303);
	const choices = setCookies(preferences.headers);
	expect(choices.map((c) => c.split('=')[0]).sort()).toEqual(['PARAGLIDE_LOCALE', 'gongyu_text']);

	const email = 'signin@example.cn';
	await api(app, '/auth/v1/admin/users', secretKey, {
		method: 'POST',
		body: { email, email_confirm: true }
	});
	const asked = await request(`${app.url}/auth/sign-in?/request`, {
		method: 'POST',
		headers: sameSite,
		body: form({ email, next: '/' })
	});
	expect(asked.status).toBe(200);
	const pending = setCookies(asked.headers).filter((c) => c.startsWith('gongyu_signin_email='));
	expect(pending).toHaveLength(1);

	const link = await api(app, '/auth/v1/admin/generate_link', secretKey, {
		method: 'POST',
		body: { type: 'magiclink', email }
	});
	const code = link.json<{ email_otp: string }>().email_otp;
	const verified = await request(`${app.url}/auth/sign-in?/verify`, {
		method: 'POST',
		headers: sameSite,
		body: form({ email, code, next: '/' })
	});
	expect(verified.status, verified.text.slice(0, 3000)).toBe(303);
	const session = setCookies(verified.headers).filter((c) => c.startsWith('sb-'));
	expect(session.length).toBeGreaterThan(0);
	return [...choices, ...pending, ...session];
}

test.describe('a public origin refuses to start with secrets anybody can know', () => {
	const cases: [name: string, value: string | undefined, says: RegExp][] = [
		['JWT_SECRET', undefined, /JWT_SECRET is not set/],
		['JWT_SECRET', LOCAL_JWT_SECRET, /JWT_SECRET is a well-known local value/],
		['JWT_SECRET', 'twenty-five-characters-x', /JWT_SECRET is shorter than 32 characters/],
		['SUPABASE_PUBLISHABLE_KEY', undefined, /SUPABASE_PUBLISHABLE_KEY is not set/],
		['SUPABASE_PUBLISHABLE_KEY', LOCAL_PUBLISHABLE_KEY, /SUPABASE_PUBLISHABLE_KEY is a well-known/],
		['SUPABASE_PUBLISHABLE_KEY', DEMO_ANON_JWT, /SUPABASE_PUBLISHABLE_KEY is a well-known/],
		['SUPABASE_SECRET_KEY', undefined, /SUPABASE_SECRET_KEY is not set/],
		['SUPABASE_SECRET_KEY', LOCAL_SECRET_KEY, /SUPABASE_SECRET_KEY is a well-known/],
		['SUPABASE_SECRET_KEY', DEMO_SERVICE_ROLE_JWT, /SUPABASE_SECRET_KEY is a well-known/]
	];

	test('each missing or well-known secret stops the server before it opens a database', async () => {
		test.setTimeout(120_000);
		const root = mkdtempSync(join(tmpdir(), 'gongyu-refused-'));
		try {
			const runs = cases.map(async ([name, value, says], i) => {
				const dataDir = join(root, `data-${i}`);
				const env: Env = { ...ownSecrets(), GONGYU_DATA_DIR: dataDir };
				if (value === undefined) delete env[name];
				else env[name] = value;
				const { code, output } = await runUntilExit(env);
				return { name, says, code, output, opened: existsSync(dataDir) };
			});
			for (const run of await Promise.all(runs)) {
				expect(run.code, run.output).toBe(1);
				expect(run.output).toMatch(run.says);
				// One line per problem with the command that makes a value, and no stack trace.
				expect(run.output).toContain(`${run.name}`);
				expect(run.output).toMatch(/Make one: node -e "console\.log\(.*randomBytes\(32\)/);
				expect(run.output).not.toMatch(/\n\s+at /);
				expect(run.opened).toBe(false);
			}
		} finally {
			rmSync(root, { recursive: true, force: true });
		}
	});

	test('a good set of secrets names nothing (the same start succeeds)', async () => {
		// The allow case of the refusal above, without waiting for migrations: an unknown
		// GONGYU_SEED is the next thing checked, so reaching that message proves the secrets passed.
		const { code, output } = await runUntilExit({ ...ownSecrets(), GONGYU_SEED: 'everything' });
		expect(code).toBe(1);
		expect(output).toContain('GONGYU_SEED is "everything"');
		expect(output).not.toMatch(/JWT_SECRET|SUPABASE_/);
	});

	test('a read-only or full data directory is named with its cause, not a stack trace', async () => {
		test.setTimeout(120_000);
		// Mounting needs root, as does the fault test's PostgreSQL: the suite runs as root.
		const root = mkdtempSync(join(tmpdir(), 'gongyu-disk-'));
		// The data directories are the mount points themselves.
		const readOnly = join(root, 'read-only');
		const full = join(root, 'full');
		mkdirSync(readOnly);
		mkdirSync(full);
		execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', readOnly]);
		execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', full]);
		try {
			const [ro, nospace] = await Promise.all([
				runUntilExit({ ...ownSecrets(), GONGYU_DATA_DIR: readOnly }),
				runUntilExit({ ...ownSecrets(), GONGYU_DATA_DIR: full })
			]);
			expect(ro.code, ro.output).toBe(1);
			expect(ro.output).toContain(
				`The data directory ${readOnly} (GONGYU_DATA_DIR) cannot be used: the file system is read-only (EROFS).`
			);
			expect(ro.output).not.toMatch(/\n\s+at /);
			expect(nospace.code, nospace.output).toBe(1);
			expect(nospace.output).toContain('cannot be used: the disk is full (ENOSPC).');
			expect(nospace.output).not.toMatch(/\n\s+at |ErrnoError/);
		} finally {
			execFileSync('umount', [readOnly]);
			execFileSync('umount', [full]);
			rmSync(root, { recursive: true, force: true });
		}
	});
});

test.describe('on a public origin without demo data', () => {
	const secrets = ownSecrets();
	const started = onFreshDatabase({ ...secrets, GONGYU_CORS_ORIGINS: PARTNER });
	let app: App;
	test.beforeAll(() => {
		app = started.apps[0];
	});

	test('the local keys and tokens signed with the local secret are refused', async () => {
		// Allowed: the district's own keys.
		expect(
			(await api(app, '/rest/v1/organisations?select=id', secrets.SUPABASE_PUBLISHABLE_KEY)).status
		).toBe(200);
		expect((await api(app, '/auth/v1/settings', secrets.SUPABASE_PUBLISHABLE_KEY)).status).toBe(
			200
		);
		expect((await api(app, '/auth/v1/admin/users', secrets.SUPABASE_SECRET_KEY)).status).toBe(200);

		for (const key of [
			LOCAL_PUBLISHABLE_KEY,
			LOCAL_SECRET_KEY,
			DEMO_ANON_JWT,
			DEMO_SERVICE_ROLE_JWT
		]) {
			expect((await api(app, '/rest/v1/organisations?select=id', key)).status, key).toBe(401);
			expect((await api(app, '/auth/v1/settings', key)).status, key).toBe(401);
			expect((await api(app, '/auth/v1/admin/users', key)).status, key).toBe(401);
		}
		const forgedAdmin = await signedWithLocalSecret('service_role');
		const forgedUser = await signedWithLocalSecret('authenticated');
		const own = secrets.SUPABASE_PUBLISHABLE_KEY;
		expect(
			(await api(app, '/rest/v1/organisations?select=id', own, { token: forgedAdmin })).status
		).toBe(401);
		expect((await api(app, '/rest/v1/families?select=id', own, { token: forgedUser })).status).toBe(
			401
		);
		// The auth API answers a bad bearer as GoTrue does, with 403.
		const admin = await api(app, '/auth/v1/admin/users', own, { token: forgedAdmin });
		expect(admin.status).toBe(403);
		expect(admin.text).not.toContain('"users"');
		const user = await api(app, '/auth/v1/user', own, { token: forgedUser });
		expect(user.status).toBe(403);
		expect(user.json<{ error_code: string }>().error_code).toBe('bad_jwt');
	});

	test('there are no demo accounts or demo organisations', async () => {
		const signIn = await demoPasswordSignIn(app, secrets.SUPABASE_PUBLISHABLE_KEY);
		expect(signIn.status).toBe(400);
		expect(signIn.text).not.toContain('access_token');
		const orgs = await api(app, '/rest/v1/organisations?select=slug', secrets.SUPABASE_SECRET_KEY);
		expect(orgs.status).toBe(200);
		expect(orgs.json()).toEqual([]);
		const users = await api(app, '/auth/v1/admin/users', secrets.SUPABASE_SECRET_KEY);
		expect(users.json<{ users: unknown[] }>().users).toEqual([]);
	});

	test('/dev/mailbox does not exist, whatever Host the request names', async () => {
		for (const host of ['gongyu.example.cn', 'localhost', 'localhost:3000', '127.0.0.1']) {
			for (const path of ['/dev/mailbox', '/dev/mailbox/00000000-0000-4000-8000-000000000000']) {
				const answer = await request(`${app.url}${path}`, { headers: { host } });
				expect(answer.status, `${host}${path}`).toBe(404);
			}
		}
		// Straight to the app, past the proxy, claiming to be a local browser.
		const direct = await request(`http://127.0.0.1:${app.port}/dev/mailbox`, {
			headers: { host: 'localhost', 'x-forwarded-for': '127.0.0.1' }
		});
		expect(direct.status).toBe(404);
	});

	test('CORS headers go only to the configured origins', async () => {
		const key = secrets.SUPABASE_PUBLISHABLE_KEY;
		for (const path of ['/rest/v1/organisations?select=id', '/auth/v1/settings']) {
			for (const origin of [PUBLIC_ORIGIN, PARTNER]) {
				const preflight = await request(`${app.url}${path}`, {
					method: 'OPTIONS',
					headers: { origin, 'access-control-request-method': 'GET' }
				});
				expect(preflight.headers['access-control-allow-origin'], origin).toBe(origin);
				const get = await api(app, path, key, { headers: { origin } });
				expect(get.status).toBe(200);
				expect(get.headers['access-control-allow-origin'], origin).toBe(origin);
			}
			for (const origin of ['https://evil.example', 'http://localhost:5173', 'null']) {
				const preflight = await request(`${app.url}${path}`, {
					method: 'OPTIONS',
					headers: { origin, 'access-control-request-method': 'GET' }
				});
				expect(preflight.headers['access-control-allow-origin'], origin).toBeUndefined();
				expect(preflight.headers['access-control-allow-headers'], origin).toBeUndefined();
				const get = await api(app, path, key, { headers: { origin } });
				expect(get.headers['access-control-allow-origin'], origin).toBeUndefined();
			}
		}
	});

	test('a mail provider’s one-click unsubscribe works without an Origin; other cross-site posts do not', async () => {
		const secret = secrets.SUPABASE_SECRET_KEY;
		const created = await api(app, '/auth/v1/admin/users', secret, {
			method: 'POST',
			body: { email: 'guardian@example.cn', email_confirm: true }
		});
		expect(created.status).toBe(200);
		const guardian = created.json<{ id: string }>().id;
		const db = new pg.Client({ connectionString: started.databaseUrl });
		await db.connect();
		const {
			rows: [family]
		} = await db
			.query<{ id: string; unsubscribe_token: string }>(
				`insert into public.families (guardian_id, guardian_name, email)
				 values ($1, '王芳', 'guardian@example.cn') returning id, unsubscribe_token`,
				[guardian]
			)
			.finally(() => db.end());
		const reminders = async () =>
			(
				await api(app, `/rest/v1/families?select=reminders_enabled&id=eq.${family.id}`, secret)
			).json<{ reminders_enabled: boolean }[]>()[0].reminders_enabled;
		expect(await reminders()).toBe(true);

		// Refused: a cross-site form post anywhere else, and one to this page without a token.
		const elsewhere = await request(`${app.url}/preferences`, {
			method: 'POST',
			headers: { ...formHeaders, origin: 'https://evil.example' },
			body: form({ locale: 'en' })
		});
		expect(elsewhere.status).toBe(403);
		expect(setCookies(elsewhere.headers)).toEqual([]);
		const noToken = await request(`${app.url}/email/preferences`, {
			method: 'POST',
			headers: formHeaders,
			body: 'List-Unsubscribe=One-Click'
		});
		expect(noToken.status).toBe(403);
		expect(await reminders()).toBe(true);

		// Exactly what Gmail sends (RFC 8058): no Origin, no cookies, this body.
		const oneClick = await request(
			`${app.url}/email/preferences?token=${family.unsubscribe_token}`,
			{
				method: 'POST',
				headers: { ...formHeaders, 'user-agent': 'Mozilla/5.0 (compatible; Google-Unsubscribe)' },
				body: 'List-Unsubscribe=One-Click'
			}
		);
		expect(oneClick.status).toBeLessThan(400);
		expect(await reminders()).toBe(false);
	});

	test('cookies carry Secure behind the TLS-terminating proxy', async () => {
		const cookies = await cookiesOfASignIn(app, PUBLIC_ORIGIN, secrets.SUPABASE_SECRET_KEY);
		for (const cookie of cookies) expect(cookie).toMatch(/;\s*Secure/i);
	});
});

test.describe('on a LAN origin over plain http', () => {
	const secrets = ownSecrets();
	const lan = 'http://gongyu.lan:8080';
	const started = onFreshDatabase({ ...secrets, ORIGIN: lan });

	test('cookies are not Secure, so a browser keeps them and people can sign in', async () => {
		const cookies = await cookiesOfASignIn(started.apps[0], lan, secrets.SUPABASE_SECRET_KEY);
		for (const cookie of cookies) expect(cookie).not.toMatch(/;\s*Secure/i);
	});
});

test.describe('on a public origin with the demo data asked for by name', () => {
	const secrets = ownSecrets();
	const started = onFreshDatabase({
		...secrets,
		GONGYU_SEED: 'demo',
		// The mailbox is asked for, but a real provider is configured: it still does not exist.
		GONGYU_DEV_MAILBOX: 'on',
		RESEND_BASE_URL: 'http://127.0.0.1:9'
	});
	let app: App;
	test.beforeAll(() => {
		app = started.apps[0];
	});

	test('the demo organisations are there, and no demo account has a password', async () => {
		const orgs = await api(app, '/rest/v1/organisations?select=slug', secrets.SUPABASE_SECRET_KEY);
		expect(orgs.json<unknown[]>().length).toBeGreaterThan(0);
		const signIn = await demoPasswordSignIn(app, secrets.SUPABASE_PUBLISHABLE_KEY);
		expect(signIn.status).toBe(400);
		const client = new pg.Client({ connectionString: started.databaseUrl });
		await client.connect();
		try {
			const { rows } = await client.query(
				`select count(*)::int as demo, count(encrypted_password)::int as with_password
				 from auth.users where email like '%@demo.gongyu.local'`
			);
			expect(rows[0].demo).toBeGreaterThan(0);
			expect(rows[0].with_password).toBe(0);
		} finally {
			await client.end();
		}
	});

	test('/dev/mailbox does not exist once real email is configured, even with GONGYU_DEV_MAILBOX=on', async () => {
		expect((await request(`${app.url}/dev/mailbox`)).status).toBe(404);
		expect(
			(await request(`${app.url}/dev/mailbox`, { headers: { host: 'localhost' } })).status
		).toBe(404);
	});
});
