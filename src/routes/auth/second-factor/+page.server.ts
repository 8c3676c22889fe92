import { fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { safeRedirectPath } from '$lib/server/auth/redirect';
import { codeFailure, needsSecondFactor, verifiedFactors } from '$lib/server/auth/second-factor';
import { normaliseCode } from '$lib/server/auth/sign-in';
import type { Actions, PageServerLoad } from './$types';

/**
 * The second step of signing in for someone with a second factor: the 6-digit code from their
 * authenticator app raises the session to aal2, then on to `next`.
 */
export const load = (async ({ locals, url }) => {
	const next = safeRedirectPath(url.searchParams.get('next'), url.origin);
	const { session, user } = await locals.safeGetSession();
	if (!user) redirect(303, `/auth/sign-in?next=${encodeURIComponent(next)}`);
	if (!needsSecondFactor(session, user)) redirect(303, next);
	return { next };
}) satisfies PageServerLoad;

export const actions = {
	default: async ({ locals, request, url }) => {
		const form = await request.formData();
		const next = safeRedirectPath(form.get('next') as string | null, url.origin);
		const { user } = await locals.safeGetSession();
		if (!user) redirect(303, `/auth/sign-in?next=${encodeURIComponent(next)}`);
		const code = normaliseCode(form.get('code'));
		if (!code) return fail(400, { next, message: m.security_error_code_format() });
		const factor = verifiedFactors(user)[0];
		if (!factor) redirect(303, next);
		const { error } = await locals.supabase.auth.mfa.challengeAndVerify({
			factorId: factor.id,
			code
		});
		if (error) return fail(error.status === 429 ? 429 : 400, { next, message: codeFailure(error) });
		redirect(303, next);
	}
} satisfies Actions;
