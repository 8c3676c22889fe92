import { error } from '@sveltejs/kit';
import { serveFeed } from '$lib/server/promotion/feed';
import { getOrganisation } from '$lib/server/promotion/organisations';
import type { RequestHandler } from './$types';

/** One organisation's events. */
export const GET = (async ({ locals, params, request, url }) => {
	const org = await getOrganisation(locals.supabase, params.slug);
	if (!org) error(404, { message: 'not_found' });
	return serveFeed(locals.supabase, request, url, {
		kind: 'org',
		orgId: org.id,
		orgName: org.name,
		slug: org.slug
	});
}) satisfies RequestHandler;
