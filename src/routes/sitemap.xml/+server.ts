import { listPublicEvents } from '$lib/server/promotion/events';
import { eventPath, orgPath } from '$lib/server/promotion/links';
import { listOrganisations } from '$lib/server/promotion/organisations';
import type { RequestHandler } from './$types';

/** Published events of the last year and ahead; cancelled ones are left out. */
const HISTORY_DAYS = 365;
/** The sitemap protocol's limit per file. */
const MAX_URLS = 50_000;

function xml(value: string): string {
	return value
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&apos;');
}

function entry(loc: string, lastmod?: string): string {
	const modified = lastmod ? `<lastmod>${new Date(lastmod).toISOString()}</lastmod>` : '';
	return `<url><loc>${xml(loc)}</loc>${modified}</url>`;
}

export const GET = (async ({ locals, url }) => {
	const since = new Date(Date.now() - HISTORY_DAYS * 86_400_000);
	const [organisations, events] = await Promise.all([
		listOrganisations(locals.supabase),
		listPublicEvents(locals.supabase, { endsAfter: since, limit: MAX_URLS })
	]);
	const at = (path: string) => new URL(path, url.origin).href;
	const entries = [
		entry(at('/')),
		entry(at('/events')),
		entry(at('/orgs')),
		...organisations.map((org) => entry(at(orgPath(org.slug)), org.updatedAt)),
		...events
			.filter((event) => event.status === 'published')
			.map((event) => entry(at(eventPath(event.slug)), event.updatedAt))
	].slice(0, MAX_URLS);
	const body =
		'<?xml version="1.0" encoding="UTF-8"?>\n' +
		'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' +
		entries.join('\n') +
		'\n</urlset>\n';
	return new Response(body, {
		headers: {
			'content-type': 'application/xml; charset=utf-8',
			'cache-control': 'public, max-age=3600'
		}
	});
}) satisfies RequestHandler;
