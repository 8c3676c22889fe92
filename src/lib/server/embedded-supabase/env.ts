import type { BlockCache } from './blocks';
import type { JwtKeys, SigningKey } from './jwt';
import type { Database } from './database';
import type { ApiKeys } from './keys';
import type { ApiLimits } from './limits';

/** An email Supabase Auth would send: handed to the app's own email pipeline. */
export interface AuthEmail {
	type: 'magiclink' | 'signup' | 'recovery' | 'invite' | 'email_change' | 'reauthentication';
	email: string;
	/** The 6-digit one-time code. */
	token: string;
	/** The hashed token that `verify` accepts as `token_hash` (what a link carries). */
	tokenHash: string;
	/** `<api>/auth/v1/verify?token=…&type=…&redirect_to=…`, as GoTrue's `ConfirmationURL`. */
	actionLink: string;
	redirectTo: string;
	userMetadata: Record<string, unknown>;
}

export interface AuthMailer {
	send(email: AuthEmail): Promise<void>;
}

/** Everything the REST and Auth handlers share. Built once by `createEmbeddedSupabase`. */
export interface EmbeddedEnv {
	db: Database;
	keys: ApiKeys;
	jwtSecret: string;
	/** ES256 key signing access tokens instead of the secret (JWKS at `/.well-known/jwks.json`). */
	signingKey: SigningKey | null;
	/** Access token lifetime in seconds (Supabase's default 3600). */
	jwtExpiry: number;
	/** The API's own origin, e.g. `http://localhost:3000`: used to build links and `iss`. */
	apiUrl: string;
	/** Where auth redirects go when no allowed `redirect_to` is given (GoTrue's SITE_URL). */
	siteUrl: string;
	/** Further allowed redirect targets: exact URLs, or prefixes ending in `**`. */
	redirectAllowList: string[];
	mailer: AuthMailer;
	/** What one request may cost: statement timeout, rows, embeds, body size and nesting. */
	limits: ApiLimits;
	/** Rate-limit and budget refusals the database has decided, remembered until they end. */
	blocks: BlockCache;
	auth: {
		/** Sign-up returns a session at once (GoTrue's MAILER_AUTOCONFIRM). */
		autoConfirm: boolean;
		otpLength: number;
		/** Seconds a one-time code or link stays valid. */
		otpExpiry: number;
		minPasswordLength: number;
		/** Seconds between two emails of one kind to one user (GoTrue's default 60). */
		emailMaxFrequency?: number;
		/** Seconds a rotated refresh token may still be presented (concurrent refreshes). */
		refreshTokenReuseInterval?: number;
		/** Seconds a PKCE auth code stays valid. */
		flowStateExpiry?: number;
		/** No new users at all, by any means (`[auth] enable_signup = false`). */
		disableSignup?: boolean;
		/** New users by email (`[auth.email] enable_signup`); default true. */
		emailSignup?: boolean;
		/** `POST /signup` with a password (Gongyu's GONGYU_PASSWORD_SIGNUP); default false. */
		passwordSignup?: boolean;
		/** `POST /signup` without an email: an anonymous user (`[auth] enable_anonymous_sign_ins`). */
		anonymousSignIns?: boolean;
		/** Wrong tries a one-time code survives; the next try fails whatever the code (5). */
		otpMaxAttempts?: number;
		/** `[auth.email] secure_password_change`: a password change needs a recent proof. */
		securePasswordChange?: boolean;
		/** `[auth.email] double_confirm_changes`: both addresses confirm an email change. */
		secureEmailChange?: boolean;
		/**
		 * `/otp` with `create_user: false` for an unknown address answers GoTrue's 422 `otp_disabled`
		 * (which tells the caller the address has no account). Off by default: the answer is then the
		 * same as for a known address and nothing is sent. `supabase:local` turns it on, as GoTrue.
		 */
		otpUnknownAddressError?: boolean;
		/** `[auth.passkey] enabled`: sign-in with passkeys (`/passkeys/*`); default false. */
		passkeys?: boolean;
		/** `[auth.mfa.web_authn] enroll_enabled` / `verify_enabled`: WebAuthn factors; default false. */
		webauthnMfaEnroll?: boolean;
		webauthnMfaVerify?: boolean;
		/**
		 * `[auth.webauthn]`: the relying party passkeys and WebAuthn factors are bound to. Without
		 * it, the site URL's host and origin.
		 */
		webauthn?: { rpId?: string; rpDisplayName?: string; rpOrigins?: string[] };
		/** `[auth.oauth_server] enabled`: the OAuth 2.1 server's client administration; default false. */
		oauthServer?: boolean;
		rateLimits?: Partial<RateLimits>;
	};
}

/**
 * Limits per client address, in Supabase's `[auth.rate_limit]` terms and with its defaults. Each
 * also holds per email address, at twice the figure, so that one client alone can never use up
 * the allowance of an address that belongs to someone else.
 */
export interface RateLimits {
	/** Emails sent (`/otp`, `/magiclink`, `/recover`, `/signup`) per hour. */
	emailSent: number;
	/** Password sign-ins and sign-ups per 5 minutes. */
	signInSignUps: number;
	/** Code and link verifications per 5 minutes. */
	tokenVerifications: number;
	/** Refresh-token grants per 5 minutes (per client address only: a refresh names no address). */
	tokenRefresh: number;
	/** MFA codes tried per 5 minutes, per client address and per factor (not doubled). */
	mfaVerifications: number;
	/** Passkey ceremonies begun per 5 minutes (GoTrue's RATE_LIMIT_PASSKEY, 30). */
	passkeys: number;
}

/** The keys that verify this server's tokens. */
export const jwtKeys = (env: EmbeddedEnv): JwtKeys => ({
	secret: env.jwtSecret,
	signing: env.signingKey
});
