/**
 * Starting the production build as a district would: its own origin and secrets, behind a reverse
 * proxy that adds X-Forwarded-For and X-Forwarded-Proto (as nginx does), and talking to it over
 * plain HTTP the way a browser or a mail provider would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http, { type IncomingHttpHeaders } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { resolve } from 'node:path';
import { test } from '@playwright/test';
import pg from 'pg';
import { SERVER_URL } from '../support/server';

/** The e2e webServers build the app here before any test runs. */
export const BUILD_DIR = resolve(process.env.GONGYU_BUILD_DIR ?? 'build');
export const PUBLIC_HOST = 'gongyu.example.cn';
export const PUBLIC_ORIGIN = `https://${PUBLIC_HOST}`;

export type Env = Record<string, string>;

/** A district's own secrets, made as the README says. */
export function ownSecrets(): Env {
	const random = () => randomBytes(32).toString('base64url');
	return {
		SUPABASE_PUBLISHABLE_KEY: `sb_publishable_${random()}`,
		SUPABASE_SECRET_KEY: `sb_secret_${random()}`,
		JWT_SECRET: random()
	};
}

export async function freePort(): Promise<number> {
	const server = createNetServer();
	await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
	const { port } = server.address() as { port: number };
	await new Promise((done) => server.close(done));
	return port;
}

/** A fresh database on the shared PostgreSQL server; drop() removes it. */
export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
	const name = `gongyu_public_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
	const admin = async (sql: string) => {
		const client = new pg.Client({ connectionString: `${SERVER_URL}/postgres` });
		await client.connect();
		try {
			await client.query(sql);
		} finally {
			await client.end();
		}
	};
	await admin(`create database ${name}`);
	return {
		url: `${SERVER_URL}/${name}`,
		drop: () => admin(`drop database if exists ${name} with (force)`)
	};
}

/**
 * What every started server gets: a clean environment, so nothing leaks in from the test run, and
 * what the README's `/etc/gongyu.env` sets besides the secrets.
 */
function baseEnv(port: number): Env {
	return {
		PATH: process.env.PATH ?? '',
		HOME: process.env.HOME ?? '/tmp',
		PORT: String(port),
		HOST: '127.0.0.1',
		ORIGIN: PUBLIC_ORIGIN,
		ADDRESS_HEADER: 'x-forwarded-for',
		XFF_DEPTH: '1',
		BODY_SIZE_LIMIT: '51M',
		KEEP_ALIVE_TIMEOUT: '65',
		EMAIL_WORKER_INTERVAL_MS: '500'
	};
}

function collect(child: ChildProcess): () => string {
	let output = '';
	child.stdout?.on('data', (chunk) => (output += chunk));
	child.stderr?.on('data', (chunk) => (output += chunk));
	return () => output;
}

/** Starts the build with `env` and waits for its exit: for configurations it must refuse. */
export async function runUntilExit(
	env: Env,
	timeoutMs = 60_000
): Promise<{ code: number | null; output: string }> {
	const child = spawn(process.execPath, [BUILD_DIR], {
		env: { ...baseEnv(await freePort()), ...env }
	});
	const output = collect(child);
	const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
	const code = await new Promise<number | null>((done) => child.on('exit', done));
	clearTimeout(timer);
	return { code, output: output() };
}

export interface App {
	/** The proxy's URL: what the tests talk to. */
	url: string;
	/** The app's own port (behind the proxy). */
	port: number;
	process: ChildProcess;
	output(): string;
	stop(): Promise<void>;
}

/**
 * Starts the build with `env` behind a reverse proxy, and waits until /healthz answers 200. The
 * proxy listens on `proxyPort` when given (so ORIGIN can name it, for a browser), else on any port.
 */
export async function startApp(env: Env, proxyPort = 0): Promise<App> {
	const port = await freePort();
	const child = spawn(process.execPath, [BUILD_DIR], { env: { ...baseEnv(port), ...env } });
	const output = collect(child);
	let exited = false;
	child.on('exit', () => (exited = true));
	const deadline = Date.now() + 150_000;
	for (;;) {
		if (exited) throw new Error(`the server exited while starting:\n${output()}`);
		if (Date.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error(`the server did not answer /healthz:\n${output()}`);
		}
		const ok = await fetch(`http://127.0.0.1:${port}/healthz`)
			.then((r) => r.ok)
			.catch(() => false);
		if (ok) break;
		await new Promise((r) => setTimeout(r, 250));
	}
	const proxy = await startProxy(port, proxyPort);
	return {
		url: proxy.url,
		port,
		process: child,
		output,
		async stop() {
			await proxy.close();
			if (exited) return;
			const gone = new Promise((done) => child.on('exit', done));
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
			await gone;
			clearTimeout(timer);
		}
	};
}

/**
 * A reverse proxy as a district puts in front of the app (nginx's `proxy_set_header Host $host`,
 * `X-Forwarded-For $proxy_add_x_forwarded_for`, `X-Forwarded-Proto $scheme`), TLS left out. The
 * visitor's address is the socket's, or the one a test names in `x-test-client`.
 */
export async function startProxy(
	target: number | number[],
	listenPort = 0
): Promise<{ url: string; close(): Promise<void> }> {
	// Several targets: round robin, one request to each in turn (nginx's default for an upstream).
	const targets = Array.isArray(target) ? target : [target];
	let turn = 0;
	// nginx's `keepalive` upstream: idle connections reused, and closed after 60 s idle.
	const agent = new http.Agent({ keepAlive: true, maxSockets: 256, timeout: 60_000 });
	const server = http.createServer((req, res) => {
		const port = targets[turn++ % targets.length];
		const headers = { ...req.headers };
		// Tests play visitors from several addresses: the proxy reports the one they name.
		const named = headers['x-test-client'];
		delete headers['x-test-client'];
		const client = typeof named === 'string' ? named : (req.socket.remoteAddress ?? '');
		const before = headers['x-forwarded-for'];
		headers['x-forwarded-for'] = before ? `${before}, ${client}` : client;
		headers['x-forwarded-proto'] = 'https';
		const upstream = http.request(
			{ host: '127.0.0.1', port, method: req.method, path: req.url, headers, agent },
			(answer) => {
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			}
		);
		upstream.on('error', () => {
			if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
			res.end('bad gateway');
		});
		req.pipe(upstream);
	});
	await new Promise<void>((done) => server.listen(listenPort, '127.0.0.1', done));
	const { port } = server.address() as { port: number };
	return {
		url: `http://127.0.0.1:${port}`,
		close: () =>
			new Promise<void>((done) => {
				server.closeAllConnections();
				agent.destroy();
				server.close(() => done());
			})
	};
}

export interface Answer {
	status: number;
	headers: IncomingHttpHeaders;
	text: string;
	json<T = unknown>(): T;
}

/**
 * One HTTP request with exactly the headers given (fetch would not send a Host header of the
 * test's choosing). The Host defaults to the public name, as a browser on the site sends it.
 */
export function request(
	url: string,
	options: { method?: string; headers?: Record<string, string>; body?: string } = {}
): Promise<Answer> {
	const target = new URL(url);
	return new Promise((done, fail) => {
		const req = http.request(
			{
				host: target.hostname,
				port: target.port,
				method: options.method ?? 'GET',
				path: target.pathname + target.search,
				headers: { host: PUBLIC_HOST, ...options.headers }
			},
			(res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (chunk) => (text += chunk));
				res.on('end', () =>
					done({
						status: res.statusCode ?? 0,
						headers: res.headers,
						text,
						json: <T>() => JSON.parse(text) as T
					})
				);
			}
		);
		req.on('error', fail);
		req.end(options.body);
	});
}

/** JSON to the embedded API with a key (and optionally a bearer token). */
export function api(
	app: { url: string },
	path: string,
	key: string,
	options: {
		method?: string;
		body?: unknown;
		token?: string;
		headers?: Record<string, string>;
	} = {}
): Promise<Answer> {
	return request(`${app.url}${path}`, {
		method: options.method,
		headers: {
			apikey: key,
			...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
			...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
			...options.headers
		},
		body: options.body !== undefined ? JSON.stringify(options.body) : undefined
	});
}

/**
 * For a describe block: before its tests, a fresh database on the shared server and one app per
 * `env` on it, behind a proxy each; after them, all stopped and the database dropped.
 */
export function onFreshDatabase(...envs: Env[]): { apps: App[]; databaseUrl: string } {
	const started = { apps: [] as App[], databaseUrl: '' };
	let database: Awaited<ReturnType<typeof freshDatabase>> | null = null;
	test.beforeAll(async () => {
		test.setTimeout(180_000);
		database = await freshDatabase();
		started.databaseUrl = database.url;
		for (const env of envs)
			started.apps.push(await startApp({ ...env, DATABASE_URL: database.url }));
	});
	test.afterAll(async () => {
		for (const app of started.apps) await app.stop();
		await database?.drop();
	});
	return started;
}
