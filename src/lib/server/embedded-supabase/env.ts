import type { Database } from './database';
import type { ApiKeys } from './keys';
import type { ApiLimits } from './limits';

/** An email Supabase Auth would send: handed to the app's own email pipeline. */
export interface AuthEmail {
	type: 'magiclink' | 'signup' | 'recovery' | 'invite' | 'email_change';
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
		disableSignup?: boolean;
	};
}
