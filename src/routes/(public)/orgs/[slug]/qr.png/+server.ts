import { error } from '@sveltejs/kit';
import { normaliseSource, orgUrl } from '$lib/server/promotion/links';
import { getOrganisation } from '$lib/server/promotion/organisations';
import { qrPng } from '$lib/server/promotion/qr';
import type { RequestHandler } from './$types';

/**
 * The organisation page's link as a 1024 px PNG QR code, for notice boards and chats. `?src=` tags
 * the channel (default share), `?download` asks the browser to save it.
 */
export const GET = (async ({ locals, params, url }) => {
	const org = await getOrganisation(locals.supabase, params.slug);
	if (!org) error(404, { message: 'not_found' });
	const source = normaliseSource(url.searchParams.get('src')) ?? 'share';
	const png = await qrPng(orgUrl(url.origin, org.slug, source));
	const headers: Record<string, string> = {
		'content-type': 'image/png',
		'cache-control': 'public, max-age=86400'
	};
	if (url.searchParams.has('download')) {
		headers['content-disposition'] = `attachment; filename="${org.slug}-${source}.png"`;
	}
	return new Response(new Uint8Array(png), { headers });
}) satisfies RequestHandler;
