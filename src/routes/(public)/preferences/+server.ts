import { redirect } from '@sveltejs/kit';
import { cookieMaxAge, cookieName, isLocale } from '$lib/paraglide/runtime';
import { safeRedirectPath } from '$lib/server/auth/redirect';
import { secureCookies } from '$lib/server/cookies';
import type { RequestHandler } from './$types';

/** Language and text size, remembered in cookies; a plain form post, so no JavaScript needed. */
export const POST: RequestHandler = async ({ request, cookies, url }) => {
	const form = await request.formData().catch(() => null);
	const locale = form?.get('locale');
	const text = form?.get('text');
	if (typeof locale === 'string' && isLocale(locale)) {
		// Readable by the page's own script (Paraglide reads the locale on hydration), not secret.
		cookies.set(cookieName, locale, {
			path: '/',
			maxAge: cookieMaxAge,
			httpOnly: false,
			sameSite: 'lax',
			secure: secureCookies(url)
		});
	}
	if (text === 'large' || text === 'normal') {
		cookies.set('gongyu_text', text, {
			path: '/',
			maxAge: 60 * 60 * 24 * 400,
			httpOnly: true,
			sameSite: 'lax',
			secure: secureCookies(url)
		});
	}
	const next = form?.get('next');
	redirect(303, safeRedirectPath(typeof next === 'string' ? next : null, url.origin));
};
