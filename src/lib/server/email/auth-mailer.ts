/**
 * Sign-in emails in embedded mode (magic link and one-time code, recovery, invite): the embedded
 * Supabase hands them to this mailer, which renders them in the user's language and sends them at
 * once — through Resend when it is configured, to the dev mailbox otherwise. They skip the outbox
 * on purpose: a code is useful for minutes, and a table is no place to keep it.
 * (With a real Supabase project, Supabase Auth sends these itself: see supabase/templates/.)
 */
import { createHash } from 'node:crypto';
import type { AuthEmail, AuthMailer } from '../embedded-supabase/env';
import type { DevMailbox } from './dev-mailbox';
import { sharedProviderLimiter } from './rate-limit';
import { createTransport, emailSettings } from './settings';
import { renderAuthEmail, type EmailLocale } from './templates/auth';
import type { EmailTransport, SendOutcome } from './transport';

export interface AuthMailerOptions {
	/** Resend (or another provider); null sends to the mailbox. */
	transport: EmailTransport | null;
	mailbox: DevMailbox | null;
	from: string;
	siteUrl: string;
	ratePerSecond?: number;
	expiryMinutes?: number;
	/** The language of the family registered under this address, if there is one. */
	familyLocale?: (email: string) => Promise<EmailLocale | null>;
}

/**
 * The language of a sign-in email: the family's, when the address has one; else the page's where
 * the code was asked for (`lang` on the link's return address, which the sign-in form sets and
 * Supabase Auth passes on as it is); else what the account was created with; else Chinese.
 */
export async function authEmailLocale(
	email: AuthEmail,
	familyLocale?: (email: string) => Promise<EmailLocale | null>
): Promise<EmailLocale> {
	const family = familyLocale ? await familyLocale(email.email).catch(() => null) : null;
	if (family) return family;
	const page = URL.canParse(email.redirectTo)
		? new URL(email.redirectTo).searchParams.get('lang')
		: null;
	if (page === 'en' || page === 'zh-CN') return page;
	return email.userMetadata.locale === 'en' ? 'en' : 'zh-CN';
}

export function createAuthMailer(options: AuthMailerOptions): AuthMailer {
	return {
		async send(email: AuthEmail) {
			const locale = await authEmailLocale(email, options.familyLocale);
			const rendered = renderAuthEmail(email, locale, options.siteUrl, options.expiryMinutes);
			const kind = `auth_${email.type}`;
			if (!options.transport) {
				if (!options.mailbox) throw new Error('No email transport for sign-in emails.');
				await options.mailbox.add({ to: email.email, kind, ...rendered });
				return;
			}
			const limiter = sharedProviderLimiter(options.ratePerSecond ?? 2);
			// One key per code: a retry of this very email is dropped by the provider.
			const key = `gongyu-auth-${createHash('sha256').update(email.tokenHash).digest('hex').slice(0, 40)}`;
			let outcome: SendOutcome | null = null;
			for (let attempt = 1; attempt <= 3; attempt++) {
				await limiter.acquire();
				outcome = await options.transport.send(
					'single',
					[{ from: options.from, to: email.email, kind, ...rendered }],
					key
				);
				if (outcome.ok || outcome.kind === 'accepted_before') return;
				if (outcome.kind === 'permanent') break;
				const wait =
					outcome.kind === 'rate_limited' ? (outcome.retryAfterMs ?? 1000) : 500 * attempt;
				if (outcome.kind === 'rate_limited') limiter.pause(wait);
				if (wait > 5000) break;
				await new Promise((resolve) => setTimeout(resolve, wait));
			}
			throw new Error(
				`The sign-in email could not be sent: ${outcome && !outcome.ok ? outcome.message : 'unknown'}`
			);
		}
	};
}

/**
 * The mailer the embedded Supabase should be given (runtime.ts), configured like the dispatcher:
 * `mailer: authMailerFromEnv(process.env, mailbox, origin)`.
 */
export function authMailerFromEnv(
	env: NodeJS.ProcessEnv,
	mailbox: DevMailbox | null,
	siteUrl: string
): AuthMailer {
	const settings = emailSettings(env, { hasMailbox: !!mailbox, siteUrl });
	return createAuthMailer({
		transport: settings.transport === 'resend' ? createTransport(settings, mailbox) : null,
		mailbox,
		from: settings.from,
		siteUrl,
		ratePerSecond: settings.ratePerSecond,
		familyLocale: familyLocaleByEmail,
		expiryMinutes: env.GONGYU_OTP_EXPIRY_SECONDS
			? Math.max(1, Math.round(Number(env.GONGYU_OTP_EXPIRY_SECONDS) / 60))
			: undefined
	});
}

/** families.locale for the address, read with the secret key (the person is not signed in yet). */
async function familyLocaleByEmail(email: string): Promise<EmailLocale | null> {
	// Imported when first needed: the admin client reads the runtime that builds this mailer.
	const { createAdminClient } = await import('../supabase-admin');
	const { data } = await createAdminClient()
		.from('families')
		.select('locale')
		.eq('email', email.toLowerCase())
		.limit(1)
		.maybeSingle();
	return data?.locale === 'en' || data?.locale === 'zh-CN' ? data.locale : null;
}
