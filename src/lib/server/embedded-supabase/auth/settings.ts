import { configTable, type TomlTable } from '../config';
import type { EmbeddedEnv, RateLimits } from '../env';

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
	emailSignup: boolean;
	passwordSignup: boolean;
	anonymousSignIns: boolean;
	otpMaxAttempts: number;
	/** A password change needs a `/reauthenticate` nonce unless the session is recent. */
	securePasswordChange: boolean;
	/** An email change is confirmed from the current address as well as the new one. */
	secureEmailChange: boolean;
	otpUnknownAddressError: boolean;
	passkeys: boolean;
	webauthnMfaEnroll: boolean;
	webauthnMfaVerify: boolean;
	/** The relying party of passkeys and WebAuthn factors. */
	webauthn: { rpId: string; rpDisplayName: string; rpOrigins: string[] };
	oauthServer: boolean;
	rateLimits: RateLimits;
}

/** Hosted Supabase's defaults (`email_sent` as with a project's own SMTP server). */
export const DEFAULT_RATE_LIMITS: RateLimits = {
	emailSent: 30,
	signInSignUps: 30,
	tokenVerifications: 30,
	tokenRefresh: 150,
	mfaVerifications: 10,
	passkeys: 30
};

const num = (value: unknown, fallback: number) =>
	typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;

export function authSettings(env: EmbeddedEnv): AuthSettings {
	const a = env.auth as EmbeddedEnv['auth'] & ExtraAuthSettings;
	const limits = a.rateLimits ?? {};
	return {
		autoConfirm: a.autoConfirm !== false,
		otpLength: Math.min(10, Math.max(6, num(a.otpLength, 6))),
		otpExpiry: num(a.otpExpiry, 3600),
		minPasswordLength: num(a.minPasswordLength, 6),
		emailMaxFrequency: num(a.emailMaxFrequency, 60),
		refreshTokenReuseInterval: num(a.refreshTokenReuseInterval, 10),
		flowStateExpiry: num(a.flowStateExpiry, 300),
		disableSignup: a.disableSignup === true,
		emailSignup: a.emailSignup !== false,
		passwordSignup: a.passwordSignup === true,
		anonymousSignIns: a.anonymousSignIns === true,
		otpMaxAttempts: Math.max(1, num(a.otpMaxAttempts, 5)),
		securePasswordChange: a.securePasswordChange === true,
		secureEmailChange: a.secureEmailChange === true,
		otpUnknownAddressError: a.otpUnknownAddressError === true,
		passkeys: a.passkeys === true,
		webauthnMfaEnroll: a.webauthnMfaEnroll === true,
		webauthnMfaVerify: a.webauthnMfaVerify === true,
		webauthn: relyingParty(env),
		oauthServer: a.oauthServer === true,
		rateLimits: {
			emailSent: num(limits.emailSent, DEFAULT_RATE_LIMITS.emailSent),
			signInSignUps: num(limits.signInSignUps, DEFAULT_RATE_LIMITS.signInSignUps),
			tokenVerifications: num(limits.tokenVerifications, DEFAULT_RATE_LIMITS.tokenVerifications),
			tokenRefresh: num(limits.tokenRefresh, DEFAULT_RATE_LIMITS.tokenRefresh),
			mfaVerifications: num(limits.mfaVerifications, DEFAULT_RATE_LIMITS.mfaVerifications),
			passkeys: num(limits.passkeys, DEFAULT_RATE_LIMITS.passkeys)
		}
	};
}

/** `[auth.webauthn]`, or the site URL's host and origin (as a passkey is bound to one site). */
function relyingParty(env: EmbeddedEnv): AuthSettings['webauthn'] {
	const given = env.auth.webauthn ?? {};
	const site = new URL(env.siteUrl);
	return {
		rpId: given.rpId || site.hostname,
		rpDisplayName: given.rpDisplayName || site.hostname,
		rpOrigins: given.rpOrigins?.length ? given.rpOrigins : [site.origin]
	};
}

type Vars = Record<string, string | undefined>;

function flag(value: string | undefined): boolean | undefined {
	if (value === undefined || value === '') return undefined;
	if (/^(1|true|on|yes)$/i.test(value)) return true;
	if (/^(0|false|off|no)$/i.test(value)) return false;
	throw new Error(`Expected on or off, got "${value}"`);
}

function count(name: string, value: string | undefined): number | undefined {
	if (value === undefined || value === '') return undefined;
	const n = Number(value);
	if (!Number.isInteger(n) || n < 0)
		throw new Error(`${name} must be a whole number, got "${value}"`);
	return n;
}

const tomlBool = (table: TomlTable, key: string) =>
	typeof table[key] === 'boolean' ? (table[key] as boolean) : undefined;
const tomlString = (table: TomlTable, key: string) =>
	typeof table[key] === 'string' && table[key] !== '' ? (table[key] as string) : undefined;
const tomlNumber = (table: TomlTable, key: string) =>
	typeof table[key] === 'number' ? (table[key] as number) : undefined;

function defined<T extends object>(value: { [K in keyof T]?: T[K] | undefined }): Partial<T> {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The embedded Auth's settings from `supabase/config.toml` (Supabase's keys, so a deploy to a
 * Supabase project is configured by the same file), overridden by environment variables. Password
 * sign-up has no Supabase key of its own (there, `[auth.email] enable_confirmations` is the guard):
 * GONGYU_PASSWORD_SIGNUP=on turns it on.
 */
export function authOptionsFromConfig(
	config: TomlTable,
	vars: Vars = process.env
): Partial<EmbeddedEnv['auth']> {
	const auth = configTable(config, 'auth');
	const email = configTable(config, 'auth.email');
	const limits = configTable(config, 'auth.rate_limit');
	const webauthn = configTable(config, 'auth.webauthn');
	const mfaWebauthn = configTable(config, 'auth.mfa.web_authn');
	const signup = tomlBool(auth, 'enable_signup');
	const confirmations = tomlBool(email, 'enable_confirmations');
	const rateLimits = defined<RateLimits>({
		emailSent:
			count('GONGYU_AUTH_RATE_EMAIL_SENT', vars.GONGYU_AUTH_RATE_EMAIL_SENT) ??
			tomlNumber(limits, 'email_sent'),
		signInSignUps:
			count('GONGYU_AUTH_RATE_SIGN_IN_SIGN_UPS', vars.GONGYU_AUTH_RATE_SIGN_IN_SIGN_UPS) ??
			tomlNumber(limits, 'sign_in_sign_ups'),
		tokenVerifications:
			count('GONGYU_AUTH_RATE_TOKEN_VERIFICATIONS', vars.GONGYU_AUTH_RATE_TOKEN_VERIFICATIONS) ??
			tomlNumber(limits, 'token_verifications'),
		tokenRefresh:
			count('GONGYU_AUTH_RATE_TOKEN_REFRESH', vars.GONGYU_AUTH_RATE_TOKEN_REFRESH) ??
			tomlNumber(limits, 'token_refresh'),
		mfaVerifications: count(
			'GONGYU_AUTH_RATE_MFA_VERIFICATIONS',
			vars.GONGYU_AUTH_RATE_MFA_VERIFICATIONS
		),
		passkeys: count('GONGYU_AUTH_RATE_PASSKEYS', vars.GONGYU_AUTH_RATE_PASSKEYS)
	});
	const origins = Array.isArray(webauthn.rp_origins)
		? webauthn.rp_origins.filter((o): o is string => typeof o === 'string')
		: undefined;
	const relyingParty = defined({
		rpId: tomlString(webauthn, 'rp_id'),
		rpDisplayName: tomlString(webauthn, 'rp_display_name'),
		rpOrigins: origins
	});
	return defined({
		disableSignup: signup === undefined ? undefined : !signup,
		emailSignup: tomlBool(email, 'enable_signup'),
		autoConfirm: confirmations === undefined ? undefined : !confirmations,
		otpLength: tomlNumber(email, 'otp_length'),
		otpExpiry:
			count('GONGYU_OTP_EXPIRY_SECONDS', vars.GONGYU_OTP_EXPIRY_SECONDS) ??
			tomlNumber(email, 'otp_expiry'),
		minPasswordLength: tomlNumber(auth, 'minimum_password_length'),
		passwordSignup: flag(vars.GONGYU_PASSWORD_SIGNUP),
		anonymousSignIns: tomlBool(auth, 'enable_anonymous_sign_ins'),
		securePasswordChange: tomlBool(email, 'secure_password_change'),
		secureEmailChange: tomlBool(email, 'double_confirm_changes'),
		otpMaxAttempts: count('GONGYU_OTP_MAX_ATTEMPTS', vars.GONGYU_OTP_MAX_ATTEMPTS),
		passkeys: tomlBool(configTable(config, 'auth.passkey'), 'enabled'),
		webauthnMfaEnroll: tomlBool(mfaWebauthn, 'enroll_enabled'),
		webauthnMfaVerify: tomlBool(mfaWebauthn, 'verify_enabled'),
		webauthn: Object.keys(relyingParty).length ? relyingParty : undefined,
		oauthServer: tomlBool(configTable(config, 'auth.oauth_server'), 'enabled'),
		rateLimits: Object.keys(rateLimits).length ? rateLimits : undefined
	});
}
