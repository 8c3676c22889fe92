/**
 * Supabase Auth's Send Email Hook, both ends: the embedded Auth hands its emails to an HTTP hook
 * instead of its mailer when `[auth.hook.send_email]` in supabase/config.toml is enabled (as the
 * Supabase CLI's config has it: `enabled`, `uri`, `secrets = "v1,whsec_…"`), signed as Standard
 * Webhooks; and the receiving end turns a verified request back into an AuthEmail.
 * The payload is Supabase's: `{ user, email_data: { token, token_hash, redirect_to,
 * email_action_type, site_url, token_new, token_hash_new } }`.
 */
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { configTable, type TomlTable } from '../config';
import type { AuthEmail, AuthMailer } from '../env';

export interface SendEmailHook {
	uri: string;
	/** `v1,whsec_<base64>`, as Supabase shows it (several separated by `|`: the first signs). */
	secret: string;
}

const TYPES = ['magiclink', 'signup', 'recovery', 'invite', 'email_change'] as const;

/** The Webhook for a Supabase hook secret (`v1,whsec_…`; the library takes it without `v1,`). */
export function hookWebhook(secret: string): Webhook {
	return new Webhook(secret.split('|')[0].trim().replace(/^v1,/, ''));
}

/** `[auth.hook.send_email]` when enabled; `env(NAME)` in `uri` or `secrets` reads the variable. */
export function sendEmailHookFromConfig(
	config: TomlTable,
	env: NodeJS.ProcessEnv = process.env
): SendEmailHook | null {
	const table = configTable(config, 'auth.hook.send_email');
	if (table.enabled !== true) return null;
	const value = (v: unknown) => {
		const text = typeof v === 'string' ? v : '';
		const named = /^env\((\w+)\)$/.exec(text.trim());
		return named ? (env[named[1]] ?? '') : text;
	};
	const uri = value(table.uri);
	const secret = value(table.secrets);
	if (!uri || !secret.includes('whsec_'))
		throw new Error('[auth.hook.send_email] is enabled but has no uri or no v1,whsec_ secret');
	return { uri, secret };
}

/** A mailer that posts each email to the hook, signed; a refusal or error fails the send. */
export function hookMailer(hook: SendEmailHook): AuthMailer {
	const webhook = hookWebhook(hook.secret);
	return {
		async send(email) {
			const body = JSON.stringify({
				user: { email: email.email, user_metadata: email.userMetadata },
				email_data: {
					token: email.token,
					token_hash: email.tokenHash,
					redirect_to: email.redirectTo,
					email_action_type: email.type,
					site_url: new URL(email.actionLink).origin,
					token_new: '',
					token_hash_new: ''
				}
			});
			const id = `msg_${randomUUID()}`;
			const at = new Date();
			const response = await fetch(hook.uri, {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					'webhook-id': id,
					'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
					'webhook-signature': webhook.sign(id, at, body)
				},
				body
			});
			if (!response.ok)
				throw new Error(
					`the send email hook answered ${response.status}: ${await response.text()}`
				);
		}
	};
}

export class HookPayloadError extends Error {}

/**
 * The AuthEmail of a hook request whose signature `secret` verifies (throws
 * WebhookVerificationError otherwise: wrong secret, changed body, or a timestamp more than five
 * minutes off); `apiUrl` is the project's, for the verify link.
 */
export function authEmailFromHook(
	body: string,
	headers: Headers,
	secret: string,
	apiUrl: string
): AuthEmail {
	const payload = hookWebhook(secret).verify(body, {
		'webhook-id': headers.get('webhook-id') ?? '',
		'webhook-timestamp': headers.get('webhook-timestamp') ?? '',
		'webhook-signature': headers.get('webhook-signature') ?? ''
	}) as {
		user?: { email?: string; new_email?: string; user_metadata?: Record<string, unknown> };
		email_data?: Record<string, string | undefined>;
	};
	const data = payload.email_data ?? {};
	const type = TYPES.find((t) => t === data.email_action_type);
	const email = payload.user?.email;
	if (!type || !email || !data.token_hash)
		throw new HookPayloadError(`unsupported email: ${data.email_action_type ?? 'none'}`);
	const redirectTo = data.redirect_to ?? '';
	const link = new URL(`${apiUrl.replace(/\/$/, '')}/auth/v1/verify`);
	link.searchParams.set('token', data.token_hash);
	link.searchParams.set('type', type);
	if (redirectTo) link.searchParams.set('redirect_to', redirectTo);
	return {
		type,
		email,
		token: data.token ?? '',
		tokenHash: data.token_hash,
		actionLink: link.toString(),
		redirectTo,
		userMetadata: payload.user?.user_metadata ?? {}
	};
}
