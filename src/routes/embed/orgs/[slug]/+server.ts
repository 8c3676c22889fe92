import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { listPublicEvents } from '$lib/server/promotion/events';
import { localeFrom, pick } from '$lib/server/promotion/labels';
import { orgPath } from '$lib/server/promotion/links';
import { getOrganisation } from '$lib/server/promotion/organisations';
import { embedLimit, renderEmbed } from '../../render';
import type { RequestHandler } from './$types';

/** An organisation's upcoming events, for an iframe: /embed/orgs/<slug>?limit=8&lang=en&src=… */
export const GET = (async ({ locals, params, url }) => {
	const org = await getOrganisation(locals.supabase, params.slug);
	if (!org) error(404, { message: 'not_found' });
	const locale = localeFrom(url);
	const events = await listPublicEvents(locals.supabase, {
		orgId: org.id,
		endsAfter: new Date(),
		limit: embedLimit(url)
	});
	return renderEmbed({
		url,
		locale,
		heading: m.promote_embed_upcoming_org({ org: pick(org.name, locale) }, { locale }),
		events,
		moreHref: orgPath(org.slug)
	});
}) satisfies RequestHandler;
