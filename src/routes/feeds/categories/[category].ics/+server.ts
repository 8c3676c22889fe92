import { error } from '@sveltejs/kit';
import { serveFeed } from '$lib/server/promotion/feed';
import { categoryFromSlug } from '$lib/server/promotion/labels';
import type { RequestHandler } from './$types';

/** One category's events across the district, e.g. /feeds/categories/parent-class.ics. */
export const GET = (({ locals, params, request, url }) => {
	const category = categoryFromSlug(params.category);
	if (!category) error(404, { message: 'not_found' });
	return serveFeed(locals.supabase, request, url, { kind: 'category', category });
}) satisfies RequestHandler;
