/**
 * Email configuration, from the environment only (the variables are listed in worker.ts), and the
 * transport it selects: Resend when RESEND_API_KEY or RESEND_BASE_URL is set, else the dev mailbox.
 */
import { isLocalOrigin } from '../embedded-supabase';
import { appOrigin } from '../runtime';
import type { DevMailbox } from './dev-mailbox';
import { mailboxTransport, resendTransport, type EmailTransport } from './transport';

export interface EmailSettings {
	transport: 'resend' | 'mailbox' | 'none';
	apiKey: string | null;
	baseUrl: string | null;
	from: string;
	ratePerSecond: number;
	intervalMs: number;
	siteUrl: string;
	workerEnabled: boolean;
}

export const DEFAULT_FROM = '共育 Gongyu <onboarding@resend.dev>';

function positive(value: string | undefined, fallback: number): number {
	const n = Number(value);
	return value !== undefined && value !== '' && Number.isFinite(n) && n > 0 ? n : fallback;
}

export function emailSettings(
	env: NodeJS.ProcessEnv,
	context: { hasMailbox: boolean; siteUrl: string }
): EmailSettings {
	const apiKey = env.RESEND_API_KEY || null;
	const baseUrl = env.RESEND_BASE_URL || null;
	return {
		transport: apiKey || baseUrl ? 'resend' : context.hasMailbox ? 'mailbox' : 'none',
		apiKey,
		baseUrl,
		from: env.EMAIL_FROM || DEFAULT_FROM,
		ratePerSecond: positive(env.EMAIL_RATE_PER_SECOND, 2),
		intervalMs: positive(env.EMAIL_WORKER_INTERVAL_MS, 5000),
		siteUrl: context.siteUrl,
		workerEnabled: env.EMAIL_WORKER !== 'off'
	};
}

/**
 * Whether /dev/mailbox exists. It holds sign-in codes for every account, so only when no email
 * provider is configured and the app's configured origin (ORIGIN, never the request's Host header,
 * which any client can set to `localhost`) is local — or GONGYU_DEV_MAILBOX=on says that a
 * non-local demo installation wants it anyway.
 */
export function devMailboxOpen(env: NodeJS.ProcessEnv): boolean {
	if (env.RESEND_API_KEY || env.RESEND_BASE_URL) return false;
	return isLocalOrigin(appOrigin(env)) || env.GONGYU_DEV_MAILBOX === 'on';
}

export function createTransport(
	settings: EmailSettings,
	mailbox: DevMailbox | null
): EmailTransport | null {
	if (settings.transport === 'resend') {
		// A local Resend-compatible host needs no real key.
		return resendTransport({
			apiKey: settings.apiKey ?? 're_local',
			baseUrl: settings.baseUrl ?? undefined
		});
	}
	if (settings.transport === 'mailbox' && mailbox) return mailboxTransport(mailbox);
	return null;
}
