/**
 * The sign-in form's own limits on one-time codes, on top of the embedded Auth's (which are kept
 * in the database and shared by every app server).
 *
 * A stranger must not be able to lock a parent out by asking for codes, or typing wrong ones, for
 * the parent's address. So the per-address limits count per address *and* client address: a
 * stranger elsewhere uses up only their own allowance. A higher cap per address alone bounds how
 * much mail many clients together can send to one inbox. Each code sent replaces the one before,
 * and it is sent to the address, not to whoever asked: the newest code in the parent's inbox is
 * the one that works. Wrong tries are not capped per address alone here: the embedded Auth spends
 * a code after five wrong tries in all, and the parent simply asks for a new one.
 */
import { createRateLimiter, type RateLimitResult } from './rate-limit';

const minutes = 60_000;

export interface CodeLimitSettings {
	/** Code requests per address from one client address, per 15 minutes. */
	perEmail: number;
	/** Code requests per address from all client addresses together, per 15 minutes. */
	perEmailAll: number;
	/** Code requests per client address, per 15 minutes. */
	perIp: number;
	/** Codes entered per address from one client address, per 15 minutes. */
	attempts: number;
}

export const DEFAULT_CODE_LIMITS: CodeLimitSettings = {
	perEmail: 5,
	perEmailAll: 20,
	perIp: 20,
	attempts: 10
};

export interface CodeLimits {
	/** Records a code request when every limit allows it; otherwise records nothing. */
	request(email: string, clientAddress: string, now?: number): RateLimitResult;
	/** Records an attempt to enter a code. */
	attempt(email: string, clientAddress: string, now?: number): RateLimitResult;
	/** A code was right: this client's attempts at this address start again. */
	succeeded(email: string, clientAddress: string): void;
}

export function createCodeLimits(
	settings: CodeLimitSettings,
	clock: () => number = Date.now
): CodeLimits {
	const window = { windowMs: 15 * minutes };
	const perEmail = createRateLimiter({ limit: settings.perEmail, ...window }, clock);
	const perEmailAll = createRateLimiter({ limit: settings.perEmailAll, ...window }, clock);
	const perIp = createRateLimiter({ limit: settings.perIp, ...window }, clock);
	const attempts = createRateLimiter({ limit: settings.attempts, ...window }, clock);
	const pair = (email: string, clientAddress: string) => `${email}\n${clientAddress}`;

	return {
		request(email, clientAddress, now = clock()) {
			const checks = [
				[perIp, clientAddress],
				[perEmail, pair(email, clientAddress)],
				[perEmailAll, email]
			] as const;
			const refused = checks
				.map(([limiter, key]) => limiter.peek(key, now))
				.filter((r) => !r.allowed);
			if (refused.length > 0) {
				return {
					allowed: false,
					remaining: 0,
					retryAfterMs: Math.max(...refused.map((r) => r.retryAfterMs))
				};
			}
			const results = checks.map(([limiter, key]) => limiter.hit(key, now));
			return {
				allowed: true,
				remaining: Math.min(...results.map((r) => r.remaining)),
				retryAfterMs: 0
			};
		},
		attempt: (email, clientAddress, now = clock()) => attempts.hit(pair(email, clientAddress), now),
		succeeded: (email, clientAddress) => attempts.reset(pair(email, clientAddress))
	};
}
