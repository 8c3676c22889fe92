// `npm start`: build when the sources are newer than the build, then serve the production build
// on PORT (default 3000). Embedded mode needs no configuration: see README.md.
// adapter-node takes a missing ORIGIN to be https://<host>, so the page's own forms would fail
// SvelteKit's origin check on http://localhost: the origin defaults to http://localhost:$PORT here,
// and the server listens on the loopback address only unless HOST says otherwise.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const inputs = [
	'src',
	'static',
	'messages',
	'project.inlang',
	'svelte.config.js',
	'vite.config.ts',
	'package-lock.json'
];

function newest(path) {
	if (!existsSync(path)) return 0;
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let latest = stat.mtimeMs;
	for (const entry of readdirSync(path)) {
		if (entry === 'paraglide') continue; // generated during the build
		latest = Math.max(latest, newest(join(path, entry)));
	}
	return latest;
}

const built = existsSync('build/index.js') ? statSync('build/index.js').mtimeMs : 0;
if (built < Math.max(...inputs.map(newest))) {
	console.log('[gongyu] building the app (the first time takes about a minute)…');
	const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
	if (result.status !== 0) process.exit(result.status ?? 1);
}

const port = process.env.PORT || '3000';
const env = {
	...process.env,
	PORT: port,
	ORIGIN: process.env.ORIGIN || `http://localhost:${port}`,
	HOST: process.env.HOST || '127.0.0.1',
	// Storage uploads stream through the app's origin: room for its 50 MiB cap (config.toml) and
	// the multipart framing around it; adapter-node's default is 512 KB.
	BODY_SIZE_LIMIT: process.env.BODY_SIZE_LIMIT || '51M',
	// Node closes an idle connection after 5 s; a reverse proxy keeping one for 60 s (nginx) may
	// send a request on it just as it closes, and the visitor gets a 502.
	KEEP_ALIVE_TIMEOUT: process.env.KEEP_ALIVE_TIMEOUT || '65'
};
console.log(`[gongyu] starting on ${env.ORIGIN}`);
const server = spawn(process.execPath, ['build/index.js'], { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
