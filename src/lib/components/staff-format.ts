/** A Shanghai calendar day as staff read it in lists: "12月7日 周一" / "Mon 7 Dec". */
const cache = new Map<string, Intl.DateTimeFormat>();

export function dayLabel(date: string, locale: string): string {
	let format = cache.get(locale);
	if (!format) {
		format = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'zh-CN', {
			timeZone: 'Asia/Shanghai',
			month: 'short',
			day: 'numeric',
			weekday: 'short'
		});
		cache.set(locale, format);
	}
	return format.format(new Date(`${date}T12:00:00+08:00`));
}
