import {
	findCalendarEvents,
	findEvents,
	listOrganisations,
	type EventCard
} from '$lib/server/events';
import {
	PAGE_SIZE,
	currentMonth,
	listHref,
	monthRange,
	parseListQuery,
	shiftMonth,
	toFilters
} from '$lib/server/events/query';
import type { PageServerLoad } from './$types';

/** What a card needs, and no more: this goes into the page's HTML as data. */
function card(event: EventCard) {
	return {
		id: event.id,
		slug: event.slug,
		category: event.category,
		title: event.title,
		startsAt: event.startsAt,
		endsAt: event.endsAt,
		capacity: event.capacity,
		seatsTaken: event.seatsTaken,
		waitlistCount: event.waitlistCount,
		waitlistEnabled: event.waitlistEnabled,
		minAge: event.minAge,
		maxAge: event.maxAge,
		organiser: event.organiser.name,
		place: event.venue ?? event.address
	};
}
export type EventCardData = ReturnType<typeof card>;

export const load = (async ({ locals, url }) => {
	const query = parseListQuery(url.searchParams);
	const filters = toFilters(query);
	const organisations = listOrganisations(locals.supabase);

	if (query.view === 'calendar') {
		const month = monthRange(query.month);
		const from = filters.from && filters.from > month.from ? filters.from : month.from;
		const to = filters.to && filters.to < month.to ? filters.to : month.to;
		const result =
			from < to
				? await findCalendarEvents(locals.supabase, { ...filters, from, to })
				: { total: 0, items: [] };
		return {
			query,
			organisations: await organisations,
			total: result.total,
			events: [],
			calendar: result.items,
			pages: 1,
			links: {
				list: listHref(query, { view: 'list', page: 1 }),
				calendar: listHref(query, { view: 'calendar' }),
				previous: listHref(query, { month: shiftMonth(query.month, -1) }),
				next: listHref(query, { month: shiftMonth(query.month, 1) }),
				today: listHref(query, { month: currentMonth() })
			}
		};
	}

	const offset = (query.page - 1) * PAGE_SIZE;
	const result = await findEvents(locals.supabase, filters, { limit: PAGE_SIZE, offset });
	const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
	return {
		query,
		organisations: await organisations,
		total: result.total,
		events: result.items.map(card),
		calendar: [],
		pages,
		links: {
			list: listHref(query, { view: 'list', page: 1 }),
			calendar: listHref(query, { view: 'calendar' }),
			previous: query.page > 1 ? listHref(query, { page: query.page - 1 }) : null,
			next: query.page < pages ? listHref(query, { page: query.page + 1 }) : null,
			today: null
		}
	};
}) satisfies PageServerLoad;
