/**
 * Past one machine: app servers on one PostgreSQL database, each reaching it through PgBouncer in
 * transaction mode (with a direct URL for LISTEN and migrations, as Supabase documents for its
 * pooler), behind one round-robin reverse proxy, emails to the Resend capture server. Families
 * signed in by the embedded Auth's password grant and their cookies written by @supabase/ssr, so
 * a test or the rush bench posts the real registration form as a browser would.
 */
import http from 'node:http';
import { createServerClient } from '@supabase/ssr';
import pg from 'pg';
import WebSocket from 'ws';
import { SESSION_COOKIE_ENCODING } from '../../src/lib/server/cookies';
import { openPostgres } from '../../src/lib/server/embedded-supabase/database';
import type { Database } from '../../src/lib/server/embedded-supabase/database';
import { startPgbouncer, type Pooler } from '../support/pgbouncer';
import { createWorld, insertEvent, insertFamilies, type Domain } from '../support/personas';
import { startResendCapture, type ResendCapture } from '../support/resend-capture';
import { SERVER_URL } from '../support/server';
import {
	PUBLIC_ORIGIN,
	freePort,
	freshDatabase,
	ownSecrets,
	startApp,
	startProxy,
	type App,
	type Env
} from './support';

export interface Cluster {
	/** The round-robin proxy in front of every app server. */
	url: string;
	apps: App[];
	keys: Env;
	databaseUrl: string;
	pooler: Pooler | null;
	capture: ResendCapture;
	/** Owner connections straight to the server (setup and checks). */
	db: Database;
	stop(): Promise<void>;
}

export interface ClusterOptions {
	apps: number;
	/** Through PgBouncer (default) or straight to the server. */
	pooler?: boolean;
	/** PgBouncer's port (default: a free one). */
	poolerPort?: number;
	env?: Env;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
	const database = await freshDatabase();
	const name = new URL(database.url).pathname.slice(1);
	const stops: (() => Promise<unknown>)[] = [() => database.drop()];
	const stop = async () => {
		for (const s of stops.reverse()) await s().catch(() => {});
	};
	try {
		const pooler =
			options.pooler === false
				? null
				: await startPgbouncer(SERVER_URL, options.poolerPort ?? (await freePort()));
		if (pooler) stops.push(() => pooler.stop());
		const capture = await startResendCapture({ apiKey: 're_test_cluster' });
		stops.push(() => capture.close());
		const keys = ownSecrets();
		const apps: App[] = [];
		stops.push(() => Promise.all(apps.map((a) => a.stop())));
		// One at a time: the first migrates the new database, the others find it migrated.
		for (let i = 0; i < options.apps; i++) {
			apps.push(
				await startApp({
					...keys,
					DATABASE_URL: pooler ? pooler.url(name) : database.url,
					...(pooler ? { DATABASE_DIRECT_URL: database.url } : {}),
					RESEND_API_KEY: 're_test_cluster',
					RESEND_BASE_URL: capture.url,
					EMAIL_FROM: 'Gongyu <noreply@gongyu.example.cn>',
					EMAIL_RATE_PER_SECOND: '50',
					GONGYU_AUTH_RATE_SIGN_IN_SIGN_UPS: '100000',
					GONGYU_AUTH_RATE_TOKEN_REFRESH: '100000',
					GONGYU_REST_DB_SHARE: '0',
					...options.env
				})
			);
		}
		const proxy = await startProxy(apps.map((a) => a.port));
		stops.push(() => proxy.close());
		const db = await openPostgres({ connectionString: database.url, max: 4 });
		stops.push(() => db.close());
		return { url: proxy.url, apps, keys, databaseUrl: database.url, pooler, capture, db, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}

/** The personas' fixtures write as the owner only; their supabase-js clients are not used here. */
export function ownerOnly(db: Database): Domain {
	return { db, anon: () => null, as: () => null } as unknown as Domain;
}

export const FAMILY_PASSWORD = 'rush-hour-2026';

export interface RushFamily {
	email: string;
	memberIds: string[];
}

/** One published event of `capacity` places opening now, and `families` families with passwords. */
export async function seedRush(
	cluster: Cluster,
	families: number,
	capacity: number
): Promise<{ eventId: string; slug: string; families: RushFamily[] }> {
	const domain = ownerOnly(cluster.db);
	const world = await createWorld(domain);
	const eventId = await insertEvent(domain, world, {
		capacity,
		maxSeats: 2,
		minAge: null,
		maxAge: null,
		waitlist: true
	});
	const made = await insertFamilies(domain, families);
	// bcrypt at cost 4: the sign-ins in setup are not what is measured.
	await cluster.db.query(
		`update auth.users set encrypted_password = extensions.crypt($1, extensions.gen_salt('bf', 4))
		 where email like 'family-%@test.gongyu.local'`,
		[FAMILY_PASSWORD]
	);
	const { rows } = await cluster.db.query<{ slug: string }>(
		'select slug from public.events where id = $1',
		[eventId]
	);
	return {
		eventId,
		slug: rows[0].slug,
		families: made.map((f) => ({ email: f.user.email, memberIds: [f.parentId, f.childId] }))
	};
}

/**
 * Signs a family in with the password grant and answers the Cookie header a browser would then
 * send: the cookies @supabase/ssr writes for the app's origin, as the app's own client reads them.
 */
export async function signInCookie(cluster: Cluster, email: string): Promise<string> {
	const jar = new Map<string, string>();
	const supabase = createServerClient(PUBLIC_ORIGIN, cluster.keys.SUPABASE_PUBLISHABLE_KEY, {
		cookieEncoding: SESSION_COOKIE_ENCODING,
		realtime: { transport: WebSocket as never },
		cookies: {
			getAll: () => [...jar].map(([name, value]) => ({ name, value })),
			setAll: (cookies) => cookies.forEach((c) => jar.set(c.name, c.value))
		},
		global: {
			fetch: (input, init) =>
				fetch(String(input).replace(PUBLIC_ORIGIN, cluster.url), {
					...init,
					headers: { ...Object.fromEntries(new Headers(init?.headers)), host: 'gongyu.example.cn' }
				})
		}
	});
	const { error } = await supabase.auth.signInWithPassword({ email, password: FAMILY_PASSWORD });
	if (error) throw new Error(`sign-in of ${email}: ${error.status} ${error.message}`);
	// As the browser sends them back: URL-encoded, as the app's Set-Cookie wrote them.
	return [...jar].map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('; ');
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });

/** A plain HTTP request through the proxy, Host and Origin as a browser on the site sends them. */
export function send(
	cluster: Cluster,
	path: string,
	options: { method?: string; cookie?: string; form?: URLSearchParams } = {}
): Promise<{ status: number; location: string | null; text: string }> {
	const target = new URL(cluster.url);
	const body = options.form?.toString();
	return new Promise((done, fail) => {
		const req = http.request(
			{
				host: target.hostname,
				port: target.port,
				method: options.method ?? 'GET',
				path,
				agent,
				headers: {
					host: 'gongyu.example.cn',
					// A browser's form post: SvelteKit answers it with the redirect, not JSON.
					accept: 'text/html',
					...(options.cookie ? { cookie: options.cookie } : {}),
					...(body !== undefined
						? {
								origin: PUBLIC_ORIGIN,
								'content-type': 'application/x-www-form-urlencoded',
								'content-length': Buffer.byteLength(body)
							}
						: {})
				}
			},
			(res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (chunk) => (text += chunk));
				res.on('end', () =>
					done({
						status: res.statusCode ?? 0,
						location: (res.headers.location as string | undefined) ?? null,
						text
					})
				);
			}
		);
		req.on('error', fail);
		req.end(body);
	});
}

/** The registration form of the event page, posted without JavaScript (member boxes ticked). */
export function postRegistration(
	cluster: Cluster,
	cookie: string,
	slug: string,
	eventId: string,
	memberIds: string[]
) {
	const form = new URLSearchParams({ event_id: eventId });
	for (const id of memberIds) form.append('member', id);
	return send(cluster, `/events/${slug}?/register`, { method: 'POST', cookie, form });
}

/** Seats taken against capacity, and the registrations and outbox rows of the event. */
export async function rushOutcome(cluster: Cluster, eventId: string) {
	const { rows } = await cluster.db.query<Record<string, string>>(
		`select e.capacity::text,
			(select count(*)::text from public.registrations r
				join public.registration_attendees a on a.registration_id = r.id
				where r.event_id = e.id and r.status = 'confirmed') as seats,
			(select count(*)::text from public.registrations r where r.event_id = e.id
				and r.status in ('confirmed', 'waitlisted')) as registrations,
			(select count(*)::text from public.email_outbox o where o.event_id = e.id) as emails
		 from public.events e where e.id = $1`,
		[eventId]
	);
	const r = rows[0];
	return {
		capacity: Number(r.capacity),
		seats: Number(r.seats),
		overbooked: Math.max(0, Number(r.seats) - Number(r.capacity)),
		registrations: Number(r.registrations),
		emails: Number(r.emails)
	};
}

/** Runs `work` for every index with at most `limit` in flight; answers each one's latency. */
export async function inFlight(count: number, limit: number, work: (i: number) => Promise<void>) {
	const latencies: number[] = new Array(count);
	let next = 0;
	const started = performance.now();
	await Promise.all(
		Array.from({ length: Math.min(limit, count) }, async () => {
			while (next < count) {
				const i = next++;
				const t0 = performance.now();
				await work(i);
				latencies[i] = performance.now() - t0;
			}
		})
	);
	return { seconds: (performance.now() - started) / 1000, latencies };
}

/** A second event like `like` (same organisation, places) for a rush without the web. */
async function eventLike(cluster: Cluster, like: string) {
	const { rows } = await cluster.db.query<{ org_id: string; capacity: number }>(
		'select org_id::text, capacity from public.events where id = $1',
		[like]
	);
	const eventId = await insertEvent(ownerOnly(cluster.db), { orgA: rows[0].org_id } as never, {
		capacity: Number(rows[0].capacity),
		maxSeats: 2,
		minAge: null,
		maxAge: null,
		waitlist: true
	});
	const { rows: made } = await cluster.db.query<{ slug: string }>(
		'select slug from public.events where id = $1',
		[eventId]
	);
	return { eventId, slug: made[0].slug };
}

/** The rush families' user ids and a session of each (the one its sign-in made), by email. */
async function rushUsers(cluster: Cluster) {
	const { rows } = await cluster.db.query<{ id: string; email: string; session: string | null }>(
		`select u.id::text, u.email,
			(select s.id::text from auth.sessions s where s.user_id = u.id limit 1) as session
		 from auth.users u where u.email like 'family-%@test.gongyu.local'`
	);
	return new Map(rows.map((u) => [u.email, u]));
}

interface DirectOptions {
	concurrency: number;
	poolSize: number;
	/** Called when every call has answered, while the pool's connections are still open. */
	finished?: () => Promise<void>;
}

/** Runs `step(client, i)` for every family over a pool straight to the server. */
async function overPool(
	cluster: Cluster,
	families: RushFamily[],
	options: DirectOptions,
	step: (client: pg.PoolClient, i: number) => Promise<void>
) {
	const pool = new pg.Pool({ connectionString: cluster.databaseUrl, max: options.poolSize });
	pool.on('error', () => {});
	try {
		const run = await inFlight(families.length, options.concurrency, async (i) => {
			const client = await pool.connect();
			try {
				await step(client, i);
			} catch (error) {
				await client.query('rollback').catch(() => {});
				throw error;
			} finally {
				client.release();
			}
		});
		await options.finished?.();
		return run;
	} finally {
		await pool.end();
	}
}

/**
 * The rush without the web: a second event like the first (same organisation, places), and
 * register_family called for each family straight on the server, as that family (its JWT claims,
 * role authenticated), `concurrency` at a time over a pool of `poolSize` connections.
 */
export async function registerDirectly(
	cluster: Cluster,
	like: string,
	families: RushFamily[],
	options: DirectOptions
) {
	const { eventId } = await eventLike(cluster, like);
	const users = await rushUsers(cluster);
	const run = await overPool(cluster, families, options, async (client, i) => {
		await client.query('begin');
		await client.query(
			`select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)`,
			[JSON.stringify({ sub: users.get(families[i].email)!.id, role: 'authenticated' })]
		);
		await client.query('select public.register_family($1::uuid, $2::uuid[])', [
			eventId,
			families[i].memberIds
		]);
		await client.query('commit');
	});
	return { eventId, ...run };
}

/**
 * The journey's database work without the app servers: for each family, in a second event like
 * the first, the six calls the event page and the form's post make, each in its own transaction
 * as the app makes them (the scope and the call in one round trip): GET — the session check
 * (auth.user_with_session), the menu's staff check, event_page; POST — the session check, the
 * attempt count (as the service role), register_on_page. What the database alone can carry of the
 * HTTP rush, on the same pool as registerDirectly.
 */
export async function journeyDirectly(
	cluster: Cluster,
	like: string,
	families: RushFamily[],
	options: DirectOptions
) {
	const { eventId, slug } = await eventLike(cluster, like);
	const users = await rushUsers(cluster);
	const literal = (value: string) => pg.escapeLiteral(value);
	const run = await overPool(cluster, families, options, async (client, i) => {
		const user = users.get(families[i].email)!;
		const as = (role: string, claims: object) =>
			`select set_config('request.jwt.claims', ${literal(JSON.stringify(claims))}, true), ` +
			`set_config('role', ${literal(role)}, true);`;
		const family = as('authenticated', { sub: user.id, role: 'authenticated' });
		const session = `select auth.user_with_session(${literal(user.id)}::uuid, ${
			user.session ? `${literal(user.session)}::uuid` : 'null'
		})::text;`;
		const steps = [
			session,
			`${family} select org_id from public.org_members where user_id = ${literal(user.id)} limit 1;`,
			`${family} select public.event_page(${literal(slug)});`,
			session,
			`${as('service_role', { role: 'service_role' })} select public.count_client_attempt('registration', ${literal(`user:${user.id}`)}, 600);`,
			`${family} select public.register_on_page(${literal(slug)}, ${literal(eventId)}::uuid, array[${families[
				i
			].memberIds
				.map((m) => `${literal(m)}::uuid`)
				.join(', ')}]);`
		];
		for (const step of steps) await client.query(`begin; ${step} commit;`);
	});
	return { eventId, ...run };
}
