/**
 * The app's rate limits on one-time codes (see code-limits.ts for who is counted how). Module
 * state is shared by every request on purpose: that is what a limit is. The limits can be changed
 * with environment variables (the end-to-end tests raise the per-client one, since all their
 * requests come from one address).
 */
import { env } from '$env/dynamic/private';
import { createCodeLimits, DEFAULT_CODE_LIMITS, type CodeLimits } from './code-limits';

function number(value: string | undefined, fallback: number): number {
	const n = Number(value);
	return value && Number.isFinite(n) && n >= 1 ? n : fallback;
}

let limits: CodeLimits | null = null;

export function codeLimits(): CodeLimits {
	limits ??= createCodeLimits({
		perEmail: number(env.GONGYU_CODE_LIMIT_PER_EMAIL, DEFAULT_CODE_LIMITS.perEmail),
		perEmailAll: number(env.GONGYU_CODE_LIMIT_PER_EMAIL_ALL, DEFAULT_CODE_LIMITS.perEmailAll),
		perIp: number(env.GONGYU_CODE_LIMIT_PER_IP, DEFAULT_CODE_LIMITS.perIp),
		attempts: number(env.GONGYU_CODE_ATTEMPTS_PER_EMAIL, DEFAULT_CODE_LIMITS.attempts)
	});
	return limits;
}
