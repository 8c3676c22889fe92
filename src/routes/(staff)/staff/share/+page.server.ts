import { m } from '$lib/paraglide/messages';
import { CATEGORIES, categoryLabel, channelLabel, pageLocale, pick } from '$lib/server/promotion/labels';
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
 * Promotion tools for the caller's organisations: per event a link and QR code tagged by channel
 * and the A4 poster; per organisation the embed snippet and the calendar feed. Read through the
 * caller's client: RLS shows staff their own organisations' events.
 */
export const load = (async ({ locals, url }) => {
	const user = locals.user;
	const locale = pageLocale();
	if (!user) return { orgs: [], events: [], selected: null };

	const { data: memberships } = await locals.supabase
		.from('org_members')
		.select('org_id')
		.eq('user_id', user.id);
	const orgIds = (memberships ?? []).map((row) => row.org_id as string);
	if (orgIds.length === 0) return { orgs: [], events: [], selected: null };

	const [{ data: orgRows }, { data: eventRows }] = await Promise.all([
		locals.supabase.from('organisations').select('id, slug, name_zh, name_en').in('id', orgIds),
		locals.supabase
			.from('events')
			.select('id, slug, org_id, category, title_zh, title_en, starts_at, ends_at')
			.in('org_id', orgIds)
			.eq('status', 'published')
			.gt('ends_at', new Date().toISOString())
			.order('starts_at')
			.limit(200)
	]);
	const events = (eventRows ?? []) as StaffEvent[];

	const orgs = (orgRows ?? []).map((org) => {
		const name = pick({ zh: org.name_zh, en: org.name_en }, locale);
		const embed = new URL(embedPaths.org(org.slug), url.origin).href;
		const feed = new URL(feedPaths.org(org.slug), url.origin).href;
		return {
			id: org.id as string,
			name,
			embedUrl: embed,
			embedSnippet: embedSnippet(embed, m.promote_embed_upcoming_org({ org: name })),
			feedUrl: feed,
			webcalUrl: webcalUrl(feed)
		};
	});

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
				embedSnippet: embedSnippet(
					categoryEmbed,
					m.promote_embed_upcoming_category({ category })
				)
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
