/**
 * One family's journey of the rush (event page, then the registration form) on one app server
 * through PgBouncer, with every SQL statement of the run's database logged by the server
 * (log_statement = all for that database only), and, with --profile-dir, the app's CPU profiled: what a
 * GET and a POST cost. Then `--families` more GETs, then as many POSTs, with the CPU time of the
 * app and of PostgreSQL for each phase (bench/cpu-split.ts; with --profile-dir, the
 * app's CPU profile of each phase, app-<pid>-1 for the GETs, -2 the POSTs, -3 the direct calls).
 *
 *   npm run build && npx tsx bench/rush-trace.ts [--families 300] [--pgbouncer-port 6543]
 *     [--profile-dir dir] [--log <the PostgreSQL server's log file>]
 *
 * Without --log, the file the server names (pg_current_logfile(), when its logging collector runs).
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { snapshot, split } from './cpu-split';
import {
	postRegistration,
	registerDirectly,
	seedRush,
	send,
	signInCookie,
	startCluster
} from '../tests/public/cluster';

const { values } = parseArgs({
	options: {
		families: { type: 'string', default: '300' },
		'pgbouncer-port': { type: 'string' },
		'profile-dir': { type: 'string' },
		log: { type: 'string' }
	}
});
const families = Number(values.families);
const profileDir = values['profile-dir'];

/**
 * Node refuses --cpu-prof in NODE_OPTIONS, but takes --require: this preload lets the bench profile
 * the app server through the inspector, one phase at a time: the first SIGUSR2 starts the profiler,
 * the next writes `app-<pid>-<n>.cpuprofile` (Chrome DevTools) and stops it.
 */
const preload = `const inspector = require('node:inspector');
const session = new inspector.Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 250 });
let running = false;
let n = 0;
process.on('SIGUSR2', () => {
	if (!running) {
		running = true;
		return session.post('Profiler.start');
	}
	running = false;
	session.post('Profiler.stop', (error, result) => {
		if (!error) require('node:fs').writeFileSync(
			require('node:path').join(process.env.PROFILE_DIR, 'app-' + process.pid + '-' + ++n + '.cpuprofile'),
			JSON.stringify(result.profile));
	});
});
`;
if (profileDir) {
	await mkdir(profileDir, { recursive: true });
	await writeFile(join(profileDir, 'profile-preload.cjs'), preload);
}

const cluster = await startCluster({
	apps: 1,
	poolerPort: values['pgbouncer-port'] ? Number(values['pgbouncer-port']) : undefined,
	env: {
		GONGYU_REGISTRATION_LIMIT: '1000',
		EMAIL_WORKER_INTERVAL_MS: '1000',
		...(profileDir
			? {
					NODE_OPTIONS: `--require ${resolve(profileDir, 'profile-preload.cjs')}`,
					PROFILE_DIR: resolve(profileDir)
				}
			: {})
	}
});
const name = new URL(cluster.databaseUrl).pathname.slice(1);
try {
	const { eventId, slug, families: fams } = await seedRush(cluster, families + 1, 1000);
	const cookies = await Promise.all(fams.map((f) => signInCookie(cluster, f.email)));
	async function serverLogFile(): Promise<string> {
		const { rows } = await cluster.db.query<{ file: string | null; dir: string }>(
			`select pg_current_logfile() as file, current_setting('data_directory') as dir`
		);
		const file = rows[0].file;
		if (!file)
			throw new Error(
				'the server names no log file (logging_collector is off): pass --log <its log file>'
			);
		return isAbsolute(file) ? file : join(rows[0].dir, file);
	}
	await cluster.db.query(`alter database ${name} set log_statement = 'all'`);
	// New server connections read the setting; PgBouncer's idle ones are closed so none is old.
	await cluster.db.query(
		`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`,
		[name]
	);
	// The app's LISTEN connection was among them: it reconnects (back-off from 200 ms) and reloads
	// its schema cache, which is not the journey's; let that pass before tracing.
	await new Promise((r) => setTimeout(r, 2000));
	const logFile = values.log ?? (await serverLogFile());
	const statements = async (label: string, step: () => Promise<unknown>) => {
		const from = (await stat(logFile)).size;
		await step();
		await new Promise((r) => setTimeout(r, 300));
		const text = (await readFile(logFile)).subarray(from).toString('utf8');
		const lines = text
			.split('\n')
			.filter((l) => l.includes(`@${name} LOG:`) && /(statement|execute [^:]*):/.test(l));
		console.log(`${label}: ${lines.length} statements`);
		for (const l of lines) {
			const text = l.replace(/^.*?LOG: +/, '');
			// What each statement reads or calls, by name (the scope's set_config calls counted).
			const names = [...new Set(text.match(/"?(public|auth|private)"?\."?\w+"?/g) ?? [])];
			const scope = text.match(/set_config\(/g)?.length;
			console.log(
				'   ',
				scope ? `scope (${scope} settings)` : names.join(' ') || text.slice(0, 80)
			);
		}
	};
	// A warm-up journey (first compiles, schema cache), then the traced one.
	await send(cluster, `/events/${slug}`, { cookie: cookies[1] });
	await statements('GET event page', () =>
		send(cluster, `/events/${slug}`, { cookie: cookies[0] })
	);
	await statements('POST registration form', () =>
		postRegistration(cluster, cookies[0], slug, eventId, fams[0].memberIds)
	);
	await cluster.db.query(`alter database ${name} reset log_statement`);
	await cluster.db.query(
		`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`,
		[name]
	);
	/** With --profile-dir: starts the app's profiler, or writes its profile of the phase. */
	const profile = () => {
		if (profileDir) cluster.apps[0].process.kill('SIGUSR2');
	};
	const named = { app: [cluster.apps[0].process.pid!] };
	/**
	 * The CPU of the app and of PostgreSQL (all its processes, from /proc) while `work` runs `n`
	 * steps (`work` calls `finished` before it closes any connection: a backend that has gone takes
	 * its time with it).
	 */
	const measured = async (
		label: string,
		n: number,
		work: (finished: () => Promise<void>) => Promise<unknown>
	) => {
		const before = await snapshot();
		profile();
		const t0 = performance.now();
		let seconds = 0;
		let spent = new Map<string, number>();
		const finished = async () => {
			seconds = (performance.now() - t0) / 1000;
			profile();
			spent = split(before, await snapshot(), named);
		};
		await work(finished);
		const each = (group: string) => {
			const ms = spent.get(group) ?? 0;
			return `${(ms / 1000).toFixed(1)} s = ${(ms / n).toFixed(1)} ms each`;
		};
		console.log(
			`${label}: ${n} in ${seconds.toFixed(1)} s; app CPU ${each('app')}; PostgreSQL CPU ${each('PostgreSQL')}`
		);
	};
	/** Runs `step` for every family but the traced two, 16 at a time. */
	const phase = (label: string, step: (i: number) => Promise<unknown>) =>
		measured(label, fams.length - 2, async (finished) => {
			for (let i = 2; i < fams.length; i += 16)
				await Promise.all(fams.slice(i, i + 16).map((_, j) => step(i + j)));
			await finished();
		});
	await phase('GET event page', (i) => send(cluster, `/events/${slug}`, { cookie: cookies[i] }));
	await phase('POST registration form (and the email worker meanwhile)', (i) =>
		postRegistration(cluster, cookies[i], slug, eventId, fams[i].memberIds)
	);
	// The same families through register_family straight on the server, 16 at a time: what the
	// SQL alone costs the database (bench/rush.ts compares the two rates).
	await measured('register_family directly', fams.length, (finished) =>
		registerDirectly(cluster, eventId, fams, { concurrency: 16, poolSize: 8, finished })
	);
} finally {
	await cluster.stop();
}
process.exit(0);
