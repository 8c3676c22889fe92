/**
 * The feedback form behind a feedback request email's link, without signing in. GET shows the form
 * (a score tapped in the email comes preselected; nothing is saved — mail scanners open links);
 * POST gives the feedback once, and the SQL spends the link.
 */
import { fail } from '@sveltejs/kit';
import { formValues } from '$lib/schemas/booking';
import { attemptAllowed, clientOf, countAttempt } from '$lib/server/client-attempts';
import {
	feedbackFormByToken,
	readFeedbackForm,
	submitFeedbackByToken,
	tokenFrom
} from '$lib/server/notices';
import { noticeFailure } from '$lib/server/notices/messages';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
	const { params, url, setHeaders } = event;
	setHeaders({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
	// Unknown links tried from one address are limited (kept in the database): no walking the links.
	const client = clientOf(event);
	if (!(await attemptAllowed('feedback_link', client)))
		return { found: null, rating: null, limited: noticeFailure('too_many_attempts') };
	const token = tokenFrom(params.token);
	const found = token ? await feedbackFormByToken(token) : null;
	if (!found) await countAttempt('feedback_link', client);
	const rating = Number(url.searchParams.get('rating'));
	return {
		found,
		rating: Number.isInteger(rating) && rating >= 1 && rating <= 5 ? rating : null,
		limited: null
	};
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const { params, request } = event;
		const client = clientOf(event);
		if (!(await attemptAllowed('feedback_link', client)))
			return fail(429, {
				message: noticeFailure('too_many_attempts'),
				values: {} as Record<string, string>
			});
		const token = tokenFrom(params.token);
		if (!token) await countAttempt('feedback_link', client);
		if (!token)
			return fail(404, {
				message: noticeFailure('invalid_link'),
				values: {} as Record<string, string>
			});
		const form = await request.formData();
		const draft = readFeedbackForm(form);
		if (draft.rating === null)
			return fail(400, { message: noticeFailure('invalid_feedback'), values: formValues(form) });
		const result = await submitFeedbackByToken(token, draft);
		if (!result.ok && result.code !== 'invalid_feedback')
			await countAttempt('feedback_link', client);
		if (!result.ok)
			return fail(result.code === 'invalid_feedback' ? 400 : 409, {
				message: noticeFailure(result.code),
				values: formValues(form)
			});
		return { done: true };
	}
} satisfies Actions;
