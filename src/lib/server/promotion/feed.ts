/**
 * Subscribable iCalendar feeds (district, organisation, category) and the HTTP caching that lets
 * calendar apps poll politely: Cache-Control max-age 15 minutes, a strong ETag over the body and
 * Last-Modified from the newest change, answering 304 when nothing changed.
 */
import { createHash } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { m } from '$lib/paraglide/messages';
import { renderCalendar, type CalendarEvent } from '$lib/server/calendar/ics';
import { listPublicEvents, type PublicEvent } from './events';
import {
	ageRangeText,
	categoryLabel,
	localeFrom,
	pick,
	type Category,
	type Locale
} from './labels';
import { eventUrl } from './links';

export const FEED_MAX_AGE_SECONDS = 15 * 60;
/** Feeds keep ended events this long, so a calendar that polls late still sees a cancellation. */
export const FEED_HISTORY_DAYS = 30;
export const FEED_MAX_EVENTS = 5000;

export function feedWindowStart(now = new Date()): Date {
	return new Date(now.getTime() - FEED_HISTORY_DAYS * 86_400_000);
}

export function toCalendarEvent(event: PublicEvent, origin: string, locale: Locale): CalendarEvent {
	const url = eventUrl(origin, event.slug, 'calendar');
	const cancelled = event.status === 'cancelled';
	const title = pick(event.title, locale);
	const description = [
		pick(event.summary, locale),
		cancelled && event.cancelledReason
			? m.promote_feed_cancelled_reason({ reason: event.cancelledReason }, { locale })
			: '',
		ageRangeText(event.minAge, event.maxAge, locale),
		m.promote_feed_organiser({ org: pick(event.org.name, locale) }, { locale }),
		m.promote_feed_register({ url }, { locale })
	]
		.filter(Boolean)
		.join('\n');
	return {
		id: event.id,
		start: event.startsAt,
		end: event.endsAt,
		summary: cancelled ? `${m.promote_feed_cancelled_prefix({}, { locale })}${title}` : title,
		description,
		location: event.place ? pick(event.place, locale) : null,
		url,
		sequence: event.sequence,
		status: cancelled ? 'cancelled' : 'confirmed',
		created: event.createdAt,
		updatedAt: event.updatedAt,
		organizer: { name: pick(event.org.name, locale), email: event.org.email },
		categories: [categoryLabel(event.category, locale)]
	};
}

export interface Feed {
	name: string;
	description?: string;
	events: PublicEvent[];
	origin: string;
	locale: Locale;
	/** The feed's own URL. */
	source: string;
}

export function renderFeed(feed: Feed): { body: string; lastModified: Date | null } {
	let newest = 0;
	for (const event of feed.events) newest = Math.max(newest, Date.parse(event.updatedAt));
	const lastModified = newest ? new Date(Math.floor(newest / 1000) * 1000) : null;
	const body = renderCalendar({
		name: feed.name,
		description: feed.description,
		events: feed.events.map((event) => toCalendarEvent(event, feed.origin, feed.locale)),
		// Deterministic, so the same events give the same bytes and the same ETag.
		stamp: lastModified ?? new Date(0),
		refreshMinutes: FEED_MAX_AGE_SECONDS / 60,
		source: feed.source
	});
	return { body, lastModified };
}

export function etagFor(body: string): string {
	return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

function matchesEtag(header: string | null, etag: string): boolean {
	if (!header) return false;
	if (header.trim() === '*') return true;
	// Weak comparison (RFC 9110 13.1.2): W/ prefixes are ignored.
	const bare = etag.replace(/^W\//, '');
	return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === bare);
}

/** 200 with the calendar, or 304 when the client's copy is current. */
export function calendarResponse(
	request: Request,
	body: string,
	lastModified: Date | null,
	filename: string
): Response {
	const etag = etagFor(body);
	const headers = new Headers({
		'cache-control': `public, max-age=${FEED_MAX_AGE_SECONDS}`,
		etag,
		vary: 'Accept-Encoding'
	});
	if (lastModified) headers.set('last-modified', lastModified.toUTCString());

	const ifNoneMatch = request.headers.get('if-none-match');
	const ifModifiedSince = request.headers.get('if-modified-since');
	let notModified = false;
	if (ifNoneMatch !== null) {
		notModified = matchesEtag(ifNoneMatch, etag);
	} else if (ifModifiedSince && lastModified) {
		const since = Date.parse(ifModifiedSince);
		notModified = !Number.isNaN(since) && lastModified.getTime() <= since;
	}
	if (notModified) return new Response(null, { status: 304, headers });

	headers.set('content-type', 'text/calendar; charset=utf-8');
	headers.set(
		'content-disposition',
		`inline; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`
	);
	return new Response(body, { status: 200, headers });
}

export type FeedScope =
	| { kind: 'district' }
	| { kind: 'org'; orgId: string; orgName: { zh: string; en: string }; slug: string }
	| { kind: 'category'; category: Category };

/** Everything a feed endpoint does: read the events, render them, answer with caching headers. */
export async function serveFeed(
	supabase: SupabaseClient,
	request: Request,
	url: URL,
	scope: FeedScope,
	now = new Date()
): Promise<Response> {
	const locale = localeFrom(url);
	const events = await listPublicEvents(supabase, {
		orgId: scope.kind === 'org' ? scope.orgId : undefined,
		category: scope.kind === 'category' ? scope.category : undefined,
		endsAfter: feedWindowStart(now),
		limit: FEED_MAX_EVENTS
	});
	const name =
		scope.kind === 'district'
			? m.promote_feed_district({}, { locale })
			: scope.kind === 'org'
				? m.promote_feed_org({ org: pick(scope.orgName, locale) }, { locale })
				: m.promote_feed_category({ category: categoryLabel(scope.category, locale) }, { locale });
	const { body, lastModified } = renderFeed({
		name,
		description:
			scope.kind === 'district' ? m.promote_feed_district_description({}, { locale }) : undefined,
		events,
		origin: url.origin,
		locale,
		source: url.origin + url.pathname + (locale === 'en' ? '?lang=en' : '')
	});
	const filename =
		scope.kind === 'district'
			? 'gongyu-district.ics'
			: scope.kind === 'org'
				? `${scope.slug}.ics`
				: `${scope.category}.ics`;
	return calendarResponse(request, body, lastModified, filename);
}
