/**
 * The priority-care forms (referring a family, a referral code, an invitation, a care contact, an
 * event's held places, redeeming a code), checked on the server. Issues carry the failure code
 * referralFailure() translates.
 */
import { z } from 'zod';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'referral_period_invalid');
/** A `datetime-local` value, read as Beijing time; empty means "the default". */
const localTime = (code: string) =>
	z
		.string()
		.trim()
		.optional()
		.transform((v) => (v ? v : null))
		.pipe(
			z
				.string()
				.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, code)
				.transform((v) => `${v}:00+08:00`)
				.nullable()
		);

const period = {
	reason: z.enum(['left_behind', 'hardship', 'psychological', 'other'], 'reason_invalid'),
	starts_on: day,
	ends_on: day
};

export const referByEmailSchema = z
	.object({ ...period, email: z.string().trim().toLowerCase().email('email_invalid').max(254) })
	.refine((v) => v.ends_on >= v.starts_on, 'referral_period_invalid');

export const referByCodeSchema = z
	.object(period)
	.refine((v) => v.ends_on >= v.starts_on, 'referral_period_invalid');

export const referrerSchema = z.object({ user_id: z.uuid('not_authorised') });

export const inviteSchema = z.object({
	event_id: z.uuid('event_not_found'),
	seats: z.coerce
		.number()
		.int('seat_limit_exceeded')
		.min(1, 'seat_limit_exceeded')
		.max(20, 'seat_limit_exceeded'),
	expires_at: localTime('invitation_expiry_invalid')
});

export const contactSchema = z.object({
	contact_on: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'invalid_contact'),
	kind: z.enum(['home_visit', 'phone_call', 'at_event', 'talk', 'other'], 'invalid_contact'),
	note: z.string().trim().max(200, 'invalid_contact').default('')
});

export const removeContactSchema = z.object({ contact_id: z.uuid('not_referrer') });

export const holdSchema = z.object({
	seats: z.coerce
		.number()
		.int('hold_seats_invalid')
		.min(0, 'hold_seats_invalid')
		.max(5000, 'hold_seats_invalid'),
	release_at: localTime('hold_release_invalid')
});

export const redeemSchema = z.object({
	code: z
		.string()
		.transform((v) => v.toUpperCase().replace(/[\s-]/g, ''))
		.pipe(z.string().regex(/^[0-9A-Z]{10}$/, 'code_invalid'))
});

/** The failure code of the first issue (the schemas' messages are codes). */
export function issueCode(error: z.ZodError): string {
	return error.issues[0]?.message ?? 'generic';
}
