/**
 * Limits on what an anonymous visitor can repeat, kept in the database
 * (supabase/migrations/20261205000600_count_attempts_per_client.sql), so they hold across app
 * servers and restarts. Each kind names what is counted and how many a client address may make in
 * a window; the pages count what they must (a refused link, a lookup) and ask before trying.
 * Certificate lookups (`certificate_lookup`) are counted by verify_certificate_from in SQL itself.
 */
import { createAdminClient } from './supabase-admin';

export const ATTEMPT_LIMITS = {
	/** Notice links (通知回执) that were unknown, spent or refused. */
	notice_link: { limit: 20, windowSeconds: 600 },
	/** Feedback links that were unknown, spent or refused. */
	feedback_link: { limit: 20, windowSeconds: 600 },
	/** Unsubscribe links (reminders, feedback requests) that were unknown. */
	unsubscribe_link: { limit: 20, windowSeconds: 600 },
	/** Registrations, changes, cancellations and bookings, per signed-in user (`user:<id>`). */
	registration: { limit: 30, windowSeconds: 600 }
} as const;

export type AttemptKind = keyof typeof ATTEMPT_LIMITS;

/** Whether `client` may try `kind` again now. */
export async function attemptAllowed(kind: AttemptKind, client: string): Promise<boolean> {
	const { limit, windowSeconds } = ATTEMPT_LIMITS[kind];
	const { data, error } = await createAdminClient().rpc('client_attempts_allowed', {
		p_kind: kind,
		p_client: client,
		p_limit: limit,
		p_window_seconds: windowSeconds
	});
	if (error) throw new Error(`client_attempts_allowed: ${error.code} ${error.message}`);
	return data === true;
}

/** Counts one attempt of `kind` by `client`; answers how many it made in this window. */
export async function countAttempt(kind: AttemptKind, client: string): Promise<number> {
	const { data, error } = await createAdminClient().rpc('count_client_attempt', {
		p_kind: kind,
		p_client: client,
		p_window_seconds: ATTEMPT_LIMITS[kind].windowSeconds
	});
	if (error) throw new Error(`count_client_attempt: ${error.code} ${error.message}`);
	return Number(data);
}

/** The visitor's address, as the app saw it (behind a proxy: see ADDRESS_HEADER). */
export function clientOf(event: { getClientAddress(): string }): string {
	try {
		return event.getClientAddress();
	} catch {
		return 'unknown';
	}
}
