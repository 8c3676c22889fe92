/** Failure codes of the family functions (and the form's own checks) as sentences. */
import { m } from '$lib/paraglide/messages';

export function familyFailure(code: string): string {
	switch (code) {
		case 'not_authorised':
			return m.family_error_not_authorised();
		case 'family_required':
			return m.family_error_family_required();
		case 'consent_required':
			return m.family_error_consent_required();
		case 'consent_version_outdated':
			return m.family_error_consent_version_outdated();
		case 'invalid_member':
			return m.family_error_invalid_member();
		case 'invalid_profile':
			return m.family_error_invalid_profile();
		case 'invalid_phone':
			return m.family_error_invalid_phone();
		case 'not_family_member':
			return m.family_error_not_family_member();
		case 'member_registered':
			return m.family_error_member_registered();
		case 'staff_account':
			return m.family_error_staff_account();
		case 'delete_not_confirmed':
			return m.family_error_delete_not_confirmed();
		default:
			return m.family_error_generic();
	}
}
