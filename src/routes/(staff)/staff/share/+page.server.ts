import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import {
	CATEGORIES,
	categoryLabel,
	channelLabel,
	pageLocale,
	pick
} from '$lib/server/promotion/labels';
import {
	embedPaths,
	embedSnippet,
	eventPath,
	eventUrl,
	feedPaths,
	normaliseSource,
	webcalUrl
} from '$lib/server/promotion/links';
import { qrSvg } from '$lib/server/promotion/qr';
import { requireStaff } from '$lib/server/staff/context';
import type { PageServerLoad } from './$types';

/** Channels an organiser hands links out on (embed and calendar tag themselves). */
const SHARE_CHANNELS = ['wechat', 'poster', 'school-site', 'share'] as const;

interface StaffEvent {
	id: string;
	slug: string;
	org_id: string;
	category: (typeof CATEGORIES)[number];
	title_zh: string;
	title_en: string;
	starts_at: string;
	ends_at: string;
}

/**
 * Promotion tools for the organisation the staff member works for (the staff area's switcher): per
 * event a link and QR code tagged by channel and the A4 poster; for the organisation the embed
 * snippet and the calendar feed. Read through the caller's client: RLS decides.
 */
export const load = (async ({ locals, cookies, url }) => {
	const locale = pageLocale();
	// The organisation chosen in the staff area's switcher.
	const { org } = await requireStaff({ locals, cookies, url });

	const { data: eventRows, error: failure } = await locals.supabase
		.from('events')
		.select('id, slug, org_id, category, title_zh, title_en, starts_at, ends_at')
		.eq('org_id', org.id)
		.eq('status', 'published')
		.gt('ends_at', new Date().toISOString())
		.order('starts_at')
		.limit(200);
	if (failure) {
		console.error('share events:', failure.code);
		error(500, { message: 'error_generic' });
	}
	const events = (eventRows ?? []) as StaffEvent[];

	const orgName = pick({ zh: org.name_zh, en: org.name_en }, locale);
	const orgEmbed = new URL(embedPaths.org(org.slug), url.origin).href;
	const orgFeed = new URL(feedPaths.org(org.slug), url.origin).href;
	const orgs = [
		{
			id: org.id,
			name: orgName,
			embedUrl: orgEmbed,
			embedSnippet: embedSnippet(orgEmbed, m.promote_embed_upcoming_org({ org: orgName })),
			feedUrl: orgFeed,
			webcalUrl: webcalUrl(orgFeed)
		}
	];

	const chosen = events.find((event) => event.slug === url.searchParams.get('event')) ?? events[0];
	let selected = null;
	if (chosen) {
		const source = normaliseSource(url.searchParams.get('src')) ?? 'wechat';
		const link = eventUrl(url.origin, chosen.slug, source);
		const title = pick({ zh: chosen.title_zh, en: chosen.title_en }, locale);
		const here = (src: string) => `?event=${encodeURIComponent(chosen.slug)}&src=${src}`;
		const category = categoryLabel(chosen.category, locale);
		const categoryEmbed = new URL(embedPaths.category(chosen.category), url.origin).href;
		selected = {
			slug: chosen.slug,
			title,
			url: link,
			channels: SHARE_CHANNELS.map((channel) => ({
				source: channel,
				label: channelLabel(channel, locale),
				href: here(channel),
				current: channel === source
			})),
			qrSvg: await qrSvg(link, m.promote_share_qr_alt({ title })),
			pngHref: `${eventPath(chosen.slug)}/qr.png?src=${source}&download`,
			svgHref: `${eventPath(chosen.slug)}/qr.svg?src=${source}&download`,
			posterHref: `${eventPath(chosen.slug)}/poster`,
			category: {
				label: category,
				embedUrl: categoryEmbed,
				embedSnippet: embedSnippet(categoryEmbed, m.promote_embed_upcoming_category({ category }))
			}
		};
	}

	return {
		orgs,
		events: events.map((event) => ({
			slug: event.slug,
			title: pick({ zh: event.title_zh, en: event.title_en }, locale),
			startsAt: event.starts_at,
			endsAt: event.ends_at
		})),
		selected
	};
}) satisfies PageServerLoad;
