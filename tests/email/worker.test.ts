/**
 * The worker as the server starts it (startEmailWorker from the init hook), on the runtime the app
 * itself builds (initRuntime over a fresh database on the PostgreSQL server): a registration's
 * confirmation and a due reminder reach the Resend-compatible server without anyone calling the
 * dispatcher, and stopping the worker waits for the pass in progress.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initRuntime, type Runtime } from '../../src/lib/server/runtime';
import { notifyEmailWorker, startEmailWorker } from '../../src/lib/server/email/worker';
import { freshServerDatabase, serverAvailable } from '../support/embedded';
import { startResendCapture, type ResendCapture } from '../support/resend-capture';
import { createEvent, registerFamiliesInBulk, reminderDayEn } from './support';

const available = await serverAvailable();

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
	const until = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > until) throw new Error('timed out');
		await new Promise((r) => setTimeout(r, 50));
	}
}

describe.skipIf(!available)('the email worker in the server process', () => {
	let database: { url: string; drop(): Promise<void> };
	let runtime: Runtime;
	let capture: ResendCapture;

	beforeAll(async () => {
		database = await freshServerDatabase();
		capture = await startResendCapture();
		process.env.RESEND_BASE_URL = capture.url;
		process.env.EMAIL_FROM = '共育 Gongyu <noreply@gongyu.example.org>';
		process.env.EMAIL_RATE_PER_SECOND = '20';
		process.env.EMAIL_WORKER_INTERVAL_MS = '200';
		process.env.ORIGIN = 'http://localhost:3999';
		runtime = await initRuntime({
			DATABASE_URL: database.url,
			DATABASE_POOL_SIZE: '4',
			GONGYU_SEED: 'false',
			ORIGIN: 'http://localhost:3999'
		});
	});

	afterAll(async () => {
		for (const name of [
			'RESEND_BASE_URL',
			'EMAIL_FROM',
			'EMAIL_RATE_PER_SECOND',
			'EMAIL_WORKER_INTERVAL_MS'
		])
			delete process.env[name];
		await runtime?.close();
		await capture?.close();
		await database?.drop();
	});

	it('sends queued emails and due reminders on its own, and stops cleanly', async () => {
		const lines: string[] = [];
		const stop = startEmailWorker({ log: (line) => lines.push(line), remindersEveryMs: 300 });
		try {
			const event = await createEvent(runtime.db!, { startsInHours: 20 });
			await registerFamiliesInBulk(runtime.db!, event.eventId, 3, { locale: 'en' });
			await runtime.db!.query(
				`select private.email_family('registration_confirmed', r.id, 'registration_confirmed:' || r.id)
				 from public.registrations r where r.event_id = $1::uuid`,
				[event.eventId]
			);
			notifyEmailWorker();
			// Three confirmations, then three reminders (the event is 20 hours away).
			await waitFor(() => capture.emails.length >= 6, 15_000);
			expect(capture.emails.map((e) => e.subject).sort()).toEqual([
				...Array(3).fill('Registration confirmed: Parent-child reading session'),
				...Array(3).fill(
					`Reminder: Parent-child reading session (${reminderDayEn(event.startsAt)})`
				)
			]);
			expect(capture.emails[0].from).toBe('共育 Gongyu <noreply@gongyu.example.org>');
			expect(capture.emails.find((e) => e.subject.startsWith('Reminder'))?.html).toContain(
				'http://localhost:3999/email/preferences?token='
			);
			expect(lines.some((l) => l.startsWith('sending through Resend at http://127.0.0.1'))).toBe(
				true
			);
		} finally {
			await stop();
		}
		const sent = capture.emails.length;
		await new Promise((r) => setTimeout(r, 600));
		expect(capture.emails.length).toBe(sent);
	});
});
