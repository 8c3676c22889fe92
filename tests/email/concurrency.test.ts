/**
 * On the PostgreSQL server, as several app servers would run: two dispatchers (each with its own
 * embedded Supabase and connection pool) and two reminder ticks at the same time, with the provider
 * failing now and then, send every email exactly once; and a dispatcher process killed right after
 * the provider accepted a batch is followed by one that repeats the key, not the email.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	createEmbeddedSupabase,
	type EmbeddedSupabase
} from '../../src/lib/server/embedded-supabase';
import { openPostgres, type Database } from '../../src/lib/server/embedded-supabase/database';
import { applyBootstrap, migrate } from '../../src/lib/server/embedded-supabase/migrate';
import { createDispatcher, type Dispatcher } from '../../src/lib/server/email/dispatcher';
import { createRateLimiter } from '../../src/lib/server/email/rate-limit';
import { resendTransport } from '../../src/lib/server/email/transport';
import { API_URL, freshServerDatabase, makeClient, serverAvailable } from '../support/embedded';
import { startResendCapture, type ResendCapture } from '../support/resend-capture';
import { createEvent, outboxRows, registerFamiliesInBulk } from './support';

const available = await serverAvailable();

interface Server {
	db: Database;
	embedded: EmbeddedSupabase;
	admin: ReturnType<typeof makeClient>;
}

async function appServer(url: string): Promise<Server> {
	const db = await openPostgres({ connectionString: url, max: 5 });
	const embedded = await createEmbeddedSupabase({
		db,
		apiUrl: API_URL,
		mailer: { send: async () => {} }
	});
	return { db, embedded, admin: makeClient(API_URL, embedded.keys.secret, embedded.fetch) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!available)('email delivery on the PostgreSQL server', () => {
	let database: { url: string; drop(): Promise<void> };
	let a: Server;
	let b: Server;
	let capture: ResendCapture;

	beforeAll(async () => {
		database = await freshServerDatabase();
		a = await appServer(database.url);
		await applyBootstrap(a.db);
		await migrate(a.db, { dir: 'supabase', seed: false });
		await a.embedded.reloadSchema();
		b = await appServer(database.url);
		capture = await startResendCapture({ latencyMs: 20 });
	});

	afterAll(async () => {
		await capture?.close();
		for (const s of [a, b]) {
			await s?.embedded.close();
			await s?.db.close();
		}
		await database?.drop();
	});

	function dispatcher(server: Server, worker: string): Dispatcher {
		return createDispatcher({
			client: server.admin,
			transport: resendTransport({ apiKey: 're_test_key', baseUrl: capture.url, timeoutMs: 1000 }),
			limiter: createRateLimiter(20),
			from: 'Gongyu <noreply@gongyu.example.org>',
			siteUrl: 'https://gongyu.example.org',
			worker,
			requestsPerClaim: 3,
			concurrency: 3,
			leaseSeconds: 5,
			backoffBaseMs: 50,
			backoffMaxMs: 300
		});
	}

	it('two dispatchers and two reminder ticks at the same time send every email exactly once', async () => {
		capture.reset();
		const events = [];
		for (let i = 0; i < 3; i++) {
			const event = await createEvent(a.db, { startsInHours: 30 });
			await registerFamiliesInBulk(a.db, event.eventId, 400, { prefix: `c${i}-` });
			events.push(event);
		}
		// Confirmations (sent one by one, with attachments) for 30 of them, queued as register_family does.
		await a.db.query(
			`
			select private.email_family('registration_confirmed', r.id, 'registration_confirmed:' || r.id)
			from public.registrations r where r.event_id = $1::uuid order by r.id limit 30`,
			[events[0].eventId]
		);
		capture.inject(
			{ status: 500 },
			{ status: 429, retryAfter: 1 },
			{ acceptThenDrop: true },
			{ status: 503 }
		);

		const at = new Date(events[0].startsAt.getTime() - 23 * 3600_000).toISOString();
		let ticksDone = false;
		const ticks = Promise.all(
			[a, b].map(async (s) => {
				const { data, error } = await s.admin.rpc('enqueue_due_reminders', { p_now: at });
				expect(error).toBeNull();
				return data as number;
			})
		).finally(() => (ticksDone = true));

		const work = async (d: Dispatcher) => {
			const deadline = Date.now() + 60_000;
			for (;;) {
				await d.runOnce();
				const left = await a.db.query<{ n: string }>(
					`select count(*)::text as n from public.email_outbox where status in ('pending', 'sending')`
				);
				if (ticksDone && left.rows[0].n === '0') return;
				if (Date.now() > deadline) throw new Error(`${left.rows[0].n} emails left`);
				await sleep(100);
			}
		};
		const [queued] = await Promise.all([
			ticks,
			work(dispatcher(a, 'server-a')),
			work(dispatcher(b, 'server-b'))
		]);

		// Both ticks together queued each reminder once.
		expect(queued.reduce((x, y) => x + y, 0)).toBe(1200);
		const rows = await outboxRows(a.db);
		expect(rows).toHaveLength(1230);
		expect(rows.every((r) => r.status === 'sent')).toBe(true);

		// Exactly once at the provider: one delivery per outbox row, each to its own recipient.
		expect(capture.emails).toHaveLength(1230);
		const deliveries = new Map<string, number>();
		for (const e of capture.emails) {
			const key = `${e.to[0]}|${e.tags?.[0]?.value}`;
			deliveries.set(key, (deliveries.get(key) ?? 0) + 1);
		}
		expect(deliveries.size).toBe(1230);
		expect(new Set(rows.map((r) => r.provider_id)).size).toBe(1230);
		expect(new Set(capture.emails.map((e) => e.id))).toEqual(
			new Set(rows.map((r) => r.provider_id))
		);

		// The faults happened, and both servers did part of the work.
		expect(capture.pendingFaults()).toBe(0);
		expect(capture.requests.filter((r) => r.outcome === 'replayed').length).toBeGreaterThanOrEqual(
			1
		);
		const workers = await a.db.query<{ worker: string }>(
			`select distinct worker from public.email_batches`
		);
		expect(workers.rows.map((r) => r.worker).sort()).toEqual(['server-a', 'server-b']);
	});

	it('a dispatcher process killed after the provider accepted a batch: the next one repeats the key, the family gets one email', async () => {
		capture.reset();
		const event = await createEvent(a.db, { startsInHours: 30 });
		await registerFamiliesInBulk(a.db, event.eventId, 60, { prefix: 'kill-' });
		const queued = await a.admin.rpc('enqueue_due_reminders', {
			p_now: new Date(event.startsAt.getTime() - 23 * 3600_000).toISOString()
		});
		expect(queued.data).toBe(60);

		const child = spawn(process.execPath, ['--import', 'tsx', 'tests/email/crash-worker.ts'], {
			env: { ...process.env, DATABASE_URL: database.url, RESEND_BASE_URL: capture.url },
			stdio: ['ignore', 'inherit', 'inherit']
		});
		const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) =>
			child.on('exit', (code, signal) => resolve({ code, signal }))
		);
		expect(exit.signal).toBe('SIGKILL');
		expect(capture.emails).toHaveLength(60);
		const stuck = await outboxRows(a.db, `event_id = '${event.eventId}'`);
		expect(
			stuck.every(
				(r) => r.status === 'sending' && r.batch_key === capture.requests[0].idempotencyKey
			)
		).toBe(true);

		await dispatcher(b, 'server-after-restart').drain(15_000);
		expect(capture.requests).toHaveLength(2);
		expect(capture.requests[1]).toMatchObject({
			idempotencyKey: capture.requests[0].idempotencyKey,
			outcome: 'replayed'
		});
		expect(capture.emails).toHaveLength(60);
		const rows = await outboxRows(a.db, `event_id = '${event.eventId}'`);
		expect(rows.every((r) => r.status === 'sent')).toBe(true);
	});
});
