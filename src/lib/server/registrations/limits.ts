/**
 * Registering and cancelling, per signed-in user: 30 attempts in 10 minutes is far more than any
 * family needs and stops a script from churning the waitlist. Per process, like the code limits.
 */
import { env } from '$env/dynamic/private';
import { createRateLimiter, type RateLimiter } from '$lib/server/auth/rate-limit';

let limiter: RateLimiter | null = null;

export function registrationLimiter(): RateLimiter {
	const limit = Number(env.GONGYU_REGISTRATION_LIMIT);
	limiter ??= createRateLimiter({
		limit: Number.isFinite(limit) && limit >= 1 ? limit : 30,
		windowMs: 10 * 60_000
	});
	return limiter;
}
