import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
	plugins: [sveltekit()],
	test: {
		include: ['tests/unit/**/*.test.ts', 'tests/db/**/*.test.ts', 'tests/conformance/**/*.test.ts'],
		testTimeout: 60_000,
		hookTimeout: 120_000
	}
});
