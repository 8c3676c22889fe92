/**
 * Long lists read page by page. PostgREST answers at most `[api] max_rows` rows to one request
 * (Supabase's default 1000, and the embedded API applies it too), so a list that can be longer —
 * an event's attendees, a feed, the sitemap — asks for consecutive ranges until one comes back short.
 */
import type { PostgrestError } from '@supabase/supabase-js';

/** Rows asked for per request: at most `[api] max_rows` in supabase/config.toml (a test checks). */
export const PAGE_ROWS = 1000;

type Page<T> = PromiseLike<{ data: T[] | null; error: PostgrestError | null }>;

/**
 * Up to `limit` rows of a query, in ranges of PAGE_ROWS. `page(from, to)` builds the query afresh
 * with `.range(from, to)`; its order must be total, or rows may repeat or go missing across pages.
 */
export async function readAll<T>(
	page: (from: number, to: number) => Page<T>,
	limit = Infinity
): Promise<{ data: T[]; error: PostgrestError | null }> {
	const rows: T[] = [];
	while (rows.length < limit) {
		const from = rows.length;
		const to = Math.min(from + PAGE_ROWS, limit) - 1;
		const { data, error } = await page(from, to);
		if (error) return { data: rows, error };
		rows.push(...(data ?? []));
		if ((data?.length ?? 0) < to - from + 1) break;
	}
	return { data: rows, error: null };
}
