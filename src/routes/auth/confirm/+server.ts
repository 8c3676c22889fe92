import { redirect } from '@sveltejs/kit';
import type { EmailOtpType } from '@supabase/supabase-js';
import { safeRedirectPath } from '$lib/server/auth/redirect';
import { PENDING_EMAIL_COOKIE } from '$lib/server/auth/sign-in';
import type { RequestHandler } from './$types';

const otpTypes = new Set<EmailOtpType>([
	'email',
	'magiclink',
	'signup',
	'recovery',
	'invite',
	'email_change'
]);

/**
 * The link in a sign-in email. The server exchanges the token hash for a session (Supabase's SSR
 * pattern), so the link works in any browser; a PKCE `code` (from auth's own verify redirect) is
 * accepted too.
 */
export const GET: RequestHandler = async ({ url, locals, cookies }) => {
	const next = safeRedirectPath(url.searchParams.get('next'), url.origin);
	const tokenHash = url.searchParams.get('token_hash');
	const type = url.searchParams.get('type') as EmailOtpType | null;
	const code = url.searchParams.get('code');

	let ok = false;
	if (tokenHash && type && otpTypes.has(type)) {
		const { error } = await locals.supabase.auth.verifyOtp({ token_hash: tokenHash, type });
		ok = !error;
	} else if (code) {
		const { error } = await locals.supabase.auth.exchangeCodeForSession(code);
		ok = !error;
	}
	if (!ok) redirect(303, `/auth/sign-in?error=link&next=${encodeURIComponent(next)}`);
	cookies.delete(PENDING_EMAIL_COOKIE, { path: '/auth' });
	redirect(303, next);
};
