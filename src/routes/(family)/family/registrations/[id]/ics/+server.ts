import { error } from '@sveltejs/kit';
import { getLocale } from '$lib/paraglide/runtime';
import { getEvent } from '$lib/server/events';
import { eventIcs, icsResponse } from '$lib/server/events/calendar';
import { myRegistrations } from '$lib/server/registrations';
import type { RequestHandler } from './$types';

/**
 * A registration's calendar entry, with the same UID as the confirmation email's attachment
 * (`<registration id>@gongyu`), so the two never make two entries; cancelled → STATUS:CANCELLED.
 */
export const GET: RequestHandler = async ({ locals, params, url }) => {
	if (!/^[0-9a-f-]{36}$/i.test(params.id)) error(404, { message: 'not_found' });
	const registration = (await myRegistrations(locals.supabase)).find((r) => r.id === params.id);
	if (!registration) error(404, { message: 'not_found' });
	const event = await getEvent(locals.supabase, registration.event.slug);
	if (!event) error(404, { message: 'not_found' });
	const locale = getLocale() === 'en' ? 'en' : 'zh-CN';
	return icsResponse(
		eventIcs(event, {
			origin: url.origin,
			locale,
			registrationId: registration.id,
			cancelled: registration.status === 'cancelled' || event.status === 'cancelled'
		}),
		`${event.slug}.ics`
	);
};
