/**
 * Registration questions as the pages show them: kinds, scopes and presets in the reader's
 * language, form field names, and an answer as text. Shared by server and browser.
 */
import type { Tables } from '$lib/database.types';
import { m } from '$lib/paraglide/messages';

export type Question = Omit<Tables<'event_questions'>, 'choices'> & { choices: Choice[] };
export interface Choice {
	value: string;
	zh: string;
	en: string;
}
export type QuestionKind = Question['kind'];
export const QUESTION_KINDS: QuestionKind[] = [
	'short_text',
	'long_text',
	'single_choice',
	'multiple_choice',
	'yes_no',
	'number'
];

export type Preset = 'allergies' | 'grade' | 'school' | 'access_needs';
export const PRESETS: Preset[] = ['allergies', 'grade', 'school', 'access_needs'];

export function presetLabel(preset: Preset): string {
	switch (preset) {
		case 'allergies':
			return m.questions_preset_allergies();
		case 'grade':
			return m.questions_preset_grade();
		case 'school':
			return m.questions_preset_school();
		case 'access_needs':
			return m.questions_preset_access_needs();
	}
}

export function kindLabel(kind: QuestionKind): string {
	switch (kind) {
		case 'short_text':
			return m.questions_kind_short_text();
		case 'long_text':
			return m.questions_kind_long_text();
		case 'single_choice':
			return m.questions_kind_single_choice();
		case 'multiple_choice':
			return m.questions_kind_multiple_choice();
		case 'yes_no':
			return m.questions_kind_yes_no();
		case 'number':
			return m.questions_kind_number();
	}
}

export function questionLabel(q: Pick<Question, 'label_zh' | 'label_en'>, locale: string) {
	return locale === 'en' && q.label_en.trim() ? q.label_en : q.label_zh;
}

export function choiceLabel(choice: Choice, locale: string) {
	return locale === 'en' && choice.en.trim() ? choice.en : choice.zh;
}

/** Whether a question is asked about this person (attendee questions; children-only ones). */
export function asksAbout(q: Question, kind: 'child' | 'parent' | 'grandparent'): boolean {
	return q.scope === 'attendee' && (!q.children_only || kind === 'child');
}

/** The name of the form field that answers a question (about one person, or the family). */
export function fieldName(questionId: string, memberId: string | null = null): string {
	return memberId ? `q_${questionId}_${memberId}` : `q_${questionId}`;
}

/** An answer as text in the reader's language. */
export function answerText(q: Question | undefined, value: unknown, locale: string): string {
	if (value == null) return '';
	if (typeof value === 'boolean') return value ? m.questions_yes() : m.questions_no();
	const choice = (v: string) => {
		const found = q?.choices.find((c) => c.value === v);
		return found ? choiceLabel(found, locale) : v;
	};
	if (Array.isArray(value))
		return value.map((v) => choice(String(v))).join(locale === 'en' ? ', ' : '、');
	if (q?.kind === 'single_choice') return choice(String(value));
	return String(value);
}
