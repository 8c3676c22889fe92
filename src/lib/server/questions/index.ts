/**
 * Questions an event asks at registration and the families' answers. The rules (required, types,
 * who an answer is about) live in SQL (private.checked_answers, called by register_family); this
 * reads and writes the rows, turns the form's fields into the answers list, and answers into text.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { answerText, asksAbout, fieldName, type Preset, type Question } from '$lib/questions';

export interface AnswerInput {
	question_id: string;
	member_id: string | null;
	value: string | string[] | boolean | number;
}

const grades: [string, string][] = [
	['幼儿园', 'Kindergarten'],
	['一年级', 'Year 1'],
	['二年级', 'Year 2'],
	['三年级', 'Year 3'],
	['四年级', 'Year 4'],
	['五年级', 'Year 5'],
	['六年级', 'Year 6'],
	['初一', 'Year 7'],
	['初二', 'Year 8'],
	['初三', 'Year 9'],
	['高中', 'Senior high']
];

/** The ready-made questions staff add with one click. */
export function presetQuestion(preset: Preset) {
	switch (preset) {
		case 'allergies':
			return {
				preset,
				kind: 'short_text' as const,
				scope: 'attendee' as const,
				children_only: false,
				required: false,
				sensitive: true,
				label_zh: '过敏与饮食',
				label_en: 'Allergies and diet',
				choices: []
			};
		case 'grade':
			return {
				preset,
				kind: 'single_choice' as const,
				scope: 'attendee' as const,
				children_only: true,
				required: false,
				sensitive: false,
				label_zh: '年级',
				label_en: 'Grade',
				choices: grades.map(([zh, en], i) => ({ value: `g${i}`, zh, en }))
			};
		case 'school':
			return {
				preset,
				kind: 'short_text' as const,
				scope: 'attendee' as const,
				children_only: true,
				required: false,
				sensitive: false,
				label_zh: '学校',
				label_en: 'School',
				choices: []
			};
		case 'access_needs':
			return {
				preset,
				kind: 'long_text' as const,
				scope: 'family' as const,
				children_only: false,
				required: false,
				sensitive: true,
				label_zh: '需要的协助',
				label_en: 'Access needs',
				choices: []
			};
	}
}

/** An event's questions in their order; RLS lets anyone read a published event's. */
export async function listQuestions(
	supabase: SupabaseClient,
	eventId: string
): Promise<Question[]> {
	const { data, error } = await supabase
		.from('event_questions')
		.select('*')
		.eq('event_id', eventId)
		.order('position')
		.order('created_at');
	if (error) throw new Error(`event_questions: ${error.message}`);
	return (data ?? []) as Question[];
}

/**
 * The answers in a registration form, for the members who come. What the form cannot say in a
 * type (a number that is not one, yes/no) is passed on as text, and SQL names the question.
 */
export function readAnswers(
	form: FormData,
	questions: Question[],
	members: { id: string; kind: 'child' | 'parent' | 'grandparent' }[]
): AnswerInput[] {
	const answers: AnswerInput[] = [];
	const read = (q: Question, memberId: string | null) => {
		const name = fieldName(q.id, memberId);
		if (q.kind === 'multiple_choice') {
			const values = form.getAll(name).map(String);
			if (values.length) answers.push({ question_id: q.id, member_id: memberId, value: values });
			return;
		}
		const raw = String(form.get(name) ?? '').trim();
		if (raw === '') return;
		let value: AnswerInput['value'] = raw;
		if (q.kind === 'yes_no' && (raw === 'yes' || raw === 'no')) value = raw === 'yes';
		if (q.kind === 'number' && /^-?\d+(\.\d+)?$/.test(raw)) value = Number(raw);
		answers.push({ question_id: q.id, member_id: memberId, value });
	};
	for (const q of questions) {
		if (q.scope === 'family') read(q, null);
		else for (const member of members) if (asksAbout(q, member.kind)) read(q, member.id);
	}
	return answers;
}

export interface RegistrationAnswers {
	registration_id: string;
	note: string | null;
	answers: {
		question_id: string;
		member_id: string | null;
		nickname: string | null;
		value: unknown;
	}[];
}

/** Answers and notes of an event's registrations, by registration (organising staff only). */
export async function eventAnswers(
	supabase: SupabaseClient,
	eventId: string
): Promise<Map<string, RegistrationAnswers>> {
	const { data, error } = await supabase.rpc('event_answers', { p_event_id: eventId });
	if (error) throw new Error(`event_answers: ${error.message}`);
	return new Map(((data ?? []) as RegistrationAnswers[]).map((r) => [r.registration_id, r]));
}

/** One line per question for a registration: "过敏与饮食：乐乐 花生过敏；妈妈 无". */
export function answerLines(
	questions: Question[],
	registration: RegistrationAnswers | undefined,
	locale: string
): { question: Question; text: string }[] {
	if (!registration) return [];
	return questions
		.map((question) => {
			const parts = registration.answers
				.filter((a) => a.question_id === question.id)
				.map((a) => {
					const text = answerText(question, a.value, locale);
					return a.nickname ? `${a.nickname} ${text}` : text;
				});
			return { question, text: parts.join(locale === 'en' ? '; ' : '；') };
		})
		.filter((line) => line.text !== '');
}
