/**
 * Paces requests to the email provider: request starts evenly spaced so that at most `perSecond`
 * fall in any one-second window even when the network delays one request and not the next (a
 * margin of 50 ms per window by default; Resend's default limit is 2 requests per second per team).
 * A 429's `retry-after` holds every request in this process until it has passed. Each app server
 * paces itself; a 429 caused by another server is honoured the same way.
 */

export interface RateLimiter {
	/** Resolves when the caller may start one request. */
	acquire(signal?: AbortSignal): Promise<void>;
	/** No request starts before `ms` from now (a 429's `retry-after`). */
	pause(ms: number): void;
	readonly perSecond: number;
}

export interface Clock {
	now(): number;
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
	now: () => Date.now(),
	sleep: (ms, signal) =>
		new Promise((resolve, reject) => {
			if (signal?.aborted) return reject(signal.reason);
			const timer = setTimeout(
				() => {
					signal?.removeEventListener('abort', onAbort);
					resolve();
				},
				Math.max(0, ms)
			);
			const onAbort = () => {
				clearTimeout(timer);
				reject(signal?.reason);
			};
			signal?.addEventListener('abort', onAbort, { once: true });
		})
};

export function createRateLimiter(
	perSecond: number,
	clock: Clock = systemClock,
	marginMs = 50
): RateLimiter {
	if (!(perSecond > 0))
		throw new Error(`The email rate must be a positive number, not ${perSecond}.`);
	const interval = (1000 + marginMs) / perSecond;
	let nextSlot = 0;
	let pausedUntil = 0;

	return {
		perSecond,
		async acquire(signal) {
			for (;;) {
				const now = clock.now();
				const at = Math.max(nextSlot, pausedUntil);
				if (at <= now) {
					nextSlot = now + interval;
					return;
				}
				// Wait, then look again: another caller or a pause may have come first.
				await clock.sleep(at - now, signal);
			}
		},
		pause(ms) {
			pausedUntil = Math.max(pausedUntil, clock.now() + Math.max(0, ms));
		}
	};
}

/** Seconds (or an HTTP date) from a `retry-after` header, as milliseconds; null when absent. */
export function retryAfterMs(value: string | null | undefined, now = Date.now()): number | null {
	if (value == null || value.trim() === '') return null;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Exponential back-off with jitter: 50–100 % of base·2^(attempt-1), capped. */
export function backoffMs(
	attempt: number,
	baseMs: number,
	maxMs: number,
	random = Math.random
): number {
	const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
	return Math.round(ceiling * (0.5 + random() * 0.5));
}

let shared: RateLimiter | null = null;

/**
 * The one limiter of this process for the email provider: the dispatcher and the sign-in mailer
 * share the provider's per-team limit.
 */
export function sharedProviderLimiter(perSecond: number): RateLimiter {
	shared ??= createRateLimiter(perSecond);
	return shared;
}
