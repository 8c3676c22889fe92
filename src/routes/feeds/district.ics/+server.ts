import { serveFeed } from '$lib/server/promotion/feed';
import type { RequestHandler } from './$types';

/** Every organisation's events: subscribe with webcal://…/feeds/district.ics (?lang=en). */
export const GET = (({ locals, request, url }) =>
	serveFeed(locals.supabase, request, url, { kind: 'district' })) satisfies RequestHandler;
