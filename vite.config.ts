/// <reference types="vitest/config" />
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vite';
import { serverAvailable } from './tests/support/server';

/**
 * The database tests written for one backend run on PGlite, and again on the PostgreSQL server
 * when it answers (under CI it must: the tests then fail instead of leaving the project out).
 */
const singleBackendDbTests = [
	'tests/db/bookings.test.ts',
	'tests/db/events.test.ts',
	'tests/db/families.test.ts',
	'tests/db/parents-sql.test.ts',
	'tests/db/registrations.test.ts',
	'tests/db/rls.test.ts'
];

// Under CI the project is always there: an unreachable server then fails its tests.
const withServer = Boolean(process.env.CI) || (await serverAvailable());

export default defineConfig({
	plugins: [
		tailwindcss(),
		sveltekit(),
		paraglideVitePlugin({
			project: './project.inlang',
			outdir: './src/lib/paraglide',
			// No URL prefixes: the locale lives in a cookie, Chinese when there is none.
			strategy: ['cookie', 'baseLocale'],
			cookieName: 'PARAGLIDE_LOCALE',
			cookieMaxAge: 60 * 60 * 24 * 400
		})
	],
	test: {
		testTimeout: 60_000,
		hookTimeout: 120_000,
		projects: [
			{
				extends: true,
				test: {
					name: 'gongyu',
					include: [
						'tests/unit/**/*.test.ts',
						'tests/db/**/*.test.ts',
						'tests/conformance/**/*.test.ts',
						'tests/email/**/*.test.ts'
					]
				}
			},
			...(withServer
				? [
						{
							extends: true as const,
							test: {
								name: 'db on the PostgreSQL server',
								include: singleBackendDbTests,
								env: { GONGYU_TEST_BACKEND: 'postgres' }
							}
						}
					]
				: [])
		]
	}
});
