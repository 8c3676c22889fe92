// `npm test`: formatting and lint, type checks, Vitest (unit, database, conformance) and Playwright
// end-to-end tests in Chromium against the production build. Ends with one summary line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
	console.error(
		`Chromium not found at ${chromium}: install it with "apt-get install -y chromium" or set CHROMIUM_PATH.`
	);
	process.exit(1);
}

mkdirSync('test-results', { recursive: true });
const steps = [
	// Generated code the linters and type checks read: Paraglide's messages, SvelteKit's types.
	[
		'prepare',
		[
			'npx',
			'paraglide-js',
			'compile',
			'--project',
			'./project.inlang',
			'--outdir',
			'./src/lib/paraglide'
		]
	],
	['sync', ['npx', 'svelte-kit', 'sync']],
	['lint', ['npm', 'run', 'lint']],
	['types', ['npm', 'run', 'check']],
	[
		'vitest',
		[
			'npx',
			'vitest',
			'run',
			'--reporter=default',
			'--reporter=json',
			'--outputFile.json=test-results/vitest.json'
		]
	],
	['playwright', ['npx', 'playwright', 'test']]
];
const only = process.argv.slice(2);
let failedSteps = [];
for (const [name, [cmd, ...args]] of steps) {
	if (only.length && !only.includes(name)) continue;
	console.log(`\n── ${name}: ${[cmd, ...args].join(' ')}`);
	const result = spawnSync(cmd, args, {
		stdio: 'inherit',
		env: { ...process.env, CHROMIUM_PATH: chromium }
	});
	if (result.status !== 0) failedSteps.push(name);
}

let passed = 0,
	failed = 0,
	skipped = 0;
const vitest = readJson('test-results/vitest.json');
if (vitest) {
	passed += vitest.numPassedTests;
	failed += vitest.numFailedTests;
	skipped += vitest.numPendingTests + (vitest.numTodoTests ?? 0);
}
const playwright = readJson('test-results/playwright.json');
if (playwright?.stats) {
	passed += playwright.stats.expected + (playwright.stats.flaky ?? 0);
	failed += playwright.stats.unexpected;
	skipped += playwright.stats.skipped;
}
if (failedSteps.length) console.log(`\nfailed steps: ${failedSteps.join(', ')}`);
// A failing step without failing tests (lint, types) still counts as one failure.
if (failedSteps.length && failed === 0) failed = failedSteps.length;
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failedSteps.length ? 1 : 0);

function readJson(path) {
	try {
		return JSON.parse(readFileSync(path, 'utf8'));
	} catch {
		return null;
	}
}
