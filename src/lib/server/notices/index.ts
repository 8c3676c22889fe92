/**
 * Notices with receipts (通知回执) and feedback after events (活动反馈), thin over the SQL
 * functions in supabase/migrations/2026120518*: every rule (who gets a notice, one receipt per
 * family, one-time links, one feedback per registration, reminders never twice, averages only from
 * 5 ratings) lives there. Failures come back as their stable code for noticeFailure().
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { createAdminClient } from '$lib/server/supabase-admin';

export type ReceiptKind = 'none' | 'received' | 'choice';

export type Outcome<T> = { ok: true; data: T } | { ok: false; code: string };

async function call<T>(
	supabase: SupabaseClient,
	fn: string,
	args: Record<string, unknown>
): Promise<Outcome<T>> {
	const { data, error } = await supabase.rpc(fn, args);
	if (error) {
		// Stable codes are the error's message (private.fail); anything else is unexpected.
		const code = /^[a-z_]+$/.test(error.message) ? error.message : 'unknown';
		if (code === 'unknown') console.error(`${fn} failed:`, error.code);
		return { ok: false, code };
	}
	return { ok: true, data: data as T };
}

export interface EventInfo {
	id: string;
	slug: string;
	title_zh: string;
	title_en: string | null;
	starts_at: string;
	ends_at: string;
	place_zh: string | null;
	place_en: string | null;
	organisation_zh: string;
	organisation_en: string | null;
}

export interface NoticeInfo {
	id: string;
	subject: string;
	body: string;
	receipt_kind: ReceiptKind;
	question: string | null;
	options: string[];
	organisation_zh: string;
	organisation_en: string | null;
	created_at?: string;
}

// ---- staff: notices -------------------------------------------------------------------------

export interface NoticeDraft {
	subject: string;
	body: string;
	receiptKind: ReceiptKind;
	options: string[];
	question: string | null;
}

/**
 * The notice form's fields; the SQL checks them again (lengths, 2–4 different choices). The
 * receipt is one of none, received, attend (the two choices `attendOptions`, in the staff
 * member's language) or choice (the staff's own options, one a line).
 */
export function readNoticeForm(form: FormData, attendOptions: [string, string]): NoticeDraft {
	const text = (name: string) => String(form.get(name) ?? '').trim();
	const kind = text('receipt_kind');
	const options =
		kind === 'attend'
			? [...attendOptions]
			: kind === 'choice'
				? text('options')
						.split(/\r?\n/)
						.map((o) => o.trim())
						.filter(Boolean)
				: [];
	const receiptKind: ReceiptKind =
		kind === 'received' ? 'received' : kind === 'attend' || kind === 'choice' ? 'choice' : 'none';
	return {
		subject: text('subject'),
		body: text('body'),
		receiptKind,
		options,
		question: receiptKind === 'choice' ? text('question') || null : null
	};
}

export function sendNotice(
	supabase: SupabaseClient,
	draft: NoticeDraft,
	audience: { eventId: string } | { orgId: string; from: string; to: string }
) {
	return call<{ notice_id: string; queued: number }>(supabase, 'send_notice', {
		p_subject: draft.subject,
		p_body: draft.body,
		p_receipt_kind: draft.receiptKind,
		p_options: draft.options,
		p_question: draft.question,
		...('eventId' in audience
			? { p_event_id: audience.eventId }
			: { p_org_id: audience.orgId, p_attended_from: audience.from, p_attended_to: audience.to })
	});
}

export function remindNotice(supabase: SupabaseClient, noticeId: string) {
	return call<{ queued: number; round: number }>(supabase, 'remind_notice', {
		p_notice_id: noticeId
	});
}

export interface NoticeRow {
	id: string;
	subject: string;
	receipt_kind: ReceiptKind;
	event_id: string | null;
	attended_from: string | null;
	attended_to: string | null;
	recipients: number;
	reminders_sent: number;
	created_at: string;
	answered: number;
	read: number;
}

/** The organisation's notices (or one event's), newest first, with their answer and read counts. */
export async function listNotices(
	supabase: SupabaseClient,
	filter: { orgId: string; eventId?: string },
	limit = 50
): Promise<NoticeRow[]> {
	let query = supabase
		.from('notices')
		.select(
			'id, subject, receipt_kind, event_id, attended_from, attended_to, recipients, reminders_sent, created_at, notice_recipients(answered_at, read_at)'
		)
		.eq('org_id', filter.orgId)
		.order('created_at', { ascending: false })
		.limit(limit);
	if (filter.eventId) query = query.eq('event_id', filter.eventId);
	const { data, error } = await query;
	if (error) throw new Error(`notices: ${error.message}`);
	return (data ?? []).map((n) => {
		const { notice_recipients: recipients, ...rest } = n as typeof n & {
			notice_recipients: { answered_at: string | null; read_at: string | null }[];
		};
		return {
			...(rest as Omit<NoticeRow, 'answered' | 'read'>),
			answered: recipients.filter((r) => r.answered_at).length,
			read: recipients.filter((r) => r.read_at).length
		};
	});
}

export interface NoticeReceipts {
	notice: NoticeRow & { body: string; question: string | null; options: string[]; org_id: string };
	totals: { recipients: number; answered: number; read: number; answers: Record<string, number> };
	families: {
		guardian_name: string;
		answer: string | null;
		answered_at: string | null;
		answered_via: 'email' | 'site' | null;
		read: boolean;
		reminded: number;
	}[];
	delivery: { queued: number; sent: number; failed: number };
}

/** A notice's receipts for its organisation's staff; null when not theirs. */
export async function noticeReceipts(
	supabase: SupabaseClient,
	noticeId: string
): Promise<NoticeReceipts | null> {
	if (!isUuid(noticeId)) return null;
	const { data, error } = await supabase.rpc('notice_receipts', { p_notice_id: noticeId });
	if (error) throw new Error(`notice_receipts: ${error.message}`);
	return (data as NoticeReceipts | null) ?? null;
}

// ---- families: notices --------------------------------------------------------------------

export interface TokenNotice {
	state: 'open' | 'answered' | 'used';
	notice: NoticeInfo;
	event: EventInfo | null;
	answer: string | null;
	read: boolean;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** A link's token as it may be (43 URL-safe characters), or null. */
export function tokenFrom(value: unknown): string | null {
	return typeof value === 'string' && TOKEN.test(value) ? value : null;
}

/*
 * A one-time link's token is its key: the SQL behind these is the app's alone (the service role),
 * called after the page has counted the unknown links tried from the visitor's address
 * (client-attempts.ts), so nobody tries links through the API past that limit.
 */

export async function noticeByToken(token: string): Promise<TokenNotice | null> {
	const { data, error } = await createAdminClient().rpc('notice_by_token', { p_token: token });
	if (error) throw new Error(`notice_by_token: ${error.code}`);
	return (data as TokenNotice | null) ?? null;
}

export function answerNoticeByToken(token: string, answer: string) {
	return call<{ notice_id: string; answer: string | null }>(
		createAdminClient(),
		'answer_notice_by_token',
		{
			p_token: token,
			p_answer: answer
		}
	);
}

export function answerNotice(supabase: SupabaseClient, noticeId: string, answer: string) {
	return call<{ notice_id: string; answer: string | null }>(supabase, 'answer_notice', {
		p_notice_id: noticeId,
		p_answer: answer
	});
}

export interface FamilyNotice {
	id: string;
	subject: string;
	body: string;
	receipt_kind: ReceiptKind;
	question: string | null;
	options: string[];
	created_at: string;
	organisation: { name_zh: string; name_en: string | null } | null;
	event: { title_zh: string; title_en: string | null; starts_at: string } | null;
	answer: string | null;
	answered_at: string | null;
	read: boolean;
}

/** The notices sent to the signed-in guardian's family, newest first (RLS: only theirs). */
export async function myNotices(supabase: SupabaseClient, familyId: string, limit = 30) {
	const { data, error } = await supabase
		.from('notice_recipients')
		.select(
			'answer, answered_at, read_at, notices(id, subject, body, receipt_kind, question, options, created_at, organisations(name_zh, name_en), events(title_zh, title_en, starts_at))'
		)
		.eq('family_id', familyId)
		.order('created_at', { ascending: false })
		.limit(limit);
	if (error) throw new Error(`notice_recipients: ${error.message}`);
	type Row = {
		answer: string | null;
		answered_at: string | null;
		read_at: string | null;
		notices: Omit<FamilyNotice, 'answer' | 'answered_at' | 'read' | 'organisation' | 'event'> & {
			organisations: FamilyNotice['organisation'];
			events: FamilyNotice['event'];
		};
	};
	return ((data ?? []) as unknown as Row[])
		.filter((r) => r.notices)
		.map((r): FamilyNotice => ({
			id: r.notices.id,
			subject: r.notices.subject,
			body: r.notices.body,
			receipt_kind: r.notices.receipt_kind,
			question: r.notices.question,
			options: r.notices.options,
			created_at: r.notices.created_at,
			organisation: r.notices.organisations,
			event: r.notices.events,
			answer: r.answer,
			answered_at: r.answered_at,
			read: r.read_at !== null
		}));
}

export async function markNoticesRead(supabase: SupabaseClient, noticeIds: string[]) {
	await Promise.all(noticeIds.map((id) => supabase.rpc('mark_notice_read', { p_notice_id: id })));
}

// ---- feedback -------------------------------------------------------------------------------

export interface TokenFeedback {
	state: 'open' | 'given' | 'used';
	event: EventInfo;
}

/** The feedback form behind a link (the app's alone, as noticeByToken). */
export async function feedbackFormByToken(token: string): Promise<TokenFeedback | null> {
	const { data, error } = await createAdminClient().rpc('feedback_form_by_token', {
		p_token: token
	});
	if (error) throw new Error(`feedback_form_by_token: ${error.code}`);
	return (data as TokenFeedback | null) ?? null;
}

export interface FeedbackDraft {
	rating: number | null;
	enjoyed: string;
	improve: string;
	comeAgain: boolean | null;
}

export function readFeedbackForm(form: FormData): FeedbackDraft {
	const rating = Number(form.get('rating'));
	const again = form.get('come_again');
	return {
		rating: Number.isInteger(rating) && rating >= 1 && rating <= 5 ? rating : null,
		enjoyed: String(form.get('enjoyed') ?? '').trim(),
		improve: String(form.get('improve') ?? '').trim(),
		comeAgain: again === 'yes' ? true : again === 'no' ? false : null
	};
}

function feedbackArgs(draft: FeedbackDraft) {
	return {
		p_rating: draft.rating,
		p_enjoyed: draft.enjoyed || null,
		p_improve: draft.improve || null,
		p_come_again: draft.comeAgain
	};
}

export function submitFeedbackByToken(token: string, draft: FeedbackDraft) {
	return call<{ feedback_id: string }>(createAdminClient(), 'submit_feedback_by_token', {
		p_token: token,
		...feedbackArgs(draft)
	});
}

export function submitFeedback(
	supabase: SupabaseClient,
	registrationId: string,
	draft: FeedbackDraft
) {
	return call<{ feedback_id: string }>(supabase, 'submit_feedback', {
		p_registration_id: registrationId,
		...feedbackArgs(draft)
	});
}

/** The family's checked-in registrations of events that ended in the last 30 days, with any
 * feedback it gave. */
export async function feedbackDue(supabase: SupabaseClient, familyId: string, now = new Date()) {
	const since = new Date(now.getTime() - 30 * 86_400_000).toISOString();
	const { data, error } = await supabase
		.from('registrations')
		.select('id, events!inner(title_zh, title_en, starts_at, ends_at), event_feedback(rating)')
		.eq('family_id', familyId)
		.eq('status', 'attended')
		.lte('events.ends_at', now.toISOString())
		.gte('events.ends_at', since)
		.limit(20);
	if (error) throw new Error(`registrations: ${error.message}`);
	type Row = {
		id: string;
		events: { title_zh: string; title_en: string | null; starts_at: string; ends_at: string };
		event_feedback: { rating: number }[] | { rating: number } | null;
	};
	return ((data ?? []) as unknown as Row[])
		.map((r) => {
			const given = Array.isArray(r.event_feedback) ? r.event_feedback[0] : r.event_feedback;
			return { id: r.id, event: r.events, rating: given?.rating ?? null };
		})
		.sort((a, b) => b.event.ends_at.localeCompare(a.event.ends_at));
}

export interface FeedbackSummary {
	requested: number;
	ratings: number;
	average: number | null;
	come_again: number;
	items: {
		id: string;
		rating: number;
		enjoyed: string | null;
		improve: string | null;
		come_again: boolean | null;
		created_at: string;
		replies: { id: string; body: string; public: boolean; created_at: string }[];
	}[];
}

export async function eventFeedbackSummary(
	supabase: SupabaseClient,
	eventId: string
): Promise<FeedbackSummary | null> {
	const { data, error } = await supabase.rpc('event_feedback_summary', { p_event_id: eventId });
	if (error) throw new Error(`event_feedback_summary: ${error.message}`);
	return (data as FeedbackSummary | null) ?? null;
}

export function replyToFeedback(
	supabase: SupabaseClient,
	feedbackId: string,
	body: string,
	isPublic: boolean
) {
	return call<{ reply_id: string }>(supabase, 'reply_to_feedback', {
		p_feedback_id: feedbackId,
		p_body: body,
		p_public: isPublic
	});
}

export interface OrganisationFeedback {
	rating: { average: number; count: number } | null;
	replies: { body: string; created_at: string; event_title_zh: string; event_title_en: string }[];
}

export async function organisationFeedback(
	supabase: SupabaseClient,
	orgId: string
): Promise<OrganisationFeedback> {
	const { data, error } = await supabase.rpc('organisation_feedback', { p_org_id: orgId });
	if (error) throw new Error(`organisation_feedback: ${error.message}`);
	return (data as OrganisationFeedback | null) ?? { rating: null, replies: [] };
}

/** Feedback requests off, from the link in one (the app's alone, as noticeByToken). */
export function unsubscribeFeedbackRequests(token: string) {
	return call<boolean>(createAdminClient(), 'unsubscribe_feedback_requests', { p_token: token });
}

/** Reminders off, from the link in a reminder email (the app's alone, as noticeByToken). */
export function unsubscribeReminders(token: string) {
	return call<boolean>(createAdminClient(), 'unsubscribe_reminders', { p_token: token });
}

// ---- the district's counts ------------------------------------------------------------------

export interface ClosedLoopRow {
	org_id: string;
	org_name_zh: string;
	org_name_en: string | null;
	category: string | null;
	notices: number;
	notices_sent_to: number;
	notices_read: number;
	read_rate: number | null;
	receipts_asked: number;
	receipts_answered: number;
	receipt_rate: number | null;
	feedback_requested: number;
	feedback_given: number;
	feedback_rate: number | null;
	ratings_average: number | null;
}

export async function closedLoopCounts(
	supabase: SupabaseClient,
	period: { from?: string | null; to?: string | null } = {}
): Promise<ClosedLoopRow[]> {
	const { data, error } = await supabase.rpc('closed_loop_counts', {
		p_from: period.from ?? null,
		p_to: period.to ?? null
	});
	if (error) throw new Error(`closed_loop_counts: ${error.message}`);
	return (data ?? []) as ClosedLoopRow[];
}

export function isUuid(value: string): boolean {
	return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
