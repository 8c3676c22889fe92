import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/lib/server/auth/rate-limit';

const minute = 60_000;

describe('the rate limiter', () => {
	it('allows five code requests for an address in 15 minutes and refuses the sixth', () => {
		const limiter = createRateLimiter({ limit: 5, windowMs: 15 * minute });
		const results = Array.from({ length: 6 }, (_, i) => limiter.hit('a@example.cn', i * 1000));
		expect(results.slice(0, 5).every((r) => r.allowed)).toBe(true);
		expect(results[5].allowed).toBe(false);
		expect(results.map((r) => r.remaining)).toEqual([4, 3, 2, 1, 0, 0]);
	});

	it('says how long to wait: until the oldest request leaves the window', () => {
		const limiter = createRateLimiter({ limit: 2, windowMs: 15 * minute });
		limiter.hit('k', 0);
		limiter.hit('k', 5 * minute);
		const refused = limiter.hit('k', 6 * minute);
		expect(refused.allowed).toBe(false);
		expect(refused.retryAfterMs).toBe(9 * minute);
	});

	it('allows again once the window has slid past the oldest request', () => {
		const limiter = createRateLimiter({ limit: 2, windowMs: 15 * minute });
		limiter.hit('k', 0);
		limiter.hit('k', 5 * minute);
		expect(limiter.hit('k', 15 * minute - 1).allowed).toBe(false);
		expect(limiter.hit('k', 15 * minute).allowed).toBe(true);
		// The request at 5 minutes still counts, with the one just made.
		expect(limiter.hit('k', 15 * minute + 1).allowed).toBe(false);
	});

	it('does not count refused requests, so hammering does not extend the wait', () => {
		const limiter = createRateLimiter({ limit: 1, windowMs: 10 * minute });
		limiter.hit('k', 0);
		for (let t = 1; t < 10 * minute; t += minute) expect(limiter.hit('k', t).allowed).toBe(false);
		expect(limiter.hit('k', 10 * minute).allowed).toBe(true);
	});

	it('keeps separate counts per key', () => {
		const limiter = createRateLimiter({ limit: 1, windowMs: minute });
		expect(limiter.hit('a', 0).allowed).toBe(true);
		expect(limiter.hit('b', 0).allowed).toBe(true);
		expect(limiter.hit('a', 1).allowed).toBe(false);
	});

	it('peek checks without recording', () => {
		const limiter = createRateLimiter({ limit: 1, windowMs: minute });
		expect(limiter.peek('a', 0).allowed).toBe(true);
		expect(limiter.peek('a', 0).allowed).toBe(true);
		limiter.hit('a', 0);
		expect(limiter.peek('a', 1)).toMatchObject({ allowed: false, retryAfterMs: minute - 1 });
	});

	it('reset forgets a key', () => {
		const limiter = createRateLimiter({ limit: 1, windowMs: minute });
		limiter.hit('a', 0);
		limiter.reset('a');
		expect(limiter.hit('a', 1).allowed).toBe(true);
	});

	it('forgets keys whose requests are all old, so memory does not grow without bound', () => {
		const limiter = createRateLimiter({ limit: 3, windowMs: minute });
		for (let i = 0; i < 1000; i++) limiter.hit(`ip-${i}`, i);
		expect(limiter.size()).toBe(1000);
		limiter.hit('late', 10 * minute);
		expect(limiter.size()).toBe(1);
	});

	it('uses the injected clock when no time is given', () => {
		let now = 0;
		const limiter = createRateLimiter({ limit: 1, windowMs: minute }, () => now);
		expect(limiter.hit('a').allowed).toBe(true);
		now = minute - 1;
		expect(limiter.hit('a').allowed).toBe(false);
		now = minute;
		expect(limiter.hit('a').allowed).toBe(true);
	});

	it('refuses a rule that could never allow anything', () => {
		expect(() => createRateLimiter({ limit: 0, windowMs: minute })).toThrow();
		expect(() => createRateLimiter({ limit: 1, windowMs: 0 })).toThrow();
	});
});
