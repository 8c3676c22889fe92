import { error, redirect } from '@sveltejs/kit';
import { getEvent } from '$lib/server/events';
import { materialDownloadUrl } from '$lib/server/pictures/uploads';
import type { RequestHandler } from './$types';

/**
 * Downloads one of the event's materials: a redirect to a Storage link signed for a minute, made
 * with the visitor's own client, so only who may read the file gets one (404 for anyone else,
 * the same as for a material that does not exist).
 */
export const GET = (async ({ locals, params, setHeaders }) => {
	const event = await getEvent(locals.supabase, params.slug);
	if (!event) error(404, { message: 'not_found' });
	const signed = await materialDownloadUrl(locals.supabase, event.id, params.id);
	if (!signed) error(404, { message: 'not_found' });
	setHeaders({ 'cache-control': 'private, no-store', 'referrer-policy': 'no-referrer' });
	redirect(303, signed);
}) satisfies RequestHandler;
