/** Failure codes of the notice and feedback functions as sentences in the reader's language. */
import { m } from '$lib/paraglide/messages';

export function noticeFailure(code: string): string {
	switch (code) {
		case 'not_authorised':
			return m.notice_error_not_authorised();
		case 'event_not_found':
		case 'notice_not_found':
		case 'feedback_not_found':
		case 'registration_not_found':
			return m.notice_error_not_found();
		case 'invalid_notice':
			return m.notice_error_invalid_notice();
		case 'invalid_period':
			return m.notice_error_invalid_period();
		case 'invalid_options':
			return m.notice_error_invalid_options();
		case 'no_recipients':
			return m.notice_error_no_recipients();
		case 'too_many_notices':
			return m.notice_error_too_many_notices();
		case 'no_receipt_asked':
			return m.notice_error_no_receipt_asked();
		case 'reminder_too_soon':
			return m.notice_error_reminder_too_soon();
		case 'too_many_reminders':
			return m.notice_error_too_many_reminders();
		case 'everyone_answered':
			return m.notice_error_everyone_answered();
		case 'invalid_link':
			return m.notice_error_invalid_link();
		case 'too_many_attempts':
			return m.notice_error_too_many_attempts();
		case 'link_used':
			return m.notice_error_link_used();
		case 'already_answered':
			return m.notice_error_already_answered();
		case 'invalid_answer':
			return m.notice_error_invalid_answer();
		case 'not_checked_in':
			return m.feedback_error_not_checked_in();
		case 'event_not_over':
			return m.feedback_error_event_not_over();
		case 'feedback_already_given':
			return m.feedback_error_already_given();
		case 'invalid_feedback':
			return m.feedback_error_invalid();
		case 'invalid_reply':
			return m.feedback_error_invalid_reply();
		case 'too_many_replies':
			return m.feedback_error_too_many_replies();
		default:
			return m.notice_error_generic();
	}
}
