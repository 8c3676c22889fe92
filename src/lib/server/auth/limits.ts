/**
 * The app's rate limits on one-time codes. Module state is shared by every request on purpose:
 * that is what a limit is. The limits can be changed with environment variables (the end-to-end
 * tests raise the per-address one, since all their requests come from one address).
 */
import { env } from '$env/dynamic/private';
import { createRateLimiter, type RateLimiter } from './rate-limit';

const minutes = 60_000;

function number(value: string | undefined, fallback: number): number {
	const n = Number(value);
	return value && Number.isFinite(n) && n >= 1 ? n : fallback;
}

let limiters: { perEmail: RateLimiter; perIp: RateLimiter; attempts: RateLimiter } | null = null;

export function codeLimiters() {
	limiters ??= {
		/** Code requests per email address: 5 per 15 minutes. */
		perEmail: createRateLimiter({
			limit: number(env.GONGYU_CODE_LIMIT_PER_EMAIL, 5),
			windowMs: 15 * minutes
		}),
		/** Code requests per client address: 20 per 15 minutes. */
		perIp: createRateLimiter({
			limit: number(env.GONGYU_CODE_LIMIT_PER_IP, 20),
			windowMs: 15 * minutes
		}),
		/** Attempts to enter a code, per email: slows guessing down on top of the code's expiry. */
		attempts: createRateLimiter({
			limit: number(env.GONGYU_CODE_ATTEMPTS_PER_EMAIL, 10),
			windowMs: 15 * minutes
		})
	};
	return limiters;
}
