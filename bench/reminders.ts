/**
 * 10,000 due reminders, delivered through the official Resend SDK to the local capture server (in a
 * process of its own, enforcing the rate limit itself: 429 above it), with the dispatcher limited to
 * EMAIL_RATE_PER_SECOND (default here 5) requests per second. Prints the total time, its ratio to
 * the floor (10,000 ÷ 100 per batch ÷ 5 per second = 20 s), and duplicates and losses.
 * Runs on the PostgreSQL server (fresh database, dropped afterwards):
 *   npx tsx bench/reminders.ts            (TEST_DATABASE_SERVER to use another server)
 */
import { createEmbeddedSupabase } from '../src/lib/server/embedded-supabase';
import { openPostgres } from '../src/lib/server/embedded-supabase/database';
import { applyBootstrap, migrate } from '../src/lib/server/embedded-supabase/migrate';
import { createDispatcher } from '../src/lib/server/email/dispatcher';
import { createRateLimiter } from '../src/lib/server/email/rate-limit';
import { resendTransport } from '../src/lib/server/email/transport';
import { createEvent, registerFamiliesInBulk } from '../tests/email/support';
import { API_URL, freshServerDatabase, makeClient } from '../tests/support/embedded';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const TOTAL = Number(process.env.BENCH_REMINDERS ?? 10_000);
const RATE = Number(process.env.EMAIL_RATE_PER_SECOND ?? 5);
const EVENTS = 4; // an event holds at most 5,000 people

const database = await freshServerDatabase();
const db = await openPostgres({ connectionString: database.url, max: 10 });

interface Summary {
	requests: { at: number; status: number; outcome: string; size: number }[];
	emails: { id: string; to: string[] }[];
}

// The provider: a capture server in its own process, with its own clock and event loop.
const server = spawn(process.execPath, ['--import', 'tsx', 'tests/support/resend-capture.ts'], {
	env: { ...process.env, CAPTURE_RATE_LIMIT: String(RATE), CAPTURE_LATENCY_MS: '30' },
	stdio: ['ignore', 'pipe', 'inherit']
});
const [captureUrl, summaryUrl] = await new Promise<string[]>((resolve, reject) => {
	createInterface({ input: server.stdout! }).on('line', (line) => {
		const match = /^listening (\S+) summary (\S+)$/.exec(line);
		if (match) resolve([match[1], match[2]]);
	});
	server.on('exit', (code) => reject(new Error(`the capture server exited (${code})`)));
});
try {
	await applyBootstrap(db);
	await migrate(db, { dir: 'supabase', seed: false });
	const embedded = await createEmbeddedSupabase({
		db,
		apiUrl: API_URL,
		mailer: { send: async () => {} }
	});
	const admin = makeClient(API_URL, embedded.keys.secret, embedded.fetch);

	let setup = Date.now();
	let startsAt = new Date();
	for (let i = 0; i < EVENTS; i++) {
		const event = await createEvent(db, { startsInHours: 30 });
		startsAt = event.startsAt;
		await registerFamiliesInBulk(db, event.eventId, Math.ceil(TOTAL / EVENTS), {
			prefix: `bench${i}-`
		});
	}
	const enqueueStarted = Date.now();
	const queued = await admin.rpc('enqueue_due_reminders', {
		p_now: new Date(startsAt.getTime() - 23 * 3600_000).toISOString()
	});
	if (queued.error) throw queued.error;
	const enqueueMs = Date.now() - enqueueStarted;
	setup = Date.now() - setup;

	const dispatcher = createDispatcher({
		client: admin,
		transport: resendTransport({ apiKey: 're_bench', baseUrl: captureUrl }),
		limiter: createRateLimiter(RATE),
		from: '共育 Gongyu <noreply@gongyu.example.org>',
		siteUrl: 'https://gongyu.example.org'
	});
	const started = Date.now();
	const result = await dispatcher.drain(600_000);
	const elapsed = (Date.now() - started) / 1000;

	const capture = (await (await fetch(summaryUrl)).json()) as Summary;
	const floor = queued.data / 100 / RATE;
	const recipients = new Set(capture.emails.map((e) => e.to[0]));
	const statuses = await db.query<{ status: string; n: string }>(
		`select status::text, count(*)::text as n from public.email_outbox group by status order by status`
	);
	const limited = capture.requests.filter((r) => r.status === 429).length;
	const sizes = capture.requests.filter((r) => r.outcome === 'delivered').map((r) => r.size);

	console.log(
		`reminders queued:        ${queued.data} (enqueue_due_reminders: ${enqueueMs} ms; set-up ${setup} ms)`
	);
	console.log(`rate limit:              ${RATE} requests/s (dispatcher and capture server)`);
	console.log(`delivered in:            ${elapsed.toFixed(2)} s`);
	console.log(
		`floor:                   ${floor.toFixed(2)} s (${queued.data} / 100 per batch / ${RATE} per second)`
	);
	console.log(`ratio to floor:          ${(elapsed / floor).toFixed(3)}`);
	console.log(
		`requests:                ${capture.requests.length} (${sizes.length} accepted, ${limited} answered 429; batch sizes ${Math.min(...sizes)}–${Math.max(...sizes)})`
	);
	console.log(`emails received:         ${capture.emails.length}`);
	console.log(`distinct recipients:     ${recipients.size}`);
	console.log(`duplicates:              ${capture.emails.length - recipients.size}`);
	console.log(`lost:                    ${queued.data - recipients.size}`);
	console.log(
		`outbox rows:             ${statuses.rows.map((r) => `${r.status} ${r.n}`).join(', ')}`
	);
	console.log(`dispatcher:              ${JSON.stringify(result)}`);
	if (process.env.BENCH_TRACE)
		console.log(capture.requests.map((r) => `${r.at - started} ${r.status}`).join(' | '));
	await embedded.close();
} finally {
	server.kill('SIGTERM');
	await db.close();
	await database.drop();
}
