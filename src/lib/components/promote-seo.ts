/**
 * What search engines and link previews read from an event page: OpenGraph and Twitter card tags
 * and a schema.org Event in JSON-LD. Pure functions, shared by promote-event-seo.svelte and tests.
 *
 * The input is forgiving on purpose, so the event page can pass the event it already has: an
 * `events` row (title_zh, starts_at, min_child_age …), the camelCase shape of
 * $lib/server/promotion (title: {zh, en}, startsAt …), or plain strings.
 */

import { formatRange } from '$lib/i18n/format';

export type SeoLocale = 'zh-CN' | 'en';

/** The share card's size (see $lib/server/pictures/layouts.ts). */
export const CARD_WIDTH = 1200;
export const CARD_HEIGHT = 630;
type Text = string | { zh?: string | null; en?: string | null } | null | undefined;

export interface SeoEvent {
	title: string;
	description: string;
	/** Canonical absolute URL of the event page (no channel tag). */
	url: string;
	startsAt: string;
	endsAt: string | null;
	cancelled: boolean;
	place: string | null;
	organiser: { name: string; url: string | null } | null;
	minAge: number | null;
	maxAge: number | null;
	locale: SeoLocale;
	siteName: string;
	image: string | null;
}

function text(value: Text, locale: SeoLocale): string {
	if (value == null) return '';
	if (typeof value === 'string') return value;
	return (locale === 'en' ? value.en || value.zh : value.zh || value.en) ?? '';
}

function bilingual(row: Record<string, unknown>, base: string): Text {
	if (row[base] != null) return row[base] as Text;
	const zh = row[`${base}_zh`] as string | undefined;
	const en = row[`${base}_en`] as string | undefined;
	return zh != null || en != null ? { zh, en } : null;
}

function first(row: Record<string, unknown>, ...keys: string[]): unknown {
	for (const key of keys) if (row[key] != null) return row[key];
	return null;
}

function asNumber(value: unknown): number | null {
	if (value == null || value === '') return null;
	const n = Number(value);
	return Number.isFinite(n) ? n : null;
}

/** Builds the SEO view of an event from whatever shape the page holds. */
export function toSeoEvent(
	input: Record<string, unknown>,
	options: { origin: string; locale: SeoLocale; siteName: string; url?: string }
): SeoEvent {
	const { locale } = options;
	const slug = first(input, 'slug') as string | null;
	const url =
		options.url ??
		(first(input, 'url') as string | null) ??
		new URL(`/events/${encodeURIComponent(slug ?? '')}`, options.origin).href;
	const orgValue = first(input, 'organiser', 'organisation', 'org') as
		Record<string, unknown> | string | null;
	let organiser: SeoEvent['organiser'] = null;
	if (typeof orgValue === 'string') organiser = { name: orgValue, url: null };
	else if (orgValue) {
		const name = text((bilingual(orgValue, 'name') ?? orgValue) as Text, locale);
		const orgSlug = orgValue.slug as string | undefined;
		if (name) {
			organiser = {
				name,
				url: orgSlug ? new URL(`/orgs/${encodeURIComponent(orgSlug)}`, options.origin).href : null
			};
		}
	}
	const summary = text(bilingual(input, 'summary'), locale);
	const startsAt = String(first(input, 'startsAt', 'starts_at') ?? '');
	const endsAt = (first(input, 'endsAt', 'ends_at') as string | null) ?? null;
	// `place`, or a room (`venue`) and an `address` (the event page's shape).
	const place =
		text(bilingual(input, 'place'), locale) ||
		[text(bilingual(input, 'venue'), locale), text(bilingual(input, 'address'), locale)]
			.filter(Boolean)
			.join(' · ') ||
		null;
	// Without a summary, a preview still says when and where.
	const description =
		summary ||
		text(bilingual(input, 'description'), locale) ||
		[startsAt ? formatRange(startsAt, endsAt, locale) : '', place, organiser?.name]
			.filter(Boolean)
			.join(' · ');
	return {
		title: text(bilingual(input, 'title'), locale),
		description: description.length > 300 ? `${description.slice(0, 297)}…` : description,
		url,
		startsAt,
		endsAt,
		cancelled: first(input, 'status') === 'cancelled',
		place,
		organiser,
		minAge: asNumber(first(input, 'minAge', 'min_child_age')),
		maxAge: asNumber(first(input, 'maxAge', 'max_child_age')),
		locale,
		siteName: options.siteName,
		image: (first(input, 'image') as string | null) ?? null
	};
}

/** `2025-06-14T09:30:00+08:00`: the district's own clock, with its offset. */
export function shanghaiIso(value: string | Date): string {
	const date = value instanceof Date ? value : new Date(value);
	if (Number.isNaN(date.getTime())) return '';
	return new Date(date.getTime() + 8 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+08:00');
}

export function eventJsonLd(event: SeoEvent): Record<string, unknown> {
	const ld: Record<string, unknown> = {
		'@context': 'https://schema.org',
		'@type': 'Event',
		name: event.title,
		url: event.url,
		startDate: shanghaiIso(event.startsAt),
		eventStatus: event.cancelled
			? 'https://schema.org/EventCancelled'
			: 'https://schema.org/EventScheduled',
		eventAttendanceMode: 'https://schema.org/OfflineEventAttendanceMode',
		inLanguage: event.locale
	};
	if (event.endsAt) ld.endDate = shanghaiIso(event.endsAt);
	if (event.description) ld.description = event.description;
	if (event.image) ld.image = [event.image];
	if (event.place) {
		ld.location = {
			'@type': 'Place',
			name: event.place,
			address: { '@type': 'PostalAddress', streetAddress: event.place, addressCountry: 'CN' }
		};
	}
	if (event.organiser) {
		ld.organizer = {
			'@type': 'Organization',
			name: event.organiser.name,
			...(event.organiser.url ? { url: event.organiser.url } : {})
		};
	}
	if (event.minAge != null || event.maxAge != null) {
		ld.typicalAgeRange = `${event.minAge ?? ''}-${event.maxAge ?? ''}`;
	}
	return ld;
}

/**
 * JSON that is safe inside `<script type="application/ld+json">`: no `<` (so no `</script>` or
 * `<!--`), `>` or `&`, and no U+2028/U+2029. Still valid JSON: these are written as \\uXXXX.
 */
export function jsonForScript(value: unknown): string {
	return JSON.stringify(value)
		.replace(/</g, '\\u003c')
		.replace(/>/g, '\\u003e')
		.replace(/&/g, '\\u0026')
		.replace(/\u2028/g, '\\u2028')
		.replace(/\u2029/g, '\\u2029');
}

export function jsonLdScript(value: unknown): string {
	return `<script type="application/ld+json">${jsonForScript(value)}</script>`;
}

/** `<meta>` name/property and content pairs, OpenGraph then Twitter card. */
export function socialMeta(
	event: SeoEvent
): Array<{ key: 'property' | 'name'; name: string; content: string }> {
	const title = event.cancelled
		? `${event.locale === 'en' ? '[Cancelled] ' : '【已取消】'}${event.title}`
		: event.title;
	const tags: Array<{ key: 'property' | 'name'; name: string; content: string }> = [
		{ key: 'property', name: 'og:type', content: 'website' },
		{ key: 'property', name: 'og:site_name', content: event.siteName },
		{ key: 'property', name: 'og:title', content: title },
		{ key: 'property', name: 'og:url', content: event.url },
		{ key: 'property', name: 'og:locale', content: event.locale === 'en' ? 'en_GB' : 'zh_CN' },
		{ key: 'name', name: 'twitter:card', content: event.image ? 'summary_large_image' : 'summary' },
		{ key: 'name', name: 'twitter:title', content: title }
	];
	if (event.description) {
		tags.push(
			{ key: 'property', name: 'og:description', content: event.description },
			{ key: 'name', name: 'twitter:description', content: event.description }
		);
	}
	if (event.image) {
		// The server's share card: always 1200 × 630 (chats need the size to show it large at once).
		tags.push(
			{ key: 'property', name: 'og:image', content: event.image },
			{ key: 'property', name: 'og:image:type', content: 'image/png' },
			{ key: 'property', name: 'og:image:width', content: String(CARD_WIDTH) },
			{ key: 'property', name: 'og:image:height', content: String(CARD_HEIGHT) },
			{ key: 'property', name: 'og:image:alt', content: title },
			{ key: 'name', name: 'twitter:image', content: event.image }
		);
	}
	return tags;
}
