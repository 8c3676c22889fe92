import { error } from '@sveltejs/kit';
import { getPublicEvent } from '$lib/server/promotion/events';
import { eventUrl, normaliseSource } from '$lib/server/promotion/links';
import { qrSvg } from '$lib/server/promotion/qr';
import type { RequestHandler } from './$types';

/**
 * The event link as a QR code (SVG, for print). `?src=poster|wechat|…` tags the channel the code
 * is for; `?download` asks the browser to save it. Only published or cancelled events have one.
 */
export const GET = (async ({ locals, params, url }) => {
	const event = await getPublicEvent(locals.supabase, params.slug);
	if (!event) error(404, { message: 'not_found' });
	const source = normaliseSource(url.searchParams.get('src')) ?? 'share';
	const svg = await qrSvg(eventUrl(url.origin, event.slug, source), event.title.zh);
	const headers: Record<string, string> = {
		'content-type': 'image/svg+xml; charset=utf-8',
		'cache-control': 'public, max-age=86400',
		// Opened on its own, the SVG is a document of this origin: let it do nothing but draw.
		'content-security-policy':
			"default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
	};
	if (url.searchParams.has('download')) {
		headers['content-disposition'] = `attachment; filename="${event.slug}-${source}.svg"`;
	}
	return new Response(svg, { headers });
}) satisfies RequestHandler;
