import type { Handle, ServerInit } from '@sveltejs/kit';
import { error, redirect } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { isApiPath } from '$lib/server/embedded-supabase';
import { isDistrictAdmin, isStaffMember } from '$lib/server/auth/roles';
import { needsSecondFactor, secondFactorPath } from '$lib/server/auth/second-factor';
import { startEmailWorker } from '$lib/server/email/worker';
import { m } from '$lib/paraglide/messages';
import { crossSiteFormBlocked } from '$lib/server/form-origin';
import { getLocale } from '$lib/paraglide/runtime';
import {
	PageCache,
	cacheable,
	pageCacheSettings,
	FreshReads,
	publicPagesVersion
} from '$lib/server/page-cache';
import { getRuntime, initRuntime, type Runtime } from '$lib/server/runtime';
import { StartupError } from '$lib/server/startup';
import { createRequestClient } from '$lib/server/supabase';

export const init: ServerInit = async () => {
	let runtime: Runtime;
	try {
		runtime = await initRuntime();
	} catch (error) {
		// A configuration the server refuses: the operator needs the sentence, not a stack trace.
		if (!(error instanceof StartupError)) throw error;
		console.error(`[gongyu] ${error.message}`);
		process.exit(1);
	}
	const stopEmailWorker = startEmailWorker();
	// adapter-node emits this once the HTTP server has closed (SIGTERM/SIGINT): stop the email loop
	// and close the database cleanly, so the process exits and PGlite's files are flushed.
	process.once('sveltekit:shutdown', async () => {
		await stopEmailWorker().catch(() => {});
		await runtime.close().catch((error) => console.error('[gongyu] closing:', error));
		process.exit(0);
	});
};

/**
 * The embedded Supabase's HTTP face on the app's own origin, for supabase-js in a browser or
 * another tool. These are JSON calls, so SvelteKit's CSRF check (form posts only) leaves them be.
 */
const api: Handle = async ({ event, resolve }) => {
	if (isApiPath(event.url.pathname)) {
		const response = await getRuntime().handleApi(event.request, event.getClientAddress());
		if (response) return response;
	}
	return resolve(event);
};

const supabase: Handle = async ({ event, resolve }) => {
	// Made when first used: a kept public page for an anonymous visitor needs no client at all.
	let client: App.Locals['supabase'] | null = null;
	Object.defineProperty(event.locals, 'supabase', {
		get: () => (client ??= createRequestClient(event)),
		configurable: true,
		enumerable: true
	});
	let verified: ReturnType<App.Locals['safeGetSession']> | null = null;
	event.locals.safeGetSession = () => {
		// getSession() alone only reads the cookie; getUser() asks the auth server to vouch for it.
		verified ??= (async () => {
			// Without supabase-js's auth cookies (sb-…) nobody is signed in on this request.
			if (!event.cookies.getAll().some(({ name }) => name.startsWith('sb-')))
				return { session: null, user: null };
			const {
				data: { session }
			} = await event.locals.supabase.auth.getSession();
			if (!session) return { session: null, user: null };
			// The token just read, so the cookie is not read (and decoded) a second time.
			const {
				data: { user },
				error: userError
			} = await event.locals.supabase.auth.getUser(session.access_token);
			if (userError || !user) return { session: null, user: null };
			return { session, user };
		})();
		return verified;
	};
	event.locals.largeText = event.cookies.get('gongyu_text') === 'large';
	return resolve(event, {
		filterSerializedResponseHeaders: (name) =>
			name === 'content-range' || name === 'x-supabase-api-version'
	});
};

/**
 * The route groups decide who may enter. Signed-out visitors are sent to sign in from here, for
 * every request. A signed-in visitor without the role is refused here for everything but GET and
 * HEAD (form actions, endpoints that change things); a page read is refused by the group's
 * +layout.server.ts, inside the page tree, so the visitor gets the translated error page. A GET
 * endpoint (+server.ts) inside (staff) or (admin) runs no layout: it must check
 * `locals.roles()` itself.
 */
const guards: Handle = async ({ event, resolve }) => {
	const { session, user } = await event.locals.safeGetSession();
	event.locals.user = user;
	let roles: Promise<{ staff: boolean; admin: boolean }> | null = null;
	event.locals.roles = () =>
		(roles ??= (async () => ({
			staff: await isStaffMember(event.locals.supabase, user),
			admin: isDistrictAdmin(user)
		}))());
	const group = /^\/\((family|staff|admin)\)/.exec(event.route.id ?? '')?.[1];
	if (group && !user) {
		redirect(
			303,
			`/auth/sign-in?next=${encodeURIComponent(event.url.pathname + event.url.search)}`
		);
	}
	const read = event.request.method === 'GET' || event.request.method === 'HEAD';
	const pageView =
		read &&
		!event.isDataRequest &&
		(event.request.headers.get('accept') ?? '').includes('text/html');
	// Staff and administrators with a second factor enter their areas after its code, every session.
	if ((group === 'staff' || group === 'admin') && needsSecondFactor(session, user)) {
		const next = event.url.pathname + event.url.search;
		if (read && !event.isDataRequest) redirect(303, secondFactorPath(next));
		error(403, { message: 'forbidden' });
	}
	if ((group === 'staff' || group === 'admin') && !pageView) {
		const allowed = (await event.locals.roles())[group];
		if (!allowed) error(403, { message: 'forbidden' });
	}
	return resolve(event);
};

const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	const headers = response.headers;
	headers.set('x-content-type-options', 'nosniff');
	headers.set('referrer-policy', 'strict-origin-when-cross-origin');
	// Only the /embed/… widgets may be framed (they send their own CSP with frame-ancestors);
	// every other route forbids it.
	const embeddable = event.route.id?.startsWith('/embed/') ?? false;
	if (!embeddable && !headers.has('x-frame-options')) headers.set('x-frame-options', 'DENY');
	headers.set(
		'permissions-policy',
		'camera=(self), microphone=(), geolocation=(), payment=(), usb=()'
	);
	headers.set('cross-origin-opener-policy', 'same-origin');
	if (event.locals.user) headers.set('cache-control', 'private, no-store');
	return response;
};

const paraglide: Handle = ({ event, resolve }) =>
	paraglideMiddleware(event.request, ({ request: localizedRequest, locale }) => {
		event.request = localizedRequest;
		return resolve(event, {
			transformPageChunk: ({ html }) =>
				html
					.replace('%paraglide.lang%', locale)
					.replace('%gongyu.textsize%', event.locals.largeText ? 'text-large' : '')
		});
	});

/**
 * SvelteKit's origin check for form posts, run here instead of by SvelteKit (which is told to trust
 * every origin in svelte.config.js) for two reasons: RFC 8058 one-click unsubscribe posts come from
 * mail providers with no Origin (see one-click.ts), and a refused post must say why in the visitor's
 * language — as an error result the enhanced form shows, or as a page without JavaScript — rather
 * than SvelteKit's bare English text. It runs inside the Paraglide handle, so `m` speaks the
 * visitor's language, and before any action.
 */
const formOrigin: Handle = async ({ event, resolve }) => {
	if (!crossSiteFormBlocked(event.request, event.url)) return resolve(event);
	const message = m.error_form_origin({ origin: event.url.origin });
	if (event.request.headers.get('x-sveltekit-action') === 'true') {
		return new Response(
			JSON.stringify({ type: 'error', status: 403, error: { message, kind: 'form_origin' } }),
			{
				status: 403,
				headers: { 'content-type': 'application/json' }
			}
		);
	}
	error(403, { message, kind: 'form_origin' });
};

/**
 * Public pages for anonymous visitors, kept while the database says nothing they show has changed
 * (src/lib/server/page-cache.ts). One cache per process, holding only pages that are the same for
 * every anonymous visitor. Innermost, so the other handles' headers apply to kept pages too.
 */
const pages = new PageCache(pageCacheSettings(process.env));
const versions = new FreshReads<string | null>();
const pageCache: Handle = async ({ event, resolve }) => {
	if (
		!pages.settings.enabled ||
		!cacheable(event.request, event.route.id, event.isDataRequest) ||
		event.locals.user
	)
		return resolve(event);
	// Read before rendering: a change committed meanwhile makes the kept page's version old.
	const version = await versions.read(() => publicPagesVersion(event.locals.supabase));
	if (version === null) return resolve(event);
	const key = `${getLocale()} ${event.locals.largeText ? 'large' : 'normal'} ${event.url.pathname}${event.url.search}`;
	const kept = pages.get(key, version);
	if (kept) return kept;
	event.locals.pageUntil = Date.now() + pages.settings.ttlMs;
	const response = await resolve(event);
	return pages.put(key, version, event.locals.pageUntil, response);
};

export const handle = sequence(
	api,
	supabase,
	guards,
	securityHeaders,
	paraglide,
	formOrigin,
	pageCache
);
