/** Helpers of the sign-in flow, shared by its routes (code, link and PKCE code alike). */
import type { Cookies } from '@sveltejs/kit';
import { isAuthApiError, isAuthError, type SupabaseClient, type User } from '@supabase/supabase-js';
import { landingAfterSignIn } from './redirect';
import { secondFactorPath, verifiedFactors } from './second-factor';

export const PENDING_EMAIL_COOKIE = 'gongyu_signin_email';

const emailPattern = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

/** The address as typed, trimmed and lower-cased; null when it cannot be an address. */
export function normaliseEmail(value: FormDataEntryValue | null): string | null {
	if (typeof value !== 'string') return null;
	const email = value.trim().toLowerCase();
	return email.length <= 254 && emailPattern.test(email) ? email : null;
}

/** The six digits, with any spaces a phone keyboard or a paste added removed; null otherwise. */
export function normaliseCode(value: FormDataEntryValue | null): string | null {
	if (typeof value !== 'string') return null;
	const code = value.replace(/[\s-]/g, '');
	return /^\d{6}$/.test(code) ? code : null;
}

export type AuthFailure = 'code_wrong' | 'rate_limited' | 'generic';

/** What an auth error means to the person signing in. */
export function classifyAuthError(error: unknown): AuthFailure {
	if (isAuthApiError(error) || isAuthError(error)) {
		const { status, code } = error as { status?: number; code?: string };
		if (
			status === 429 ||
			code === 'over_email_send_rate_limit' ||
			code === 'over_request_rate_limit'
		) {
			return 'rate_limited';
		}
		if (code === 'otp_expired' || code === 'otp_disabled' || status === 403 || status === 401) {
			return 'code_wrong';
		}
	}
	return 'generic';
}

/**
 * A session was just made (a code, a link, a PKCE code): forgets the address waiting for its code
 * and answers where to go next (the second-factor step first, when the user has one).
 */
export async function signedIn(
	cookies: Cookies,
	supabase: SupabaseClient,
	user: User | null,
	next: string
): Promise<string> {
	cookies.delete(PENDING_EMAIL_COOKIE, { path: '/auth' });
	const landing = await landingAfterSignIn(next, supabase, user);
	// With a second factor, the code from the authenticator app comes first.
	return verifiedFactors(user).length > 0 ? secondFactorPath(landing) : landing;
}
