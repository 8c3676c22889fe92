/**
 * The email routes' server code with real supabase-js clients (anon, staff) against the embedded
 * Supabase: the cron tick's secret, one-click unsubscribe (a form post and RFC 8058's
 * `List-Unsubscribe=One-Click`), and the staff page that lists failed emails and retries them.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEmbeddedSupabase } from '../../src/lib/server/embedded-supabase';
import { createAuthMailer } from '../../src/lib/server/email/auth-mailer';
import { handleCronTick } from '../../src/lib/server/email/cron';
import { createDevMailbox } from '../../src/lib/server/email/dev-mailbox';
import { createDispatcher } from '../../src/lib/server/email/dispatcher';
import { createRateLimiter } from '../../src/lib/server/email/rate-limit';
import { resendTransport } from '../../src/lib/server/email/transport';
import { enqueueDueReminders } from '../../src/lib/server/email/worker';
import * as feedbackOptOut from '../../src/routes/(public)/email/feedback/+page.server';
import * as preferences from '../../src/routes/(public)/email/preferences/+page.server';
import * as staffEmails from '../../src/routes/(staff)/staff/emails/+page.server';
import { API_URL, makeClient, startEmbedded, type TestSupabase } from '../support/embedded';
import { startResendCapture, type ResendCapture } from '../support/resend-capture';
import { createEvent, createGuardian, createStaff, register, reminderDayEn } from './support';

let t: TestSupabase;
let capture: ResendCapture;

// The app's secret-key client (the unsubscribe links' SQL is the service role's alone, and the
// limits are counted with it) is the test's own embedded Supabase, not a runtime of its own.
const app = vi.hoisted(() => ({ admin: (): unknown => null }));
vi.mock('$lib/server/supabase-admin', () => ({ createAdminClient: () => app.admin() }));

beforeAll(async () => {
	t = await startEmbedded({ backend: 'pglite', dir: 'supabase' });
	app.admin = () => t.admin();
	capture = await startResendCapture();
});

afterAll(async () => {
	await capture?.close();
	await t?.close();
});

function dispatcher() {
	return createDispatcher({
		client: t.admin(),
		transport: resendTransport({ apiKey: 're_test_key', baseUrl: capture.url }),
		limiter: createRateLimiter(50),
		from: 'Gongyu <noreply@gongyu.example.org>',
		siteUrl: 'https://gongyu.example.org',
		backoffBaseMs: 50
	});
}

async function remindersEnabled(familyId: string): Promise<string | null> {
	const { rows } = await t.db.query<{ on: string }>(
		`select reminders_enabled::text as on from public.families where id = $1::uuid`,
		[familyId]
	);
	return rows[0]?.on ?? null;
}

// A SvelteKit RequestEvent, as much of it as these server functions use.
function requestEvent(url: string, init: RequestInit | null, supabase = t.anon()) {
	const request = new Request(url, init ?? undefined);
	return { request, url: new URL(url), locals: { supabase }, setHeaders: () => {} } as never;
}

describe('POST /api/cron/tick', () => {
	const url = 'http://localhost:3000/api/cron/tick';

	it('refuses a missing or wrong secret, and everything when no secret is set', async () => {
		let ticks = 0;
		const tick = async () => ++ticks;
		const cases: [string | undefined, Record<string, string>][] = [
			['s3cret-cron-token', {}],
			['s3cret-cron-token', { authorization: 'Bearer wrong' }],
			['s3cret-cron-token', { authorization: 's3cret-cron-token' }],
			[undefined, { authorization: 'Bearer ' }],
			['', { authorization: 'Bearer ' }]
		];
		for (const [secret, headers] of cases) {
			const response = await handleCronTick(new Request(url, { method: 'POST', headers }), {
				secret,
				tick
			});
			expect(response.status).toBe(401);
			expect(response.headers.get('www-authenticate')).toBe('Bearer');
		}
		expect(ticks).toBe(0);
	});

	it('with the secret, queues due reminders and sends them', async () => {
		const event = await createEvent(t.db, { startsInHours: 20 });
		const guardian = await createGuardian(t, { locale: 'en' });
		await register(guardian, event.eventId);
		capture.reset();
		const d = dispatcher();
		const response = await handleCronTick(
			new Request(url, { method: 'POST', headers: { authorization: 'Bearer s3cret-cron-token' } }),
			{
				secret: 's3cret-cron-token',
				tick: async () => ({
					reminders: await enqueueDueReminders(t.admin()),
					...(await d.runOnce())
				})
			}
		);
		expect(response.status).toBe(200);
		const body = await response.json();
		expect(body).toMatchObject({ reminders: 1, sent: 2, failed: 0 });
		expect(capture.emails.map((e) => e.subject).sort()).toEqual([
			'Registration confirmed: Parent-child reading session',
			`Reminder: Parent-child reading session (${reminderDayEn(event.startsAt)})`
		]);
	});
});

describe('/email/preferences (one-click unsubscribe from reminders)', () => {
	it('opening the link changes nothing; the confirm button turns reminders off', async () => {
		const guardian = await createGuardian(t);
		const link = `http://localhost:3000/email/preferences?token=${guardian.unsubscribeToken}`;
		const page = await preferences.load(requestEvent(link, null));
		expect(page).toEqual({ token: guardian.unsubscribeToken });
		expect(await remindersEnabled(guardian.familyId)).toBe('true');

		const form = new FormData();
		form.set('token', guardian.unsubscribeToken);
		const result = await preferences.actions.default(
			requestEvent(link, { method: 'POST', body: form })
		);
		expect(result).toEqual({ done: true });
		expect(await remindersEnabled(guardian.familyId)).toBe('false');
	});

	it('accepts a mail app’s RFC 8058 one-click POST (token in the URL, List-Unsubscribe=One-Click)', async () => {
		const guardian = await createGuardian(t);
		const link = `http://localhost:3000/email/preferences?token=${guardian.unsubscribeToken}`;
		const result = await preferences.actions.default(
			requestEvent(link, {
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
				body: 'List-Unsubscribe=One-Click'
			})
		);
		expect(result).toEqual({ done: true });
		expect(await remindersEnabled(guardian.familyId)).toBe('false');
	});

	it('refuses an unknown or malformed token without touching any family', async () => {
		const guardian = await createGuardian(t);
		for (const token of ['00000000-0000-4000-8000-000000000000', 'not-a-token', "' or 1=1 --"]) {
			const link = `http://localhost:3000/email/preferences?token=${encodeURIComponent(token)}`;
			const result = (await preferences.actions.default(
				requestEvent(link, { method: 'POST', body: new FormData() })
			)) as { status: number; data: unknown };
			expect(result.status).toBe(token.startsWith('0000') ? 404 : 400);
			expect(result.data).toEqual({ invalid: true });
		}
		expect(
			await preferences.load(requestEvent('http://localhost:3000/email/preferences?token=x', null))
		).toEqual({
			token: null
		});
		expect(await remindersEnabled(guardian.familyId)).toBe('true');
	});
});

describe('/email/feedback (no more feedback requests)', () => {
	async function asked(familyId: string) {
		const { rows } = await t.db.query<{ feedback: string; reminders: string }>(
			`select feedback_requests_enabled::text as feedback, reminders_enabled::text as reminders
			 from public.families where id = $1::uuid`,
			[familyId]
		);
		return rows[0];
	}

	it('opening the link changes nothing; the confirm button stops feedback requests only', async () => {
		const guardian = await createGuardian(t);
		const link = `http://localhost:3000/email/feedback?token=${guardian.unsubscribeToken}`;
		expect(await feedbackOptOut.load(requestEvent(link, null))).toEqual({
			token: guardian.unsubscribeToken
		});
		expect(await asked(guardian.familyId)).toEqual({ feedback: 'true', reminders: 'true' });
		const form = new FormData();
		form.set('token', guardian.unsubscribeToken);
		const result = await feedbackOptOut.actions.default(
			requestEvent(link, { method: 'POST', body: form })
		);
		expect(result).toEqual({ done: true });
		expect(await asked(guardian.familyId)).toEqual({ feedback: 'false', reminders: 'true' });
	});

	it('refuses an unknown or malformed token without touching any family', async () => {
		const guardian = await createGuardian(t);
		for (const token of ['00000000-0000-4000-8000-000000000000', 'not-a-token']) {
			const link = `http://localhost:3000/email/feedback?token=${encodeURIComponent(token)}`;
			const result = (await feedbackOptOut.actions.default(
				requestEvent(link, { method: 'POST', body: new FormData() })
			)) as { status: number; data: unknown };
			expect(result.status).toBe(token.startsWith('0000') ? 404 : 400);
			expect(result.data).toEqual({ invalid: true });
		}
		expect(await asked(guardian.familyId)).toEqual({ feedback: 'true', reminders: 'true' });
	});
});

describe('/staff/emails', () => {
	it('shows the organisation’s failed emails with the reason, and sends one again', async () => {
		const event = await createEvent(t.db);
		const guardian = await createGuardian(t);
		await register(guardian, event.eventId);
		capture.reset();
		capture.inject({ status: 422, message: 'The `to` address is not deliverable.' });
		await dispatcher().drain(10_000);

		const staff = await createStaff(t, event.orgId);
		const page = await staffEmails.load(
			requestEvent('http://localhost:3000/staff/emails', null, staff)
		);
		const problem = page.emails.find((e) => e.to_email === guardian.email)!;
		expect(problem).toMatchObject({
			kind: 'registration_confirmed',
			status: 'failed',
			last_error: 'validation_error (422): The `to` address is not deliverable.',
			event_id: event.eventId
		});
		expect(page.events[event.eventId]).toMatchObject({ title_zh: '亲子阅读分享会' });

		const outsider = await createStaff(t, (await createEvent(t.db)).orgId);
		const theirs = await staffEmails.load(
			requestEvent('http://localhost:3000/staff/emails', null, outsider)
		);
		expect(theirs.emails.find((e) => e.id === problem.id)).toBeUndefined();
		const form = () => {
			const f = new FormData();
			f.set('id', problem.id);
			return f;
		};
		const refused = (await staffEmails.actions.retry(
			requestEvent(
				'http://localhost:3000/staff/emails?/retry',
				{ method: 'POST', body: form() },
				outsider
			)
		)) as { status: number };
		expect(refused.status).toBe(404);

		const retried = await staffEmails.actions.retry(
			requestEvent(
				'http://localhost:3000/staff/emails?/retry',
				{ method: 'POST', body: form() },
				staff
			)
		);
		expect(retried).toEqual({ id: problem.id, retried: true });
		await dispatcher().drain(10_000);
		expect(capture.emails.map((e) => e.to[0])).toEqual([guardian.email]);
		const after = await staffEmails.load(
			requestEvent('http://localhost:3000/staff/emails', null, staff)
		);
		expect(after.emails.find((e) => e.id === problem.id)).toBeUndefined();
	});
});

describe('sign-in emails in embedded mode', () => {
	it('go straight to the provider, in the user’s language, with a link to the app', async () => {
		capture.reset();
		const embedded = await createEmbeddedSupabase({
			db: t.db,
			apiUrl: API_URL,
			mailer: createAuthMailer({
				transport: resendTransport({ apiKey: 're_test_key', baseUrl: capture.url }),
				mailbox: null,
				from: '共育 Gongyu <noreply@gongyu.example.org>',
				siteUrl: 'https://gongyu.example.org'
			})
		});
		try {
			const client = makeClient(API_URL, embedded.keys.publishable, embedded.fetch);
			const { error } = await client.auth.signInWithOtp({
				email: 'new-parent@example.test',
				options: { data: { locale: 'en' } }
			});
			expect(error).toBeNull();
			expect(capture.emails).toHaveLength(1);
			const [email] = capture.emails;
			expect(email.to).toEqual(['new-parent@example.test']);
			const code = /^Your Gongyu sign-in code: (\d{6})$/.exec(email.subject)?.[1];
			expect(code).toBeDefined();
			expect(email.text).toContain(code!);
			expect(email.html).toContain('https://gongyu.example.org/auth/confirm?token_hash=');
			expect(capture.requests[0].idempotencyKey).toMatch(/^gongyu-auth-[0-9a-f]{40}$/);
			// The code works.
			const verified = await client.auth.verifyOtp({
				email: 'new-parent@example.test',
				token: code!,
				type: 'email'
			});
			expect(verified.error).toBeNull();
		} finally {
			await embedded.close();
		}
	});

	it('land in the dev mailbox when no provider is configured', async () => {
		const mailbox = createDevMailbox(t.db);
		const embedded = await createEmbeddedSupabase({
			db: t.db,
			apiUrl: API_URL,
			mailer: createAuthMailer({
				transport: null,
				mailbox,
				from: 'x <x@example.org>',
				siteUrl: 'http://localhost:3000'
			})
		});
		try {
			const client = makeClient(API_URL, embedded.keys.publishable, embedded.fetch);
			await client.auth.signInWithOtp({ email: 'mailbox-parent@example.test' });
			const [message] = (await mailbox.list(20)).filter(
				(m) => m.to === 'mailbox-parent@example.test'
			);
			expect(message.subject).toMatch(/^共育登录验证码：\d{6}$/);
			expect(message.kind).toBe('auth_magiclink');
		} finally {
			await embedded.close();
		}
	});
});
