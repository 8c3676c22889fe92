/**
 * Where rendered emails go. `resendTransport` sends through the official SDK — `batch.send` for up
 * to 100 emails without attachments, `emails.send` for one with attachments — under the idempotency
 * key the dispatcher stored with the rows. The SDK returns `{ error }` instead of throwing; every
 * answer is classified here so the dispatcher only decides what to do next.
 * `mailboxTransport` is the dev mailbox: what a checkout without RESEND_API_KEY shows at /dev/mailbox.
 */
import { Resend } from 'resend';
import type { DevMailbox } from './dev-mailbox';
import { retryAfterMs } from './rate-limit';
import type { EmailAttachment } from './templates/layout';

export interface OutgoingEmail {
	from: string;
	to: string;
	subject: string;
	html: string;
	text: string;
	headers?: Record<string, string>;
	attachments?: EmailAttachment[];
	/** The outbox kind, sent as a provider tag. */
	kind: string;
}

export type SendMode = 'batch' | 'single';

/** One entry per email sent, in order: the provider's id, or why it refused that email. */
export type EmailResult = { id: string } | { error: string };

export type SendOutcome =
	| { ok: true; results: EmailResult[] }
	/** 429: wait at least retryAfterMs (null when the provider did not say). */
	| {
			ok: false;
			kind: 'rate_limited';
			retryAfterMs: number | null;
			status: number;
			message: string;
	  }
	/** 5xx, a network error, a timeout, a concurrent request under the same key: try again later. */
	| { ok: false; kind: 'transient'; status: number | null; message: string }
	/** The provider refuses the whole request (400, 422 …): retrying the same request cannot help. */
	| { ok: false; kind: 'permanent'; status: number | null; message: string }
	/**
	 * The key was used before with a different body: the provider already accepted a request under
	 * it (an earlier attempt whose answer was lost), so these emails have gone out.
	 */
	| { ok: false; kind: 'accepted_before'; status: number; message: string };

export interface EmailTransport {
	readonly name: 'resend' | 'mailbox';
	send(mode: SendMode, emails: OutgoingEmail[], idempotencyKey: string): Promise<SendOutcome>;
}

interface ResendError {
	message?: string;
	statusCode?: number | null;
	name?: string;
}

export function classifyError(
	error: ResendError,
	headers: Record<string, string> | null
): Exclude<SendOutcome, { ok: true }> {
	const status = typeof error.statusCode === 'number' ? error.statusCode : null;
	const message = `${error.name ?? 'error'}${status ? ` (${status})` : ''}: ${error.message ?? 'no message'}`;
	if (status === 429) {
		const quota = error.name === 'daily_quota_exceeded' || error.name === 'monthly_quota_exceeded';
		const after = retryAfterMs(headers?.['retry-after']);
		return {
			ok: false,
			kind: 'rate_limited',
			retryAfterMs: after ?? (quota ? 3600_000 : null),
			status,
			message
		};
	}
	if (status === 409 && error.name === 'invalid_idempotent_request') {
		return { ok: false, kind: 'accepted_before', status, message };
	}
	// No status: network error, timeout, or an answer that was not JSON — the request may or may not
	// have arrived, which is exactly what the idempotency key is for.
	if (status === null || status >= 500 || status === 408 || status === 409) {
		return { ok: false, kind: 'transient', status, message };
	}
	// A wrong or restricted API key is a configuration problem staff cannot fix per email: keep
	// retrying with back-off (and give up eventually) rather than failing everything at once.
	if (status === 401 || status === 403) return { ok: false, kind: 'transient', status, message };
	return { ok: false, kind: 'permanent', status, message };
}

function toResendEmail(email: OutgoingEmail) {
	return {
		from: email.from,
		to: [email.to],
		subject: email.subject,
		html: email.html,
		text: email.text,
		...(email.headers ? { headers: email.headers } : {}),
		...(email.attachments?.length
			? {
					attachments: email.attachments.map((a) => ({
						filename: a.filename,
						content: a.content,
						contentType: a.contentType,
						...(a.contentId ? { contentId: a.contentId } : {})
					}))
				}
			: {}),
		tags: [{ name: 'kind', value: email.kind }]
	};
}

export interface ResendTransportOptions {
	apiKey: string;
	/** RESEND_BASE_URL: another host speaking Resend's API (tests use a local capture server). */
	baseUrl?: string;
	/** Abort a request that has not answered after this long (a network error: retried). */
	timeoutMs?: number;
}

export function resendTransport(options: ResendTransportOptions): EmailTransport {
	const resend = new Resend(
		options.apiKey,
		options.baseUrl ? { baseUrl: options.baseUrl.replace(/\/$/, '') } : undefined
	);
	const timeoutMs = options.timeoutMs ?? 30_000;

	return {
		name: 'resend',
		async send(mode, emails, idempotencyKey) {
			const signal = AbortSignal.timeout(timeoutMs);
			if (mode === 'single') {
				if (emails.length !== 1) throw new Error('a single send carries exactly one email');
				const { data, error, headers } = await resend.emails.send(toResendEmail(emails[0]), {
					idempotencyKey,
					signal
				});
				if (error) return classifyError(error, headers);
				if (!data?.id)
					return { ok: false, kind: 'transient', status: null, message: 'no id in the answer' };
				return { ok: true, results: [{ id: data.id }] };
			}
			if (emails.some((e) => e.attachments?.length))
				throw new Error('batches carry no attachments');
			const { data, error, headers } = await resend.batch.send(emails.map(toResendEmail), {
				idempotencyKey,
				batchValidation: 'permissive',
				signal
			});
			if (error) return classifyError(error, headers);
			const ids = data?.data ?? [];
			const refused = new Map<number, string>();
			for (const e of (data as { errors?: { index: number; message: string }[] } | null)?.errors ??
				[]) {
				refused.set(e.index, e.message);
			}
			// Permissive mode lists the accepted emails' ids in order, skipping the refused ones.
			let next = 0;
			const results: EmailResult[] = emails.map((_, index) => {
				const reason = refused.get(index);
				if (reason !== undefined) return { error: `validation_error: ${reason}` };
				const id = ids[next++]?.id;
				return id ? { id } : { error: 'no id in the answer' };
			});
			if (next !== ids.length) {
				return {
					ok: false,
					kind: 'transient',
					status: null,
					message: 'the answer does not match the batch'
				};
			}
			return { ok: true, results };
		}
	};
}

/** The dev mailbox: every email lands in the database table the /dev/mailbox page reads. */
export function mailboxTransport(mailbox: DevMailbox): EmailTransport {
	const seen = new Map<string, EmailResult[]>();
	return {
		name: 'mailbox',
		async send(_mode, emails, idempotencyKey) {
			const before = seen.get(idempotencyKey);
			if (before) return { ok: true, results: before };
			const results: EmailResult[] = [];
			for (const email of emails) {
				await mailbox.add({
					to: email.to,
					subject: email.subject,
					html: inlineImages(email),
					text: email.text,
					kind: email.kind,
					attachments: email.attachments
				});
				results.push({ id: `mailbox:${idempotencyKey}:${results.length}` });
			}
			seen.set(idempotencyKey, results);
			if (seen.size > 10_000) seen.delete(seen.keys().next().value!);
			return { ok: true, results };
		}
	};
}

/** The mailbox has no attachments: show inline images (`cid:`) as data: URLs instead. */
function inlineImages(email: OutgoingEmail): string {
	let html = email.html;
	for (const a of email.attachments ?? []) {
		if (a.contentId)
			html = html.replaceAll(`cid:${a.contentId}`, `data:${a.contentType};base64,${a.content}`);
	}
	return html;
}
