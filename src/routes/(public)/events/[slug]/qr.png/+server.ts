import { error } from '@sveltejs/kit';
import { getPublicEvent } from '$lib/server/promotion/events';
import { eventUrl, normaliseSource } from '$lib/server/promotion/links';
import { qrPng } from '$lib/server/promotion/qr';
import type { RequestHandler } from './$types';

/** The event link as a 1024 px PNG QR code, for chats and slides. Same parameters as qr.svg. */
export const GET = (async ({ locals, params, url }) => {
	const event = await getPublicEvent(locals.supabase, params.slug);
	if (!event) error(404, { message: 'not_found' });
	const source = normaliseSource(url.searchParams.get('src')) ?? 'share';
	const png = await qrPng(eventUrl(url.origin, event.slug, source));
	const headers: Record<string, string> = {
		'content-type': 'image/png',
		'cache-control': 'public, max-age=86400'
	};
	if (url.searchParams.has('download')) {
		headers['content-disposition'] = `attachment; filename="${event.slug}-${source}.png"`;
	}
	return new Response(new Uint8Array(png), { headers });
}) satisfies RequestHandler;
