import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// Separate output folders let several builds run side by side (GONGYU_BUILD_DIR, GONGYU_KIT_DIR).
		adapter: adapter({ out: process.env.GONGYU_BUILD_DIR ?? 'build' }),
		outDir: process.env.GONGYU_KIT_DIR ?? '.svelte-kit',
		// Root-relative links (/events/…) in server-rendered HTML: public pages are not hydrated, so
		// the links a visitor copies or a crawler follows are the ones rendered.
		paths: { relative: false },
		// A page's own small stylesheets (a component's <style>) go inline: the only render-blocking
		// request left is the site's stylesheet.
		inlineStyleThreshold: 4096,
		// The CSRF origin check for form posts runs in hooks.server.ts (formOrigin): the same rule,
		// with the one-click unsubscribe exception and a translated answer. supabase-js's JSON calls
		// to /auth/v1 and /rest/v1 are not form posts and were never checked.
		csrf: { trustedOrigins: ['*'] },
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
