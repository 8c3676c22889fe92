/**
 * Every failure code the staff's SQL functions raise (20261129001200_staff.sql and the domain's
 * booking and registration functions), as a sentence in the staff member's language. Codes are
 * the error's message; details come from what the page already knows, never from the hint's prose
 * (except series_conflict and check_in_not_open, whose hints are dates).
 */
import { dayLabel } from '$lib/components/staff-format';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';

export interface FailureContext {
	/** People already confirmed, for capacity_below_confirmed. */
	seatsTaken?: number;
	/** The room's capacity, for capacity_exceeds_venue. */
	venueCapacity?: number;
}

export function staffFailure(
	code: string,
	hint?: string | null,
	context: FailureContext = {}
): string {
	switch (code) {
		case 'not_authorised':
		case 'forbidden':
			return m.staff_error_not_authorised();
		case 'venue_not_found':
			return m.staff_error_venue_not_found();
		case 'invalid_venue':
			return m.staff_error_invalid_venue();
		case 'invalid_capacity':
			return m.staff_error_invalid_capacity();
		case 'invalid_buffer':
			return m.staff_error_invalid_buffer();
		case 'invalid_opening_hours':
			return m.staff_error_invalid_opening_hours();
		case 'capacity_below_events':
			return m.staff_error_capacity_below_events();
		case 'event_not_found':
			return m.staff_error_event_not_found();
		case 'event_cancelled':
			return m.staff_error_event_cancelled();
		case 'invalid_period':
			return m.staff_error_invalid_period();
		case 'starts_in_past':
			return m.staff_error_starts_in_past();
		case 'place_required':
			return m.staff_error_place_required();
		case 'place_invalid':
			return m.staff_error_place_invalid();
		case 'venue_not_own':
			return m.staff_error_venue_not_own();
		case 'venue_inactive':
			return m.staff_error_venue_inactive();
		case 'capacity_exceeds_venue':
			return context.venueCapacity != null
				? m.staff_error_capacity_exceeds_venue_count({ count: context.venueCapacity })
				: m.staff_error_capacity_exceeds_venue();
		case 'outside_opening_hours':
			return m.staff_error_outside_opening_hours();
		case 'venue_conflict':
			return m.staff_error_venue_conflict();
		case 'venue_booking_invalid':
			return m.staff_error_venue_booking_invalid();
		case 'event_outside_booking':
			return m.staff_error_event_outside_booking();
		case 'capacity_below_confirmed':
			return context.seatsTaken != null
				? m.staff_error_capacity_below_confirmed_count({ count: context.seatsTaken })
				: m.staff_error_capacity_below_confirmed();
		case 'invalid_age_range':
			return m.staff_error_invalid_age_range();
		case 'invalid_event':
			return m.staff_error_invalid_event();
		case 'invalid_series':
			return m.staff_error_invalid_series();
		case 'series_conflict':
			return hint && /^[0-9, -]+$/.test(hint)
				? m.staff_error_series_conflict_dates({ dates: hint })
				: m.staff_error_series_conflict();
		case 'event_already_started':
			return m.staff_error_event_already_started();
		case 'event_incomplete': {
			const missing = missingLabels(hint);
			return missing.length
				? m.staff_error_event_incomplete_fields({ fields: missing.join(m.staff_list_separator()) })
				: m.staff_error_event_incomplete();
		}
		case 'move_needs_confirmation':
			return hint && /^\d+$/.test(hint)
				? m.staff_cal_move_confirm({ count: Number(hint) })
				: m.staff_error_unknown();
		case 'event_has_registrations':
			return m.staff_error_event_has_registrations();
		case 'reason_too_long':
		case 'purpose_too_long':
			return m.staff_error_text_too_long();
		case 'invalid_message':
			return m.staff_error_invalid_message();
		case 'no_recipients':
			return m.staff_error_no_recipients();
		case 'too_many_messages':
			return m.staff_error_too_many_messages();
		case 'registration_not_found':
			return m.staff_error_registration_not_found();
		case 'wrong_event':
			return m.staff_error_wrong_event();
		case 'not_confirmed':
			return m.staff_error_not_confirmed();
		case 'check_in_not_open':
			return hint && /^\d{4}-\d{2}-\d{2}$/.test(hint)
				? m.staff_error_check_in_not_open({ date: dayLabel(hint, getLocale()) })
				: m.staff_error_check_in_not_open_soon();
		case 'registration_not_active':
			return m.staff_error_registration_not_active();
		case 'not_checked_in':
			return m.staff_error_not_checked_in();
		case 'event_not_started':
			return m.staff_error_event_not_started();
		case 'booking_not_found':
			return m.staff_error_booking_not_found();
		case 'booking_not_pending':
			return m.staff_error_booking_not_pending();
		case 'booking_not_active':
			return m.staff_error_booking_not_active();
		case 'booking_in_use':
			return m.staff_error_booking_in_use();
		case 'invalid_decision':
			return m.staff_error_unknown();
		default:
			return m.staff_error_unknown();
	}
}

/** What publishing can find missing (publish_event's event_incomplete hint), in its order. */
const MISSING = {
	summary: { label: () => m.staff_missing_summary(), fields: ['summary_zh'] },
	description: { label: () => m.staff_missing_description(), fields: ['description_zh'] },
	age_range: {
		label: () => m.staff_missing_age_range(),
		fields: ['min_child_age', 'max_child_age']
	},
	capacity: { label: () => m.staff_missing_capacity(), fields: ['capacity'] },
	place: { label: () => m.staff_missing_place(), fields: ['venue_id', 'address_zh'] }
} as const;
type Missing = keyof typeof MISSING;

function missingKeys(hint: string | null | undefined): Missing[] {
	return (hint ?? '').split(',').filter((key): key is Missing => Object.hasOwn(MISSING, key));
}

/** The missing items of an event_incomplete refusal, each named in the staff member's language. */
export function missingLabels(hint: string | null | undefined): string[] {
	return missingKeys(hint).map((key) => MISSING[key].label());
}

/** The form fields of an event_incomplete refusal, to mark them invalid. */
export function missingFields(hint: string | null | undefined): string[] {
	return missingKeys(hint).flatMap((key) => MISSING[key].fields);
}

/** A supabase-js error as a sentence (its message is the stable code for our functions). */
export function describeError(
	error: { message: string; hint?: string | null; code?: string } | null,
	context?: FailureContext
): string {
	if (!error) return m.staff_error_unknown();
	if (error.code === '23P01') return m.staff_error_venue_conflict();
	return staffFailure(error.message, error.hint, context);
}

/** The form-validation issue messages used by the staff's zod schemas, translated. */
export function fieldProblem(message: string): string {
	switch (message) {
		case 'invalid_period':
			return m.staff_error_invalid_period();
		case 'invalid_age_range':
			return m.staff_error_invalid_age_range();
		case 'overlap':
			return m.staff_error_hours_overlap();
		case 'closes_before_opens':
			return m.staff_error_hours_order();
		default:
			return m.staff_error_field();
	}
}

/** The form fields a failure code is about, to mark them invalid. */
export function fieldsFor(code: string): string[] {
	switch (code) {
		case 'invalid_period':
		case 'starts_in_past':
		case 'event_already_started':
			return ['date', 'start', 'end'];
		case 'outside_opening_hours':
		case 'venue_conflict':
			return ['date', 'start', 'end', 'venue_id'];
		case 'capacity_exceeds_venue':
		case 'capacity_below_confirmed':
		case 'capacity_below_events':
		case 'invalid_capacity':
			return ['capacity'];
		case 'place_required':
		case 'place_invalid':
		case 'venue_not_own':
		case 'venue_inactive':
		case 'venue_not_found':
			return ['venue_id', 'address_zh'];
		case 'venue_booking_invalid':
		case 'event_outside_booking':
			return ['booking_id'];
		case 'invalid_age_range':
			return ['min_child_age', 'max_child_age'];
		default:
			return [];
	}
}
