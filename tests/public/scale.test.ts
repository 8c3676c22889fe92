/**
 * Two app servers on one PostgreSQL database, each through PgBouncer in transaction mode (a direct
 * URL for LISTEN and migrations), behind one round-robin proxy: the registration form posted by
 * many families at once, across both, overbooks nothing and sends each email once; the limits of
 * a signed-in family hold across both servers; a schema reload reaches both through LISTEN.
 */
import { expect, test } from '@playwright/test';
import {
	postRegistration,
	rushOutcome,
	seedRush,
	send,
	signInCookie,
	startCluster,
	type Cluster
} from './cluster';

test.describe('two app servers through PgBouncer behind a round-robin proxy', () => {
	let cluster: Cluster;
	test.beforeAll(async () => {
		test.setTimeout(240_000);
		cluster = await startCluster({
			apps: 2,
			poolerPort: process.env.GONGYU_PGBOUNCER_PORT
				? Number(process.env.GONGYU_PGBOUNCER_PORT)
				: undefined,
			env: {
				GONGYU_REGISTRATION_LIMIT: '4',
				// Three code requests per client address in all; the embedded Auth's own limit on
				// emails sent is lifted, so what refuses is the sign-in form's.
				GONGYU_CODE_LIMIT_PER_IP: '3',
				GONGYU_AUTH_RATE_EMAIL_SENT: '100000'
			}
		});
	});
	test.afterAll(async () => cluster?.stop());

	test('60 families post the registration form at once for 20 places: none overbooked, every email once', async () => {
		test.setTimeout(180_000);
		const { eventId, slug, families } = await seedRush(cluster, 60, 20);
		const cookies = await Promise.all(families.map((f) => signInCookie(cluster, f.email)));
		// Each opens the event page first, as a parent does (and is seen signed in there).
		const pages = await Promise.all(
			cookies.map((cookie) => send(cluster, `/events/${slug}`, { cookie }))
		);
		expect(pages.map((p) => p.status)).toEqual(pages.map(() => 200));
		expect(pages[0].text).toContain('name="member"');

		const answers = await Promise.all(
			families.map((f, i) => postRegistration(cluster, cookies[i], slug, eventId, f.memberIds))
		);
		const outcomes = answers.map((a) => (a.status === 303 ? (a.location ?? '') : `${a.status}`));
		expect(outcomes.filter((o) => o.endsWith('done=confirmed'))).toHaveLength(10);
		expect(outcomes.filter((o) => o.endsWith('done=waitlisted'))).toHaveLength(50);

		const outcome = await rushOutcome(cluster, eventId);
		expect(outcome).toEqual({
			capacity: 20,
			seats: 20,
			overbooked: 0,
			registrations: 60,
			emails: 60
		});
		// Both servers' workers deliver; each email reaches the provider once.
		await expect.poll(() => cluster.capture.emails.length, { timeout: 60_000 }).toBe(60);
		const recipients = cluster.capture.emails.map((e) => e.to[0]);
		expect(new Set(recipients).size).toBe(60);
		expect(new Set(recipients)).toEqual(new Set(families.map((f) => f.email)));
		// A worker marks its batch sent once the provider has answered for all of it: the last
		// batch may still be on its way when the sixtieth email arrives.
		const sent = async () =>
			(
				await cluster.db.query<{ n: string }>(
					`select count(*)::text as n from public.email_outbox where event_id = $1 and status = 'sent'`,
					[eventId]
				)
			).rows[0].n;
		await expect.poll(sent, { timeout: 30_000 }).toBe('60');
		// And nothing went out twice meanwhile.
		expect(cluster.capture.emails).toHaveLength(60);
	});

	test('a family’s registration limit counts its posts on both servers together', async () => {
		const { eventId, slug, families } = await seedRush(cluster, 2, 5);
		const [limited, other] = families;
		const cookie = await signInCookie(cluster, limited.email);
		// Four posts allowed (GONGYU_REGISTRATION_LIMIT), alternately on each server; the fifth not.
		const statuses: number[] = [];
		for (let i = 0; i < 5; i++)
			statuses.push(
				(await postRegistration(cluster, cookie, slug, eventId, limited.memberIds)).status
			);
		expect(statuses.slice(0, 4)).toEqual([303, 303, 303, 303]);
		expect(statuses[4]).toBe(429);
		// Another family is not held off.
		const otherCookie = await signInCookie(cluster, other.email);
		expect(
			(await postRegistration(cluster, otherCookie, slug, eventId, other.memberIds)).status
		).toBe(303);
	});

	test('the sign-in form’s code limit per client address counts the requests on both servers together', async () => {
		const { families } = await seedRush(cluster, 4, 5);
		const answers = [];
		// The round-robin proxy sends them to each server in turn: two each.
		for (const f of families)
			answers.push(
				await send(cluster, '/auth/sign-in?/request', {
					method: 'POST',
					form: new URLSearchParams({ email: f.email })
				})
			);
		expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
		expect(answers[3].text).toContain('请求过于频繁');
		const { rows } = await cluster.db.query<{ attempts: string }>(
			`select attempts from private.client_attempts where kind = 'code_request_ip'`
		);
		expect(rows.map((r) => r.attempts)).toEqual(['3']);
	});

	test('without SEND_EMAIL_HOOK_SECRET the Send Email Hook is not there, signed or not', async () => {
		const answer = await send(cluster, '/api/auth/send-email', {
			method: 'POST',
			form: new URLSearchParams({ email: 'x@example.cn' })
		});
		expect(answer.status).toBe(404);
		expect(cluster.capture.emails.filter((e) => e.to.includes('x@example.cn'))).toEqual([]);
	});

	test('nobody signed in is sent to sign in and nothing is registered', async () => {
		const { eventId, slug, families } = await seedRush(cluster, 1, 5);
		const answer = await postRegistration(cluster, '', slug, eventId, families[0].memberIds);
		expect(answer.status).toBe(303);
		expect(answer.location).toContain('/auth/sign-in');
		expect((await rushOutcome(cluster, eventId)).registrations).toBe(0);
	});

	test('a schema reload sent on the server reaches both app servers through their direct LISTEN connection', async () => {
		// Each server straight, through its own proxy (the apps read the visitor's address from
		// X-Forwarded-For, as behind nginx): the round-robin one could answer from either.
		const status = async (app: Cluster['apps'][number]) =>
			(
				await fetch(`${app.url}/rest/v1/reload_probe`, {
					headers: { apikey: cluster.keys.SUPABASE_PUBLISHABLE_KEY }
				})
			).status;
		// Before: neither server knows the table.
		for (const app of cluster.apps) expect(await status(app)).toBe(404);
		await cluster.db.query('create table public.reload_probe (id int primary key)');
		await cluster.db.query('grant select on public.reload_probe to anon');
		await cluster.db.query(`notify pgrst, 'reload schema'`);
		for (const app of cluster.apps)
			await expect.poll(() => status(app), { timeout: 15_000 }).toBe(200);
	});
});
