/** Words for the counselling enums and states, in the page's language. */
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';

export const modeLabel = (mode: string): string =>
	mode === 'in_person'
		? m.counselling_mode_in_person()
		: mode === 'video'
			? m.counselling_mode_video()
			: m.counselling_mode_phone();

export const topicLabel = (topic: string | null): string => {
	switch (topic) {
		case 'study_pressure':
			return m.counselling_topic_study_pressure();
		case 'parent_child':
			return m.counselling_topic_parent_child();
		case 'emotions_sleep':
			return m.counselling_topic_emotions_sleep();
		case 'school_transition':
			return m.counselling_topic_school_transition();
		default:
			return m.counselling_topic_other();
	}
};

export const subjectLabel = (subject: string | null, nickname: string | null): string =>
	subject === 'child'
		? nickname
			? m.counselling_subject_child({ name: nickname })
			: m.counselling_subject_child_plain()
		: subject === 'family'
			? m.counselling_subject_family()
			: m.counselling_subject_parent();

export const contactLabel = (contact: string | null): string =>
	contact === 'email' ? m.counselling_contact_email() : m.counselling_contact_phone();

export function statusLabel(status: string, late = false): string {
	switch (status) {
		case 'requested':
			return m.counselling_status_requested();
		case 'confirmed':
			return m.counselling_status_confirmed();
		case 'declined':
			return m.counselling_status_declined();
		case 'cancelled':
			return late ? m.counselling_status_cancelled_late() : m.counselling_status_cancelled();
		case 'attended':
			return m.counselling_status_attended();
		default:
			return m.counselling_status_no_show();
	}
}

/** A bilingual name in the page's language (English falls back to Chinese). */
export const pickName = (name: { zh: string; en: string }): string =>
	getLocale() === 'en' ? name.en || name.zh : name.zh;
