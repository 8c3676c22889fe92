import { fail, redirect } from '@sveltejs/kit';
import { formValues } from '$lib/schemas/booking';
import { getFamily } from '$lib/server/families';
import {
	answerNotice,
	feedbackDue,
	isUuid,
	markNoticesRead,
	myNotices,
	readFeedbackForm,
	submitFeedback
} from '$lib/server/notices';
import { noticeFailure } from '$lib/server/notices/messages';
import type { Actions, PageServerLoad } from './$types';

async function requireFamily(locals: App.Locals) {
	if (!locals.user) redirect(303, '/auth/sign-in?next=%2Ffamily%2Fnotices');
	const family = await getFamily(locals.supabase, locals.user.id);
	if (!family) redirect(303, '/family');
	return family;
}

/** The notices sent to the family (answered here as on the email's page) and feedback to give. */
export const load = (async ({ locals }) => {
	const family = await requireFamily(locals);
	const [notices, feedback] = await Promise.all([
		myNotices(locals.supabase, family.id),
		feedbackDue(locals.supabase, family.id)
	]);
	// Opening this page is reading them (the guardian is signed in: no mail scanner does this).
	await markNoticesRead(
		locals.supabase,
		notices.filter((n) => !n.read).map((n) => n.id)
	);
	return { notices, feedback };
}) satisfies PageServerLoad;

export const actions = {
	answer: async ({ locals, request }) => {
		await requireFamily(locals);
		const form = await request.formData();
		const noticeId = String(form.get('notice_id') ?? '');
		const answer = String(form.get('answer') ?? '').trim();
		if (!isUuid(noticeId) || !answer)
			return fail(400, { noticeId, message: noticeFailure('invalid_answer') });
		const result = await answerNotice(locals.supabase, noticeId, answer);
		if (!result.ok) return fail(409, { noticeId, message: noticeFailure(result.code) });
		return { noticeId, answered: true };
	},
	feedback: async ({ locals, request }) => {
		await requireFamily(locals);
		const form = await request.formData();
		const registrationId = String(form.get('registration_id') ?? '');
		const draft = readFeedbackForm(form);
		const values = formValues(form);
		if (!isUuid(registrationId) || draft.rating === null)
			return fail(400, { registrationId, message: noticeFailure('invalid_feedback'), values });
		const result = await submitFeedback(locals.supabase, registrationId, draft);
		if (!result.ok)
			return fail(409, { registrationId, message: noticeFailure(result.code), values });
		return { registrationId, feedbackGiven: true };
	}
} satisfies Actions;
