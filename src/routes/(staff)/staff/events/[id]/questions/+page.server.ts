import { error, fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { questionSchema, readChoices } from '$lib/schemas/questions';
import { PRESETS, type Preset } from '$lib/questions';
import { listQuestions, presetQuestion } from '$lib/server/questions';
import { requireStaff } from '$lib/server/staff/context';
import { getEvent } from '$lib/server/staff/events';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

async function ownEvent(event: RequestEvent) {
	const { org } = await requireStaff(event);
	const found = await getEvent(event.locals.supabase, org.id, event.params.id);
	if (!found) error(404, { message: m.staff_error_event_not_found() });
	return found;
}

export const load = (async (event) => {
	const found = await ownEvent(event);
	return { event: found, questions: await listQuestions(event.locals.supabase, found.id) };
}) satisfies PageServerLoad;

export const actions = {
	preset: async (event) => {
		const found = await ownEvent(event);
		const preset = String((await event.request.formData()).get('preset') ?? '') as Preset;
		if (!PRESETS.includes(preset)) return fail(400, { message: m.questions_error_invalid() });
		const questions = await listQuestions(event.locals.supabase, found.id);
		const { error: failure } = await event.locals.supabase
			.from('event_questions')
			.insert({ event_id: found.id, position: questions.length, ...presetQuestion(preset) });
		if (failure) return fail(400, { message: m.questions_error_not_saved() });
		return { ok: true, message: m.questions_added() };
	},

	add: async (event) => {
		const found = await ownEvent(event);
		const form = await event.request.formData();
		const values = Object.fromEntries(
			['label_zh', 'label_en', 'kind', 'scope', 'choices'].map((k) => [
				k,
				String(form.get(k) ?? '')
			])
		);
		const parsed = questionSchema.safeParse({
			...values,
			required: form.get('required') === 'on',
			sensitive: form.get('sensitive') === 'on'
		});
		if (!parsed.success) return fail(400, { message: m.questions_error_invalid(), values });
		const q = parsed.data;
		const choices =
			q.kind === 'single_choice' || q.kind === 'multiple_choice' ? readChoices(q.choices) : [];
		if ((q.kind === 'single_choice' || q.kind === 'multiple_choice') && choices.length === 0)
			return fail(400, { message: m.questions_error_invalid(), values });
		const questions = await listQuestions(event.locals.supabase, found.id);
		const { error: failure } = await event.locals.supabase.from('event_questions').insert({
			event_id: found.id,
			position: questions.length,
			kind: q.kind,
			scope: q.scope === 'family' ? 'family' : 'attendee',
			children_only: q.scope === 'children',
			required: q.required,
			sensitive: q.sensitive,
			label_zh: q.label_zh,
			label_en: q.label_en,
			choices
		});
		if (failure) return fail(400, { message: m.questions_error_not_saved(), values });
		return { ok: true, message: m.questions_added() };
	},

	remove: async (event) => {
		const found = await ownEvent(event);
		const id = String((await event.request.formData()).get('question_id') ?? '');
		const { data, error: failure } = await event.locals.supabase
			.from('event_questions')
			.delete()
			.eq('id', id)
			.eq('event_id', found.id)
			.select('id');
		if (failure || !data?.length) return fail(400, { message: m.questions_error_not_saved() });
		return { ok: true, message: m.questions_removed() };
	}
} satisfies Actions;
