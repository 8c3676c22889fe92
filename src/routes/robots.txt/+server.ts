import type { RequestHandler } from './$types';

/**
 * Public pages are open to crawlers; signed-in areas, the API, feeds and the developer mailbox are
 * not. Embeds are not disallowed: they answer X-Robots-Tag: noindex, which a crawler must be
 * allowed to fetch to see.
 */
export const GET = (({ url }) => {
	const body = [
		'User-agent: *',
		'Allow: /',
		'Disallow: /family',
		'Disallow: /staff',
		'Disallow: /admin',
		'Disallow: /auth/',
		'Disallow: /dev/',
		'Disallow: /rest/',
		'Disallow: /feeds/',
		'Disallow: /api/',
		'Disallow: /preferences',
		'',
		`Sitemap: ${new URL('/sitemap.xml', url.origin).href}`,
		''
	].join('\n');
	return new Response(body, {
		headers: {
			'content-type': 'text/plain; charset=utf-8',
			'cache-control': 'public, max-age=86400'
		}
	});
}) satisfies RequestHandler;
