/**
 * Debian's PgBouncer in transaction mode in front of the test server, as Supabase puts Supavisor
 * (port 6543) in front of a project's Postgres: each transaction gets whichever server connection
 * is free, so nothing may outlive a transaction. Its own ini and log in a temporary directory.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PGBOUNCER_PATH = process.env.PGBOUNCER_PATH ?? '/usr/sbin/pgbouncer';

export interface Pooler {
	/** postgresql://…@127.0.0.1:<port>/<database> through the pooler. */
	url(database: string): string;
	port: number;
	stop(): Promise<void>;
}

/** Starts PgBouncer on `port`, pointing at `server` (postgresql://user@host:port). */
export async function startPgbouncer(server: string, port: number, poolSize = 20): Promise<Pooler> {
	const target = new URL(server);
	const user = decodeURIComponent(target.username || 'postgres');
	const dir = await mkdtemp(join(tmpdir(), 'gongyu-pgbouncer-'));
	await writeFile(join(dir, 'users.txt'), `"${user}" ""\n`);
	await writeFile(
		join(dir, 'pgbouncer.ini'),
		`[databases]
* = host=${target.hostname} port=${target.port || 5432}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
auth_type = trust
auth_file = ${join(dir, 'users.txt')}
pool_mode = transaction
default_pool_size = ${poolSize}
max_client_conn = 2000
ignore_startup_parameters = extra_float_digits
logfile = ${join(dir, 'pgbouncer.log')}
pidfile = ${join(dir, 'pgbouncer.pid')}
`
	);
	// PgBouncer will not run as root: there (CI, containers) it is told to become postgres.
	const asRoot = process.getuid?.() === 0;
	if (asRoot) await chmod(dir, 0o777);
	const args = [...(asRoot ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')];
	const child = spawn(PGBOUNCER_PATH, args, { stdio: 'pipe' });
	let output = '';
	child.stderr.on('data', (chunk) => (output += chunk));
	let exited = false;
	child.on('exit', () => (exited = true));
	const deadline = Date.now() + 10_000;
	while (!(await accepts(port))) {
		if (exited || Date.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error(`PgBouncer did not start on ${port}: ${output}`);
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	return {
		port,
		url: (database) => `postgresql://${encodeURIComponent(user)}@127.0.0.1:${port}/${database}`,
		async stop() {
			if (!exited) {
				const gone = new Promise((done) => child.on('exit', done));
				child.kill('SIGINT');
				await gone;
			}
			await rm(dir, { recursive: true, force: true });
		}
	};
}

function accepts(port: number): Promise<boolean> {
	return new Promise((done) => {
		const socket = createConnection({ host: '127.0.0.1', port }, () => {
			socket.end();
			done(true);
		});
		socket.on('error', () => done(false));
	});
}
