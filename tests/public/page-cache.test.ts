/**
 * Public pages kept for anonymous visitors, with two app servers on one PostgreSQL database: a
 * change committed anywhere — through the other server, or straight in the database by another
 * program — is on the first server's very next answer; places left are never stale.
 */
import { expect, test } from '@playwright/test';
import pg from 'pg';
import { api, onFreshDatabase, ownSecrets, request, type App } from './support';

test.describe('two app servers on one database', () => {
	const secrets = ownSecrets();
	const started = onFreshDatabase(
		{ ...secrets, GONGYU_SEED: 'demo' },
		{ ...secrets, GONGYU_SEED: 'demo' }
	);
	let a: App;
	let b: App;
	let path = '';

	const seatsOn = async (app: App) => {
		const answer = await request(`${app.url}${path}`);
		expect(answer.status).toBe(200);
		return {
			cache: answer.headers['x-gongyu-page-cache'],
			seats: /data-testid="seats"[^>]*>\s*([^<]*?)\s*</.exec(answer.text)?.[1]
		};
	};

	test.beforeAll(async () => {
		[a, b] = started.apps;
		const list = await request(`${a.url}/events`);
		path = /href="(\/events\/[a-z0-9-]+)"/.exec(list.text)![1];
	});

	test('a change through the other server or straight in the database shows at once', async () => {
		const first = await seatsOn(a);
		expect(first.cache).toBe('miss');
		expect(first.seats).toMatch(/^剩余 \d+ 个名额（共 \d+ 个）。$/);
		expect(await seatsOn(a)).toEqual({ ...first, cache: 'hit' });
		const [, left, capacity] = /剩余 (\d+) 个名额（共 (\d+) 个）/.exec(first.seats!)!.map(Number);
		const slug = path.split('/').pop();

		// One more place taken, through server B's API.
		const patched = await api(b, `/rest/v1/events?slug=eq.${slug}`, secrets.SUPABASE_SECRET_KEY, {
			method: 'PATCH',
			token: secrets.SUPABASE_SECRET_KEY,
			body: { seats_taken: capacity - left + 1 }
		});
		expect(patched.status).toBeLessThan(300);
		expect(await seatsOn(a)).toEqual({
			cache: 'miss',
			seats: `剩余 ${left - 1} 个名额（共 ${capacity} 个）。`
		});
		expect((await seatsOn(a)).cache).toBe('hit');

		// And back, by another program writing to the database.
		const client = new pg.Client({ connectionString: started.databaseUrl });
		await client.connect();
		await client
			.query('update public.events set seats_taken = seats_taken - 1 where slug = $1', [slug])
			.finally(() => client.end());
		expect(await seatsOn(a)).toEqual({ cache: 'miss', seats: first.seats });
	});
});
