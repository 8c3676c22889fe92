/**
 * Runs supabase-js's own test suites (postgrest-js, auth-js) against the embedded Supabase and
 * prints pass/fail per file. Not part of `npm test`; fetches nothing: the developer provides a
 * checkout of supabase-js with each suite's dependencies installed (see the README).
 *
 *   npm run test:peer -- <supabase-js checkout> [--suite postgrest|auth|auth-docker|all] [--backend pglite|postgres]
 *     [--port 6400] [--offline] [--json FILE]
 *
 * The suites call fixed local addresses (54321, 9999 …) and send postgrest-js requests without
 * an `apikey`, as the Supabase CLI's gateway allows: a Jest setup file given to Jest points
 * `fetch` at this server and adds the publishable key where none is sent, as that gateway does.
 * `--offline` points them at a closed port instead, to count the tests that pass without a server.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';

const { values: args, positionals } = parseArgs({
	allowPositionals: true,
	options: {
		suite: { type: 'string', default: 'all' },
		backend: { type: 'string', default: 'pglite' },
		port: { type: 'string', default: '6400' },
		offline: { type: 'boolean', default: false },
		json: { type: 'string' },
		'db-server': { type: 'string', default: 'postgresql://postgres@127.0.0.1:5432' },
		help: { type: 'boolean', default: false }
	}
});

const usage =
	'npm run test:peer -- <supabase-js checkout> [--suite postgrest|auth|auth-docker|all] [--backend pglite|postgres] [--port 6400] [--offline] [--json FILE]';
const checkout = positionals[0] ?? process.env.SUPABASE_JS_DIR;
if (args.help || !checkout) {
	console.log(usage);
	process.exit(args.help ? 0 : 2);
}
const root = resolve(checkout);
const port = Number(args.port);
const suites =
	args.suite === 'all'
		? ['postgrest', 'auth', 'auth-docker']
		: args.suite
			? args.suite.split(',')
			: [];
const repo = resolve(import.meta.dirname, '..');

interface FileResult {
	file: string;
	passed: number;
	failed: number;
	skipped: number;
	/** Failed tests: title and the start of Jest's message (for --json). */
	failures: { title: string; message: string }[];
}

interface SuiteResult {
	suite: string;
	backend: string;
	files: FileResult[];
	passed: number;
	failed: number;
	skipped: number;
}

const packages: Record<string, string> = {
	postgrest: 'packages/core/postgrest-js',
	auth: 'packages/core/auth-js',
	'auth-docker': 'packages/core/auth-js'
};

function need(path: string, what: string) {
	if (!existsSync(path)) {
		console.error(`${what} not found: ${path}\n${usage}`);
		process.exit(2);
	}
}

/**
 * The suite's `supabase/` folder as the embedded Supabase can serve it: PGlite and a plain
 * PostgreSQL have no PostGIS, so its one geometry column becomes text; the `pgrst.*` settings go
 * on the role in this database only (on a shared server a cluster-wide setting outlives the run).
 */
async function preparedSupabaseDir(pkg: string, work: string): Promise<string> {
	const dir = join(work, 'supabase');
	await cp(join(pkg, 'test', 'supabase'), dir, { recursive: true });
	const migrations = join(dir, 'migrations');
	for (const name of existsSync(migrations) ? await readdir(migrations) : []) {
		const file = join(migrations, name);
		const sql = (await readFile(file, 'utf8'))
			.replace(/^\s*create extension if not exists postgis[^;]*;/gim, '')
			.replace(/extensions\.geometry\([^)]*\)/gi, 'text')
			.replace(
				/^\s*alter role authenticator set (pgrst\.[a-z_]+) to ('[^']*');/gim,
				(_, key: string, value: string) =>
					`do $pgrst$ begin execute format('alter role authenticator in database %I set ${key} = %L', current_database(), ${value}); end $pgrst$;`
			);
		await writeFile(file, sql);
	}
	return dir;
}

async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
	const server = args['db-server']!;
	const name = `gongyu_peer_${Date.now().toString(36)}`;
	const admin = new pg.Client({ connectionString: `${server}/postgres` });
	await admin.connect();
	await admin.query(`create database ${name}`);
	await admin.end();
	return {
		url: `${server}/${name}`,
		async drop() {
			const c = new pg.Client({ connectionString: `${server}/postgres` });
			await c.connect();
			await c.query(`drop database if exists ${name} with (force)`);
			await c.end();
		}
	};
}

interface Running {
	process: ChildProcess;
	status: Record<string, string>;
	stop(): Promise<void>;
}

/** `supabase:local` on the suite's folder, with the flags the suite's server had. */
async function startServer(
	dir: string,
	extra: string[],
	dbUrl?: string,
	listenOn = port
): Promise<Running> {
	const child = spawn(
		process.execPath,
		[
			'--import',
			'tsx',
			join(repo, 'scripts', 'supabase-local.ts'),
			'--dir',
			dir,
			'--port',
			String(listenOn),
			'--json',
			...(dbUrl ? ['--db-url', dbUrl] : ['--memory']),
			...extra
		],
		{
			cwd: repo,
			stdio: ['ignore', 'pipe', 'inherit'],
			// The suites run hundreds of requests from one address at full speed, as against the
			// Supabase CLI, whose gateway keeps no database-time budget per client.
			env: { ...process.env, GONGYU_REST_DB_SHARE: '0', GONGYU_REFUSAL_DELAY_MS: '0' }
		}
	);
	const status = await new Promise<Record<string, string>>((done, fail) => {
		let text = '';
		child.stdout!.on('data', (chunk: Buffer) => {
			text += chunk.toString();
			const line = text.split('\n').find((l) => l.startsWith('{'));
			if (line) done(JSON.parse(line));
		});
		child.on('exit', (code) => fail(new Error(`supabase:local exited with ${code}`)));
	});
	child.stdout!.resume();
	return {
		process: child,
		status,
		stop: () =>
			new Promise((done) => {
				child.once('exit', () => done());
				child.kill('SIGTERM');
			})
	};
}

/**
 * The Jest setup file: the suite's fixed addresses and keys → this run's servers. `bases` maps
 * each port the suite calls to the URL that answers it (a path prefix included).
 */
function setupFile(bases: Record<string, string>, keys: Record<string, string>): string {
	return `// Written by Gongyu's test:peer for one run.
const bases = ${JSON.stringify(bases)};
const keys = ${JSON.stringify(keys)};
const local = /^https?:\\/\\/(localhost|127\\.0\\.0\\.1):(\\d+)(?=\\/|$)/;
function roleOf(token) {
	try {
		const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
		return typeof payload.role === 'string' && !payload.sub ? payload.role : null;
	} catch {
		return null;
	}
}
function keyFor(role) {
	if (role === 'anon') return keys.publishable;
	if (role === 'service_role' || role === 'supabase_admin') return keys.secret;
	return null;
}
const original = globalThis.fetch;
globalThis.fetch = async (input, init) => {
	const request = new Request(input, init);
	const match = local.exec(request.url);
	if (!match || !bases[match[2]]) return original(request);
	const headers = new Headers(request.headers);
	const apikey = headers.get('apikey');
	const swapped = apikey ? keyFor(roleOf(apikey)) : null;
	if (swapped) headers.set('apikey', swapped);
	if (!apikey) headers.set('apikey', keys.publishable);
	const bearer = (headers.get('authorization') || '').replace(/^Bearer /i, '');
	const bearerKey = bearer ? keyFor(roleOf(bearer)) : null;
	if (bearerKey) headers.set('authorization', 'Bearer ' + bearerKey);
	const url = bases[match[2]] + request.url.slice(match[0].length);
	const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer();
	return original(url, { method: request.method, headers, body, redirect: request.redirect, signal: request.signal });
};
`;
}

/** The ports a suite calls: the CLI's gateway (54321), postgrest-js's bare PostgREST (3012). */
function basesFor(target: string): Record<string, string> {
	const bases: Record<string, string> = { '54321': target, '3012': `${target}/rest/v1` };
	for (const p of ['9996', '9997', '9998', '9999']) bases[p] = target;
	return bases;
}

/**
 * auth-js's docker tests call four GoTrue servers with different settings (its
 * infra/docker-compose.yml): each port gets a `supabase:local` started with those settings.
 */
const dockerServers: { port: string; flags: string[] }[] = [
	// Sign-up on, confirmation emails, anonymous sign-ins off.
	{ port: '9999', flags: ['--signup', 'on', '--auto-confirm', 'off', '--anonymous', 'off'] },
	{ port: '9998', flags: ['--signup', 'on', '--auto-confirm', 'on', '--anonymous', 'on'] },
	{ port: '9997', flags: ['--signup', 'off', '--auto-confirm', 'off'] },
	// Asymmetric keys (RS256 there; ES256 here: the tests only need a key in the JWKS).
	{ port: '9996', flags: ['--signup', 'on', '--auto-confirm', 'on', '--jwt-alg', 'ES256'] }
];

function runJest(pkg: string, setup: string, out: string, extra: string[]): void {
	const jest = join(pkg, 'node_modules', 'jest', 'bin', 'jest.js');
	need(jest, 'Jest of the suite (install its dependencies first, see the README)');
	// --ci: a snapshot that differs fails instead of being rewritten (the upstream script passes -u).
	const run = spawnSync(
		process.execPath,
		[
			jest,
			'--ci',
			'--runInBand',
			'--json',
			'--outputFile',
			out,
			'--setupFiles',
			setup,
			'--coverage=false',
			...extra
		],
		{
			cwd: pkg,
			stdio: ['ignore', 'ignore', 'pipe'],
			env: { ...process.env, FORCE_COLOR: '0' },
			maxBuffer: 256 * 1024 * 1024
		}
	);
	if (!existsSync(out)) {
		console.error(run.stderr?.toString().slice(-4000));
		throw new Error('Jest gave no results');
	}
}

interface JestJson {
	testResults: {
		name: string;
		assertionResults: {
			status: 'passed' | 'failed' | 'pending' | 'todo' | 'skipped';
			fullName: string;
			failureMessages: string[];
		}[];
		message?: string;
	}[];
}

function summarise(suite: string, backend: string, pkg: string, json: JestJson): SuiteResult {
	const files = json.testResults
		.map((r) => ({
			file: r.name.slice(pkg.length + 1),
			passed: r.assertionResults.filter((a) => a.status === 'passed').length,
			failed: r.assertionResults.filter((a) => a.status === 'failed').length,
			skipped: r.assertionResults.filter((a) => a.status !== 'passed' && a.status !== 'failed')
				.length,
			failures: r.assertionResults
				.filter((a) => a.status === 'failed')
				.map((a) => ({
					title: a.fullName,
					message: a.failureMessages.join('\n').slice(0, 1500)
				})),
			...(r.assertionResults.length === 0 && r.message
				? { failures: [{ title: '(file)', message: r.message.slice(0, 1500) }] }
				: {})
		}))
		.sort((a, b) => a.file.localeCompare(b.file));
	const sum = (k: 'passed' | 'failed' | 'skipped') => files.reduce((n, f) => n + f[k], 0);
	return {
		suite,
		backend,
		files,
		passed: sum('passed'),
		failed: sum('failed'),
		skipped: sum('skipped')
	};
}

function print(result: SuiteResult) {
	console.log(`\n${result.suite}-js on ${result.backend}${args.offline ? ' (no server)' : ''}`);
	const width = Math.max(...result.files.map((f) => f.file.length), 10);
	for (const f of result.files) {
		console.log(
			`  ${f.file.padEnd(width)}  ${String(f.passed).padStart(4)} passed  ${String(f.failed).padStart(4)} failed${f.skipped ? `  ${f.skipped} skipped` : ''}`
		);
	}
	const total = result.passed + result.failed + result.skipped;
	console.log(
		`  ${'total'.padEnd(width)}  ${String(result.passed).padStart(4)} passed  ${String(result.failed).padStart(4)} failed  of ${total}`
	);
}

/** The auth suite's `supabase/config.toml` settings the embedded server is started with. */
const authFlags = ['--signup', 'on', '--auto-confirm', 'on', '--anonymous', 'on'];

/** The docker tests: four servers, each on an empty database, one Jest run. */
async function runDockerSuite(): Promise<SuiteResult> {
	const pkg = join(root, packages.auth);
	need(join(pkg, 'package.json'), 'auth-js in the checkout');
	authSigningKeys(pkg);
	const work = await mkdtemp(join(tmpdir(), 'gongyu-peer-auth-docker-'));
	const servers: Running[] = [];
	const databases: Awaited<ReturnType<typeof freshDatabase>>[] = [];
	try {
		const dir = join(work, 'supabase');
		await cp(join(pkg, 'test', 'supabase'), dir, { recursive: true }).catch(() => {});
		const bases: Record<string, string> = {};
		let keys = { publishable: 'none', secret: 'none' };
		for (const [i, { port: docker, flags }] of dockerServers.entries()) {
			const database = args.backend === 'postgres' ? await freshDatabase() : null;
			if (database) databases.push(database);
			const server = await startServer(dir, flags, database?.url, port + i);
			servers.push(server);
			bases[docker] = `${server.status.API_URL}/auth/v1`;
			keys = { publishable: server.status.PUBLISHABLE_KEY, secret: server.status.SECRET_KEY };
		}
		const setup = join(work, 'peer-setup.cjs');
		await writeFile(setup, setupFile(bases, keys));
		const out = join(work, 'results.json');
		runJest(pkg, setup, out, ['--config', 'jest.config.docker.js']);
		const json = JSON.parse(await readFile(out, 'utf8')) as JestJson;
		return summarise('auth-docker', args.backend!, pkg, json);
	} finally {
		for (const server of servers) await server.stop();
		for (const database of databases) await database.drop().catch(() => {});
		await rm(work, { recursive: true, force: true });
	}
}

/**
 * auth-js's suite signs its keys with a key pair its own script writes into `test/supabase/`
 * (named by `signing_keys_path` in its config.toml, so the server signs with it too).
 */
function authSigningKeys(pkg: string): void {
	if (!existsSync(join(pkg, 'test', 'supabase', 'signing_keys.json'))) {
		spawnSync(process.execPath, ['test/generate-signing-keys.js'], { cwd: pkg, stdio: 'ignore' });
	}
}

async function runSuite(suite: string): Promise<SuiteResult> {
	if (suite === 'auth-docker') return runDockerSuite();
	const pkg = join(root, packages[suite]);
	need(join(pkg, 'package.json'), `${suite}-js in the checkout`);
	if (suite === 'auth') authSigningKeys(pkg);
	const work = await mkdtemp(join(tmpdir(), `gongyu-peer-${suite}-`));
	let server: Running | null = null;
	let database: Awaited<ReturnType<typeof freshDatabase>> | null = null;
	try {
		const dir =
			suite === 'postgrest' ? await preparedSupabaseDir(pkg, work) : join(work, 'supabase');
		if (suite !== 'postgrest') {
			await cp(join(pkg, 'test', 'supabase'), dir, { recursive: true }).catch(() => {});
		}
		let keys = { publishable: 'none', secret: 'none' };
		let target = `http://127.0.0.1:${port}`;
		if (args.offline) {
			// Nothing listens here: only tests that never reach a server can pass.
			target = 'http://127.0.0.1:9';
		} else {
			if (args.backend === 'postgres') database = await freshDatabase();
			server = await startServer(dir, suite === 'auth' ? authFlags : [], database?.url);
			keys = {
				publishable: server.status.PUBLISHABLE_KEY,
				secret: server.status.SECRET_KEY
			};
			target = server.status.API_URL;
		}
		const setup = join(work, 'peer-setup.cjs');
		await writeFile(setup, setupFile(basesFor(target), keys));
		const out = join(work, 'results.json');
		// auth-js's CLI suite has a config of its own that leaves the docker tests out (as upstream).
		const cliConfig = suite === 'auth' && existsSync(join(pkg, 'jest.config.cli.js'));
		runJest(pkg, setup, out, cliConfig ? ['--config', 'jest.config.cli.js'] : []);
		const json = JSON.parse(await readFile(out, 'utf8')) as JestJson;
		return summarise(suite, args.backend!, pkg, json);
	} finally {
		await server?.stop();
		await database?.drop().catch(() => {});
		await rm(work, { recursive: true, force: true });
	}
}

const results: SuiteResult[] = [];
for (const suite of suites) {
	if (!packages[suite]) {
		console.error(`unknown suite ${suite}\n${usage}`);
		process.exit(2);
	}
	const result = await runSuite(suite);
	print(result);
	results.push(result);
}
if (args.json) await writeFile(args.json, JSON.stringify(results, null, 2));
