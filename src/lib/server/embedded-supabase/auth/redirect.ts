/**
 * Where auth redirects may go (GoTrue's SITE_URL + URI_ALLOW_LIST), as one pure rule the app and
 * the tests share: the site's own origin, an exact entry of the allow list, or an entry ending in
 * `**` that matches as a prefix — never a look-alike host (`https://site.example.evil.com`).
 */
export interface RedirectRules {
	siteUrl: string;
	redirectAllowList: string[];
}

function parse(url: string): URL | null {
	try {
		return new URL(url);
	} catch {
		return null;
	}
}

const webSchemes = new Set(['http:', 'https:']);

function matchesEntry(candidate: URL, entry: string): boolean {
	const pattern = entry.trim();
	if (!pattern) return false;
	if (!pattern.endsWith('**')) {
		const exact = parse(pattern);
		return exact !== null && exact.href === candidate.href;
	}
	const prefix = pattern.slice(0, -2);
	const base = parse(prefix);
	if (!base || base.origin === 'null') return false;
	// The origin is pinned: only the path (and query) may vary after the prefix.
	if (candidate.origin !== base.origin) return false;
	const basePath = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*$/i.test(prefix)
		? ''
		: base.pathname + base.search;
	const rest = candidate.href.slice(candidate.origin.length);
	return basePath === '' || rest.startsWith(basePath);
}

/** Whether `url` is an allowed redirect target (absolute URL only). */
export function isAllowedRedirect(url: string | null | undefined, rules: RedirectRules): boolean {
	if (!url || typeof url !== 'string' || url.length > 2048) return false;
	const candidate = parse(url);
	if (!candidate) return false;
	if (candidate.username || candidate.password) return false;
	const site = parse(rules.siteUrl);
	if (site && webSchemes.has(candidate.protocol) && candidate.origin === site.origin) return true;
	return rules.redirectAllowList.some((entry) => {
		if (!webSchemes.has(candidate.protocol) && entry.trim().endsWith('**')) {
			// Custom schemes (mobile apps) only by exact entry.
			return false;
		}
		return matchesEntry(candidate, entry);
	});
}

/**
 * GoTrue's `GetReferrer`: the requested `redirect_to` when allowed, else the `Referer` header when
 * allowed, else the site URL.
 */
export function resolveRedirect(
	requested: string | null | undefined,
	referer: string | null | undefined,
	rules: RedirectRules
): string {
	if (isAllowedRedirect(requested, rules)) return requested as string;
	if (isAllowedRedirect(referer, rules)) return referer as string;
	return rules.siteUrl;
}
