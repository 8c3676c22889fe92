/**
 * Attempts per client address (count_client_attempt, client_attempts_allowed): only the app's
 * service role counts or reads them, each kind and address has its own count, a new window starts
 * afresh, and concurrent counts lose nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const unique = () => `203.0.113.${Math.floor(Math.random() * 250)}-${Date.now().toString(36)}`;

async function count(kind: string, client: string, windowSeconds = 600) {
	const { data, error } = await domain.admin().rpc('count_client_attempt', {
		p_kind: kind,
		p_client: client,
		p_window_seconds: windowSeconds
	});
	expect(error).toBeNull();
	return Number(data);
}

async function allowed(kind: string, client: string, limit: number, windowSeconds = 600) {
	const { data, error } = await domain.admin().rpc('client_attempts_allowed', {
		p_kind: kind,
		p_client: client,
		p_limit: limit,
		p_window_seconds: windowSeconds
	});
	expect(error).toBeNull();
	return data as boolean;
}

describe('who may count and read attempts', () => {
	it.each(PERSONAS)('%s can neither count, read nor see the attempts', async (persona) => {
		const client = w.client[persona];
		const counted = await client.rpc('count_client_attempt', {
			p_kind: 'notice_link',
			p_client: '192.0.2.1'
		});
		expect(counted.error).not.toBeNull();
		const asked = await client.rpc('client_attempts_allowed', {
			p_kind: 'notice_link',
			p_client: '192.0.2.1',
			p_limit: 5
		});
		expect(asked.error).not.toBeNull();
		const read = await client.schema('private').from('client_attempts').select('*');
		expect(read.error).not.toBeNull();
	});

	it('the service role counts and asks', async () => {
		const client = unique();
		expect(await allowed('notice_link', client, 2)).toBe(true);
		expect(await count('notice_link', client)).toBe(1);
		expect(await allowed('notice_link', client, 2)).toBe(true);
		expect(await count('notice_link', client)).toBe(2);
		expect(await allowed('notice_link', client, 2)).toBe(false);
	});
});

describe('counting', () => {
	it('each kind and each address has its own count', async () => {
		const client = unique();
		await count('notice_link', client);
		await count('notice_link', client);
		expect(await count('feedback_link', client)).toBe(1);
		expect(await count('notice_link', `${client}-other`)).toBe(1);
		expect(await allowed('feedback_link', client, 2)).toBe(true);
		expect(await allowed('notice_link', client, 2)).toBe(false);
	});

	it('a new window starts afresh', async () => {
		const client = unique();
		// Wait for the start of a one-second window, so both counts fall in it.
		await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
		expect(await count('notice_link', client, 1)).toBe(1);
		expect(await count('notice_link', client, 1)).toBe(2);
		await new Promise((r) => setTimeout(r, 1100));
		expect(await allowed('notice_link', client, 1, 1)).toBe(true);
		expect(await count('notice_link', client, 1)).toBe(1);
	});

	it('concurrent counts lose nothing', async () => {
		const client = unique();
		const counts = await Promise.all(
			Array.from({ length: 30 }, () => count('notice_link', client))
		);
		expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
	});

	it('a kind that is not a plain name is refused', async () => {
		const { error } = await domain
			.admin()
			.rpc('count_client_attempt', { p_kind: 'Bad Kind!', p_client: '192.0.2.1' });
		expect(error?.code).toBe('23514');
	});
});
