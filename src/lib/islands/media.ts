/**
 * Loads the islands that are only for some screens (`<Island media="…">`): each such island's tag
 * names its script and the media query it needs; the script is added only where the query holds,
 * so a phone downloads nothing for a part it shows better as the page's plain HTML.
 */
for (const tag of document.querySelectorAll<HTMLScriptElement>('script[data-island-media]')) {
	const { islandMedia, islandSrc } = tag.dataset;
	if (!islandMedia || !islandSrc || !matchMedia(islandMedia).matches) continue;
	const script = document.createElement('script');
	script.type = 'module';
	script.src = islandSrc;
	document.head.append(script);
}
