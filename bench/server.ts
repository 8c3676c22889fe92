/**
 * Starts `node build` on a data directory (or on the database in `env.DATABASE_URL`) and waits
 * until a path answers 200. For benchmarks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Started {
	origin: string;
	process: ChildProcess;
	/** Milliseconds from spawn to the first 200. */
	readyMs: number;
	stop(): Promise<void>;
}

export async function startBuild(options: {
	port: number;
	/** The embedded PGlite's data directory; none when `env` has a DATABASE_URL. */
	dataDir?: string;
	path?: string;
	env?: Record<string, string>;
	timeoutMs?: number;
	/** The build's folder (default `build`). */
	buildDir?: string;
	/** Drop the server's own output. */
	quiet?: boolean;
}): Promise<Started> {
	const buildDir = options.buildDir ?? 'build';
	if (!existsSync(`${buildDir}/index.js`))
		throw new Error(`No ${buildDir}/ — run \`npm run build\` first.`);
	const origin = `http://localhost:${options.port}`;
	const started = performance.now();
	const child = spawn(process.execPath, [buildDir], {
		stdio: ['ignore', 'ignore', options.quiet ? 'ignore' : 'inherit'],
		env: {
			...process.env,
			PORT: String(options.port),
			ORIGIN: origin,
			...(options.dataDir ? { GONGYU_DATA_DIR: options.dataDir } : {}),
			...options.env
		}
	});
	let exited = false;
	child.on('exit', () => (exited = true));
	const deadline = started + (options.timeoutMs ?? 120_000);
	for (;;) {
		if (exited) throw new Error('the server exited before answering');
		if (performance.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error('the server did not answer in time');
		}
		try {
			const response = await fetch(`${origin}${options.path ?? '/'}`);
			await response.arrayBuffer();
			if (response.status === 200) break;
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 25));
	}
	const readyMs = performance.now() - started;
	return {
		origin,
		process: child,
		readyMs,
		stop: () =>
			new Promise<void>((resolve) => {
				if (exited) return resolve();
				// adapter-node waits up to SHUTDOWN_TIMEOUT (30 s) for open connections: don't.
				const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
				child.once('exit', () => {
					clearTimeout(force);
					resolve();
				});
				child.kill('SIGTERM');
			})
	};
}
