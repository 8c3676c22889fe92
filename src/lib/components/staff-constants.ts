/**
 * Lists the staff forms share with their schemas, kept free of zod so that browser code can import
 * them without the validator (the calendar's JavaScript budget).
 */
import { Constants } from '$lib/database.types';

// The schema's own enum, from the generated types: one list, never out of step with SQL.
export const CATEGORIES = Constants.public.Enums.event_category;
export type Category = (typeof CATEGORIES)[number];

export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
export const INTERVALS_PER_DAY = 2;

/** Form field names of one opening interval: `h3_1_open`, `h3_1_close` (Wednesday, first one). */
export const hourField = (day: number, slot: number, edge: 'open' | 'close') =>
	`h${day}_${slot}_${edge}`;
