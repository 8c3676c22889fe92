import type { SupabaseClient, User } from '@supabase/supabase-js';
import { isDistrictAdmin, isStaffMember } from './roles';

/**
 * Where to go after signing in. `next` comes from the URL, so an attacker can set it: only a path
 * on this site is accepted, anything else falls back to `fallback`.
 */
export function safeRedirectPath(
	next: string | null | undefined,
	origin: string,
	fallback = '/'
): string {
	if (!next || next.length > 2048) return fallback;
	// Browsers treat a backslash like a slash, and strip tabs and newlines from URLs: refuse both,
	// so `/\evil.example` or `/\t/evil.example` cannot become a protocol-relative URL.
	if (!next.startsWith('/') || next.startsWith('//') || hasBackslashOrControl(next)) {
		return fallback;
	}
	let url: URL;
	let base: URL;
	try {
		base = new URL(origin);
		url = new URL(next, base);
	} catch {
		return fallback;
	}
	if (url.origin !== base.origin) return fallback;
	// Dot segments can normalise `/.//evil.example` into `//evil.example`, which a browser would
	// read as another host.
	if (url.pathname.startsWith('//')) return fallback;
	return `${url.pathname}${url.search}${url.hash}`;
}

function hasBackslashOrControl(value: string): boolean {
	for (let i = 0; i < value.length; i++) {
		const c = value.charCodeAt(i);
		if (c < 0x20 || c === 0x7f || c === 0x5c) return true;
	}
	return false;
}

/**
 * Where a person lands after signing in with nowhere particular to go (the home page): venue staff
 * at their workbench, district administrators at the district's figures, families at home.
 */
export async function landingAfterSignIn(
	next: string,
	supabase: SupabaseClient,
	user: User | null
): Promise<string> {
	if (next !== '/') return next;
	if (isDistrictAdmin(user)) return '/admin';
	if (await isStaffMember(supabase, user)) return '/staff';
	return next;
}
