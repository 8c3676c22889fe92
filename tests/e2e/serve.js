// Starts the production build for the end-to-end tests on a fresh, temporary PGlite data
// directory and Storage folder (removed on exit). Builds first unless GONGYU_E2E_SKIP_BUILD=1 or E2E_BUILD=0
// (scripts/test.js builds once and sets it).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

if (process.env.E2E_BUILD === '1') {
	const build = spawnSync('npx', ['vite', 'build'], { stdio: 'inherit' });
	if (build.status !== 0) process.exit(build.status ?? 1);
}

// PGlite in <temp>/pglite, so Storage's default (`storage` beside it) is inside the same folder.
const tempDir = mkdtempSync(join(tmpdir(), 'gongyu-e2e-'));
const dataDir = join(tempDir, 'pglite');
const server = spawn(process.execPath, [process.env.GONGYU_BUILD_DIR ?? 'build'], {
	stdio: 'inherit',
	env: {
		BODY_SIZE_LIMIT: '51M',
		...process.env,
		GONGYU_DATA_DIR: dataDir
	}
});

let stopping = false;
/** @param {NodeJS.Signals} signal */
function stop(signal) {
	if (stopping) return;
	stopping = true;
	server.kill(signal);
	setTimeout(() => server.kill('SIGKILL'), 10_000).unref();
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
server.on('exit', (code) => {
	rmSync(tempDir, { recursive: true, force: true });
	process.exit(stopping ? 0 : (code ?? 1));
});
