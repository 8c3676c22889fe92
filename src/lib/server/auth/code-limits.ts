/**
 * The sign-in form's own limits on one-time codes, on top of the embedded Auth's. Both are kept
 * in the database (private.client_attempts, counted by take_client_attempts in
 * supabase/migrations/20261205230200_take_client_attempts_together.sql), so they hold however many
 * app servers answer, and across restarts. The windows are fixed (15 minutes from the clock's
 * quarter hour), as the other limits in that table.
 *
 * A stranger must not be able to lock a parent out by asking for codes, or typing wrong ones, for
 * the parent's address. So the per-address limits count per address *and* client address: a
 * stranger elsewhere uses up only their own allowance. A higher cap per address alone bounds how
 * much mail many clients together can send to one inbox. Each code sent replaces the one before,
 * and it is sent to the address, not to whoever asked: the newest code in the parent's inbox is
 * the one that works. Wrong tries are not capped per address alone here: the embedded Auth spends
 * a code after five wrong tries in all, and the parent simply asks for a new one.
 *
 * Email addresses are counted by their SHA-256, not stored.
 */
import { createHash } from 'node:crypto';

export const CODE_WINDOW_SECONDS = 15 * 60;

export interface CodeLimitSettings {
	/** Code requests per address from one client address, per 15 minutes. */
	perEmail: number;
	/** Code requests per address from all client addresses together, per 15 minutes. */
	perEmailAll: number;
	/** Code requests per client address, per 15 minutes. */
	perIp: number;
	/** Codes entered per address from one client address, per 15 minutes. */
	attempts: number;
}

export const DEFAULT_CODE_LIMITS: CodeLimitSettings = {
	perEmail: 5,
	perEmailAll: 20,
	perIp: 20,
	attempts: 10
};

export interface CodeLimitResult {
	allowed: boolean;
	/** When refused: milliseconds until the window ends. */
	retryAfterMs: number;
}

/** The database's counts (take_client_attempts and forget_client_attempts, service role only). */
export interface AttemptCounts {
	/** Counts one attempt per (kind, client) when each is below its limit; answers 0 or the seconds to wait. */
	take(
		kinds: string[],
		clients: string[],
		limits: number[],
		windowSeconds: number
	): Promise<number>;
	forget(kind: string, client: string, windowSeconds: number): Promise<void>;
}

export interface CodeLimits {
	/** Counts a code request when every limit allows it; otherwise counts nothing. */
	request(email: string, clientAddress: string): Promise<CodeLimitResult>;
	/** Counts an attempt to enter a code. */
	attempt(email: string, clientAddress: string): Promise<CodeLimitResult>;
	/** A code was right: this client's attempts at this address start again. */
	succeeded(email: string, clientAddress: string): Promise<void>;
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

export function createCodeLimits(settings: CodeLimitSettings, counts: AttemptCounts): CodeLimits {
	const pair = (email: string, clientAddress: string) => digest(`${email}\n${clientAddress}`);
	const result = (wait: number): CodeLimitResult => ({
		allowed: wait === 0,
		retryAfterMs: wait * 1000
	});
	return {
		async request(email, clientAddress) {
			return result(
				await counts.take(
					['code_request_ip', 'code_request_email_ip', 'code_request_email'],
					[clientAddress, pair(email, clientAddress), digest(email)],
					[settings.perIp, settings.perEmail, settings.perEmailAll],
					CODE_WINDOW_SECONDS
				)
			);
		},
		async attempt(email, clientAddress) {
			return result(
				await counts.take(
					['code_attempt'],
					[pair(email, clientAddress)],
					[settings.attempts],
					CODE_WINDOW_SECONDS
				)
			);
		},
		succeeded: (email, clientAddress) =>
			counts.forget('code_attempt', pair(email, clientAddress), CODE_WINDOW_SECONDS)
	};
}
