import { eventMoments, keepUntil } from '$lib/server/page-cache';
import { redirect } from '@sveltejs/kit';
import { categoryLabel, pick } from '$lib/components/event-labels';
import { getLocale } from '$lib/paraglide/runtime';
import {
	EVENT_CATEGORIES,
	findCalendarEvents,
	findEvents,
	listOrganisations
} from '$lib/server/events';
import { cardView, monthView } from '$lib/server/events/display';
import { listCovers } from '$lib/server/pictures/store';
import {
	PAGE_SIZE,
	currentMonth,
	listHref,
	monthRange,
	parseListQuery,
	shiftMonth,
	toFilters
} from '$lib/server/events/query';
import { myHeldPlaces } from '$lib/server/referrals';
import type { PageServerLoad } from './$types';

export const load = (async ({ locals, url }) => {
	// The filter form is a GET form: it sends every field, the empty ones too. The address that
	// is kept, shared and bookmarked carries only the filters chosen (with or without JavaScript).
	const chosen = [...url.searchParams].filter(([, value]) => value.trim() !== '');
	if (chosen.length < [...url.searchParams].length) {
		const search = new URLSearchParams(chosen).toString();
		redirect(303, `${url.pathname}${search ? `?${search}` : ''}`);
	}
	const locale = getLocale() === 'en' ? 'en' : 'zh-CN';
	const query = parseListQuery(url.searchParams);
	const filters = toFilters(query);
	const organisations = listOrganisations(locals.supabase).then((list) =>
		list.map((org) => ({ id: org.id, name: pick(org.name, locale) }))
	);
	const categories = EVENT_CATEGORIES.map((value) => ({ value, label: categoryLabel(value) }));
	const links = {
		list: listHref(query, { view: 'list', page: 1 }),
		calendar: listHref(query, { view: 'calendar' })
	};

	if (query.view === 'calendar') {
		const month = monthRange(query.month);
		const from = filters.from && filters.from > month.from ? filters.from : month.from;
		const to = filters.to && filters.to < month.to ? filters.to : month.to;
		// Both awaited together: a failure of either is this request's error, never an unhandled
		// rejection (which would stop the server).
		const [result, orgs] = await Promise.all([
			from < to
				? findCalendarEvents(locals.supabase, { ...filters, from, to })
				: { total: 0, items: [] },
			organisations
		]);
		keepUntil(
			locals,
			result.items.map((event) => event.endsAt)
		);
		return {
			query,
			categories,
			organisations: orgs,
			total: result.total,
			events: [],
			calendar: monthView(query.month, result.items, locale),
			pages: 1,
			links: {
				...links,
				previous: listHref(query, { month: shiftMonth(query.month, -1) }),
				next: listHref(query, { month: shiftMonth(query.month, 1) }),
				today: listHref(query, { month: currentMonth() })
			}
		};
	}

	const offset = (query.page - 1) * PAGE_SIZE;
	const [result, orgs, held] = await Promise.all([
		findEvents(locals.supabase, filters, { limit: PAGE_SIZE, offset }),
		organisations,
		// Signed in: the events keeping a place for this family (never for anyone else's eyes).
		locals.user ? myHeldPlaces(locals.supabase) : []
	]);
	const heldIds = new Set(held.map((h) => h.event_id));
	keepUntil(locals, result.items.flatMap(eventMoments));
	const covers = await listCovers(locals.supabase, result.items);
	const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
	return {
		query,
		categories,
		organisations: orgs,
		total: result.total,
		events: result.items.map((event) => ({
			...cardView(event, locale),
			held: heldIds.has(event.id),
			cover: covers.get(event.id)
		})),
		calendar: null,
		pages,
		links: {
			...links,
			previous: query.page > 1 ? listHref(query, { page: query.page - 1 }) : null,
			next: query.page < pages ? listHref(query, { page: query.page + 1 }) : null,
			today: null
		}
	};
}) satisfies PageServerLoad;
