import { error } from '@sveltejs/kit';
import { localeFrom } from '$lib/components/promote-labels';
import { getEvent } from '$lib/server/events';
import { eventPictureSources, eventPoster, pictureResponse } from '$lib/server/pictures/cards';
import type { RequestHandler } from './$types';

/** The poster as a PNG: A4 (1240 × 1754), or `?format=phone` for WeChat Moments (1080 × 1920). */
export const GET = (async ({ locals, params, url }) => {
	const event = await getEvent(locals.supabase, params.slug);
	if (!event) error(404, { message: 'not_found' });
	const format = url.searchParams.get('format') === 'phone' ? 'phone' : 'a4';
	const sources = await eventPictureSources(locals.supabase, event);
	const png = await eventPoster(event, sources, {
		locale: localeFrom(url),
		origin: url.origin,
		format,
		type: 'png'
	});
	return pictureResponse(png, 'png', `${event.slug}-${format === 'phone' ? '9x16' : 'a4'}.png`);
}) satisfies RequestHandler;
