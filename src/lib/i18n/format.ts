/**
 * Dates and times as the district reads them: Asia/Shanghai, whatever the server's or the
 * browser's own time zone, in the page's language.
 */
export const TIME_ZONE = 'Asia/Shanghai';

type Locale = 'zh-CN' | 'en';

const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
	const key = `${locale}|${JSON.stringify(options)}`;
	let f = cache.get(key);
	if (!f) {
		f = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'zh-CN', {
			timeZone: TIME_ZONE,
			...options
		});
		cache.set(key, f);
	}
	return f;
}

function toDate(value: string | number | Date): Date {
	return value instanceof Date ? value : new Date(value);
}

/** "6月14日 周六 09:30" / "Sat 14 Jun, 09:30" */
export function formatDateTime(value: string | number | Date, locale: Locale): string {
	return formatter(locale, {
		month: 'short',
		day: 'numeric',
		weekday: 'short',
		hour: '2-digit',
		minute: '2-digit',
		hour12: false
	}).format(toDate(value));
}

/** "2025年6月14日" / "14 June 2025" */
export function formatDate(value: string | number | Date, locale: Locale): string {
	return formatter(locale, { year: 'numeric', month: 'long', day: 'numeric' }).format(
		toDate(value)
	);
}

/** "09:30" */
export function formatTime(value: string | number | Date, locale: Locale): string {
	return formatter(locale, { hour: '2-digit', minute: '2-digit', hour12: false }).format(
		toDate(value)
	);
}

/** "6月14日 周六 09:30–11:00", the end's date left out when it is the same day. */
export function formatRange(
	start: string | number | Date,
	end: string | number | Date | null | undefined,
	locale: Locale
): string {
	const from = formatDateTime(start, locale);
	if (end == null) return from;
	const sameDay = formatDate(start, locale) === formatDate(end, locale);
	return `${from}–${sameDay ? formatTime(end, locale) : formatDateTime(end, locale)}`;
}

/** ISO timestamp for `<time datetime>`. */
export function isoString(value: string | number | Date): string {
	return toDate(value).toISOString();
}
