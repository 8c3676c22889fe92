/**
 * The page a notice email's one-time link opens, without signing in. GET only shows the notice and
 * a confirm button (mail scanners open links; nothing changes); POST answers, and the SQL spends
 * the link. Another family's or notice's link answers only its own receipt; a spent or unknown one
 * is refused and changes nothing.
 */
import { fail } from '@sveltejs/kit';
import { answerNoticeByToken, noticeByToken, tokenFrom } from '$lib/server/notices';
import { noticeFailure } from '$lib/server/notices/messages';
import type { Actions, PageServerLoad } from './$types';

export const load = (async ({ params, url, locals, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
	const token = tokenFrom(params.token);
	const found = token ? await noticeByToken(locals.supabase, token) : null;
	const answer = url.searchParams.get('answer');
	return { token, found, preselected: answer ? answer.slice(0, 40) : null };
}) satisfies PageServerLoad;

export const actions = {
	default: async ({ params, request, locals }) => {
		const token = tokenFrom(params.token);
		if (!token) return fail(404, { message: noticeFailure('invalid_link') });
		const form = await request.formData().catch(() => null);
		const answer = String(form?.get('answer') ?? '').trim();
		if (!answer) return fail(400, { message: noticeFailure('invalid_answer') });
		const result = await answerNoticeByToken(locals.supabase, token, answer);
		if (!result.ok)
			return fail(result.code === 'invalid_link' ? 404 : 409, {
				message: noticeFailure(result.code)
			});
		return { done: true, answer: result.data.answer };
	}
} satisfies Actions;
