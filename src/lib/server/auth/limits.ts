/**
 * The app's rate limits on one-time codes (see code-limits.ts for who is counted how), counted in
 * the database through the service role. The limits can be changed with environment variables
 * (the end-to-end tests raise the per-client one, since all their requests come from one address).
 */
import { env } from '$env/dynamic/private';
import { createAdminClient } from '../supabase-admin';
import {
	createCodeLimits,
	DEFAULT_CODE_LIMITS,
	type AttemptCounts,
	type CodeLimits
} from './code-limits';

function number(value: string | undefined, fallback: number): number {
	const n = Number(value);
	return value && Number.isFinite(n) && n >= 1 ? n : fallback;
}

const counts: AttemptCounts = {
	async take(kinds, clients, limits, windowSeconds) {
		const { data, error } = await createAdminClient().rpc('take_client_attempts', {
			p_kinds: kinds,
			p_clients: clients,
			p_limits: limits,
			p_window_seconds: windowSeconds
		});
		if (error) throw new Error(`take_client_attempts: ${error.code} ${error.message}`);
		return Number(data);
	},
	async forget(kind, client, windowSeconds) {
		const { error } = await createAdminClient().rpc('forget_client_attempts', {
			p_kind: kind,
			p_client: client,
			p_window_seconds: windowSeconds
		});
		if (error) throw new Error(`forget_client_attempts: ${error.code} ${error.message}`);
	}
};

export function codeLimits(): CodeLimits {
	return createCodeLimits(
		{
			perEmail: number(env.GONGYU_CODE_LIMIT_PER_EMAIL, DEFAULT_CODE_LIMITS.perEmail),
			perEmailAll: number(env.GONGYU_CODE_LIMIT_PER_EMAIL_ALL, DEFAULT_CODE_LIMITS.perEmailAll),
			perIp: number(env.GONGYU_CODE_LIMIT_PER_IP, DEFAULT_CODE_LIMITS.perIp),
			attempts: number(env.GONGYU_CODE_ATTEMPTS_PER_EMAIL, DEFAULT_CODE_LIMITS.attempts)
		},
		counts
	);
}
