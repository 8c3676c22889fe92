import { fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import { codeLimits } from '$lib/server/auth/limits';
import { safeRedirectPath } from '$lib/server/auth/redirect';
import {
	PENDING_EMAIL_COOKIE,
	classifyAuthError,
	normaliseCode,
	normaliseEmail,
	signedIn
} from '$lib/server/auth/sign-in';
import { secureCookies } from '$lib/server/cookies';
import type { Actions, PageServerLoad } from './$types';

const pendingCookie = (url: URL) =>
	({
		path: '/auth',
		httpOnly: true,
		sameSite: 'lax',
		maxAge: 60 * 60,
		secure: secureCookies(url)
	}) as const;

function rateLimitMessage(retryAfterMs: number): string {
	const minutes = Math.max(1, Math.ceil(retryAfterMs / 60_000));
	return m.error_rate_limited({ minutes });
}

/** Seconds until auth sends another code ("…only request this after 47 seconds."), else 60. */
function resendWait(message: string): number {
	const seconds = Number(/after (\d+) seconds?/.exec(message)?.[1]);
	return Number.isInteger(seconds) && seconds > 0 && seconds <= 3600 ? seconds : 60;
}

export const load = (async ({ url, cookies, locals }) => {
	const next = safeRedirectPath(url.searchParams.get('next'), url.origin);
	if (locals.user) redirect(303, next);
	return {
		next,
		pendingEmail: cookies.get(PENDING_EMAIL_COOKIE) ?? null,
		linkError: url.searchParams.get('error') === 'link'
	};
}) satisfies PageServerLoad;

export const actions = {
	/** Step 1: send a code (and a link) to the address. */
	request: async ({ request, cookies, url, locals, getClientAddress }) => {
		const form = await request.formData();
		const next = safeRedirectPath(form.get('next') as string | null, url.origin);
		const email = normaliseEmail(form.get('email'));
		if (!email) {
			return fail(400, {
				step: 'email',
				next,
				email: String(form.get('email') ?? ''),
				message: m.error_email_invalid()
			});
		}
		// "Send a new code" on the code step: a refusal keeps the parent on that step.
		const resend = form.get('resend') === '1';
		const allowed = await codeLimits().request(email, getClientAddress());
		if (!allowed.allowed) {
			const wait = allowed.retryAfterMs;
			return fail(429, {
				step: resend ? 'code' : 'email',
				next,
				email,
				message: rateLimitMessage(wait)
			});
		}

		const { error } = await locals.supabase.auth.signInWithOtp({
			email,
			options: {
				shouldCreateUser: true,
				// `lang`: the page's language, for the email when the address has no family yet.
				emailRedirectTo: `${url.origin}/auth/confirm?next=${encodeURIComponent(next)}&lang=${getLocale()}`,
				data: { locale: getLocale() }
			}
		});
		if (error) {
			const kind = classifyAuthError(error);
			if (kind !== 'rate_limited')
				console.error('sign-in: sending a code failed:', error.status, error.code);
			// Within auth's send interval the last code is still good: stay, and say when a new one
			// can be sent.
			if (kind === 'rate_limited' && resend) {
				cookies.set(PENDING_EMAIL_COOKIE, email, pendingCookie(url));
				return fail(429, { step: 'code', next, email, resendIn: resendWait(error.message) });
			}
			return fail(kind === 'rate_limited' ? 429 : 500, {
				step: 'email',
				next,
				email,
				message: kind === 'rate_limited' ? m.error_rate_limited_soon() : m.error_generic()
			});
		}
		cookies.set(PENDING_EMAIL_COOKIE, email, pendingCookie(url));
		return { step: 'code', next, email, sent: true };
	},

	/** Step 2: the code from the email. */
	verify: async ({ request, cookies, url, locals, getClientAddress }) => {
		const form = await request.formData();
		const next = safeRedirectPath(form.get('next') as string | null, url.origin);
		const email = normaliseEmail(form.get('email'));
		if (!email)
			return fail(400, { step: 'email', next, email: '', message: m.error_email_invalid() });
		const token = normaliseCode(form.get('code'));
		if (!token) return fail(400, { step: 'code', next, email, message: m.error_code_format() });

		const attempt = await codeLimits().attempt(email, getClientAddress());
		if (!attempt.allowed) {
			return fail(429, {
				step: 'code',
				next,
				email,
				message: rateLimitMessage(attempt.retryAfterMs)
			});
		}
		const { data, error } = await locals.supabase.auth.verifyOtp({ email, token, type: 'email' });
		if (error) {
			const kind = classifyAuthError(error);
			if (kind === 'generic')
				console.error('sign-in: verifying a code failed:', error.status, error.code);
			const message =
				kind === 'code_wrong'
					? m.error_code_wrong()
					: kind === 'rate_limited'
						? m.error_rate_limited_soon()
						: m.error_generic();
			return fail(kind === 'code_wrong' ? 400 : kind === 'rate_limited' ? 429 : 500, {
				step: 'code',
				next,
				email,
				message
			});
		}
		await codeLimits().succeeded(email, getClientAddress());
		redirect(303, await signedIn(cookies, locals.supabase, data.user, next));
	},

	/** Back to step 1, for another address. */
	restart: async ({ cookies, request, url }) => {
		const form = await request.formData();
		cookies.delete(PENDING_EMAIL_COOKIE, { path: '/auth' });
		return {
			step: 'email',
			next: safeRedirectPath(form.get('next') as string | null, url.origin),
			email: ''
		};
	}
} satisfies Actions;
