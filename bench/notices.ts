/**
 * A notice asking for a receipt, to 5,000 families registered for one event, on the PostgreSQL
 * server (fresh database, dropped afterwards). Staff send it through supabase-js (send_notice:
 * 5,000 recipient rows, one-time links and outbox rows in one transaction); the dispatcher delivers
 * it through the official Resend SDK to the local capture server (its own process, 429 above
 * EMAIL_RATE_PER_SECOND, default 5, 30 ms latency); each family answers from its link as soon as the
 * provider has accepted its email (answer_notice_by_token as the link's page calls it, 16 at a time); staff poll the
 * receipts page's function (notice_receipts) every 250 ms.
 *
 * Prints the time to queue, and when staff see the first receipt and all of them, next to their
 * rate floors: nothing can be answered before the provider accepts the first batch (one request:
 * 1 / rate s), nor all before it has accepted every batch (families / 100 per batch / rate s).
 *   npx tsx bench/notices.ts            (BENCH_FAMILIES, EMAIL_RATE_PER_SECOND, TEST_DATABASE_SERVER)
 */
import { createEmbeddedSupabase } from '../src/lib/server/embedded-supabase';
import { openPostgres } from '../src/lib/server/embedded-supabase/database';
import { applyBootstrap, migrate } from '../src/lib/server/embedded-supabase/migrate';
import { createDispatcher } from '../src/lib/server/email/dispatcher';
import { createRateLimiter } from '../src/lib/server/email/rate-limit';
import { resendTransport } from '../src/lib/server/email/transport';
import { createEvent, registerFamiliesInBulk } from '../tests/email/support';
import { API_URL, freshServerDatabase, makeClient } from '../tests/support/embedded';
import { accessToken, usersSql } from '../tests/support/personas';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';

const FAMILIES = Number(process.env.BENCH_FAMILIES ?? 5_000);
const RATE = Number(process.env.EMAIL_RATE_PER_SECOND ?? 5);
const ANSWERING = 16;
const POLL_MS = 250;

interface Summary {
	requests: { at: number; status: number; outcome: string; size: number }[];
	emails: { id: string; to: string[] }[];
}

interface ActorsResult {
	firstSeen: number;
	allSeen: number;
	polls: number;
	pollMs: number;
	answered: number;
	refused: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The families and the staff member, in a process of their own (as they would be other clients of
 * other app servers): the dispatcher's event loop stays its own, the database is shared.
 */
async function actors(): Promise<void> {
	const env = process.env as Record<string, string>;
	const db = await openPostgres({ connectionString: env.BENCH_DATABASE_URL, max: 20 });
	const embedded = await createEmbeddedSupabase({
		db,
		apiUrl: API_URL,
		mailer: { send: async () => {} }
	});
	// The notice page calls answer_notice_by_token with the service role (one-time links are the
	// app's alone).
	const app = makeClient(API_URL, embedded.keys.secret, embedded.fetch);
	const staff = makeClient(API_URL, embedded.keys.publishable, async (input, init) => {
		const request = new Request(input, init);
		request.headers.set('authorization', `Bearer ${env.BENCH_STAFF_JWT}`);
		return embedded.fetch(request);
	});
	const noticeId = env.BENCH_NOTICE_ID;
	const total = Number(env.BENCH_QUEUED);
	// What is in each family's email: its own link (read from the outbox as the email carries it).
	const links = await db.query<{ to_email: string; token: string }>(
		`select to_email, payload ->> 'token' as token from public.email_outbox
		 where kind = 'notice' and payload -> 'notice' ->> 'id' = $1`,
		[noticeId]
	);
	const tokenOf = new Map(links.rows.map((r) => [r.to_email, r.token]));
	console.log('ready');

	// Families: answer as soon as the provider has accepted their email.
	let done = false;
	let answered = 0;
	const refused: string[] = [];
	const waiting: string[] = [];
	const families = (async () => {
		const seen = new Set<string>();
		const workers = Array.from({ length: ANSWERING }, async () => {
			while (!done) {
				const to = waiting.shift();
				if (!to) {
					await sleep(20);
					continue;
				}
				const r = await app.rpc('answer_notice_by_token', {
					p_token: tokenOf.get(to),
					p_answer: answered % 5 === 4 ? '不参加' : '参加'
				});
				if (r.error) refused.push(`${to}: ${r.error.message}`);
				else answered++;
			}
		});
		while (!done) {
			const summary = (await (await fetch(env.BENCH_SUMMARY_URL)).json()) as Summary;
			for (const e of summary.emails)
				if (!seen.has(e.to[0])) {
					seen.add(e.to[0]);
					waiting.push(e.to[0]);
				}
			await sleep(100);
		}
		await Promise.all(workers);
	})();

	// Staff: the receipts page's function, every POLL_MS.
	const result: ActorsResult = { firstSeen: 0, allSeen: 0, polls: 0, pollMs: 0, answered, refused };
	const started = Date.now();
	while (!result.allSeen) {
		const at = Date.now();
		const r = await staff.rpc('notice_receipts', { p_notice_id: noticeId });
		if (r.error) throw r.error;
		result.polls++;
		result.pollMs += Date.now() - at;
		const seen = (r.data as { totals: { answered: number } }).totals.answered;
		if (seen > 0 && !result.firstSeen) result.firstSeen = Date.now();
		if (seen >= total) result.allSeen = Date.now();
		if (Date.now() - started > 600_000) throw new Error(`only ${seen} receipts after 10 min`);
		await sleep(POLL_MS);
	}
	done = true;
	await families;
	result.answered = answered;
	console.log(`result ${JSON.stringify(result)}`);
	await embedded.close();
	await db.close();
}

if (process.argv[2] === 'actors') {
	await actors();
	process.exit(0);
}

const database = await freshServerDatabase();
const db = await openPostgres({ connectionString: database.url, max: 10 });

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

	const fixture = await createEvent(db, { startsInHours: 48, capacity: FAMILIES });
	await registerFamiliesInBulk(db, fixture.eventId, FAMILIES, { prefix: 'notice-bench-' });
	const staff = { id: randomUUID(), email: 'notice-bench-staff@example.test' };
	await db.exec(`${usersSql([staff])}
		insert into public.org_members (org_id, user_id, role) values ('${fixture.orgId}', '${staff.id}', 'staff');`);
	const jwt = await accessToken(staff);
	const staffClient = makeClient(API_URL, embedded.keys.publishable, async (input, init) => {
		const request = new Request(input, init);
		request.headers.set('authorization', `Bearer ${jwt}`);
		return embedded.fetch(request);
	});

	const t0 = Date.now();
	const sent = await staffClient.rpc('send_notice', {
		p_event_id: fixture.eventId,
		p_subject: '周六活动改到室内，请回执',
		p_body: '因天气原因，周六的活动改在多功能厅举行，集合时间不变。',
		p_receipt_kind: 'choice',
		p_options: ['参加', '不参加'],
		p_question: '周六能来吗？'
	});
	if (sent.error) throw sent.error;
	const queueMs = Date.now() - t0;
	const { notice_id: noticeId, queued } = sent.data as { notice_id: string; queued: number };

	// Families and staff, in their own process, waiting for the emails to arrive.
	const child = spawn(process.execPath, ['--import', 'tsx', 'bench/notices.ts', 'actors'], {
		env: {
			...process.env,
			BENCH_DATABASE_URL: database.url,
			BENCH_STAFF_JWT: jwt,
			BENCH_NOTICE_ID: noticeId,
			BENCH_QUEUED: String(queued),
			BENCH_SUMMARY_URL: summaryUrl
		},
		stdio: ['ignore', 'pipe', 'inherit']
	});
	let actorsResult: ActorsResult | null = null;
	let ready: () => void = () => {};
	const actorsReady = new Promise<void>((resolve) => (ready = resolve));
	const actorsDone = new Promise<void>((resolve, reject) => {
		createInterface({ input: child.stdout! }).on('line', (line) => {
			if (line === 'ready') ready();
			const match = /^result (.*)$/.exec(line);
			if (match) actorsResult = JSON.parse(match[1]) as ActorsResult;
		});
		child.on('exit', (code) =>
			code === 0 && actorsResult ? resolve() : reject(new Error(`actors exited ${code}`))
		);
	});
	await actorsReady;

	const dispatcher = createDispatcher({
		client: admin,
		transport: resendTransport({ apiKey: 're_bench', baseUrl: captureUrl }),
		limiter: createRateLimiter(RATE),
		from: '共育 Gongyu <noreply@gongyu.example.org>',
		siteUrl: 'https://gongyu.example.org'
	});
	const dispatchStarted = Date.now();
	let deliveredAt = 0;
	const draining = dispatcher.drain(600_000).then((r) => {
		deliveredAt = Date.now();
		return r;
	});

	await actorsDone;
	const { firstSeen, allSeen, polls, pollMs, answered, refused } = actorsResult! as ActorsResult;
	const result = await draining;

	const capture = (await (await fetch(summaryUrl)).json()) as Summary;
	const recipients = new Set(capture.emails.map((e) => e.to[0]));
	const firstAccepted = Math.min(
		...capture.requests.filter((r) => r.outcome === 'delivered').map((r) => r.at)
	);
	const floorAll = queued / 100 / RATE;
	const floorFirst = 1 / RATE;
	const s = (ms: number) => (ms / 1000).toFixed(2);
	const fromDispatch = (at: number) => at - dispatchStarted;

	console.log(`families:                     ${FAMILIES} (one event, PostgreSQL server)`);
	console.log(`time to queue (send_notice):  ${queueMs} ms for ${queued} emails with their links`);
	console.log(`rate limit:                   ${RATE} requests/s, 100 emails per request`);
	console.log(
		`first receipt seen by staff:  ${s(fromDispatch(firstSeen))} s after the dispatcher started (rate floor ${floorFirst.toFixed(2)} s; first batch accepted at ${s(firstAccepted - dispatchStarted)} s; ratio ${(fromDispatch(firstSeen) / 1000 / floorFirst).toFixed(2)})`
	);
	console.log(
		`all emails accepted:          ${s(fromDispatch(deliveredAt))} s (rate floor ${floorAll.toFixed(2)} s = ${queued} / 100 / ${RATE}; ratio ${(fromDispatch(deliveredAt) / 1000 / floorAll).toFixed(3)})`
	);
	console.log(
		`all ${queued} receipts seen:     ${s(fromDispatch(allSeen))} s (rate floor ${floorAll.toFixed(2)} s; ratio ${(fromDispatch(allSeen) / 1000 / floorAll).toFixed(3)}; target ≤ 1.25)`
	);
	console.log(`send → all receipts seen:     ${s(allSeen - t0)} s`);
	console.log(
		`emails:                       ${capture.emails.length} received, ${recipients.size} distinct, ${capture.emails.length - recipients.size} duplicates, ${queued - recipients.size} lost`
	);
	console.log(`answers:                      ${answered} accepted, ${refused.length} refused`);
	console.log(
		`receipts page (notice_receipts): ${polls} polls, mean ${(pollMs / polls).toFixed(0)} ms`
	);
	console.log(`dispatcher:                   ${JSON.stringify(result)}`);
	if (refused.length) console.log(refused.slice(0, 5).join('\n'));
	await embedded.close();
} finally {
	server.kill('SIGTERM');
	await db.close();
	await database.drop();
}
