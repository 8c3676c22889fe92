/**
 * Times on the staff calendar, in Asia/Shanghai wall-clock time. China keeps no daylight saving
 * time, so Shanghai is always UTC+08:00 and a wall-clock time converts with a fixed offset, in the
 * browser and on the server alike. No zod here: the calendar's browser code imports this.
 */
export const SHANGHAI_OFFSET = '+08:00';

/** How every calendar writes times: 09:30 and 09:30–11:00, as the rest of the site does. */
const CLOCK_TIME = { hour: '2-digit', minute: '2-digit', hour12: false } as const;
export const CALENDAR_TIMES = {
	eventTimeFormat: CLOCK_TIME,
	slotLabelFormat: CLOCK_TIME,
	defaultRangeSeparator: '–'
};
const OFFSET_MS = 8 * 3600_000;

/** '2026-12-05' + '09:30' → '2026-12-05T09:30:00+08:00' ('24:00' becomes the next midnight). */
export function shanghaiIso(date: string, time: string): string {
	if (time === '24:00') return `${addDays(date, 1)}T00:00:00${SHANGHAI_OFFSET}`;
	return `${date}T${time}:00${SHANGHAI_OFFSET}`;
}

/** The Shanghai wall-clock parts of an instant: { date: 'YYYY-MM-DD', time: 'HH:MM' }. */
export function shanghaiParts(value: string | number | Date): { date: string; time: string } {
	const shifted = new Date(new Date(value).getTime() + OFFSET_MS).toISOString();
	return { date: shifted.slice(0, 10), time: shifted.slice(11, 16) };
}

/**
 * An instant as a Shanghai wall-clock string without offset ('2026-12-05T09:30:00'): FullCalendar
 * runs in its 'UTC' time zone and shows these as they read, whatever the browser's zone.
 */
export function wallClock(value: string | number | Date): string {
	return new Date(new Date(value).getTime() + OFFSET_MS).toISOString().slice(0, 19);
}

/** The inverse of wallClock for a Date FullCalendar hands back (its UTC fields are wall-clock). */
export function fromWallClock(date: Date): string {
	return `${date.toISOString().slice(0, 19)}${SHANGHAI_OFFSET}`;
}

/** Today's date in Shanghai. */
export function shanghaiToday(now = Date.now()): string {
	return shanghaiParts(now).date;
}

export function addDays(date: string, days: number): string {
	const [y, m, d] = date.split('-').map(Number);
	return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** ISO weekday, 1 Monday … 7 Sunday, of a 'YYYY-MM-DD'. */
export function isoWeekday(date: string): number {
	const [y, m, d] = date.split('-').map(Number);
	return ((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7) + 1;
}

/** The Monday of the week that holds `date`. */
export function weekStart(date: string): string {
	return addDays(date, 1 - isoWeekday(date));
}

export function monthStart(date: string): string {
	return `${date.slice(0, 7)}-01`;
}

/** A valid 'YYYY-MM-DD' from a query parameter, or the fallback. */
export function parseDateParam(value: string | null, fallback: string): string {
	if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return fallback;
	const [y, m, d] = value.split('-').map(Number);
	const check = new Date(Date.UTC(y, m - 1, d));
	return check.getUTCMonth() === m - 1 && check.getUTCDate() === d ? value : fallback;
}
