/**
 * Share cards and posters of events and organisations: the facts in a language, a key that
 * changes with anything drawn (the og:image URL carries it, so chats fetch a new picture after a
 * change), and the drawings kept in Storage under that key.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import {
	ageRangeLabel,
	categoryLabel,
	kindLabel,
	pick,
	type Locale
} from '$lib/components/promote-labels';
import { formatRange } from '$lib/i18n/format';
import { m } from '$lib/paraglide/messages';
import type { EventDetails } from '$lib/server/events';
import { eventPath, eventUrl, orgUrl } from '$lib/server/promotion/links';
import { toPdf, toPng } from './drawing';
import { cardDrawing, posterDrawing, type CardFacts, type PosterFacts } from './layouts';
import {
	cachedDrawing,
	coverPicture,
	drawingKey,
	logoPicture,
	readCover,
	readLogoPath,
	type CoverRow
} from './store';

/** Raised when the drawings change, so every kept picture is drawn again. */
const DRAWING_VERSION = 1;

export type PosterFormat = 'a4' | 'phone';
export const POSTER_SIZES: Record<PosterFormat, { width: number; height: number }> = {
	a4: { width: 1240, height: 1754 },
	phone: { width: 1080, height: 1920 }
};
/** A4 in PDF points. */
const A4_POINTS = { width: 595.28, height: 841.89 };

export interface EventPictureSources {
	cover: CoverRow | null;
	logoPath: string | null;
}

export async function eventPictureSources(
	supabase: SupabaseClient,
	event: Pick<EventDetails, 'id' | 'organiser'>
): Promise<EventPictureSources> {
	const [cover, logoPath] = await Promise.all([
		readCover(supabase, event.id),
		readLogoPath(supabase, event.organiser.id)
	]);
	return { cover, logoPath };
}

function place(event: EventDetails, locale: Locale): string {
	return [event.venue, event.address]
		.filter((part) => part != null)
		.map((part) => pick(part, locale))
		.join(' · ');
}

export function eventPosterFacts(
	event: EventDetails,
	locale: Locale,
	origin: string,
	channel: string
): PosterFacts {
	const when = formatRange(event.startsAt, event.endsAt, locale);
	const where = place(event, locale);
	const organiser = pick(event.organiser.name, locale);
	const ages = ageRangeLabel(event.minAge, event.maxAge, locale);
	const host = new URL(origin).host;
	return {
		title: pick(event.title, locale),
		kicker: categoryLabel(event.category, locale),
		lines: [when, where, `${m.promote_age({}, { locale })} ${ages}`].filter(Boolean),
		organiser,
		qrUrl: eventUrl(origin, event.slug, channel),
		qrCaption:
			channel === 'share'
				? m.pictures_scan_to_register({}, { locale })
				: m.pictures_poster_scan({}, { locale }),
		brand: `${m.app_name({}, { locale })} · ${m.app_tagline({}, { locale })}`,
		summary: pick(event.summary, locale),
		facts: [
			{ label: m.promote_when({}, { locale }), value: when },
			...(where ? [{ label: m.promote_where({}, { locale }), value: where }] : []),
			{ label: m.promote_organiser({}, { locale }), value: organiser },
			{ label: m.promote_age({}, { locale }), value: ages }
		],
		shortUrl: `${host}${eventPath(event.slug)}`,
		cancelled: event.status === 'cancelled' ? m.promote_poster_cancelled({}, { locale }) : null
	};
}

function key(kind: string, facts: object, sources: EventPictureSources): string {
	return drawingKey([DRAWING_VERSION, kind, facts, sources.cover, sources.logoPath]);
}

/** The key of an event's share card: put in its og:image URL, so a change gives a new URL. */
export function eventCardKey(
	event: EventDetails,
	sources: EventPictureSources,
	locale: Locale,
	origin: string
): string {
	return key('card', eventPosterFacts(event, locale, origin, 'share'), sources);
}

/** Drafts are drawn for their staff but never kept in the public bucket. */
function keep(
	event: EventDetails,
	name: string,
	drawingKey: string,
	ext: 'png' | 'pdf',
	draw: () => Promise<Buffer>
): Promise<Buffer> {
	if (event.status === 'draft') return draw();
	return cachedDrawing(`${event.organiser.id}/${event.id}`, name, drawingKey, ext, draw);
}

export async function eventCardPng(
	event: EventDetails,
	sources: EventPictureSources,
	locale: Locale,
	origin: string
): Promise<Buffer> {
	const facts: CardFacts = eventPosterFacts(event, locale, origin, 'share');
	return keep(event, `card-${locale}`, key('card', facts, sources), 'png', async () => {
		const [cover, logo] = await Promise.all([
			coverPicture(sources.cover, event.category),
			logoPicture(sources.logoPath)
		]);
		return toPng(cardDrawing(facts, cover, logo));
	});
}

export async function eventPoster(
	event: EventDetails,
	sources: EventPictureSources,
	options: { locale: Locale; origin: string; format: PosterFormat; type: 'png' | 'pdf' }
): Promise<Buffer> {
	const { locale, origin, format, type } = options;
	const facts = eventPosterFacts(event, locale, origin, format === 'phone' ? 'wechat' : 'poster');
	const name = `poster-${format}-${locale}`;
	return keep(event, name, key(name, facts, sources), type, async () => {
		const [cover, logo] = await Promise.all([
			coverPicture(sources.cover, event.category),
			logoPicture(sources.logoPath)
		]);
		const drawing = posterDrawing(facts, POSTER_SIZES[format], cover, logo);
		return type === 'png'
			? toPng(drawing)
			: toPdf(drawing, { ...A4_POINTS, title: facts.title, author: facts.organiser });
	});
}

export interface OrgForCard {
	id: string;
	slug: string;
	kind: string;
	name: { zh: string; en: string };
	description: { zh: string; en: string };
	address: { zh: string; en: string } | null;
}

function orgFacts(org: OrgForCard, locale: Locale, origin: string): CardFacts {
	const description = pick(org.description, locale).replace(/\s+/g, ' ').trim();
	return {
		title: pick(org.name, locale),
		kicker: kindLabel(org.kind, locale),
		lines: [description, org.address ? pick(org.address, locale) : ''].filter(Boolean),
		organiser: `${m.app_name({}, { locale })} · ${m.app_tagline({}, { locale })}`,
		qrUrl: orgUrl(origin, org.slug, 'share'),
		qrCaption: m.pictures_scan_to_follow({}, { locale }),
		brand: new URL(origin).host
	};
}

export function orgCardKey(
	org: OrgForCard,
	logoPath: string | null,
	locale: Locale,
	origin: string
): string {
	return drawingKey([DRAWING_VERSION, 'org', orgFacts(org, locale, origin), logoPath]);
}

export async function orgCardPng(
	org: OrgForCard,
	logoPath: string | null,
	locale: Locale,
	origin: string
): Promise<Buffer> {
	const facts = orgFacts(org, locale, origin);
	return cachedDrawing(
		`${org.id}/org`,
		`card-${locale}`,
		orgCardKey(org, logoPath, locale, origin),
		'png',
		async () => {
			const [cover, logo] = await Promise.all([coverPicture(null, 'other'), logoPicture(logoPath)]);
			return toPng(cardDrawing(facts, cover, logo));
		}
	);
}

/**
 * The answer for a drawn picture. Kept by browsers and chats for a day when the URL carries the
 * key of what it shows (a change gives a new URL), five minutes otherwise.
 */
export function pictureResponse(
	bytes: Buffer,
	type: 'png' | 'pdf',
	filename?: string,
	keyed = false
): Response {
	const headers: Record<string, string> = {
		'content-type': type === 'png' ? 'image/png' : 'application/pdf',
		'content-length': String(bytes.length),
		'cache-control': keyed ? 'public, max-age=86400, immutable' : 'public, max-age=300'
	};
	if (filename) {
		const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
		headers['content-disposition'] =
			`attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
	}
	return new Response(new Uint8Array(bytes), { headers });
}
