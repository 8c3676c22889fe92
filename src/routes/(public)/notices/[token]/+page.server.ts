/**
 * The page a notice email's one-time link opens, without signing in. GET only shows the notice and
 * a confirm button (mail scanners open links; nothing changes); POST answers, and the SQL spends
 * the link. Another family's or notice's link answers only its own receipt; a spent or unknown one
 * is refused and changes nothing.
 */
import { fail } from '@sveltejs/kit';
import { attemptAllowed, clientOf, countAttempt } from '$lib/server/client-attempts';
import { answerNoticeByToken, noticeByToken, tokenFrom } from '$lib/server/notices';
import { noticeFailure } from '$lib/server/notices/messages';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
	const { params, url, setHeaders } = event;
	setHeaders({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
	// Unknown links tried from one address are limited (kept in the database): no walking the links.
	const client = clientOf(event);
	if (!(await attemptAllowed('notice_link', client)))
		return {
			token: null,
			found: null,
			preselected: null,
			limited: noticeFailure('too_many_attempts')
		};
	const token = tokenFrom(params.token);
	const found = token ? await noticeByToken(token) : null;
	if (!found) await countAttempt('notice_link', client);
	const answer = url.searchParams.get('answer');
	return { token, found, preselected: answer ? answer.slice(0, 40) : null, limited: null };
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const { params, request } = event;
		const client = clientOf(event);
		if (!(await attemptAllowed('notice_link', client)))
			return fail(429, { message: noticeFailure('too_many_attempts') });
		const token = tokenFrom(params.token);
		if (!token) {
			await countAttempt('notice_link', client);
			return fail(404, { message: noticeFailure('invalid_link') });
		}
		const form = await request.formData().catch(() => null);
		const answer = String(form?.get('answer') ?? '').trim();
		if (!answer) return fail(400, { message: noticeFailure('invalid_answer') });
		const result = await answerNoticeByToken(token, answer);
		if (!result.ok && result.code !== 'invalid_answer') await countAttempt('notice_link', client);
		if (!result.ok)
			return fail(result.code === 'invalid_link' ? 404 : 409, {
				message: noticeFailure(result.code)
			});
		return { done: true, answer: result.data.answer };
	}
} satisfies Actions;
