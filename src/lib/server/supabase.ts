/**
 * One supabase-js client per request (never at module scope: a module-level client on the server
 * would be shared by every user). It reads and writes the auth cookies of this request, and in
 * embedded mode its fetch is answered in-process.
 */
import { createServerClient } from '@supabase/ssr';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { RequestEvent } from '@sveltejs/kit';
import WebSocket from 'ws';
import { SESSION_COOKIE_ENCODING, secureCookies } from './cookies';
import { getRuntime } from './runtime';

export function createRequestClient(
	event: Pick<RequestEvent, 'cookies' | 'url' | 'getClientAddress'>
): SupabaseClient {
	const runtime = getRuntime();
	return createServerClient(runtime.supabaseUrl(event.url.origin), runtime.publishableKey, {
		cookieEncoding: SESSION_COOKIE_ENCODING,
		cookies: {
			getAll: () => event.cookies.getAll(),
			setAll: (cookies) => {
				for (const { name, value, options } of cookies) {
					event.cookies.set(name, value, {
						...options,
						path: '/',
						httpOnly: true,
						sameSite: 'lax',
						secure: secureCookies(event.url)
					});
				}
			}
		},
		// Node 20 has no global WebSocket; supabase-js refuses to start without one.
		realtime: { transport: WebSocket as never },
		// The visitor's address goes with every call, for the embedded Auth's rate limits.
		global: { fetch: runtime.fetchFor(clientAddress(event)) }
	});
}

function clientAddress(event: Pick<RequestEvent, 'getClientAddress'>): string | null {
	try {
		return event.getClientAddress();
	} catch {
		// No address to be had (e.g. while prerendering): limits by email address still apply.
		return null;
	}
}
