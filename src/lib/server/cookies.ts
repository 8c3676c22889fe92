/**
 * Whether the app's cookies are `Secure`: exactly when the site is served over https (ORIGIN's
 * scheme, also behind a TLS-terminating proxy that talks http to the app). SvelteKit's default marks
 * them Secure on every origin but http://localhost, so on a school's LAN install at
 * http://192.168.1.10 browsers would drop every cookie and nobody could sign in.
 */
export function secureCookies(url: URL): boolean {
	return url.protocol === 'https:';
}

/**
 * The session cookie holds the session as JSON (URL-encoded in the header), not base64url: only
 * this server reads it (it is httpOnly), and decoding base64url in JavaScript on every request
 * cost more than the rest of the session check. Cookies written as base64url still read
 * (@supabase/ssr tells them by their prefix).
 */
export const SESSION_COOKIE_ENCODING = 'raw';
