import { describe, expect, it } from 'vitest';
import { createCodeLimits, DEFAULT_CODE_LIMITS } from '../../src/lib/server/auth/code-limits';

const parent = 'parent@example.cn';
const PARENT_IP = '192.0.2.10';

describe("the sign-in form's code limits", () => {
	it('a stranger asking for codes for a parent’s address does not stop the parent asking', () => {
		const limits = createCodeLimits(DEFAULT_CODE_LIMITS, () => 0);
		const stranger = Array.from({ length: 6 }, () => limits.request(parent, '198.51.100.9'));
		expect(stranger.slice(0, 5).every((r) => r.allowed)).toBe(true);
		expect(stranger[5].allowed).toBe(false);
		expect(limits.request(parent, PARENT_IP).allowed).toBe(true);
	});

	it('one client asking too often for one address is refused, with the wait', () => {
		const limits = createCodeLimits({ ...DEFAULT_CODE_LIMITS, perEmail: 2 }, () => 0);
		limits.request(parent, PARENT_IP, 0);
		limits.request(parent, PARENT_IP, 60_000);
		const refused = limits.request(parent, PARENT_IP, 120_000);
		expect(refused.allowed).toBe(false);
		expect(refused.retryAfterMs).toBe(15 * 60_000 - 120_000);
	});

	it('many clients together are capped per address by the higher limit', () => {
		const limits = createCodeLimits({ ...DEFAULT_CODE_LIMITS, perEmailAll: 20 }, () => 0);
		const results = Array.from({ length: 21 }, (_, i) => limits.request(parent, `203.0.113.${i}`));
		expect(results.slice(0, 20).every((r) => r.allowed)).toBe(true);
		expect(results[20].allowed).toBe(false);
		expect(limits.request('other@example.cn', '203.0.113.99').allowed).toBe(true);
	});

	it('a refused request is not counted against the other limits', () => {
		const limits = createCodeLimits({ ...DEFAULT_CODE_LIMITS, perIp: 1 }, () => 0);
		expect(limits.request('a@example.cn', PARENT_IP).allowed).toBe(true);
		expect(limits.request(parent, PARENT_IP).allowed).toBe(false);
		expect(limits.request(parent, '192.0.2.11').allowed).toBe(true);
	});

	it('a stranger’s wrong codes do not use up the parent’s tries', () => {
		const limits = createCodeLimits({ ...DEFAULT_CODE_LIMITS, attempts: 3 }, () => 0);
		for (let i = 0; i < 3; i++) limits.attempt(parent, '198.51.100.9');
		expect(limits.attempt(parent, '198.51.100.9').allowed).toBe(false);
		expect(limits.attempt(parent, PARENT_IP).allowed).toBe(true);
		limits.succeeded(parent, '198.51.100.9');
		expect(limits.attempt(parent, '198.51.100.9').allowed).toBe(true);
	});
});
