import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// Separate output folders let several builds run side by side (GONGYU_BUILD_DIR, GONGYU_KIT_DIR).
		adapter: adapter({ out: process.env.GONGYU_BUILD_DIR ?? 'build' }),
		outDir: process.env.GONGYU_KIT_DIR ?? '.svelte-kit',
		// SvelteKit's CSRF origin check stays on (the default): it only refuses cross-site *form*
		// posts, so supabase-js's JSON calls to /auth/v1 and /rest/v1 on this origin pass.
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:'],
				'font-src': ['self', 'data:'],
				'connect-src': ['self'],
				'frame-src': ['self'],
				'form-action': ['self'],
				'base-uri': ['self'],
				'object-src': ['none'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;
