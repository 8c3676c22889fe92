/**
 * Embeddable widgets (/embed/…): a whole HTML document with inline CSS and no JavaScript, for an
 * iframe on a school's or community's website. They are endpoints rather than pages so that the
 * app's root layout (header, footer, scripts) never wraps them, and so they carry their own
 * Content-Security-Policy: framing allowed (frame-ancestors *, or GONGYU_EMBED_ANCESTORS), nothing
 * else. hooks.server.ts leaves X-Frame-Options off these routes only.
 */
import { render } from 'svelte/server';
import { env } from '$env/dynamic/private';
import { formatRange, isoString } from '$lib/i18n/format';
import { m } from '$lib/paraglide/messages';
import { placesLeft, type PublicEvent } from '$lib/server/promotion/events';
import { ageRangeText, pick, type Locale } from '$lib/server/promotion/labels';
import { eventUrl, normaliseSource } from '$lib/server/promotion/links';
import EmbedList, { type EmbedItem } from './embed-list.svelte';

export const EMBED_DEFAULT_LIMIT = 8;
export const EMBED_MAX_LIMIT = 30;

const STYLE = `
*{box-sizing:border-box}
html{font-size:100%;-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,'PingFang SC','Hiragino Sans GB','Noto Sans CJK SC','Microsoft YaHei',sans-serif;color:#1c1917;background:#fff;line-height:1.5}
main{padding:12px}
h1{font-size:1.125rem;margin:0 0 8px}
ul{list-style:none;margin:0;padding:0}
li{border-top:1px solid #e7e5e4}
li a{display:block;padding:10px 4px;min-height:44px;color:inherit;text-decoration:none}
li a:hover strong,li a:focus strong{text-decoration:underline}
a:focus-visible{outline:3px solid #c2410c;outline-offset:2px}
time{display:block;font-size:.875rem;color:#57534e}
strong{display:block;font-size:1.0625rem;color:#9a3412}
.details{display:block;font-size:.875rem;color:#44403c}
.badge{display:inline-block;margin-top:4px;padding:0 8px;border-radius:999px;background:#f5f5f4;font-size:.8125rem;color:#44403c}
.cancelled strong{text-decoration:line-through;color:#57534e}
.cancelled .badge{background:#fee2e2;color:#7f1d1d}
.empty{color:#57534e}
.more{margin:12px 0 0}
.more a,.powered a{color:#9a3412;display:inline-block;padding:10px 0}
.powered{margin:0;font-size:.8125rem}
.powered a{color:#57534e}
.sr{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
`.replace(/\n/g, '');

/** `?limit=` within bounds. */
export function embedLimit(url: URL): number {
	const n = Number(url.searchParams.get('limit'));
	return Number.isInteger(n) && n >= 1 ? Math.min(n, EMBED_MAX_LIMIT) : EMBED_DEFAULT_LIMIT;
}

/** Where framing is allowed: GONGYU_EMBED_ANCESTORS (space-separated sources) or anywhere. */
export function frameAncestors(value = env.GONGYU_EMBED_ANCESTORS): string {
	const sources = (value ?? '')
		.split(/\s+/)
		.filter(
			(s) => s === '*' || s === "'self'" || /^(https?:\/\/)?[a-z0-9*.-]+(:\d{1,5})?$/i.test(s)
		);
	return sources.length ? sources.join(' ') : '*';
}

export function embedHeaders(): Record<string, string> {
	return {
		'content-type': 'text/html; charset=utf-8',
		'content-security-policy': [
			"default-src 'none'",
			"style-src 'unsafe-inline'",
			"img-src 'self' data:",
			"base-uri 'none'",
			"form-action 'none'",
			`frame-ancestors ${frameAncestors()}`
		].join('; '),
		'cache-control': 'public, max-age=300',
		// A copy of pages that live elsewhere: keep it out of search results.
		'x-robots-tag': 'noindex'
	};
}

function escapeHtml(value: string): string {
	return value
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;');
}

function item(event: PublicEvent, origin: string, source: string, locale: Locale): EmbedItem {
	const left = placesLeft(event);
	let badge: string | null = null;
	if (event.status === 'cancelled') badge = m.promote_event_cancelled({}, { locale });
	else if (left === 0)
		badge = event.waitlistEnabled
			? m.promote_waitlist_open({}, { locale })
			: m.promote_event_full({}, { locale });
	else if (left != null) badge = m.promote_places_left({ count: left }, { locale });
	return {
		href: eventUrl(origin, event.slug, source),
		title: pick(event.title, locale),
		when: formatRange(event.startsAt, event.endsAt, locale),
		datetime: isoString(event.startsAt),
		details: [
			event.place ? pick(event.place, locale) : '',
			ageRangeText(event.minAge, event.maxAge, locale)
		].filter(Boolean),
		badge,
		cancelled: event.status === 'cancelled'
	};
}

export function renderEmbed(options: {
	url: URL;
	locale: Locale;
	heading: string;
	events: PublicEvent[];
	moreHref: string;
}): Response {
	const { url, locale } = options;
	const source = normaliseSource(url.searchParams.get('src')) ?? 'embed';
	const more = new URL(options.moreHref, url.origin);
	more.searchParams.set('src', source);
	const { body } = render(EmbedList, {
		props: {
			heading: options.heading,
			items: options.events.map((event) => item(event, url.origin, source, locale)),
			empty: m.promote_embed_empty({}, { locale }),
			more: { href: more.href, label: m.promote_embed_more({}, { locale }) },
			powered: { href: `${url.origin}/`, label: m.promote_embed_powered({}, { locale }) },
			newTab: m.promote_new_tab({}, { locale })
		}
	});
	const html =
		`<!doctype html><html lang="${locale}"><head><meta charset="utf-8">` +
		`<meta name="viewport" content="width=device-width, initial-scale=1">` +
		`<meta name="robots" content="noindex"><title>${escapeHtml(options.heading)}</title>` +
		`<style>${STYLE}</style></head><body>${body}</body></html>`;
	return new Response(html, { headers: embedHeaders() });
}
