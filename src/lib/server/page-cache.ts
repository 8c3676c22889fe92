import type { SupabaseClient } from '@supabase/supabase-js';

/**
 * Public pages as anonymous visitors see them, kept in this process's memory so that the next
 * visitor to the same address gets them without the page's queries.
 *
 * A kept page is served only while
 * - the database's `public_pages_version()` is the number read before the page was rendered: any
 *   committed change to events (places left included), organisations, rooms or room bookings, from
 *   any app server, changes it — so seats left are never stale, and several app servers need no
 *   messages between them;
 * - the time has not reached the page's next moment of change (an event's registration opening or
 *   closing, its start or end: see `keepUntil`), nor GONGYU_PAGE_CACHE_TTL_MS after rendering, for
 *   anything else the clock changes.
 * Only GET requests for the routes listed below, with no cookie but the language and text-size
 * ones (so nobody signed in, nothing personal), and only 200 answers that set no cookie.
 */

/** Routes whose pages read only what the version watches (see the migration creating it). */
const ROUTES = new Set([
	'/(public)',
	'/(public)/events',
	'/(public)/events/[slug]',
	'/(public)/orgs',
	'/(public)/orgs/[slug]'
]);
/** Cookies that only choose how a page is shown; both are part of the key. */
const SHOWING = new Set(['PARAGLIDE_LOCALE', 'gongyu_text']);

/** Says whether a cacheable page came from the cache (`hit`) or was rendered (`miss`). */
export const CACHE_HEADER = 'x-gongyu-page-cache';

function withHeader(response: Response, value: 'hit' | 'miss') {
	// A response made by SvelteKit may have immutable headers.
	const copy = new Response(response.body, response);
	copy.headers.set(CACHE_HEADER, value);
	return copy;
}

interface Kept {
	version: string;
	until: number;
	status: number;
	headers: [string, string][];
	body: ArrayBuffer;
}

export interface PageCacheSettings {
	enabled: boolean;
	ttlMs: number;
	maxPages: number;
}

export function pageCacheSettings(env: Record<string, string | undefined>): PageCacheSettings {
	const number = (value: string | undefined, fallback: number) => {
		const parsed = Number(value);
		return value && Number.isFinite(parsed) && parsed >= 0 ? parsed : fallback;
	};
	return {
		enabled: !['off', '0', 'false'].includes((env.GONGYU_PAGE_CACHE ?? 'on').toLowerCase()),
		ttlMs: number(env.GONGYU_PAGE_CACHE_TTL_MS, 10_000),
		maxPages: number(env.GONGYU_PAGE_CACHE_PAGES, 500)
	};
}

/** Whether a request may be answered from, and stored in, the cache. */
export function cacheable(request: Request, routeId: string | null, isDataRequest: boolean) {
	if (request.method !== 'GET' || isDataRequest || !routeId || !ROUTES.has(routeId)) return false;
	const cookies = request.headers.get('cookie');
	if (!cookies) return true;
	return cookies
		.split(';')
		.map((part) => part.split('=')[0].trim())
		.every((name) => name === '' || SHOWING.has(name));
}

/** A page's next moment of change: the earliest of `times` still to come lowers its lifetime. */
export function keepUntil(locals: App.Locals, times: (string | null | undefined)[]) {
	const now = Date.now();
	for (const time of times) {
		const at = time ? Date.parse(time) : Number.NaN;
		if (at > now && at < locals.pageUntil) locals.pageUntil = at;
	}
}

/** The times at which an event's page or card reads differently. */
export const eventMoments = (event: {
	startsAt: string;
	endsAt: string;
	registrationOpensAt: string | null;
	registrationClosesAt: string | null;
}) => [event.startsAt, event.endsAt, event.registrationOpensAt, event.registrationClosesAt];

export async function publicPagesVersion(supabase: SupabaseClient): Promise<string | null> {
	const { data, error } = await supabase.rpc('public_pages_version');
	return error || data == null ? null : String(data);
}

/**
 * Reads shared by the requests that arrive together. Each caller gets the result of a read that
 * started after it called — never one already under way, whose answer may predate a change the
 * caller must see — so at most one read is under way and one waits, however many visitors come at
 * once. The waiting read is made with the first waiting caller's `read`.
 */
export class FreshReads<T> {
	#waiting: Promise<T> | null = null;
	#running: Promise<unknown> | null = null;

	read(read: () => Promise<T>): Promise<T> {
		if (this.#waiting) return this.#waiting;
		const start = async () => {
			this.#waiting = null;
			const running = read();
			this.#running = running;
			try {
				return await running;
			} finally {
				if (this.#running === running) this.#running = null;
			}
		};
		const after = this.#running;
		if (!after) return start();
		const waiting = after.then(start, start);
		this.#waiting = waiting;
		return waiting;
	}
}

export class PageCache {
	#pages = new Map<string, Kept>();
	constructor(readonly settings: PageCacheSettings) {}

	get(key: string, version: string): Response | null {
		const kept = this.#pages.get(key);
		if (!kept) return null;
		if (kept.version !== version || kept.until <= Date.now()) {
			this.#pages.delete(key);
			return null;
		}
		// Most recently used last: the first key is the one to drop when full.
		this.#pages.delete(key);
		this.#pages.set(key, kept);
		const response = new Response(kept.body, { status: kept.status, headers: kept.headers });
		response.headers.set(CACHE_HEADER, 'hit');
		return response;
	}

	/** Keeps a rendered page when it may be kept; returns a response to send in its place. */
	async put(key: string, version: string, until: number, response: Response): Promise<Response> {
		const type = response.headers.get('content-type') ?? '';
		if (
			response.status !== 200 ||
			!type.startsWith('text/html') ||
			response.headers.has('set-cookie') ||
			until <= Date.now()
		)
			return withHeader(response, 'miss');
		const body = await response.arrayBuffer();
		// The nonce is not needed (these pages run no inline script) and must not be shared.
		const headers = [...response.headers].map(([name, value]): [string, string] => [
			name,
			name === 'content-security-policy' ? value.replace(/ ?'nonce-[^']*'/g, '') : value
		]);
		this.#pages.set(key, { version, until, status: response.status, headers, body });
		while (this.#pages.size > this.settings.maxPages) {
			this.#pages.delete(this.#pages.keys().next().value!);
		}
		return withHeader(new Response(body, { status: response.status, headers }), 'miss');
	}

	get size() {
		return this.#pages.size;
	}
}
