import { error, fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { formValues } from '$lib/schemas/booking';
import { listNotices, readNoticeForm, sendNotice } from '$lib/server/notices';
import { noticeFailure } from '$lib/server/notices/messages';
import { requireStaff } from '$lib/server/staff/context';
import { getEvent } from '$lib/server/staff/events';
import type { Actions, PageServerLoad } from './$types';

/** Notices to the families registered for one event, and the ones sent so far. */
export const load = (async (event) => {
	const { org } = await requireStaff(event);
	const found = await getEvent(event.locals.supabase, org.id, event.params.id);
	if (!found) error(404, { message: m.staff_error_event_not_found() });
	return {
		event: found,
		notices: await listNotices(event.locals.supabase, { orgId: org.id, eventId: found.id })
	};
}) satisfies PageServerLoad;

export const actions = {
	send: async (event) => {
		await requireStaff(event);
		const form = await event.request.formData();
		const draft = readNoticeForm(form, [m.notice_option_attend(), m.notice_option_absent()]);
		const sent = await sendNotice(event.locals.supabase, draft, { eventId: event.params.id });
		if (!sent.ok) return fail(400, { message: noticeFailure(sent.code), values: formValues(form) });
		redirect(303, `/staff/notices/${sent.data.notice_id}?sent=${sent.data.queued}`);
	}
} satisfies Actions;
