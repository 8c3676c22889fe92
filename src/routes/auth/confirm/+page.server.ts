import { redirect } from '@sveltejs/kit';
import type { EmailOtpType } from '@supabase/supabase-js';
import { safeRedirectPath } from '$lib/server/auth/redirect';
import { signedIn } from '$lib/server/auth/sign-in';
import type { Actions, PageServerLoad } from './$types';

const otpTypes = new Set<EmailOtpType>([
	'email',
	'magiclink',
	'signup',
	'recovery',
	'invite',
	'email_change'
]);

const failed = (next: string) => `/auth/sign-in?error=link&next=${encodeURIComponent(next)}`;

/**
 * The link in a sign-in email. Opening it only shows a button: mail security scanners and link
 * previews fetch every link in a message, and a one-time token spent by them would leave the parent
 * with "link expired". The button posts the token hash, and the server exchanges it for a session
 * (Supabase's SSR pattern), so the link works in any browser, with or without JavaScript.
 * A PKCE `code` (from auth's own verify redirect) needs this browser's verifier, so it is exchanged
 * straight away.
 */
export const load = (async ({ url, locals, cookies }) => {
	const next = safeRedirectPath(url.searchParams.get('next'), url.origin);
	const code = url.searchParams.get('code');
	if (code) {
		const { data, error } = await locals.supabase.auth.exchangeCodeForSession(code);
		if (error) redirect(303, failed(next));
		redirect(303, await signedIn(cookies, locals.supabase, data.user, next));
	}
	const tokenHash = url.searchParams.get('token_hash');
	const type = url.searchParams.get('type') as EmailOtpType | null;
	if (!tokenHash || !type || !otpTypes.has(type)) redirect(303, failed(next));
	return { next, tokenHash, type, signedIn: Boolean(locals.user) };
}) satisfies PageServerLoad;

export const actions = {
	default: async ({ request, url, locals, cookies }) => {
		const form = await request.formData();
		const next = safeRedirectPath(form.get('next') as string | null, url.origin);
		const tokenHash = String(form.get('token_hash') ?? '');
		const type = String(form.get('type') ?? '') as EmailOtpType;
		if (!tokenHash || !otpTypes.has(type)) redirect(303, failed(next));
		const { data, error } = await locals.supabase.auth.verifyOtp({ token_hash: tokenHash, type });
		if (error) redirect(303, failed(next));
		redirect(303, await signedIn(cookies, locals.supabase, data.user, next));
	}
} satisfies Actions;
