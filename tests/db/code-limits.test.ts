/**
 * The sign-in form's code limits (src/lib/server/auth/code-limits.ts) over take_client_attempts
 * and forget_client_attempts: only the service role counts, a stranger does not use up a parent's
 * allowance, several counts are taken together or not at all, and concurrent requests from many
 * app servers never get more than the limit.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	CODE_WINDOW_SECONDS,
	createCodeLimits,
	DEFAULT_CODE_LIMITS,
	type AttemptCounts,
	type CodeLimitSettings
} from '../../src/lib/server/auth/code-limits';
import {
	PERSONAS,
	backendUnderTest,
	createWorld,
	startDomain,
	type Domain,
	type World
} from '../support/personas';

let domain: Domain;
let w: World;

beforeAll(async () => {
	domain = await startDomain(backendUnderTest, { pool: 20 });
	w = await createWorld(domain);
});

afterAll(async () => {
	await domain?.close();
});

/** The counts as the app keeps them: through the service role. */
function counts(): AttemptCounts {
	return {
		async take(kinds, clients, limits, windowSeconds) {
			const { data, error } = await domain.admin().rpc('take_client_attempts', {
				p_kinds: kinds,
				p_clients: clients,
				p_limits: limits,
				p_window_seconds: windowSeconds
			});
			if (error) throw new Error(error.message);
			return Number(data);
		},
		async forget(kind, client, windowSeconds) {
			const { error } = await domain.admin().rpc('forget_client_attempts', {
				p_kind: kind,
				p_client: client,
				p_window_seconds: windowSeconds
			});
			if (error) throw new Error(error.message);
		}
	};
}

const limitsWith = (settings: Partial<CodeLimitSettings> = {}) =>
	createCodeLimits({ ...DEFAULT_CODE_LIMITS, ...settings }, counts());
/** Fresh addresses per test: the counts live in the database for the window. */
const parentEmail = () => `parent-${randomUUID().slice(0, 8)}@example.cn`;
const address = () => `198.51.100.${Math.floor(Math.random() * 250)}-${randomUUID().slice(0, 6)}`;

describe('who may count', () => {
	it.each(PERSONAS)('%s can neither take nor forget attempts', async (persona) => {
		const client = w.client[persona];
		const taken = await client.rpc('take_client_attempts', {
			p_kinds: ['code_request_ip'],
			p_clients: ['192.0.2.1'],
			p_limits: [5],
			p_window_seconds: 900
		});
		expect(taken.error).not.toBeNull();
		const forgot = await client.rpc('forget_client_attempts', {
			p_kind: 'code_attempt',
			p_client: '192.0.2.1',
			p_window_seconds: 900
		});
		expect(forgot.error).not.toBeNull();
	});

	it('mismatched arrays are refused with a stable code and count nothing', async () => {
		const client = address();
		const { error } = await domain.admin().rpc('take_client_attempts', {
			p_kinds: ['code_request_ip', 'code_request_email'],
			p_clients: [client],
			p_limits: [1, 1],
			p_window_seconds: 900
		});
		expect(error?.code).toBe('22023');
		expect(await counts().take(['code_request_ip'], [client], [1], 900)).toBe(0);
	});
});

describe("the sign-in form's code limits", () => {
	it('a stranger asking for codes for a parent’s address does not stop the parent asking', async () => {
		const limits = limitsWith();
		const parent = parentEmail();
		const stranger = address();
		const answers = [];
		for (let i = 0; i < 6; i++) answers.push(await limits.request(parent, stranger));
		expect(answers.slice(0, 5).every((r) => r.allowed)).toBe(true);
		expect(answers[5].allowed).toBe(false);
		expect(answers[5].retryAfterMs).toBeGreaterThan(0);
		expect(answers[5].retryAfterMs).toBeLessThanOrEqual(CODE_WINDOW_SECONDS * 1000);
		expect((await limits.request(parent, address())).allowed).toBe(true);
	});

	it('many clients together are capped per address by the higher limit', async () => {
		const limits = limitsWith({ perEmailAll: 4 });
		const parent = parentEmail();
		const answers = [];
		for (let i = 0; i < 5; i++) answers.push(await limits.request(parent, address()));
		expect(answers.map((r) => r.allowed)).toEqual([true, true, true, true, false]);
		expect((await limits.request(parentEmail(), address())).allowed).toBe(true);
	});

	it('a refused request is not counted against the other limits', async () => {
		const limits = limitsWith({ perIp: 1 });
		const client = address();
		const parent = parentEmail();
		expect((await limits.request(parentEmail(), client)).allowed).toBe(true);
		expect((await limits.request(parent, client)).allowed).toBe(false);
		// Nothing of the refused request was counted for the parent's address: with a cap of one
		// for all clients together, its first request from elsewhere is allowed.
		expect((await limitsWith({ perEmailAll: 1 }).request(parent, address())).allowed).toBe(true);
	});

	it('a stranger’s wrong codes do not use up the parent’s tries; a right code starts them again', async () => {
		const limits = limitsWith({ attempts: 3 });
		const parent = parentEmail();
		const stranger = address();
		for (let i = 0; i < 3; i++) expect((await limits.attempt(parent, stranger)).allowed).toBe(true);
		expect((await limits.attempt(parent, stranger)).allowed).toBe(false);
		expect((await limits.attempt(parent, address())).allowed).toBe(true);
		await limits.succeeded(parent, stranger);
		expect((await limits.attempt(parent, stranger)).allowed).toBe(true);
	});

	it('two app servers asking at once get no more than the limit between them', async () => {
		// Each "server" its own limits object over the same database, 40 requests in flight.
		const servers = [
			limitsWith({ perEmail: 1000, perEmailAll: 7 }),
			limitsWith({ perEmail: 1000, perEmailAll: 7 })
		];
		const parent = parentEmail();
		const answers = await Promise.all(
			Array.from({ length: 40 }, (_, i) => servers[i % 2].request(parent, address()))
		);
		expect(answers.filter((r) => r.allowed)).toHaveLength(7);
	});

	it('email addresses are kept only as digests', async () => {
		const parent = parentEmail();
		await limitsWith().request(parent, address());
		const { rows } = await domain.db.query<{ n: string }>(
			`select count(*)::text as n from private.client_attempts where client like '%' || $1 || '%'`,
			[parent]
		);
		expect(rows[0].n).toBe('0');
	});
});
