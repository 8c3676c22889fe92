import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { listPublicEvents } from '$lib/server/promotion/events';
import { categoryFromSlug, categoryLabel, localeFrom } from '$lib/server/promotion/labels';
import { embedLimit, renderEmbed } from '../../render';
import type { RequestHandler } from './$types';

/** A category's upcoming events across the district: /embed/categories/parent-class */
export const GET = (async ({ locals, params, url }) => {
	const category = categoryFromSlug(params.category);
	if (!category) error(404, { message: 'not_found' });
	const locale = localeFrom(url);
	const events = await listPublicEvents(locals.supabase, {
		category,
		endsAfter: new Date(),
		limit: embedLimit(url)
	});
	return renderEmbed({
		url,
		locale,
		heading: m.promote_embed_upcoming_category(
			{ category: categoryLabel(category, locale) },
			{ locale }
		),
		events,
		moreHref: '/events'
	});
}) satisfies RequestHandler;
