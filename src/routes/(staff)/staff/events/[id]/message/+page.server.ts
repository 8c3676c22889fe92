import { error, fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { formValues } from '$lib/schemas/booking';
import { messageSchema } from '$lib/schemas/event';
import { requireStaff } from '$lib/server/staff/context';
import { describeError } from '$lib/server/staff/errors';
import { eventAttendees, getEvent, messageProgress } from '$lib/server/staff/events';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
	const { org } = await requireStaff(event);
	const supabase = event.locals.supabase;
	const found = await getEvent(supabase, org.id, event.params.id);
	if (!found) error(404, { message: m.staff_error_event_not_found() });
	const [{ attendees }, messages] = await Promise.all([
		eventAttendees(supabase, found.id),
		messageProgress(supabase, found.id)
	]);
	return {
		event: found,
		messages,
		confirmed: attendees.filter((a) => a.status === 'confirmed' || a.status === 'attended').length,
		waitlisted: attendees.filter((a) => a.status === 'waitlisted').length
	};
}) satisfies PageServerLoad;

export const actions = {
	send: async (event) => {
		const form = await event.request.formData();
		const values = formValues(form);
		const parsed = messageSchema.safeParse({
			subject: form.get('subject') ?? '',
			body: form.get('body') ?? '',
			include_waitlisted: form.get('include_waitlisted') === 'on'
		});
		if (!parsed.success) return fail(400, { message: m.staff_error_invalid_message(), values });
		const { data, error: failure } = await event.locals.supabase.rpc('message_event_families', {
			p_event_id: event.params.id,
			p_subject: parsed.data.subject,
			p_body: parsed.data.body,
			p_include_waitlisted: parsed.data.include_waitlisted
		});
		if (failure) return fail(400, { message: describeError(failure), values });
		return { queued: (data as { queued: number }).queued };
	}
} satisfies Actions;
