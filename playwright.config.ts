import { defineConfig, devices } from '@playwright/test';

/**
 * End-to-end tests against the production build (`vite build`, then `node build`), each server on
 * a fresh temporary PGlite data directory. Two servers: the main one, and one with an 8-second code
 * expiry and a per-address code limit of 1, for the "expired code" and "rate limit" tests.
 * Set E2E_BUILD=0 when the build is already there (scripts/test.js builds once).
 */
const port = Number(process.env.E2E_PORT ?? 4173);
const strictPort = port + 1;
const build = process.env.E2E_BUILD ?? '1';

const server = (serverPort: number, env: Record<string, string>, buildFirst: boolean) => ({
	command: 'node tests/e2e/serve.js',
	url: `http://localhost:${serverPort}/healthz`,
	timeout: 240_000,
	reuseExistingServer: false,
	stdout: 'pipe' as const,
	stderr: 'pipe' as const,
	env: {
		E2E_BUILD: buildFirst ? build : '0',
		PORT: String(serverPort),
		ORIGIN: `http://localhost:${serverPort}`,
		// Every test request comes from 127.0.0.1: lift the per-address limits (the form's and the
		// embedded Auth's, which count per client address), and the form's per-email ones, since many
		// tests sign in as the same demo staff member (the strict server below keeps a limit of 1).
		GONGYU_CODE_LIMIT_PER_IP: '1000',
		GONGYU_CODE_LIMIT_PER_EMAIL: '1000',
		GONGYU_CODE_LIMIT_PER_EMAIL_ALL: '1000',
		GONGYU_AUTH_RATE_EMAIL_SENT: '10000',
		GONGYU_AUTH_RATE_SIGN_IN_SIGN_UPS: '10000',
		GONGYU_AUTH_RATE_TOKEN_VERIFICATIONS: '10000',
		GONGYU_AUTH_RATE_TOKEN_REFRESH: '10000',
		...env
	}
});

export default defineConfig({
	testDir: 'tests/e2e',
	outputDir: process.env.E2E_OUTPUT ?? 'test-results/e2e',
	fullyParallel: false,
	workers: 1,
	retries: 0,
	forbidOnly: !!process.env.CI,
	timeout: 60_000,
	expect: { timeout: 10_000 },
	// scripts/test.js reads the JSON report for its closing summary line.
	reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
	use: {
		...devices['Desktop Chrome'],
		baseURL: `http://localhost:${port}`,
		locale: 'zh-CN',
		timezoneId: 'Asia/Shanghai',
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure',
		launchOptions: {
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			args: [
				'--headless',
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync'
			]
		}
	},
	projects: [
		{ name: 'chromium' },
		// The build started by the tests themselves as a district runs it (tests/public/support.ts):
		// its own origin and secrets, behind a reverse proxy; plain HTTP, and Chromium for the
		// journeys in Supabase mode (supabase-mode.test.ts opens its own contexts on that origin).
		{ name: 'public', testDir: 'tests/public', timeout: 120_000 }
	],
	webServer: [
		server(port, {}, true),
		server(strictPort, { GONGYU_OTP_EXPIRY_SECONDS: '8', GONGYU_CODE_LIMIT_PER_EMAIL: '1' }, false)
	]
});
