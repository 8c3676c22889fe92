import { error } from '@sveltejs/kit';
import { localeFrom } from '$lib/components/promote-labels';
import { orgCardPng, pictureResponse } from '$lib/server/pictures/cards';
import { readLogoPath } from '$lib/server/pictures/store';
import { getOrganisation } from '$lib/server/promotion/organisations';
import type { RequestHandler } from './$types';

/** The organisation's share card, 1200 × 630 PNG (its og:image), kept in Storage. */
export const GET = (async ({ locals, params, url }) => {
	const org = await getOrganisation(locals.supabase, params.slug);
	if (!org) error(404, { message: 'not_found' });
	const logoPath = await readLogoPath(locals.supabase, org.id);
	const png = await orgCardPng(org, logoPath, localeFrom(url), url.origin);
	return pictureResponse(png, 'png', undefined, url.searchParams.has('v'));
}) satisfies RequestHandler;
