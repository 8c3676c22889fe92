/**
 * Where the dispatcher runs: a loop in the server process (`startEmailWorker`, called from the
 * `init` hook) and/or `POST /api/cron/tick` (`runEmailTick`), for hosts that prefer an external
 * scheduler. Both queue due reminders and feedback requests, refresh the dashboard's roll-up and
 * run a dispatcher pass; any number of processes may do so at once. Configuration comes from the environment only:
 *   RESEND_API_KEY, RESEND_BASE_URL  send through Resend (or a Resend-compatible host); without
 *                                    either, emails land in the dev mailbox (/dev/mailbox)
 *   EMAIL_FROM                       sender, e.g. `共育 Gongyu <noreply@example.org>`
 *   EMAIL_RATE_PER_SECOND            requests per second to the provider (default 2)
 *   EMAIL_WORKER_INTERVAL_MS         how often the loop looks for due emails (default 5000)
 *   EMAIL_WORKER                     `off`: no loop in this process (use the cron route)
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { createAdminClient } from '../supabase-admin';
import { appOrigin, getRuntime } from '../runtime';
import { createDispatcher, type Dispatcher, type PassResult } from './dispatcher';
import { sharedProviderLimiter, type RateLimiter } from './rate-limit';
import { createTransport, emailSettings, type EmailSettings } from './settings';
import { releaseHeldPlaces, type ReleaseResult } from '../referrals/release';
import { refreshDashboardRollups } from '../dashboard/rollups';

/** One dispatcher and one rate limiter per process: the cron route and the loop share them. */
let shared: {
	dispatcher: Dispatcher;
	client: SupabaseClient;
	limiter: RateLimiter;
	settings: EmailSettings;
} | null = null;

function sharedDispatcher(log: (line: string) => void) {
	if (shared) return shared;
	const runtime = getRuntime();
	const settings = emailSettings(process.env, {
		hasMailbox: !!runtime.mailbox,
		siteUrl: appOrigin()
	});
	const transport = createTransport(settings, runtime.mailbox);
	if (!transport) return null;
	const client = createAdminClient() as unknown as SupabaseClient;
	const limiter = sharedProviderLimiter(settings.ratePerSecond);
	const dispatcher = createDispatcher({
		client,
		transport,
		limiter,
		from: settings.from,
		siteUrl: settings.siteUrl,
		// The cron route must answer before a scheduler's timeout.
		maxPassMs: 45_000,
		log
	});
	shared = { dispatcher, client, limiter, settings };
	return shared;
}

const defaultLog = (line: string) => console.log(`[gongyu email] ${line}`);

export async function enqueueDueReminders(client: SupabaseClient, now?: Date): Promise<number> {
	const { data, error } = await client.rpc(
		'enqueue_due_reminders',
		now ? { p_now: now.toISOString() } : {}
	);
	if (error) throw new Error(`enqueue_due_reminders: ${error.message}`);
	const counselling = await client.rpc(
		'enqueue_due_counselling_reminders',
		now ? { p_now: now.toISOString() } : {}
	);
	if (counselling.error)
		throw new Error(`enqueue_due_counselling_reminders: ${counselling.error.message}`);
	return Number(data ?? 0) + Number(counselling.data ?? 0);
}

/** Queues the feedback requests due (a few hours after events end); safe to run anywhere, often. */
export async function enqueueFeedbackRequests(client: SupabaseClient, now?: Date): Promise<number> {
	const { data, error } = await client.rpc(
		'enqueue_feedback_requests',
		now ? { p_now: now.toISOString() } : {}
	);
	if (error) throw new Error(`enqueue_feedback_requests: ${error.message}`);
	return Number(data ?? 0);
}

/**
 * Queues last month's report for the district's administrators on the 1st–3rd of a month; once
 * per month per administrator, however often it runs.
 */
export async function enqueueMonthlyReports(client: SupabaseClient, now?: Date): Promise<number> {
	const { data, error } = await client.rpc(
		'enqueue_monthly_reports',
		now ? { p_now: now.toISOString() } : {}
	);
	if (error) throw new Error(`enqueue_monthly_reports: ${error.message}`);
	return Number(data ?? 0);
}

export interface TickResult extends PassResult {
	reminders: number;
	heldPlaces: ReleaseResult;
	feedbackRequests: number;
	monthlyReports: number;
	/** Events and notices whose dashboard roll-up was computed again. */
	dashboardEvents: number;
}

/**
 * One tick: release due held places, queue due reminders, feedback requests and (on the 1st) the
 * monthly reports, refresh the dashboard's roll-up, then one dispatcher pass.
 */
export async function runEmailTick(
	options: { log?: (line: string) => void } = {}
): Promise<TickResult> {
	const s = sharedDispatcher(options.log ?? defaultLog);
	if (!s)
		throw new Error(
			'No email transport: set RESEND_API_KEY (or run in embedded mode for the dev mailbox).'
		);
	const heldPlaces = await releaseHeldPlaces(s.client);
	const reminders = await enqueueDueReminders(s.client);
	const feedbackRequests = await enqueueFeedbackRequests(s.client);
	const monthlyReports = await enqueueMonthlyReports(s.client);
	const dashboardEvents = await refreshDashboardRollups(s.client);
	const pass = await s.dispatcher.runOnce();
	return { reminders, heldPlaces, feedbackRequests, monthlyReports, dashboardEvents, ...pass };
}

let wake: (() => void) | null = null;

/** What /healthz says about the delivery loop of this process. */
export interface EmailWorkerHealth {
	state: 'running' | 'off' | 'no transport';
	/** The last pass's failure, while the passes keep failing. */
	failing: string | null;
}

let health: EmailWorkerHealth = { state: 'no transport', failing: null };

export function emailWorkerHealth(): EmailWorkerHealth {
	return health;
}

/** Asks the running worker to look for due emails now (e.g. right after a registration). */
export function notifyEmailWorker(): void {
	wake?.();
}

/**
 * Starts the loop: a dispatcher pass every EMAIL_WORKER_INTERVAL_MS (or when notified), and
 * enqueue_due_reminders, enqueue_feedback_requests and the dashboard's refresh every minute. Returns a function that stops it and waits for the current
 * pass. Errors are logged, never thrown: a database hiccup must not take the server down.
 */
export function startEmailWorker(
	options: { log?: (line: string) => void; remindersEveryMs?: number } = {}
): () => Promise<void> {
	const log = options.log ?? defaultLog;
	const s = sharedDispatcher(log);
	if (!s) {
		log('no email transport configured (RESEND_API_KEY): emails stay in the outbox');
		health = { state: 'no transport', failing: null };
		return async () => {};
	}
	if (!s.settings.workerEnabled) {
		log('EMAIL_WORKER=off: this process does not send; POST /api/cron/tick does');
		health = { state: 'off', failing: null };
		return async () => {};
	}
	health = { state: 'running', failing: null };
	log(
		`sending through ${s.settings.transport === 'resend' ? `Resend${s.settings.baseUrl ? ` at ${s.settings.baseUrl}` : ''}` : 'the dev mailbox'}, ${s.settings.ratePerSecond} requests/s`
	);
	const remindersEvery = options.remindersEveryMs ?? 60_000;
	let lastReminders = 0;
	let stopped = false;
	let timer: ReturnType<typeof setTimeout> | null = null;
	let current: Promise<void> = Promise.resolve();

	const tick = async () => {
		try {
			if (Date.now() - lastReminders >= remindersEvery) {
				lastReminders = Date.now();
				const held = await releaseHeldPlaces(s.client);
				if (held.released || held.expired)
					log(
						`released held places of ${held.released} events, ${held.expired} invitations expired, ${held.promoted} promoted`
					);
				const queued = await enqueueDueReminders(s.client);
				if (queued) log(`queued ${queued} reminders`);
				const asked = await enqueueFeedbackRequests(s.client);
				if (asked) log(`queued ${asked} feedback requests`);
				const reports = await enqueueMonthlyReports(s.client);
				if (reports) log(`queued ${reports} monthly reports`);
				await refreshDashboardRollups(s.client);
			}
			const pass = await s.dispatcher.runOnce();
			if (pass.requests)
				log(
					`sent ${pass.sent}, failed ${pass.failed}, retrying ${pass.rescheduled} (${pass.requests} requests)`
				);
			health = { state: 'running', failing: null };
		} catch (error) {
			const message = error instanceof Error ? error.message : String(error);
			log(`pass failed: ${message}`);
			health = { state: 'running', failing: message };
		}
	};

	const schedule = (ms: number) => {
		if (stopped) return;
		timer = setTimeout(() => {
			timer = null;
			current = tick().finally(() => schedule(s.settings.intervalMs));
		}, ms);
	};
	wake = () => {
		if (timer && !stopped) {
			clearTimeout(timer);
			schedule(0);
		}
	};
	schedule(1000);

	return async () => {
		stopped = true;
		wake = null;
		if (timer) clearTimeout(timer);
		await current;
	};
}
