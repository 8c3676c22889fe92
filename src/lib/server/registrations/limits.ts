/**
 * Registering and cancelling, per signed-in user: 30 attempts in 10 minutes is far more than any
 * family needs and stops a script from churning the waitlist. Counted in the database
 * (private.client_attempts), so every app server counts the same attempts.
 */
import { env } from '$env/dynamic/private';
import { ATTEMPT_LIMITS, countAttempt } from '$lib/server/client-attempts';

/** Counts one attempt by this user; answers whether it is within the limit. */
export async function registrationAllowed(userId: string): Promise<boolean> {
	const set = Number(env.GONGYU_REGISTRATION_LIMIT);
	const limit = Number.isFinite(set) && set >= 1 ? set : ATTEMPT_LIMITS.registration.limit;
	return (await countAttempt('registration', `user:${userId}`)) <= limit;
}
