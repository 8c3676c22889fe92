import { error } from '@sveltejs/kit';
import { pick } from '$lib/components/event-labels';
import { m } from '$lib/paraglide/messages';
import { getPublicEvent } from '$lib/server/promotion/events';
import { eventPath, eventUrl } from '$lib/server/promotion/links';
import { qrSvg } from '$lib/server/promotion/qr';
import {
	coverView,
	defaultCover,
	logoUrl,
	readCover,
	readLogoPath
} from '$lib/server/pictures/store';
import type { PageServerLoad } from './$types';

/**
 * A printable A4 poster: the cover, the event's facts, and a large QR code to its page tagged
 * ?src=poster; with links to the same poster drawn as a PDF and PNG, and the 9:16 phone picture.
 */
export const load = (async ({ locals, params, url }) => {
	const event = await getPublicEvent(locals.supabase, params.slug);
	if (!event) error(404, { message: 'not_found' });
	const target = eventUrl(url.origin, event.slug, 'poster');
	const [cover, logoPath] = await Promise.all([
		readCover(locals.supabase, event.id),
		readLogoPath(locals.supabase, event.org.id)
	]);
	return {
		event,
		cover: cover ? coverView(locals.supabase, cover) : defaultCover(event.category),
		logo: logoPath ? logoUrl(locals.supabase, logoPath, 256) : null,
		qr: {
			url: target,
			svg: await qrSvg(target, m.promote_share_qr_alt({ title: pick(event.title) }))
		},
		// What a person types: the readable address, without the scheme or the channel tag.
		shortUrl: `${url.host}${eventPath(event.slug)}`
	};
}) satisfies PageServerLoad;
