import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vite';

// The app's build only. The test projects live in vitest.config.ts, so neither `npm start` nor
// `vite build` reads anything under tests/.
export default defineConfig({
	plugins: [
		tailwindcss(),
		sveltekit(),
		paraglideVitePlugin({
			project: './project.inlang',
			outdir: './src/lib/paraglide',
			// No URL prefixes: the locale lives in a cookie; a first visit follows Accept-Language.
			strategy: ['cookie', 'preferredLanguage', 'baseLocale'],
			cookieName: 'PARAGLIDE_LOCALE',
			cookieMaxAge: 60 * 60 * 24 * 400
		})
	],
	// Islands (src/lib/islands/, see README) are imported with `?worker&url`: Vite bundles each
	// into one file of its own. As ES modules they load with <script type="module"> in dev too.
	worker: { format: 'es' },
	build: {
		// The build's own timing report is for people profiling the build, not for every start.
		rolldownOptions: { checks: { bundlerTimings: false } }
	}
});
