/** The provider rate limiter, with a clock the test moves. */
import { describe, expect, it } from 'vitest';
import {
	backoffMs,
	createRateLimiter,
	retryAfterMs,
	type Clock
} from '../../src/lib/server/email/rate-limit';

function fakeClock(): Clock & { advance(ms: number): Promise<void> } {
	let now = 1_000_000;
	const sleepers: { at: number; resolve: () => void }[] = [];
	const clock = {
		now: () => now,
		sleep: (ms: number) => new Promise<void>((resolve) => sleepers.push({ at: now + ms, resolve })),
		async advance(ms: number) {
			const until = now + ms;
			for (;;) {
				await new Promise((r) => setImmediate(r));
				sleepers.sort((a, b) => a.at - b.at);
				const next = sleepers[0];
				if (!next || next.at > until) break;
				sleepers.shift();
				now = next.at;
				next.resolve();
			}
			now = until;
			await new Promise((r) => setImmediate(r));
		}
	};
	return clock;
}

async function startTimes(
	limiter: ReturnType<typeof createRateLimiter>,
	clock: ReturnType<typeof fakeClock>,
	n: number,
	spanMs: number
) {
	const times: number[] = [];
	const all = Array.from({ length: n }, () =>
		limiter.acquire().then(() => times.push(clock.now()))
	);
	await clock.advance(spanMs);
	await Promise.all(all);
	return times;
}

describe('email rate limiter', () => {
	it('spaces request starts so that no one-second window holds more than the rate', async () => {
		const clock = fakeClock();
		const limiter = createRateLimiter(5, clock, 50);
		const times = await startTimes(limiter, clock, 23, 10_000);
		expect(times).toHaveLength(23);
		for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBe(210);
		for (let i = 5; i < times.length; i++)
			expect(times[i] - times[i - 5]).toBeGreaterThanOrEqual(1050);
	});

	it('paces fractional rates one request at a time', async () => {
		const clock = fakeClock();
		const times = await startTimes(createRateLimiter(0.5, clock, 0), clock, 3, 10_000);
		expect(times.map((t) => t - times[0])).toEqual([0, 2000, 4000]);
	});

	it('holds every request while a 429’s retry-after is in force', async () => {
		const clock = fakeClock();
		const limiter = createRateLimiter(100, clock, 0);
		await limiter.acquire();
		const before = clock.now();
		limiter.pause(1500);
		const times = await startTimes(limiter, clock, 3, 5000);
		for (const t of times) expect(t - before).toBeGreaterThanOrEqual(1500);
	});

	it('reads retry-after as seconds or an HTTP date', () => {
		expect(retryAfterMs('2')).toBe(2000);
		expect(retryAfterMs('0.5')).toBe(500);
		expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
		expect(retryAfterMs(null)).toBeNull();
		expect(retryAfterMs('soon')).toBeNull();
	});

	it('backs off exponentially with jitter, up to a ceiling', () => {
		expect(backoffMs(1, 1000, 60_000, () => 0)).toBe(500);
		expect(backoffMs(1, 1000, 60_000, () => 1)).toBe(1000);
		expect(backoffMs(4, 1000, 60_000, () => 1)).toBe(8000);
		expect(backoffMs(20, 1000, 60_000, () => 1)).toBe(60_000);
	});
});
