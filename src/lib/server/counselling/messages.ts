/**
 * Every failure code of the counselling functions (20261205170400_create_appointment_functions.sql)
 * as a sentence in the visitor's language.
 */
import { m } from '$lib/paraglide/messages';

export function counsellingFailure(code: string): string {
	switch (code) {
		case 'slot_unavailable':
			return m.counselling_error_slot_unavailable();
		case 'past_cutoff':
			return m.counselling_error_past_cutoff();
		case 'family_required':
			return m.counselling_error_family_required();
		case 'too_many_appointments':
			return m.counselling_error_too_many();
		case 'subject_mismatch':
		case 'subject_required':
			return m.counselling_error_subject_mismatch();
		case 'member_not_found':
			return m.counselling_error_member_not_found();
		case 'mode_unavailable':
			return m.counselling_error_mode_unavailable();
		case 'appointment_not_found':
		case 'counsellor_not_found':
		case 'not_found':
			return m.counselling_error_not_found();
		case 'appointment_not_active':
			return m.counselling_error_not_active();
		case 'appointment_started':
			return m.counselling_error_started();
		case 'not_requested':
			return m.counselling_error_not_requested();
		case 'appointment_not_started':
			return m.counselling_error_not_started();
		case 'not_confirmed':
			return m.counselling_error_not_confirmed();
		case 'rate_limited':
			return m.counselling_error_rate_limited();
		case 'not_authorised':
			return m.counselling_error_not_authorised();
		case 'invalid_value':
		case 'invalid_range':
		case 'invalid_outcome':
		case 'topic_required':
		case 'note_too_long':
		case 'venue_not_found':
		case 'invalid':
			return m.counselling_error_invalid();
		default:
			return m.counselling_error_generic();
	}
}
