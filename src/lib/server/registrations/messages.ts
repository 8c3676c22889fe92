/**
 * Every failure code of register_family and cancel_registration as a sentence in the visitor's
 * language. The codes come from SQL (see 20261129000900_create_registration_functions.sql); the
 * event, when known, fills in the numbers the sentence needs.
 */
import { formatDateTime } from '$lib/i18n/format';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import type { EventCard } from '$lib/server/events';
import { ageRangeText } from '$lib/components/event-labels';

export function registrationFailure(
	code: string,
	event?: Pick<
		EventCard,
		'maxSeatsPerFamily' | 'capacity' | 'registrationOpensAt' | 'minAge' | 'maxAge'
	> | null,
	seats?: number
): string {
	switch (code) {
		case 'not_authorised':
			return m.events_error_not_authorised();
		case 'family_required':
			return m.events_error_family_required();
		case 'no_attendees':
			return m.events_error_no_attendees();
		case 'not_family_member':
			return m.events_error_not_family_member();
		case 'consent_required':
			return m.events_error_consent_required();
		case 'event_not_found':
			return m.events_error_event_not_found();
		case 'event_cancelled':
			return m.events_error_event_cancelled();
		case 'registration_not_open':
			return event?.registrationOpensAt
				? m.events_error_registration_not_open_at({
						time: formatDateTime(event.registrationOpensAt, getLocale())
					})
				: m.events_error_registration_not_open();
		case 'registration_closed':
			return m.events_error_registration_closed();
		case 'seat_limit_exceeded':
			if (event && seats != null && seats > event.maxSeatsPerFamily)
				return m.events_error_seat_limit_family({ count: event.maxSeatsPerFamily });
			if (event) return m.events_error_seat_limit_capacity({ count: event.capacity });
			return m.events_error_seat_limit();
		case 'age_out_of_range':
			return m.events_error_age_out_of_range({
				range: event ? ageRangeText(event.minAge, event.maxAge) : '…'
			});
		case 'already_registered':
			return m.events_error_already_registered();
		case 'event_full':
			return m.events_error_event_full();
		case 'registration_not_found':
			return m.events_error_registration_not_found();
		case 'too_late_to_cancel':
			return m.events_error_too_late_to_cancel();
		case 'registration_not_active':
			return m.events_error_registration_not_active();
		case 'rate_limited':
			return m.events_error_rate_limited();
		case 'note_too_long':
			return m.questions_error_note_too_long();
		case 'invalid_input':
			return m.events_error_invalid_input();
		default:
			return m.events_error_generic();
	}
}
