import { defineConfig, mergeConfig } from 'vitest/config';
import { serverAvailable } from './tests/support/server.ts';
import viteConfig from './vite.config.ts';

/**
 * The database tests written for one backend run on PGlite, and again on the PostgreSQL server
 * when it answers (under CI it must: the tests then fail instead of leaving the project out).
 */
const singleBackendDbTests = [
	'tests/db/bookings.test.ts',
	'tests/db/code-limits.test.ts',
	'tests/db/counselling.test.ts',
	'tests/db/counselling-diary.test.ts',
	'tests/db/counselling-slots.test.ts',
	'tests/db/courses.test.ts',
	'tests/db/event-page.test.ts',
	'tests/db/event-questions.test.ts',
	'tests/db/events.test.ts',
	'tests/db/families.test.ts',
	'tests/db/family-journeys.test.ts',
	'tests/db/notices-feedback.test.ts',
	'tests/db/parents-sql.test.ts',
	'tests/db/referrals.test.ts',
	'tests/db/register-on-page.test.ts',
	'tests/db/public-page-versions.test.ts',
	'tests/db/registrations.test.ts',
	'tests/db/rls.test.ts',
	'tests/db/second-factor.test.ts'
];

// Under CI the project is always there: an unreachable server then fails its tests.
const withServer = Boolean(process.env.CI) || (await serverAvailable());

export default mergeConfig(
	viteConfig,
	defineConfig({
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
	})
);
