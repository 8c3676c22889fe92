/**
 * Public pages are read, mostly on phones, and change only on the server: they send the HTML and
 * one stylesheet, and hydrate nothing. A part that needs JavaScript gets an island
 * (src/lib/islands/, loaded with <Island>); a page that needs SvelteKit's client sets `csr = true`
 * in its own +page.ts. tests/e2e/public-pages-js.test.ts counts every public page's scripts.
 */
export const csr = false;
