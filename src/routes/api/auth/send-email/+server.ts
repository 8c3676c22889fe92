/**
 * POST /api/auth/send-email — Supabase Auth's Send Email Hook: the project (or the embedded
 * Supabase with `[auth.hook.send_email]`) hands each sign-in email here, signed as Standard
 * Webhooks with SEND_EMAIL_HOOK_SECRET (`v1,whsec_…`, the secret Supabase shows for the hook), and
 * the app renders it with its own templates in the family's language and sends it through its
 * email transport. Unsigned, wrongly signed, stale (over five minutes) or replayed-with-a-changed-
 * body requests are 401 and send nothing; every request is 404 when the secret is not set.
 * Answers as Supabase expects: `{}`, or `{ error: { http_code, message } }`.
 */
import { json } from '@sveltejs/kit';
import { env } from '$env/dynamic/private';
import { WebhookVerificationError } from 'standardwebhooks';
import { authMailerFromEnv } from '$lib/server/email/auth-mailer';
import { appOrigin, getRuntime } from '$lib/server/runtime';
import {
	authEmailFromHook,
	HookPayloadError
} from '$lib/server/embedded-supabase/auth/send-email-hook';
import type { RequestHandler } from './$types';

const refuse = (status: number, message: string) =>
	json({ error: { http_code: status, message } }, { status });

export const POST: RequestHandler = async ({ request }) => {
	const secret = env.SEND_EMAIL_HOOK_SECRET;
	if (!secret) return refuse(404, 'the send email hook is not configured');
	const runtime = getRuntime();
	const body = await request.text();
	let email;
	try {
		email = authEmailFromHook(body, request.headers, secret, runtime.supabaseUrl(appOrigin()));
	} catch (error) {
		if (error instanceof WebhookVerificationError) return refuse(401, 'invalid signature');
		if (error instanceof HookPayloadError) return refuse(400, error.message);
		return refuse(400, 'invalid payload');
	}
	try {
		await authMailerFromEnv(process.env, runtime.mailbox, appOrigin()).send(email);
	} catch (error) {
		console.error('send email hook:', (error as Error).message);
		return refuse(500, 'the email could not be sent');
	}
	return json({});
};
