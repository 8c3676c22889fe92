/**
 * Every failure the district administrators' pages can meet, as a sentence in the page's language:
 * the codes raised by district_participation, add_org_member and org_staff, the database's own
 * refusals of an organisation (duplicate slug, a check), and the zod issue codes of
 * src/lib/schemas/admin.ts.
 */
import { m } from '$lib/paraglide/messages';

export function adminFailure(code: string): string {
	switch (code) {
		case 'not_authorised':
		case 'forbidden':
			return m.admin_error_not_authorised();
		case 'organisation_not_found':
			return m.admin_error_organisation_not_found();
		case 'user_not_found':
			return m.admin_error_user_not_found();
		case 'member_not_found':
			return m.admin_error_member_not_found();
		case 'slug_taken':
			return m.admin_error_slug_taken();
		case 'invalid_slug':
			return m.admin_error_invalid_slug();
		case 'invalid_kind':
			return m.admin_error_invalid_kind();
		case 'invalid_email':
			return m.admin_error_invalid_email();
		case 'invalid_role':
			return m.admin_error_invalid_role();
		case 'required':
			return m.admin_error_required();
		case 'too_long':
			return m.admin_error_too_long();
		case 'invalid_date':
			return m.admin_error_invalid_date();
		case 'invalid_period':
			return m.admin_error_invalid_period();
		case 'invalid_org':
			return m.admin_error_invalid_org();
		case 'fields':
			return m.admin_error_fields();
		case 'second_factor_required':
			return m.security_error_required_here();
		default:
			return m.admin_error_unknown();
	}
}

/** A supabase-js error as a stable code: our functions' message, or the SQLSTATE's meaning. */
export function errorCode(error: { message: string; code?: string } | null): string {
	if (!error) return 'unknown';
	if (error.code === '23505') return 'slug_taken';
	if (error.code === '23514' || error.code === '22001') return 'invalid_org';
	if (error.code === '42501') return 'not_authorised';
	if (error.code === 'P0001') return error.message;
	return /^[a-z_]+$/.test(error.message) ? error.message : 'unknown';
}
