import { error } from '@sveltejs/kit';
import { getLocale } from '$lib/paraglide/runtime';
import { getEvent } from '$lib/server/events';
import { eventIcs, icsResponse } from '$lib/server/events/calendar';
import type { RequestHandler } from './$types';

/** "Add to calendar" on the event page: the event itself (UID `<event id>@gongyu`). */
export const GET: RequestHandler = async ({ locals, params, url }) => {
	const event = await getEvent(locals.supabase, params.slug);
	if (!event) error(404, { message: 'not_found' });
	const locale = getLocale() === 'en' ? 'en' : 'zh-CN';
	return icsResponse(eventIcs(event, { origin: url.origin, locale }), `${event.slug}.ics`);
};
