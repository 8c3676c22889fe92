/** Failure codes of the referral and held-place functions, and their labels, in the reader's language. */
import { m } from '$lib/paraglide/messages';
import type { CareContactKind, InvitationStatus, ReferralReason } from '.';

export function referralFailure(code: string, hint?: string): string {
	switch (code) {
		case 'not_referrer':
			return m.referrals_error_not_referrer();
		case 'not_authorised':
		case 'forbidden':
			return m.referrals_error_not_authorised();
		case 'email_invalid':
			return m.referrals_error_email_invalid();
		case 'referral_period_invalid':
			return m.referrals_error_period_invalid();
		case 'referral_period_too_long':
			return m.referrals_error_period_too_long();
		case 'reason_invalid':
			return m.referrals_error_reason_invalid();
		case 'referral_not_found':
			return m.referrals_error_not_found();
		case 'referral_inactive':
			return m.referrals_error_inactive();
		case 'family_unknown':
			return m.referrals_invite_not_linked();
		case 'event_not_found':
			return m.referrals_error_event_not_found();
		case 'no_held_places':
			return m.referrals_error_no_held_places();
		case 'already_registered':
			return m.referrals_error_already_registered();
		case 'already_invited':
			return m.referrals_error_already_invited();
		case 'seat_limit_exceeded':
			return m.referrals_error_seat_limit();
		case 'held_places_full':
			return m.referrals_error_held_places_full();
		case 'invitation_expiry_invalid':
			return m.referrals_error_expiry_invalid();
		case 'invalid_contact':
			return m.referrals_error_contact_invalid();
		case 'code_invalid':
			return m.referrals_error_code_invalid();
		case 'too_many_attempts':
			return m.referrals_error_too_many_attempts();
		case 'family_required':
			return m.referrals_error_family_required();
		case 'hold_seats_invalid':
			return m.referrals_error_hold_seats_invalid({ count: Number(hint) || 0 });
		case 'hold_release_invalid':
			return m.referrals_error_hold_release_invalid();
		case 'hold_below_invitations':
			return m.referrals_error_hold_below_invitations({ count: Number(hint) || 0 });
		case 'hold_released':
			return m.referrals_error_hold_released();
		default:
			return m.referrals_error_generic();
	}
}

export function reasonLabel(reason: ReferralReason): string {
	switch (reason) {
		case 'left_behind':
			return m.referrals_reason_left_behind();
		case 'hardship':
			return m.referrals_reason_hardship();
		case 'psychological':
			return m.referrals_reason_psychological();
		default:
			return m.referrals_reason_other();
	}
}

export function contactKindLabel(kind: CareContactKind): string {
	switch (kind) {
		case 'home_visit':
			return m.referrals_kind_home_visit();
		case 'phone_call':
			return m.referrals_kind_phone_call();
		case 'at_event':
			return m.referrals_kind_at_event();
		case 'talk':
			return m.referrals_kind_talk();
		default:
			return m.referrals_kind_other();
	}
}

export function invitationLabel(status: InvitationStatus, until: string): string {
	switch (status) {
		case 'pending':
			return m.referrals_invitation_pending({ time: until });
		case 'accepted':
			return m.referrals_invitation_accepted();
		case 'declined':
			return m.referrals_invitation_declined();
		default:
			return m.referrals_invitation_expired();
	}
}
