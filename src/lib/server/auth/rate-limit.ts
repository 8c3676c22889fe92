/**
 * A sliding-window rate limiter kept in memory. Pure apart from the clock, which is passed in, so
 * tests can move time. One instance per rule (per email, per IP); the limits hold per process — an
 * installation with several app servers gets one window per server.
 */
export interface RateLimitRule {
	/** How many hits a key may make within `windowMs`. */
	limit: number;
	windowMs: number;
}

export interface RateLimitResult {
	allowed: boolean;
	/** Hits left in the current window after this one. */
	remaining: number;
	/** When refused: milliseconds until the oldest hit leaves the window. */
	retryAfterMs: number;
}

export interface RateLimiter {
	/** Records a hit for `key` when allowed; a refused hit is not recorded. */
	hit(key: string, now?: number): RateLimitResult;
	/** Checks without recording. */
	peek(key: string, now?: number): RateLimitResult;
	reset(key: string): void;
	/** Number of keys tracked (old ones are dropped as time passes). */
	size(): number;
}

export function createRateLimiter(
	rule: RateLimitRule,
	clock: () => number = Date.now
): RateLimiter {
	if (!(rule.limit >= 1) || !(rule.windowMs > 0)) throw new Error('invalid rate limit rule');
	const hits = new Map<string, number[]>();
	let lastSweep = 0;

	function recent(key: string, now: number): number[] {
		const list = hits.get(key);
		if (!list) return [];
		const kept = list.filter((t) => t > now - rule.windowMs && t <= now + rule.windowMs);
		if (kept.length === 0) hits.delete(key);
		else if (kept.length !== list.length) hits.set(key, kept);
		return kept;
	}

	function sweep(now: number) {
		if (now - lastSweep < rule.windowMs) return;
		lastSweep = now;
		for (const key of [...hits.keys()]) recent(key, now);
	}

	function check(key: string, now: number, record: boolean): RateLimitResult {
		sweep(now);
		const list = recent(key, now);
		if (list.length >= rule.limit) {
			return {
				allowed: false,
				remaining: 0,
				retryAfterMs: Math.max(0, list[0] + rule.windowMs - now)
			};
		}
		if (record) hits.set(key, [...list, now]);
		return {
			allowed: true,
			remaining: rule.limit - list.length - (record ? 1 : 0),
			retryAfterMs: 0
		};
	}

	return {
		hit: (key, now = clock()) => check(key, now, true),
		peek: (key, now = clock()) => check(key, now, false),
		reset: (key) => void hits.delete(key),
		size: () => hits.size
	};
}
