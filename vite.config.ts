/// <reference types="vitest/config" />
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vite';

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
		include: [
			'tests/unit/**/*.test.ts',
			'tests/db/**/*.test.ts',
			'tests/conformance/**/*.test.ts',
			'tests/email/**/*.test.ts'
		],
		testTimeout: 60_000,
		hookTimeout: 120_000
	}
});
