import { render } from 'svelte/server';
import SiteFooter from '$lib/components/site-footer.svelte';
import SiteHeader from '$lib/components/site-header.svelte';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import type { LayoutServerLoad } from './$types';

/**
 * The header and footer need no JavaScript (links, a <details> menu and plain forms), so they are
 * rendered here to HTML and the layout only places it: none of their code or messages reaches the
 * browser. This load reads the URL (the current nav link, `next` for the forms), so it runs again
 * on every navigation and the header follows the page.
 */
function html(rendered: { body: string }) {
	// Svelte's hydration markers mean nothing inside {@html}.
	return rendered.body.replace(/<!--[[\]!-]*-->/g, '');
}

export const load = (async ({ locals, url }) => {
	const user = locals.user;
	const roles = user ? await locals.roles() : { staff: false, admin: false };
	const locale = getLocale();
	const shown = user ? { id: user.id, email: user.email ?? '' } : null;
	return {
		user: shown,
		roles,
		largeText: locals.largeText,
		locale,
		chrome: {
			skip: m.skip_to_content(),
			header: html(
				render(SiteHeader, {
					props: {
						user: shown,
						roles,
						largeText: locals.largeText,
						path: url.pathname,
						search: url.search,
						locale
					}
				})
			),
			footer: html(render(SiteFooter))
		}
	};
}) satisfies LayoutServerLoad;
