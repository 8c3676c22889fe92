/**
 * The feedback form behind a feedback request email's link, without signing in. GET shows the form
 * (a score tapped in the email comes preselected; nothing is saved — mail scanners open links);
 * POST gives the feedback once, and the SQL spends the link.
 */
import { fail } from '@sveltejs/kit';
import { formValues } from '$lib/schemas/booking';
import {
	feedbackFormByToken,
	readFeedbackForm,
	submitFeedbackByToken,
	tokenFrom
} from '$lib/server/notices';
import { noticeFailure } from '$lib/server/notices/messages';
import type { Actions, PageServerLoad } from './$types';

export const load = (async ({ params, url, locals, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
	const token = tokenFrom(params.token);
	const found = token ? await feedbackFormByToken(locals.supabase, token) : null;
	const rating = Number(url.searchParams.get('rating'));
	return { found, rating: Number.isInteger(rating) && rating >= 1 && rating <= 5 ? rating : null };
}) satisfies PageServerLoad;

export const actions = {
	default: async ({ params, request, locals }) => {
		const token = tokenFrom(params.token);
		if (!token)
			return fail(404, {
				message: noticeFailure('invalid_link'),
				values: {} as Record<string, string>
			});
		const form = await request.formData();
		const draft = readFeedbackForm(form);
		if (draft.rating === null)
			return fail(400, { message: noticeFailure('invalid_feedback'), values: formValues(form) });
		const result = await submitFeedbackByToken(locals.supabase, token, draft);
		if (!result.ok)
			return fail(result.code === 'invalid_feedback' ? 400 : 409, {
				message: noticeFailure(result.code),
				values: formValues(form)
			});
		return { done: true };
	}
} satisfies Actions;
