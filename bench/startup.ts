/**
 * Startup time of the production build in the default (embedded, PGlite) mode: from `node build`
 * to the first 200 on `/`, on a fresh data directory (migrations and demo data) and again on the
 * same directory (warm restart). Prints figures; asserts nothing. Needs `npm run build` first.
 *
 *   npx tsx bench/startup.ts [runs]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBuild } from './server';

const runs = Number(process.argv[2] ?? 1);
const port = Number(process.env.BENCH_PORT ?? 4310);
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

for (let run = 1; run <= runs; run++) {
	const dataDir = mkdtempSync(join(tmpdir(), 'gongyu-bench-'));
	try {
		console.error(`run ${run}: starting on a fresh data directory…`);
		const cold = await startBuild({ port, dataDir });
		const first = performance.now();
		await (await fetch(`${cold.origin}/`)).arrayBuffer();
		const secondRequest = performance.now() - first;
		await cold.stop();
		console.error(`run ${run}: restarting on the same data directory…`);
		const warm = await startBuild({ port, dataDir });
		await warm.stop();
		console.log(
			`run ${run}: fresh data dir → first 200 on / ${fmt(cold.readyMs)}; warm restart ${fmt(warm.readyMs)}; next request ${secondRequest.toFixed(0)} ms`
		);
	} finally {
		rmSync(dataDir, { recursive: true, force: true });
	}
}
