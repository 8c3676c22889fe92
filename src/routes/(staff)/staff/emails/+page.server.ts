/**
 * Emails about the organisation's events that failed (with the provider's reason) or are being
 * retried, and a button to send one again. Read through the staff member's own client: RLS on
 * email_outbox shows only emails about their organisation's events. retry_email checks the same.
 */
import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';

const columns =
	'id, kind, to_email, status, attempts, last_error, next_attempt_at, created_at, event_id';

export interface ProblemEmail {
	id: string;
	kind: string;
	to_email: string;
	status: 'pending' | 'sending' | 'failed';
	attempts: number;
	last_error: string | null;
	next_attempt_at: string;
	created_at: string;
	event_id: string | null;
}

export const load = (async ({ locals }) => {
	const supabase = locals.supabase;
	const overdue = new Date(Date.now() - 10 * 60_000).toISOString();
	const [failed, retrying, stuck] = await Promise.all([
		supabase
			.from('email_outbox')
			.select(columns)
			.eq('status', 'failed')
			.order('created_at', { ascending: false })
			.limit(200),
		supabase
			.from('email_outbox')
			.select(columns)
			.in('status', ['pending', 'sending'])
			.not('last_error', 'is', null)
			.order('created_at', { ascending: false })
			.limit(200),
		supabase
			.from('email_outbox')
			.select(columns)
			.in('status', ['pending', 'sending'])
			.lt('next_attempt_at', overdue)
			.order('created_at', { ascending: false })
			.limit(200)
	]);
	const error = failed.error ?? retrying.error ?? stuck.error;
	if (error) console.error('staff emails: reading the outbox failed:', error.code);

	const byId = new Map<string, ProblemEmail>();
	for (const row of [
		...(failed.data ?? []),
		...(retrying.data ?? []),
		...(stuck.data ?? [])
	] as ProblemEmail[]) {
		byId.set(row.id, row);
	}
	const emails = [...byId.values()].sort((a, b) => b.created_at.localeCompare(a.created_at));

	const eventIds = [...new Set(emails.map((e) => e.event_id).filter((id): id is string => !!id))];
	const events = eventIds.length
		? ((
				await supabase.from('events').select('id, title_zh, title_en, starts_at').in('id', eventIds)
			).data ?? [])
		: [];

	return {
		emails,
		events: Object.fromEntries(
			(events as { id: string; title_zh: string; title_en: string; starts_at: string }[]).map(
				(e) => [e.id, e]
			)
		),
		loadFailed: !!error
	};
}) satisfies PageServerLoad;

export const actions = {
	retry: async ({ request, locals }) => {
		const form = await request.formData();
		const id = form.get('id');
		if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id))
			return fail(400, { id: null, notFound: true });
		const { error } = await locals.supabase.rpc('retry_email', { p_id: id });
		if (error) {
			if (error.message !== 'email_not_found' && error.message !== 'email_not_retryable') {
				console.error('staff emails: retry failed:', error.code);
			}
			return fail(error.message === 'email_not_retryable' ? 409 : 404, { id, notFound: true });
		}
		return { id, retried: true };
	}
} satisfies Actions;
