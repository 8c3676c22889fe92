import { fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { shanghaiDay } from '$lib/schemas/admin';
import { formValues } from '$lib/schemas/booking';
import { listNotices, readNoticeForm, sendNotice } from '$lib/server/notices';
import { noticeFailure } from '$lib/server/notices/messages';
import { requireStaff } from '$lib/server/staff/context';
import type { Actions, PageServerLoad } from './$types';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Every notice of the organisation; a notice to all families who came to its events in a period. */
export const load = (async (event) => {
	const { org } = await requireStaff(event);
	return {
		notices: await listNotices(event.locals.supabase, { orgId: org.id }),
		defaultFrom: shanghaiDay(-90),
		defaultTo: shanghaiDay()
	};
}) satisfies PageServerLoad;

export const actions = {
	send: async (event) => {
		const { org } = await requireStaff(event);
		const form = await event.request.formData();
		const values = formValues(form);
		const from = String(form.get('attended_from') ?? '');
		const to = String(form.get('attended_to') ?? '');
		if (!DATE.test(from) || !DATE.test(to))
			return fail(400, { message: noticeFailure('invalid_period'), values });
		const draft = readNoticeForm(form, [m.notice_option_attend(), m.notice_option_absent()]);
		const sent = await sendNotice(event.locals.supabase, draft, { orgId: org.id, from, to });
		if (!sent.ok) return fail(400, { message: noticeFailure(sent.code), values });
		redirect(303, `/staff/notices/${sent.data.notice_id}?sent=${sent.data.queued}`);
	}
} satisfies Actions;
