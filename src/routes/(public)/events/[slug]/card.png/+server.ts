import { error } from '@sveltejs/kit';
import { localeFrom } from '$lib/components/promote-labels';
import { getEvent } from '$lib/server/events';
import { eventCardPng, eventPictureSources, pictureResponse } from '$lib/server/pictures/cards';
import type { RequestHandler } from './$types';

/**
 * The event's share card, 1200 × 630 PNG (its og:image): drawn once per version of what it shows
 * and kept in Storage. `?lang=en` for English; `?v=` is the key the page put in the URL.
 */
export const GET = (async ({ locals, params, url }) => {
	const event = await getEvent(locals.supabase, params.slug);
	if (!event) error(404, { message: 'not_found' });
	const sources = await eventPictureSources(locals.supabase, event);
	const png = await eventCardPng(event, sources, localeFrom(url), url.origin);
	return pictureResponse(png, 'png', undefined, url.searchParams.has('v'));
}) satisfies RequestHandler;
