import { error } from '@sveltejs/kit';
import { localeFrom } from '$lib/components/promote-labels';
import { getEvent } from '$lib/server/events';
import { eventPictureSources, eventPoster, pictureResponse } from '$lib/server/pictures/cards';
import type { RequestHandler } from './$types';

/** The A4 poster as a PDF, Noto Sans SC embedded (its text can be searched and copied). */
export const GET = (async ({ locals, params, url }) => {
	const event = await getEvent(locals.supabase, params.slug);
	if (!event) error(404, { message: 'not_found' });
	const sources = await eventPictureSources(locals.supabase, event);
	const pdf = await eventPoster(event, sources, {
		locale: localeFrom(url),
		origin: url.origin,
		format: 'a4',
		type: 'pdf'
	});
	return pictureResponse(pdf, 'pdf', `${event.slug}-a4.pdf`);
}) satisfies RequestHandler;
