/**
 * The words and figures an event card shows, made on the server in the visitor's language, so
 * the browser receives text rather than the code and every message needed to make it (the list
 * and event pages stay within their JavaScript budget).
 */
import {
	ageRangeText,
	categoryLabel,
	fillPercent,
	pick,
	seatsText,
	type Locale
} from '$lib/components/event-labels';
import { formatRange } from '$lib/i18n/format';
import { getLocale } from '$lib/paraglide/runtime';
import type { EventCard } from './index';

export interface FillView {
	percent: number;
	full: boolean;
	text: string;
}

export function fillView(event: EventCard): FillView {
	return {
		percent: fillPercent(event),
		full: event.seatsTaken >= event.capacity,
		text: seatsText(event)
	};
}

export interface CardView {
	id: string;
	slug: string;
	category: string;
	title: string;
	startsAt: string;
	when: string;
	place: string | null;
	organiser: string;
	ages: string;
	fill: FillView;
}

export function cardView(event: EventCard, locale: Locale = getLocale() as Locale): CardView {
	const place = event.venue ?? event.address;
	return {
		id: event.id,
		slug: event.slug,
		category: categoryLabel(event.category),
		title: pick(event.title, locale),
		startsAt: event.startsAt,
		when: formatRange(event.startsAt, event.endsAt, locale),
		place: place ? pick(place, locale) : null,
		organiser: pick(event.organiser.name, locale),
		ages: ageRangeText(event.minAge, event.maxAge),
		fill: fillView(event)
	};
}
