import { error, fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { eventFeedbackSummary, isUuid, replyToFeedback } from '$lib/server/notices';
import { noticeFailure } from '$lib/server/notices/messages';
import { requireStaff } from '$lib/server/staff/context';
import { getEvent } from '$lib/server/staff/events';
import type { Actions, PageServerLoad } from './$types';

/** An event's feedback: the rating, who would come again, each family's words (unnamed), replies. */
export const load = (async (event) => {
	const { org } = await requireStaff(event);
	const found = await getEvent(event.locals.supabase, org.id, event.params.id);
	if (!found) error(404, { message: m.staff_error_event_not_found() });
	const summary = await eventFeedbackSummary(event.locals.supabase, found.id);
	if (!summary) error(404, { message: m.staff_error_event_not_found() });
	return { event: found, summary };
}) satisfies PageServerLoad;

export const actions = {
	reply: async (event) => {
		await requireStaff(event);
		const form = await event.request.formData();
		const feedbackId = String(form.get('feedback_id') ?? '');
		const body = String(form.get('body') ?? '').trim();
		const isPublic = form.get('public') === 'on';
		if (!isUuid(feedbackId))
			return fail(400, { feedbackId, message: noticeFailure('feedback_not_found'), body });
		if (!body) return fail(400, { feedbackId, message: noticeFailure('invalid_reply'), body });
		const result = await replyToFeedback(event.locals.supabase, feedbackId, body, isPublic);
		if (!result.ok) return fail(400, { feedbackId, message: noticeFailure(result.code), body });
		return { feedbackId, replied: true };
	}
} satisfies Actions;
