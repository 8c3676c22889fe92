/**
 * Stable, readable public URLs and the channel tag (`?src=`) that links and QR codes carry, so a
 * registration records where the family came from (registrations.source, via register_family's
 * p_source). The database accepts any tag matching SOURCE_PATTERN; these are the ones offered.
 */
export const CHANNELS = ['poster', 'wechat', 'school-site', 'embed', 'calendar', 'share'] as const;
export type Channel = (typeof CHANNELS)[number];

/** The same rule as the registrations.source check constraint. */
export const SOURCE_PATTERN = /^[a-z0-9._-]{1,40}$/;

/** A usable channel tag, or null (lower-cased and trimmed like register_family does). */
export function normaliseSource(value: string | null | undefined): string | null {
	const source = value?.trim().toLowerCase() ?? '';
	return SOURCE_PATTERN.test(source) ? source : null;
}

export function eventPath(slug: string): string {
	return `/events/${encodeURIComponent(slug)}`;
}

export function eventUrl(origin: string, slug: string, source?: string | null): string {
	const url = new URL(eventPath(slug), origin);
	const tag = normaliseSource(source);
	if (tag) url.searchParams.set('src', tag);
	return url.href;
}

export function orgPath(slug: string): string {
	return `/orgs/${encodeURIComponent(slug)}`;
}

export function orgUrl(origin: string, slug: string, source?: string | null): string {
	const url = new URL(orgPath(slug), origin);
	const tag = normaliseSource(source);
	if (tag) url.searchParams.set('src', tag);
	return url.href;
}

export const feedPaths = {
	district: '/feeds/district.ics',
	org: (slug: string) => `/feeds/orgs/${encodeURIComponent(slug)}.ics`,
	category: (category: string) =>
		`/feeds/categories/${encodeURIComponent(category.replace(/_/g, '-'))}.ics`
};

export const embedPaths = {
	org: (slug: string) => `/embed/orgs/${encodeURIComponent(slug)}`,
	category: (category: string) =>
		`/embed/categories/${encodeURIComponent(category.replace(/_/g, '-'))}`
};

/** `webcal://host/path`: asks the visitor's calendar app to subscribe rather than download. */
export function webcalUrl(httpsUrl: string): string {
	return httpsUrl.replace(/^https?:/, 'webcal:');
}

/** A copy-paste iframe snippet for a community or school website. */
export function embedSnippet(src: string, title: string, height = 480): string {
	const attr = (value: string) =>
		value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
	return (
		`<iframe src="${attr(src)}" title="${attr(title)}" width="100%" height="${height}" ` +
		`style="border:0;max-width:640px" loading="lazy" referrerpolicy="strict-origin-when-cross-origin"></iframe>`
	);
}
