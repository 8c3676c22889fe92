import { error, fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { noticeReceipts, remindNotice } from '$lib/server/notices';
import { noticeFailure } from '$lib/server/notices/messages';
import { requireStaff } from '$lib/server/staff/context';
import type { Actions, PageServerLoad } from './$types';

/** One notice: who answered and how, who has not, the rates, and a reminder to the rest. */
export const load = (async (event) => {
	await requireStaff(event);
	const receipts = await noticeReceipts(event.locals.supabase, event.params.id);
	if (!receipts) error(404, { message: m.notice_error_not_found() });
	const sent = Number(event.url.searchParams.get('sent'));
	return { ...receipts, justSent: Number.isInteger(sent) && sent > 0 ? sent : null };
}) satisfies PageServerLoad;

export const actions = {
	remind: async (event) => {
		await requireStaff(event);
		const result = await remindNotice(event.locals.supabase, event.params.id);
		if (!result.ok) return fail(400, { message: noticeFailure(result.code) });
		return { reminded: result.data.queued, round: result.data.round };
	}
} satisfies Actions;
