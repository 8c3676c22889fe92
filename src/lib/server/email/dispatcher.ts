/**
 * The outbox dispatcher. One pass:
 *   claim_email_batch  → provider requests, each with an idempotency key already stored with its
 *                        rows (new rows are grouped in SQL: batches of ≤100, attachments alone);
 *   render             → the recipient's language, from the row's payload snapshot (same bytes on
 *                        every attempt);
 *   send               → paced by the rate limiter, several requests in flight;
 *   record             → mark_emails_sent / mark_email_failed / reschedule_emails.
 * A crash anywhere leaves the rows "sending" under a lease; when it runs out, any dispatcher sends
 * the same request again under the same key, and the provider drops the duplicate. Any number of
 * dispatchers may run at once (the claim uses `for update skip locked`).
 * All database access goes through supabase-js with the service role.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { hostname } from 'node:os';
import { contextFromRow, type OutboxEmail } from './context';
import { backoffMs, type RateLimiter } from './rate-limit';
import { renderEmail, singleKinds } from './templates';
import type { EmailTransport, OutgoingEmail, SendMode, SendOutcome } from './transport';

export interface ClaimedRequest {
	key: string;
	mode: SendMode;
	attempts: number;
	failures: number;
	emails: OutboxEmail[];
}

export interface DispatcherOptions {
	/** A supabase-js client with the secret (service-role) key. */
	client: SupabaseClient;
	transport: EmailTransport;
	limiter: RateLimiter;
	/** EMAIL_FROM, e.g. `共育 Gongyu <noreply@example.org>`. */
	from: string;
	/** The app's public origin, for links in emails. */
	siteUrl: string;
	worker?: string;
	/** Requests claimed at once (default: about ten seconds' worth at the rate limit). */
	requestsPerClaim?: number;
	/** Seconds a claim is owned before another dispatcher may take it over. */
	leaseSeconds?: number;
	/** Requests in flight at once. */
	concurrency?: number;
	/** Failed attempts (5xx, network) after which an email is marked failed. */
	maxFailures?: number;
	backoffBaseMs?: number;
	backoffMaxMs?: number;
	/** A pass stops claiming after this long (the cron route has a deadline). */
	maxPassMs?: number;
	/** Test seam: runs after the provider answered and before anything is recorded. */
	afterSend?: (request: ClaimedRequest, outcome: SendOutcome) => void | Promise<void>;
	log?: (line: string) => void;
}

export interface PassResult {
	requests: number;
	sent: number;
	failed: number;
	rescheduled: number;
}

export interface Dispatcher {
	readonly worker: string;
	/** Claims and sends until nothing is due (or maxPassMs has passed). */
	runOnce(): Promise<PassResult>;
	/**
	 * Runs passes until no email is pending or sending, waiting for scheduled retries in between
	 * (tests and the benchmark). Gives up after timeoutMs.
	 */
	drain(timeoutMs?: number): Promise<PassResult>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function describe(error: unknown): string {
	if (error instanceof Error) return error.message;
	if (error && typeof error === 'object' && 'message' in error)
		return String((error as { message: unknown }).message);
	return String(error);
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
	const { client, transport, limiter } = options;
	const worker =
		options.worker ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
	const concurrency = options.concurrency ?? Math.max(2, Math.ceil(limiter.perSecond * 2));
	// About four seconds of sending at the rate limit: small enough to start quickly, and the next
	// claim is made while half of this one is still queued.
	const requestsPerClaim =
		options.requestsPerClaim ?? Math.max(concurrency, Math.ceil(limiter.perSecond * 4));
	const leaseSeconds = options.leaseSeconds ?? 120;
	const maxFailures = options.maxFailures ?? 8;
	const backoffBase = options.backoffBaseMs ?? 30_000;
	const backoffMax = options.backoffMaxMs ?? 3_600_000;
	const maxPassMs = options.maxPassMs ?? 60_000;
	const log = options.log ?? (() => {});

	async function rpc<T>(fn: string, args: Record<string, unknown>): Promise<T> {
		const { data, error } = await client.rpc(fn, args);
		if (error) throw new Error(`${fn}: ${error.message}`);
		return data as T;
	}

	async function claim(): Promise<ClaimedRequest[]> {
		const requests = await rpc<ClaimedRequest[] | null>('claim_email_batch', {
			p_limit: requestsPerClaim * 100,
			p_worker: worker,
			p_single_kinds: singleKinds,
			p_batch_size: 100,
			p_lease_seconds: leaseSeconds,
			p_max_requests: requestsPerClaim
		});
		return requests ?? [];
	}

	async function render(
		request: ClaimedRequest,
		result: PassResult
	): Promise<{ rows: OutboxEmail[]; emails: OutgoingEmail[] }> {
		const rows: OutboxEmail[] = [];
		const emails: OutgoingEmail[] = [];
		for (const [index, row] of request.emails.entries()) {
			// Rendering is CPU work: let timers and sockets run in between, so the requests already
			// on their way are not held back (the provider would see them bunched together).
			if (index % 10 === 9) await new Promise((resolve) => setImmediate(resolve));
			try {
				const message = await renderEmail(contextFromRow(row), { siteUrl: options.siteUrl });
				rows.push(row);
				emails.push({ from: options.from, to: row.to_email, kind: row.kind, ...message });
			} catch (error) {
				// A row no template can render never will: fail it now, so that the rest of the
				// batch (and every later attempt of it) is the same set of emails.
				await rpc('mark_email_failed', {
					p_batch_key: request.key,
					p_error: `render_failed: ${describe(error)}`,
					p_ids: [row.id]
				});
				result.failed++;
			}
		}
		return { rows, emails };
	}

	async function handle(request: ClaimedRequest, result: PassResult): Promise<void> {
		const { rows, emails } = await render(request, result);
		if (emails.length === 0) return;
		await limiter.acquire();
		let outcome: SendOutcome;
		try {
			outcome = await transport.send(request.mode, emails, request.key);
		} catch (error) {
			outcome = {
				ok: false,
				kind: 'transient',
				status: null,
				message: `transport: ${describe(error)}`
			};
		}
		await options.afterSend?.(request, outcome);
		result.requests++;

		if (outcome.ok) {
			const sent = outcome.results.flatMap((r, i) =>
				'id' in r ? [{ id: rows[i].id, provider_id: r.id }] : []
			);
			const refused = outcome.results.flatMap((r, i) =>
				'error' in r ? [{ id: rows[i].id, error: r.error }] : []
			);
			for (const r of refused) {
				await rpc('mark_email_failed', {
					p_batch_key: request.key,
					p_error: r.error,
					p_ids: [r.id]
				});
			}
			if (sent.length) await rpc('mark_emails_sent', { p_batch_key: request.key, p_results: sent });
			result.sent += sent.length;
			result.failed += refused.length;
			return;
		}
		switch (outcome.kind) {
			case 'accepted_before':
				await rpc('mark_emails_sent', {
					p_batch_key: request.key,
					p_results: rows.map((r) => ({ id: r.id, provider_id: null }))
				});
				result.sent += rows.length;
				return;
			case 'permanent':
				await rpc('mark_email_failed', {
					p_batch_key: request.key,
					p_error: outcome.message,
					p_ids: null
				});
				result.failed += rows.length;
				return;
			case 'rate_limited': {
				const wait = outcome.retryAfterMs ?? 1000;
				limiter.pause(wait);
				log(`rate limited: waiting ${wait} ms (${request.key})`);
				await rpc('reschedule_emails', {
					p_batch_key: request.key,
					p_worker: worker,
					p_delay_ms: Math.ceil(wait),
					p_error: outcome.message,
					p_count_failure: false
				});
				result.rescheduled += rows.length;
				return;
			}
			case 'transient': {
				const failures = request.failures + 1;
				if (failures >= maxFailures) {
					await rpc('mark_email_failed', {
						p_batch_key: request.key,
						p_error: `gave_up after ${failures} attempts: ${outcome.message}`,
						p_ids: null
					});
					result.failed += rows.length;
					return;
				}
				const delay = backoffMs(failures, backoffBase, backoffMax);
				log(`${outcome.message}: retrying in ${delay} ms (${request.key})`);
				await rpc('reschedule_emails', {
					p_batch_key: request.key,
					p_worker: worker,
					p_delay_ms: delay,
					p_error: outcome.message,
					p_count_failure: true
				});
				result.rescheduled += rows.length;
			}
		}
	}

	async function runOnce(): Promise<PassResult> {
		const result: PassResult = { requests: 0, sent: 0, failed: 0, rescheduled: 0 };
		const deadline = Date.now() + maxPassMs;
		const queue: ClaimedRequest[] = [];
		const inFlight = new Set<Promise<void>>();
		let exhausted = false;
		let firstError: unknown = null;

		const start = (request: ClaimedRequest) => {
			const task = handle(request, result)
				.catch((error) => {
					firstError ??= error;
				})
				.finally(() => inFlight.delete(task));
			inFlight.add(task);
		};

		for (;;) {
			if (firstError) break;
			// Claim the next requests while the current ones are still being sent, so the provider
			// sees a steady stream at the rate limit.
			if (!exhausted && queue.length <= requestsPerClaim / 2 && Date.now() < deadline) {
				const claimed = await claim();
				if (claimed.length === 0) exhausted = true;
				queue.push(...claimed);
			}
			while (inFlight.size < concurrency && queue.length) start(queue.shift()!);
			if (inFlight.size === 0) {
				if (queue.length === 0 && (exhausted || Date.now() >= deadline)) break;
				continue;
			}
			await Promise.race(inFlight);
		}
		await Promise.allSettled([...inFlight]);
		if (firstError) throw firstError;
		return result;
	}

	async function nextDue(): Promise<number | null> {
		const { data, error } = await client
			.from('email_outbox')
			.select('next_attempt_at')
			.in('status', ['pending', 'sending'])
			.order('next_attempt_at', { ascending: true })
			.limit(1);
		if (error) throw new Error(`email_outbox: ${error.message}`);
		const row = (data as { next_attempt_at: string }[] | null)?.[0];
		return row ? new Date(row.next_attempt_at).getTime() : null;
	}

	async function drain(timeoutMs = 60_000): Promise<PassResult> {
		const total: PassResult = { requests: 0, sent: 0, failed: 0, rescheduled: 0 };
		const until = Date.now() + timeoutMs;
		for (;;) {
			const pass = await runOnce();
			for (const k of Object.keys(total) as (keyof PassResult)[]) total[k] += pass[k];
			const due = await nextDue();
			if (due === null) return total;
			if (Date.now() >= until) throw new Error(`the outbox did not drain within ${timeoutMs} ms`);
			await sleep(Math.min(Math.max(due - Date.now(), 20), 1000, Math.max(until - Date.now(), 0)));
		}
	}

	return { worker, runOnce, drain };
}
