import type { EmbeddedEnv } from '../env';

/**
 * Auth settings beyond `EmbeddedEnv['auth']`, read when present (GoTrue's defaults otherwise).
 * Tests may set them on `embedded.env.auth` directly.
 */
export interface ExtraAuthSettings {
	/** GOTRUE_SMTP_MAX_FREQUENCY: seconds between two emails of one kind to one user (60). */
	emailMaxFrequency?: number;
	/** GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL in seconds (10). */
	refreshTokenReuseInterval?: number;
	/** GOTRUE_EXTERNAL_FLOW_STATE_EXPIRY_DURATION in seconds (300). */
	flowStateExpiry?: number;
	/** GOTRUE_DISABLE_SIGNUP (false). */
	disableSignup?: boolean;
}

export interface AuthSettings {
	autoConfirm: boolean;
	otpLength: number;
	otpExpiry: number;
	minPasswordLength: number;
	emailMaxFrequency: number;
	refreshTokenReuseInterval: number;
	flowStateExpiry: number;
	disableSignup: boolean;
}

const num = (value: unknown, fallback: number) =>
	typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;

export function authSettings(env: EmbeddedEnv): AuthSettings {
	const a = env.auth as EmbeddedEnv['auth'] & ExtraAuthSettings;
	return {
		autoConfirm: a.autoConfirm !== false,
		otpLength: Math.min(10, Math.max(6, num(a.otpLength, 6))),
		otpExpiry: num(a.otpExpiry, 3600),
		minPasswordLength: num(a.minPasswordLength, 6),
		emailMaxFrequency: num(a.emailMaxFrequency, 60),
		refreshTokenReuseInterval: num(a.refreshTokenReuseInterval, 10),
		flowStateExpiry: num(a.flowStateExpiry, 300),
		disableSignup: a.disableSignup === true
	};
}
