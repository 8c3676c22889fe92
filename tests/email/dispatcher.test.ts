/**
 * The dispatcher against the embedded Supabase (PGlite) and a local Resend-compatible server,
 * through the official `resend` SDK: batching and idempotency keys, crashes, 429/5xx/timeouts,
 * permanent rejections that staff can see and retry, and reminders that must not go out.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDevMailbox } from '../../src/lib/server/email/dev-mailbox';
import { createDispatcher, type DispatcherOptions } from '../../src/lib/server/email/dispatcher';
import { createRateLimiter } from '../../src/lib/server/email/rate-limit';
import { mailboxTransport, resendTransport } from '../../src/lib/server/email/transport';
import { startEmbedded, type TestSupabase } from '../support/embedded';
import { startResendCapture, type ResendCapture } from '../support/resend-capture';
import {
	createEvent,
	createGuardian,
	createStaff,
	outboxRows,
	queueReminders,
	register,
	registerFamiliesInBulk
} from './support';

let t: TestSupabase;
let capture: ResendCapture;

beforeAll(async () => {
	t = await startEmbedded({ backend: 'pglite', dir: 'supabase' });
	capture = await startResendCapture();
});

afterAll(async () => {
	await capture?.close();
	await t?.close();
});

beforeEach(async () => {
	capture.reset();
	// Whatever earlier tests left unsent is set aside (kept, so that their reminders' idempotency
	// keys still exist and are not queued again); each test reads only its own event's rows.
	await t.db.exec(`
		update public.email_outbox set status = 'skipped' where status in ('pending', 'sending');
		update public.email_batches set finished_at = now() where finished_at is null;
	`);
});

function dispatcher(overrides: Partial<DispatcherOptions> = {}) {
	return createDispatcher({
		client: t.admin(),
		transport: resendTransport({ apiKey: 're_test_key', baseUrl: capture.url, timeoutMs: 2000 }),
		limiter: createRateLimiter(50),
		from: '共育 Gongyu <noreply@gongyu.example.org>',
		siteUrl: 'https://gongyu.example.org',
		backoffBaseMs: 50,
		backoffMaxMs: 200,
		leaseSeconds: 30,
		...overrides
	});
}

const rowsOf = (event: { eventId: string }, where = 'true') =>
	outboxRows(t.db, `event_id = '${event.eventId}' and ${where}`);

const dueAt = (startsAt: Date) => new Date(startsAt.getTime() - 23 * 3600_000);

function statusCounts(rows: { status: string }[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + 1;
	return counts;
}

describe('dispatcher', () => {
	it('sends a confirmation alone, with its .ics and QR code, under a key stored with the row', async () => {
		const event = await createEvent(t.db);
		const guardian = await createGuardian(t, { locale: 'en' });
		await register(guardian, event.eventId);

		const result = await dispatcher().runOnce();
		expect(result).toMatchObject({ requests: 1, sent: 1, failed: 0 });

		expect(capture.requests).toHaveLength(1);
		const [request] = capture.requests;
		expect(request.path).toBe('/emails');
		expect(request.authorization).toBe('Bearer re_test_key');
		const [row] = await rowsOf(event);
		expect(row).toMatchObject({
			kind: 'registration_confirmed',
			status: 'sent',
			to_email: guardian.email
		});
		expect(request.idempotencyKey).toBe(row.batch_key);
		expect(row.provider_id).toBe(capture.emails[0].id);

		const [email] = capture.emails;
		expect(email.to).toEqual([guardian.email]);
		expect(email.from).toBe('共育 Gongyu <noreply@gongyu.example.org>');
		expect(email.subject).toBe('Registration confirmed: Parent-child reading session');
		expect(email.subject).not.toContain('小雨');
		expect(email.html).toContain('小雨');
		expect(
			email.attachments?.map((a) => [a.filename, a.content_type, a.content_id ?? null])
		).toEqual([
			['event.ics', 'text/calendar; charset=utf-8; method=PUBLISH', null],
			['checkin-qr.png', 'image/png', 'checkin-qr']
		]);
		expect(email.tags).toEqual([{ name: 'kind', value: 'registration_confirmed' }]);
	});

	it('sends reminders in batches of at most 100, one stored idempotency key per batch', async () => {
		// Tomorrow afternoon in Beijing, whatever the time of day the test runs: the subject names
		// the day ("tomorrow"), and 30 hours ahead is the day after tomorrow late in the evening.
		const beijingHour = (Date.now() / 3600_000 + 8) % 24;
		const event = await createEvent(t.db, { startsInHours: Math.ceil(24 - beijingHour + 15) });
		await registerFamiliesInBulk(t.db, event.eventId, 230);
		expect(await queueReminders(t.db, dueAt(event.startsAt))).toBe(230);

		const result = await dispatcher().runOnce();
		expect(result).toMatchObject({ requests: 3, sent: 230, failed: 0 });

		const batches = capture.requests.filter((r) => r.path === '/emails/batch');
		expect(batches.map((r) => (r.body as unknown[]).length).sort((a, b) => a - b)).toEqual([
			30, 100, 100
		]);
		expect(batches.every((r) => r.batchValidation === 'permissive')).toBe(true);
		const rows = await rowsOf(event, `kind = 'reminder_24h'`);
		expect(statusCounts(rows)).toEqual({ sent: 230 });
		const keys = new Set(batches.map((r) => r.idempotencyKey));
		expect(keys.size).toBe(3);
		for (const row of rows) expect(keys.has(row.batch_key)).toBe(true);
		// Each family once, in its own language, with the one-click unsubscribe headers.
		expect(new Set(capture.emails.map((e) => e.to[0])).size).toBe(230);
		const en = capture.emails.find((e) => e.subject.startsWith('Reminder:'))!;
		const zh = capture.emails.find((e) => e.subject.startsWith('活动提醒'))!;
		expect(en.subject).toBe('Reminder: Parent-child reading session (tomorrow)');
		expect(zh.subject).toBe('活动提醒：亲子阅读分享会（明天）');
		expect(zh.headers?.['List-Unsubscribe']).toMatch(
			/^<https:\/\/gongyu\.example\.org\/email\/preferences\?token=[0-9a-f-]{36}>$/
		);
		expect(zh.headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
	});

	it('a retry after a crash does not send twice: same key, the provider drops the duplicate', async () => {
		const event = await createEvent(t.db, { startsInHours: 30 });
		await registerFamiliesInBulk(t.db, event.eventId, 40);
		await queueReminders(t.db, dueAt(event.startsAt));

		// The provider accepts the batch, then this dispatcher dies before recording anything.
		const crashing = dispatcher({
			leaseSeconds: 1,
			afterSend: () => {
				throw new Error('simulated crash');
			}
		});
		await expect(crashing.runOnce()).rejects.toThrow('simulated crash');
		expect(capture.emails).toHaveLength(40);
		expect(statusCounts(await rowsOf(event))).toEqual({ sending: 40 });

		// After a restart (another worker), once the lease has run out.
		const restarted = dispatcher();
		const result = await restarted.drain(10_000);
		expect(result.sent).toBe(40);

		expect(capture.requests).toHaveLength(2);
		const [first, second] = capture.requests;
		expect(second.idempotencyKey).toBe(first.idempotencyKey);
		expect(second.body).toEqual(first.body);
		expect(second.outcome).toBe('replayed');
		expect(capture.emails).toHaveLength(40);
		const rows = await rowsOf(event);
		expect(statusCounts(rows)).toEqual({ sent: 40 });
		expect(new Set(rows.map((r) => r.provider_id))).toEqual(
			new Set(capture.emails.map((e) => e.id))
		);
	});

	it('an answer lost on the way back is retried under the same key and delivered once', async () => {
		const event = await createEvent(t.db);
		const guardian = await createGuardian(t);
		await register(guardian, event.eventId);
		capture.inject({ acceptThenDrop: true });

		await dispatcher().drain(10_000);
		expect(capture.requests.map((r) => r.outcome)).toEqual([
			'fault:accepted_then_dropped',
			'replayed'
		]);
		expect(capture.requests[0].idempotencyKey).toBe(capture.requests[1].idempotencyKey);
		expect(capture.emails).toHaveLength(1);
		const [row] = await rowsOf(event);
		expect(row).toMatchObject({ status: 'sent', provider_id: capture.emails[0].id, attempts: 2 });
	});

	it('honours a 429: nothing is sent again before retry-after has passed', async () => {
		const event = await createEvent(t.db);
		const guardian = await createGuardian(t);
		await register(guardian, event.eventId);
		capture.inject({ status: 429, retryAfter: 1 });

		await dispatcher().drain(10_000);
		expect(capture.requests.map((r) => r.status)).toEqual([429, 200]);
		expect(capture.requests[1].at - capture.requests[0].at).toBeGreaterThanOrEqual(1000);
		expect(capture.requests[1].idempotencyKey).toBe(capture.requests[0].idempotencyKey);
		expect(capture.emails).toHaveLength(1);
		const [row] = await rowsOf(event);
		expect(row.status).toBe('sent');
	});

	it('the rate limiter holds every request while a 429 is in force', async () => {
		const event = await createEvent(t.db, { startsInHours: 30 });
		await registerFamiliesInBulk(t.db, event.eventId, 300);
		await queueReminders(t.db, dueAt(event.startsAt));
		capture.inject({ status: 429, retryAfter: 1 });

		await dispatcher({ concurrency: 1 }).drain(15_000);
		const [limited, ...rest] = capture.requests;
		expect(limited.status).toBe(429);
		for (const r of rest) expect(r.at - limited.at).toBeGreaterThanOrEqual(1000);
		expect(capture.emails).toHaveLength(300);
	});

	it('retries a 500 with back-off under the same key and delivers once', async () => {
		const event = await createEvent(t.db);
		const guardian = await createGuardian(t);
		await register(guardian, event.eventId);
		capture.inject({ status: 500 }, { status: 503 });

		await dispatcher().drain(10_000);
		expect(capture.requests.map((r) => r.status)).toEqual([500, 503, 200]);
		expect(new Set(capture.requests.map((r) => r.idempotencyKey)).size).toBe(1);
		expect(capture.emails).toHaveLength(1);
		const [row] = await rowsOf(event);
		expect(row).toMatchObject({ status: 'sent', attempts: 3, last_error: null });
	});

	it('a request that hangs times out and is retried', async () => {
		const event = await createEvent(t.db);
		const guardian = await createGuardian(t);
		await register(guardian, event.eventId);
		capture.inject({ hang: true });

		const started = Date.now();
		await createDispatcher({
			client: t.admin(),
			transport: resendTransport({ apiKey: 're_test_key', baseUrl: capture.url, timeoutMs: 300 }),
			limiter: createRateLimiter(50),
			from: 'Gongyu <noreply@gongyu.example.org>',
			siteUrl: 'https://gongyu.example.org',
			backoffBaseMs: 50
		}).drain(10_000);
		expect(Date.now() - started).toBeGreaterThanOrEqual(300);
		expect(capture.requests.map((r) => r.outcome)).toEqual(['fault:hang', 'delivered']);
		expect(capture.emails).toHaveLength(1);
	});

	it('gives up after the last attempt and says why', async () => {
		const event = await createEvent(t.db);
		const guardian = await createGuardian(t);
		await register(guardian, event.eventId);
		capture.inject({ status: 500 }, { status: 500 }, { status: 500 });

		await dispatcher({ maxFailures: 3 }).drain(10_000);
		expect(capture.requests).toHaveLength(3);
		expect(capture.emails).toHaveLength(0);
		const [row] = await rowsOf(event);
		expect(row.status).toBe('failed');
		expect(row.last_error).toMatch(/^gave_up after 3 attempts: internal_server_error \(500\)/);
	});

	it('a 422 marks the email failed with its reason; the organisation’s staff see it and retry it', async () => {
		const event = await createEvent(t.db);
		const guardian = await createGuardian(t);
		await register(guardian, event.eventId);
		capture.inject({ status: 422, message: 'Invalid `to` field.' });

		const result = await dispatcher().drain(10_000);
		expect(result).toMatchObject({ sent: 0, failed: 1 });
		expect(capture.requests).toHaveLength(1);
		const [row] = await rowsOf(event);
		expect(row).toMatchObject({
			status: 'failed',
			last_error: 'validation_error (422): Invalid `to` field.'
		});

		const staff = await createStaff(t, event.orgId);
		const seen = await staff
			.from('email_outbox')
			.select('id, kind, to_email, status, last_error')
			.eq('event_id', event.eventId)
			.eq('status', 'failed');
		expect(seen.error).toBeNull();
		expect(seen.data).toEqual([
			{
				id: row.id,
				kind: 'registration_confirmed',
				to_email: guardian.email,
				status: 'failed',
				last_error: row.last_error
			}
		]);

		const otherOrg = await createEvent(t.db);
		const outsider = await createStaff(t, otherOrg.orgId);
		const hidden = await outsider.from('email_outbox').select('id').eq('event_id', event.eventId);
		expect(hidden.data).toEqual([]);
		const refused = await outsider.rpc('retry_email', { p_id: row.id });
		expect(refused.error?.message).toBe('email_not_found');
		await expect(guardian.client.rpc('retry_email', { p_id: row.id })).resolves.toMatchObject({
			error: { message: 'email_not_found' }
		});

		const retried = await staff.rpc('retry_email', { p_id: row.id });
		expect(retried).toMatchObject({ error: null, data: 'pending' });
		await dispatcher().drain(10_000);
		expect(capture.emails).toHaveLength(1);
		expect(capture.requests[1].idempotencyKey).not.toBe(capture.requests[0].idempotencyKey);
		const [after] = await rowsOf(event);
		expect(after).toMatchObject({ status: 'sent', last_error: null });
	});

	it('one refused address in a batch fails alone; the rest of the batch is sent', async () => {
		const strict = await startResendCapture({
			rejectRecipient: (address) => (address.startsWith('refused-') ? 'Invalid `to` field.' : null)
		});
		try {
			const event = await createEvent(t.db, { startsInHours: 30 });
			await registerFamiliesInBulk(t.db, event.eventId, 5);
			await registerFamiliesInBulk(t.db, event.eventId, 1, { prefix: 'refused-' });
			await queueReminders(t.db, dueAt(event.startsAt));
			const result = await dispatcher({
				transport: resendTransport({ apiKey: 're_test_key', baseUrl: strict.url })
			}).drain(10_000);
			expect(result).toMatchObject({ requests: 1, sent: 5, failed: 1 });
			expect(strict.emails).toHaveLength(5);
			const rows = await rowsOf(event);
			const refused = rows.find((r) => r.to_email === 'refused-1@example.test')!;
			expect(refused).toMatchObject({
				status: 'failed',
				last_error: 'validation_error: Invalid `to` field.'
			});
			expect(statusCounts(rows)).toEqual({ sent: 5, failed: 1 });
		} finally {
			await strict.close();
		}
	});

	it('never sends a reminder for a cancelled registration', async () => {
		const event = await createEvent(t.db, { startsInHours: 30 });
		const guardian = await createGuardian(t);
		const { registration_id } = await register(guardian, event.eventId);
		await dispatcher().drain(10_000); // the confirmation
		capture.reset();
		expect(await queueReminders(t.db, dueAt(event.startsAt))).toBe(1);

		const cancelled = await guardian.client.rpc('cancel_registration', {
			p_registration_id: registration_id
		});
		expect(cancelled.error).toBeNull();
		await dispatcher().drain(10_000);

		expect(capture.emails.map((e) => e.subject)).toEqual(['已取消报名：亲子阅读分享会']);
		// Sent on its own (a batch carries no attachments) with the calendar cancellation.
		expect(capture.emails[0].attachments?.map((a) => [a.filename, a.content_type])).toEqual([
			['event.ics', 'text/calendar; charset=utf-8; method=CANCEL']
		]);
		const reminder = (await rowsOf(event, `kind = 'reminder_24h'`))[0];
		expect(reminder).toMatchObject({
			status: 'skipped',
			last_error: 'skipped: registration_cancelled'
		});
		expect(await queueReminders(t.db, dueAt(event.startsAt))).toBe(0);
	});

	it('never sends a reminder for a cancelled event', async () => {
		const event = await createEvent(t.db, { startsInHours: 30 });
		await registerFamiliesInBulk(t.db, event.eventId, 3, { locale: 'zh-CN' });
		expect(await queueReminders(t.db, dueAt(event.startsAt))).toBe(3);

		const staff = await createStaff(t, event.orgId);
		const update = await staff
			.from('events')
			.update({ status: 'cancelled', cancelled_reason: '场馆临时检修' })
			.eq('id', event.eventId);
		expect(update.error).toBeNull();
		await dispatcher().drain(10_000);

		expect(capture.emails).toHaveLength(3);
		expect(new Set(capture.emails.map((e) => e.subject))).toEqual(
			new Set(['活动已取消：亲子阅读分享会'])
		);
		expect(capture.emails[0].text).toContain('取消原因：场馆临时检修');
		const reminders = await rowsOf(event, `kind = 'reminder_24h'`);
		expect(reminders.map((r) => [r.status, r.last_error])).toEqual(
			Array(3).fill(['skipped', 'skipped: event_cancelled'])
		);
	});

	it('turning reminders off stops them, whether or not they were already queued', async () => {
		const event = await createEvent(t.db, { startsInHours: 30 });
		const inApp = await createGuardian(t);
		const byLink = await createGuardian(t, { locale: 'en' });
		const stillOn = await createGuardian(t);
		for (const g of [inApp, byLink, stillOn]) await register(g, event.eventId);
		await dispatcher().drain(10_000);
		capture.reset();
		expect(await queueReminders(t.db, dueAt(event.startsAt))).toBe(3);

		const off = await inApp.client
			.from('families')
			.update({ reminders_enabled: false })
			.eq('id', inApp.familyId);
		expect(off.error).toBeNull();
		const unsubscribed = await t
			.admin()
			.rpc('unsubscribe_reminders', { p_token: byLink.unsubscribeToken });
		expect(unsubscribed).toMatchObject({ error: null, data: true });
		await dispatcher().drain(10_000);

		expect(capture.emails.map((e) => e.to[0])).toEqual([stillOn.email]);
		const skipped = await rowsOf(event, `kind = 'reminder_24h' and status = 'skipped'`);
		expect(skipped.map((r) => r.to_email).sort()).toEqual([inApp.email, byLink.email].sort());
		expect(skipped.every((r) => r.last_error === 'skipped: reminders_disabled')).toBe(true);

		// The 2-hour reminder is not even queued for them.
		await t.db.query(`update public.events set second_reminder = true where id = $1::uuid`, [
			event.eventId
		]);
		const twoHours = new Date(event.startsAt.getTime() - 90 * 60_000);
		expect(await queueReminders(t.db, twoHours)).toBe(1);
	});

	it('a staff message reaches each registered family, the heading in the body, not the subject', async () => {
		const event = await createEvent(t.db);
		const guardian = await createGuardian(t, { child: '小雨点' });
		await register(guardian, event.eventId);
		await dispatcher().drain(10_000);
		capture.reset();

		const staff = await createStaff(t, event.orgId);
		const sent = await staff.rpc('message_event_families', {
			p_event_id: event.eventId,
			p_subject: '请给小雨点带一本绘本',
			p_body: '各位家长好：\n\n请带一本孩子最喜欢的绘本。'
		});
		expect(sent).toMatchObject({ error: null, data: { queued: 1 } });
		await dispatcher().drain(10_000);

		expect(capture.emails).toHaveLength(1);
		const [email] = capture.emails;
		expect(email.subject).toBe('主办方消息：亲子阅读分享会');
		expect(email.text).toContain('请给小雨点带一本绘本');
		expect(email.text).toContain('请带一本孩子最喜欢的绘本。');
		expect(email.headers).toBeUndefined();
		const progress = await staff.rpc('event_message_progress', { p_event_id: event.eventId });
		expect(progress.data).toMatchObject([{ sent: 1, failed: 0, queued: 0 }]);
	});

	it('without an email provider, every email lands in the dev mailbox, still through the outbox', async () => {
		const mailbox = createDevMailbox(t.db);
		const event = await createEvent(t.db);
		const guardian = await createGuardian(t, { email: `mailbox-${Date.now()}@example.test` });
		await register(guardian, event.eventId);

		const result = await dispatcher({ transport: mailboxTransport(mailbox) }).runOnce();
		expect(result).toMatchObject({ sent: 1 });
		expect(capture.requests).toHaveLength(0);
		const [message] = (await mailbox.list(50)).filter((m) => m.to === guardian.email);
		expect(message).toMatchObject({
			subject: '报名成功：亲子阅读分享会',
			kind: 'registration_confirmed'
		});
		expect(message.html).toContain('src="data:image/png;base64,');
		// The files are kept, so a developer can open the calendar file the family would get.
		expect(message.attachments).toEqual([
			{ filename: 'event.ics', contentType: 'text/calendar; charset=utf-8; method=PUBLISH' },
			{ filename: 'checkin-qr.png', contentType: 'image/png' }
		]);
		const ics = await mailbox.attachment(message.id, 0);
		expect(Buffer.from(ics!.content, 'base64').toString('utf8')).toMatch(
			/^BEGIN:VCALENDAR\r\n[\s\S]*SUMMARY:亲子阅读分享会[\s\S]*END:VCALENDAR\r\n$/
		);
		expect(await mailbox.attachment(message.id, 2)).toBeNull();
		expect(await mailbox.attachment('not-an-id', 0)).toBeNull();
		expect((await rowsOf(event))[0].status).toBe('sent');
	});
});
