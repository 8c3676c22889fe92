/**
 * Notices with receipts and feedback after events, in SQL, through supabase-js: who gets what,
 * one receipt per family per notice, one-time links that cannot be replayed or used elsewhere,
 * feedback only from checked-in families and once, averages hidden under 5 ratings, the
 * district's counts, and RLS allow and deny for every persona.
 */
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	backendUnderTest,
	codeOf,
	createWorld,
	insertEvent,
	insertFamilies,
	row,
	rows,
	startDomain,
	type Domain,
	type World
} from '../support/personas';

let domain: Domain;
let w: World;

beforeAll(async () => {
	domain = await startDomain(backendUnderTest);
	w = await createWorld(domain);
});

afterAll(async () => {
	await domain?.close();
});

async function register(
	eventId: string,
	familyId: string,
	status: 'confirmed' | 'attended' | 'waitlisted' | 'cancelled' = 'confirmed'
): Promise<string> {
	const r = await row<{ id: string }>(
		domain,
		`insert into public.registrations (event_id, family_id, status, seats, waitlist_position,
			waitlist_joined_at, check_in_code, confirmed_at, checked_in_at)
		 values ($1::uuid, $2::uuid, $3::public.registration_status, 1,
			case when $3 = 'waitlisted' then 1 end, case when $3 = 'waitlisted' then now() end,
			private.new_check_in_code(), now(), case when $3 = 'attended' then now() end)
		 returning id`,
		[eventId, familyId, status]
	);
	return r.id;
}

/** The one-time links queued for a notice, by recipient email. */
async function noticeTokens(noticeId: string, kind = 'notice'): Promise<Map<string, string>> {
	const found = await rows<{ to_email: string; token: string }>(
		domain,
		`select to_email, payload ->> 'token' as token from public.email_outbox
		 where kind = $2 and payload -> 'notice' ->> 'id' = $1 order by created_at`,
		[noticeId, kind]
	);
	return new Map(found.map((f) => [f.to_email, f.token]));
}

async function send(client: SupabaseClient, args: Record<string, unknown>) {
	// Ten notices per organisation a day; these tests send more, as if on earlier days.
	await domain.db.exec(`update public.notices set created_at = created_at - interval '1 day'`);
	return client.rpc('send_notice', {
		p_subject: '周六活动改到室内',
		p_body: '因天气原因，活动改在多功能厅举行。',
		...args
	});
}

async function sendOk(args: Record<string, unknown>, client = w.client.staffA) {
	const result = await send(client, args);
	expect(result.error).toBeNull();
	return result.data as { notice_id: string; queued: number };
}

describe('notices with receipts', () => {
	let eventId: string;

	beforeAll(async () => {
		eventId = await insertEvent(domain, w, { startsInHours: 72 });
		await register(eventId, w.familyA);
		await register(eventId, w.familyB);
	});

	it('a notice asking for a receipt is queued once to each registered family, with its own link', async () => {
		const sent = await sendOk({ p_event_id: eventId, p_receipt_kind: 'received' });
		expect(sent.queued).toBe(2);
		const emails = await rows<{ to_email: string; event_id: string | null; key: string }>(
			domain,
			`select to_email, event_id, idempotency_key as key from public.email_outbox
			 where kind = 'notice' and payload -> 'notice' ->> 'id' = $1`,
			[sent.notice_id]
		);
		expect(emails.map((e) => e.to_email).sort()).toEqual(
			[w.users.guardianA.email, w.users.guardianB.email].sort()
		);
		// The rows carry answer links: they are not shown to staff with the event's emails.
		expect(emails.every((e) => e.event_id === null)).toBe(true);
		const tokens = await noticeTokens(sent.notice_id);
		expect(new Set(tokens.values()).size).toBe(2);
		for (const token of tokens.values()) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
		// Only the hash is kept.
		const stored = await row<{ n: string }>(
			domain,
			`select count(*) as n from public.answer_tokens t
			 join public.notice_recipients r on r.id = t.notice_recipient_id
			 where r.notice_id = $1::uuid and t.token_hash = private.token_hash($2)`,
			[sent.notice_id, tokens.get(w.users.guardianA.email)]
		);
		expect(Number(stored.n)).toBe(1);
		const plain = await row<{ n: string }>(
			domain,
			`select count(*) as n from public.answer_tokens where encode(token_hash, 'escape') like '%' || $1 || '%'`,
			[tokens.get(w.users.guardianA.email)]
		);
		expect(Number(plain.n)).toBe(0);
	});

	it('a family answers from its link without signing in, once; the link cannot be replayed', async () => {
		const sent = await sendOk({
			p_event_id: eventId,
			p_receipt_kind: 'choice',
			p_options: ['参加', '不参加'],
			p_question: '周六能来吗？'
		});
		const token = (await noticeTokens(sent.notice_id)).get(w.users.guardianA.email)!;
		const shown = await domain.admin().rpc('notice_by_token', { p_token: token });
		expect(shown.error).toBeNull();
		expect(shown.data).toMatchObject({
			state: 'open',
			notice: { options: ['参加', '不参加'], question: '周六能来吗？', receipt_kind: 'choice' }
		});
		// Looking changes nothing.
		const before = await row<{ answered_at: string | null }>(
			domain,
			`select answered_at from public.notice_recipients where notice_id = $1::uuid and family_id = $2::uuid`,
			[sent.notice_id, w.familyA]
		);
		expect(before.answered_at).toBeNull();

		expect(
			codeOf(
				await domain.admin().rpc('answer_notice_by_token', { p_token: token, p_answer: '也许' })
			)
		).toBe('invalid_answer');
		const answered = await domain.admin().rpc('answer_notice_by_token', {
			p_token: token,
			p_answer: '不参加'
		});
		expect(answered.error).toBeNull();
		expect(answered.data).toMatchObject({ notice_id: sent.notice_id, answer: '不参加' });

		expect(
			codeOf(
				await domain.admin().rpc('answer_notice_by_token', { p_token: token, p_answer: '参加' })
			)
		).toBe('link_used');
		expect(
			codeOf(
				await w.client.guardianA.rpc('answer_notice', {
					p_notice_id: sent.notice_id,
					p_answer: '参加'
				})
			)
		).toBe('already_answered');
		const after = await rows<{ family_id: string; answer: string | null; via: string | null }>(
			domain,
			`select family_id, answer, answered_via as via from public.notice_recipients where notice_id = $1::uuid`,
			[sent.notice_id]
		);
		expect(after.find((r) => r.family_id === w.familyA)).toMatchObject({
			answer: '不参加',
			via: 'email'
		});
		expect(after.find((r) => r.family_id === w.familyB)?.answer).toBeNull();
		expect((await domain.admin().rpc('notice_by_token', { p_token: token })).data).toMatchObject({
			state: 'answered',
			answer: '不参加'
		});
	});

	it('the links’ functions are the app’s alone: anon and signed-in clients are refused, even with a good link', async () => {
		const sent = await sendOk({ p_event_id: eventId, p_receipt_kind: 'received' });
		const token = (await noticeTokens(sent.notice_id)).get(w.users.guardianA.email)!;
		const unsubscribe = (
			await row<{ t: string }>(
				domain,
				`select unsubscribe_token::text as t from public.families where id = $1::uuid`,
				[w.familyA]
			)
		).t;
		const calls: [string, Record<string, unknown>][] = [
			['notice_by_token', { p_token: token }],
			['answer_notice_by_token', { p_token: token, p_answer: 'received' }],
			['feedback_form_by_token', { p_token: token }],
			['submit_feedback_by_token', { p_token: token, p_rating: 5 }],
			['unsubscribe_reminders', { p_token: unsubscribe }],
			['unsubscribe_feedback_requests', { p_token: unsubscribe }]
		];
		for (const client of [w.client.anon, w.client.guardianA, w.client.staffA]) {
			for (const [fn, args] of calls) {
				const { error } = await client.rpc(fn, args);
				expect(error?.code, fn).toBe('42501');
			}
		}
		const state = await row<{ answered: string; reminders: string; feedback: string }>(
			domain,
			`select (select (answered_at is not null)::text from public.notice_recipients
			          where notice_id = $1::uuid and family_id = $2::uuid) as answered,
			        f.reminders_enabled::text as reminders, f.feedback_requests_enabled::text as feedback
			 from public.families f where f.id = $2::uuid`,
			[sent.notice_id, w.familyA]
		);
		expect(state).toEqual({ answered: 'false', reminders: 'true', feedback: 'true' });
	});

	it("a link answers only its own family's receipt of its own notice", async () => {
		const first = await sendOk({ p_event_id: eventId, p_receipt_kind: 'received' });
		const second = await sendOk({ p_event_id: eventId, p_receipt_kind: 'received' });
		const tokenA = (await noticeTokens(first.notice_id)).get(w.users.guardianA.email)!;
		expect(
			(
				await domain
					.admin()
					.rpc('answer_notice_by_token', { p_token: tokenA, p_answer: 'received' })
			).data
		).toMatchObject({ notice_id: first.notice_id });
		const answered = await rows<{ notice_id: string; family_id: string }>(
			domain,
			`select notice_id, family_id from public.notice_recipients
			 where notice_id in ($1::uuid, $2::uuid) and answered_at is not null`,
			[first.notice_id, second.notice_id]
		);
		expect(answered).toEqual([{ notice_id: first.notice_id, family_id: w.familyA }]);
		// A made-up or altered link is unknown; a feedback link is no notice link.
		const altered = tokenA.slice(0, -1) + (tokenA.endsWith('A') ? 'B' : 'A');
		for (const bad of [altered, randomUUID(), '', 'x'.repeat(43)]) {
			expect(
				codeOf(
					await domain.admin().rpc('answer_notice_by_token', { p_token: bad, p_answer: 'received' })
				)
			).toBe('invalid_link');
			expect((await domain.admin().rpc('notice_by_token', { p_token: bad })).data).toBeNull();
		}
		// A signed-in family can answer only notices sent to it.
		const other = await sendOk({ p_event_id: eventId, p_receipt_kind: 'received' });
		expect(
			codeOf(
				await w.client.guardianC.rpc('answer_notice', {
					p_notice_id: other.notice_id,
					p_answer: 'received'
				})
			)
		).toBe('notice_not_found');
	});

	it('one receipt per family per notice, however many answers race', async () => {
		const sent = await sendOk({ p_event_id: eventId, p_receipt_kind: 'received' });
		const token = (await noticeTokens(sent.notice_id)).get(w.users.guardianB.email)!;
		const results = await Promise.all([
			...Array.from({ length: 6 }, () =>
				domain.admin().rpc('answer_notice_by_token', { p_token: token, p_answer: 'received' })
			),
			...Array.from({ length: 6 }, () =>
				w.client.guardianB.rpc('answer_notice', {
					p_notice_id: sent.notice_id,
					p_answer: 'received'
				})
			)
		]);
		expect(results.filter((r) => r.error === null)).toHaveLength(1);
		for (const failed of results.filter((r) => r.error)) {
			expect(['link_used', 'already_answered']).toContain(codeOf(failed));
		}
		const dup = await domain.db
			.query(
				`insert into public.notice_recipients (notice_id, family_id) values ($1::uuid, $2::uuid)`,
				[sent.notice_id, w.familyB]
			)
			.then(
				() => 'inserted',
				(e: { code?: string }) => e.code
			);
		expect(dup).toBe('23505');
	});

	it('staff remind only the families that have not answered, once per round', async () => {
		const sent = await sendOk({ p_event_id: eventId, p_receipt_kind: 'received' });
		const tokenA = (await noticeTokens(sent.notice_id)).get(w.users.guardianA.email)!;
		await domain.admin().rpc('answer_notice_by_token', { p_token: tokenA, p_answer: 'received' });

		expect(
			codeOf(await w.client.staffB.rpc('remind_notice', { p_notice_id: sent.notice_id }))
		).toBe('not_authorised');
		expect(
			codeOf(await w.client.guardianB.rpc('remind_notice', { p_notice_id: sent.notice_id }))
		).toBe('not_authorised');
		const [one, two] = await Promise.all([
			w.client.staffA.rpc('remind_notice', { p_notice_id: sent.notice_id }),
			w.client.staffA.rpc('remind_notice', { p_notice_id: sent.notice_id })
		]);
		const ok = [one, two].filter((r) => r.error === null);
		expect(ok).toHaveLength(1);
		expect(ok[0].data).toEqual({ queued: 1, round: 1 });
		expect(codeOf([one, two].find((r) => r.error)!)).toBe('reminder_too_soon');
		const reminders = await noticeTokens(sent.notice_id, 'notice_reminder');
		expect([...reminders.keys()]).toEqual([w.users.guardianB.email]);
		// The reminder's new link works, and so would the first one until either is used.
		const tokenB = reminders.get(w.users.guardianB.email)!;
		expect(
			(
				await domain
					.admin()
					.rpc('answer_notice_by_token', { p_token: tokenB, p_answer: 'received' })
			).error
		).toBeNull();
		const firstB = (await noticeTokens(sent.notice_id)).get(w.users.guardianB.email)!;
		expect(
			codeOf(
				await domain
					.admin()
					.rpc('answer_notice_by_token', { p_token: firstB, p_answer: 'received' })
			)
		).toBe('link_used');
		await domain.db.query(
			`update public.notices set last_reminded_at = now() - interval '2 hours' where id = $1::uuid`,
			[sent.notice_id]
		);
		expect(
			codeOf(await w.client.staffA.rpc('remind_notice', { p_notice_id: sent.notice_id }))
		).toBe('everyone_answered');
	});

	it('a family without reminders still gets a notice asking for a receipt, not one without', async () => {
		const family = (await insertFamilies(domain, 1))[0];
		await domain.db.query(
			`update public.families set reminders_enabled = false where id = $1::uuid`,
			[family.familyId]
		);
		const ev = await insertEvent(domain, w, { startsInHours: 48 });
		await register(ev, w.familyA);
		await register(ev, family.familyId);
		const asking = await sendOk({ p_event_id: ev, p_receipt_kind: 'received' });
		expect([...(await noticeTokens(asking.notice_id)).keys()].sort()).toEqual(
			[w.users.guardianA.email, family.user.email].sort()
		);
		const telling = await sendOk({ p_event_id: ev, p_receipt_kind: 'none' });
		expect([...(await noticeTokens(telling.notice_id)).keys()]).toEqual([w.users.guardianA.email]);
		expect(
			codeOf(await w.client.staffA.rpc('remind_notice', { p_notice_id: telling.notice_id }))
		).toBe('no_receipt_asked');
	});

	it('a notice to a period goes to the families checked in at the organisation that period', async () => {
		const [attended, registeredOnly, elsewhere] = await insertFamilies(domain, 3);
		const past = await insertEvent(domain, w, { startsInHours: -24 * 20 });
		const otherOrg = await insertEvent(domain, w, { org: w.orgB, startsInHours: -24 * 20 });
		await register(past, attended.familyId, 'attended');
		await register(past, registeredOnly.familyId, 'confirmed');
		await register(otherOrg, elsewhere.familyId, 'attended');
		const day = (offset: number) =>
			new Date(Date.now() + 8 * 3600_000 + offset * 86_400_000).toISOString().slice(0, 10);
		const sent = await sendOk({
			p_org_id: w.orgA,
			p_attended_from: day(-25),
			p_attended_to: day(-15),
			p_receipt_kind: 'received'
		});
		expect([...(await noticeTokens(sent.notice_id)).keys()]).toEqual([attended.user.email]);
		expect(
			codeOf(
				await send(w.client.staffB, {
					p_org_id: w.orgA,
					p_attended_from: day(-25),
					p_attended_to: day(-15)
				})
			)
		).toBe('not_authorised');
		expect(
			codeOf(
				await send(w.client.staffA, {
					p_org_id: w.orgA,
					p_attended_from: day(-5),
					p_attended_to: day(-25)
				})
			)
		).toBe('invalid_period');
	});

	it('only the organisation’s staff send notices; bad input gets a stable code', async () => {
		expect(codeOf(await send(w.client.staffB, { p_event_id: eventId }))).toBe('not_authorised');
		expect(codeOf(await send(w.client.guardianA, { p_event_id: eventId }))).toBe('not_authorised');
		expect((await send(w.client.anon, { p_event_id: eventId })).error).not.toBeNull();
		expect(codeOf(await send(w.client.staffA, { p_event_id: eventId, p_subject: '  ' }))).toBe(
			'invalid_notice'
		);
		expect(
			codeOf(
				await send(w.client.staffA, {
					p_event_id: eventId,
					p_receipt_kind: 'choice',
					p_options: ['参加', ' 参加 ']
				})
			)
		).toBe('invalid_options');
		const empty = await insertEvent(domain, w, { startsInHours: 30 });
		expect(codeOf(await send(w.client.staffA, { p_event_id: empty }))).toBe('no_recipients');
	});

	it('RLS: families read their own receipts, staff their organisation’s, nobody reads links', async () => {
		const sent = await sendOk({ p_event_id: eventId, p_receipt_kind: 'received' });
		const read = async (client: SupabaseClient) => {
			const notices = await client.from('notices').select('id').eq('id', sent.notice_id);
			const recipients = await client
				.from('notice_recipients')
				.select('family_id')
				.eq('notice_id', sent.notice_id);
			return {
				notices: notices.data?.length ?? notices.error?.code,
				families: recipients.data?.map((r) => r.family_id).sort() ?? recipients.error?.code
			};
		};
		expect(await read(w.client.guardianA)).toEqual({ notices: 1, families: [w.familyA] });
		expect(await read(w.client.guardianB)).toEqual({ notices: 1, families: [w.familyB] });
		expect(await read(w.client.guardianC)).toEqual({ notices: 0, families: [] });
		expect(await read(w.client.staffA)).toEqual({
			notices: 1,
			families: [w.familyA, w.familyB].sort()
		});
		expect(await read(w.client.staffB)).toEqual({ notices: 0, families: [] });
		expect(await read(w.client.admin)).toEqual({
			notices: 1,
			families: [w.familyA, w.familyB].sort()
		});
		expect(await read(w.client.anon)).toEqual({ notices: '42501', families: '42501' });
		for (const client of [w.client.anon, w.client.guardianA, w.client.staffA, w.client.admin]) {
			const tokens = await client.from('answer_tokens').select('token_hash').limit(1);
			expect(tokens.data ?? []).toEqual([]);
		}
		// Nobody writes receipts but through the functions.
		const forged = await w.client.guardianA
			.from('notice_recipients')
			.update({ answer: 'received' })
			.eq('notice_id', sent.notice_id);
		expect(forged.error?.code).toBe('42501');

		const receipts = async (client: SupabaseClient) =>
			(await client.rpc('notice_receipts', { p_notice_id: sent.notice_id })).data as {
				totals: { recipients: number };
				families: { guardian_name: string }[];
			} | null;
		expect((await receipts(w.client.staffA))?.totals.recipients).toBe(2);
		expect((await receipts(w.client.admin))?.families).toHaveLength(2);
		expect(await receipts(w.client.staffB)).toBeNull();
		expect(await receipts(w.client.guardianA)).toBeNull();
		expect(
			(await w.client.anon.rpc('notice_receipts', { p_notice_id: sent.notice_id })).error
		).not.toBeNull();
	});

	it('opening a notice on the site counts it read, for its own family only', async () => {
		const sent = await sendOk({ p_event_id: eventId, p_receipt_kind: 'none' });
		expect(
			(await w.client.guardianC.rpc('mark_notice_read', { p_notice_id: sent.notice_id })).data
		).toBe(false);
		expect(
			(await w.client.guardianA.rpc('mark_notice_read', { p_notice_id: sent.notice_id })).data
		).toBe(true);
		const token = (await noticeTokens(sent.notice_id)).get(w.users.guardianB.email)!;
		expect(
			(await domain.admin().rpc('answer_notice_by_token', { p_token: token, p_answer: 'read' }))
				.error
		).toBeNull();
		const receipts = (await w.client.staffA.rpc('notice_receipts', { p_notice_id: sent.notice_id }))
			.data as { totals: { read: number; answered: number } };
		expect(receipts.totals).toMatchObject({ read: 2, answered: 0 });
	});
});

describe('feedback after events', () => {
	let eventId: string;
	let attendedA: string;
	let confirmedB: string;

	beforeAll(async () => {
		eventId = await insertEvent(domain, w, { startsInHours: -6, hours: 2 });
		attendedA = await register(eventId, w.familyA, 'attended');
		confirmedB = await register(eventId, w.familyB, 'confirmed');
	});

	async function feedbackToken(registrationId: string): Promise<string> {
		const r = await row<{ token: string }>(
			domain,
			`select payload ->> 'token' as token from public.email_outbox where idempotency_key = $1`,
			[`feedback_request:${registrationId}`]
		);
		return r.token;
	}

	it('each checked-in family is asked once, a few hours after the event, however often the job runs', async () => {
		const soon = await insertEvent(domain, w, { startsInHours: -3, hours: 2 });
		const soonAttended = await register(soon, w.familyB, 'attended');
		const first = await domain.admin().rpc('enqueue_feedback_requests', {});
		expect(first.error).toBeNull();
		const again = await Promise.all([
			domain.admin().rpc('enqueue_feedback_requests', {}),
			domain.admin().rpc('enqueue_feedback_requests', {})
		]);
		expect(again.map((r) => r.data)).toEqual([0, 0]);
		const requests = await rows<{ registration_id: string }>(
			domain,
			`select registration_id from public.feedback_requests where event_id in ($1::uuid, $2::uuid)`,
			[eventId, soon]
		);
		// The event that ended an hour ago is not due yet; the unchecked family is never asked.
		expect(requests.map((r) => r.registration_id)).toEqual([attendedA]);
		expect(await feedbackToken(attendedA)).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(await feedbackToken(confirmedB).catch(() => undefined)).toBeUndefined();
		expect(await feedbackToken(soonAttended).catch(() => undefined)).toBeUndefined();
		expect((await w.client.staffA.rpc('enqueue_feedback_requests', {})).error).not.toBeNull();
		expect((await w.client.anon.rpc('enqueue_feedback_requests', {})).error).not.toBeNull();
	});

	it('a family that turned feedback requests off is not asked', async () => {
		const family = (await insertFamilies(domain, 1))[0];
		const ev = await insertEvent(domain, w, { startsInHours: -8, hours: 2 });
		const reg = await register(ev, family.familyId, 'attended');
		await domain.db.query(
			`select public.unsubscribe_feedback_requests(unsubscribe_token) from public.families where id = $1::uuid`,
			[family.familyId]
		);
		await domain.admin().rpc('enqueue_feedback_requests', {});
		const asked = await rows(
			domain,
			`select 1 from public.feedback_requests where registration_id = $1::uuid`,
			[reg]
		);
		expect(asked).toEqual([]);
	});

	it('feedback from the link, once; the link cannot be replayed or used for a notice', async () => {
		await domain.admin().rpc('enqueue_feedback_requests', {});
		const token = await feedbackToken(attendedA);
		expect(
			(await domain.admin().rpc('feedback_form_by_token', { p_token: token })).data
		).toMatchObject({ state: 'open', event: { id: eventId } });
		expect(
			codeOf(
				await domain.admin().rpc('answer_notice_by_token', { p_token: token, p_answer: 'received' })
			)
		).toBe('invalid_link');
		expect(
			codeOf(await domain.admin().rpc('submit_feedback_by_token', { p_token: token, p_rating: 6 }))
		).toBe('invalid_feedback');
		const given = await domain.admin().rpc('submit_feedback_by_token', {
			p_token: token,
			p_rating: 5,
			p_enjoyed: '孩子很喜欢绘本',
			p_improve: '希望时间长一点',
			p_come_again: true
		});
		expect(given.error).toBeNull();
		expect(
			codeOf(await domain.admin().rpc('submit_feedback_by_token', { p_token: token, p_rating: 1 }))
		).toBe('link_used');
		expect(
			codeOf(
				await w.client.guardianA.rpc('submit_feedback', {
					p_registration_id: attendedA,
					p_rating: 1
				})
			)
		).toBe('feedback_already_given');
		expect(
			(await domain.admin().rpc('feedback_form_by_token', { p_token: token })).data
		).toMatchObject({ state: 'given' });
	});

	it('feedback only from checked-in registrations of the family, after the event', async () => {
		expect(
			codeOf(
				await w.client.guardianB.rpc('submit_feedback', {
					p_registration_id: confirmedB,
					p_rating: 4
				})
			)
		).toBe('not_checked_in');
		expect(
			codeOf(
				await w.client.guardianB.rpc('submit_feedback', {
					p_registration_id: attendedA,
					p_rating: 1
				})
			)
		).toBe('registration_not_found');
		const ahead = await insertEvent(domain, w, { startsInHours: 1, hours: 2 });
		const early = await register(ahead, w.familyB, 'attended');
		expect(
			codeOf(
				await w.client.guardianB.rpc('submit_feedback', { p_registration_id: early, p_rating: 4 })
			)
		).toBe('event_not_over');
		expect(
			(await w.client.anon.rpc('submit_feedback', { p_registration_id: attendedA, p_rating: 4 }))
				.error
		).not.toBeNull();
	});

	it('RLS: a family reads its own feedback, staff their events’, other staff nothing', async () => {
		const count = async (client: SupabaseClient) => {
			const r = await client.from('event_feedback').select('id').eq('event_id', eventId);
			return r.data?.length ?? r.error?.code;
		};
		expect(await count(w.client.guardianA)).toBe(1);
		expect(await count(w.client.guardianB)).toBe(0);
		expect(await count(w.client.staffA)).toBe(1);
		expect(await count(w.client.staffB)).toBe(0);
		expect(await count(w.client.admin)).toBe(1);
		expect(await count(w.client.anon)).toBe('42501');
		const summary = async (client: SupabaseClient) =>
			(await client.rpc('event_feedback_summary', { p_event_id: eventId })).data as {
				ratings: number;
				items: { enjoyed: string }[];
			} | null;
		expect(await summary(w.client.staffA)).toMatchObject({
			ratings: 1,
			items: [{ enjoyed: '孩子很喜欢绘本' }]
		});
		expect(await summary(w.client.staffB)).toBeNull();
		expect(await summary(w.client.guardianA)).toBeNull();
	});

	it('a reply is emailed to that family; a public one shows on the organisation page', async () => {
		const feedbackId = (
			await row<{ id: string }>(
				domain,
				`select id from public.event_feedback where registration_id = $1::uuid`,
				[attendedA]
			)
		).id;
		expect(
			codeOf(
				await w.client.staffB.rpc('reply_to_feedback', {
					p_feedback_id: feedbackId,
					p_body: '谢谢'
				})
			)
		).toBe('not_authorised');
		expect(
			codeOf(
				await w.client.guardianA.rpc('reply_to_feedback', {
					p_feedback_id: feedbackId,
					p_body: '谢谢'
				})
			)
		).toBe('not_authorised');
		const privately = await w.client.staffA.rpc('reply_to_feedback', {
			p_feedback_id: feedbackId,
			p_body: '谢谢您的建议，下次会延长半小时。'
		});
		expect(privately.error).toBeNull();
		const publicly = await w.client.staffA.rpc('reply_to_feedback', {
			p_feedback_id: feedbackId,
			p_body: '你们说，我们做：下期活动延长到两个半小时。',
			p_public: true
		});
		expect(publicly.error).toBeNull();
		const emails = await rows<{ to_email: string }>(
			domain,
			`select to_email from public.email_outbox where kind = 'feedback_reply' and payload -> 'reply' ->> 'id' in ($1, $2)`,
			[
				(privately.data as { reply_id: string }).reply_id,
				(publicly.data as { reply_id: string }).reply_id
			]
		);
		expect(emails.map((e) => e.to_email)).toEqual([
			w.users.guardianA.email,
			w.users.guardianA.email
		]);
		const page = (await w.client.anon.rpc('organisation_feedback', { p_org_id: w.orgA })).data as {
			replies: { body: string }[];
		};
		expect(page.replies.map((r) => r.body)).toContain('你们说，我们做：下期活动延长到两个半小时。');
		expect(page.replies.map((r) => r.body)).not.toContain('谢谢您的建议，下次会延长半小时。');
		expect(JSON.stringify(page)).not.toContain('孩子很喜欢绘本');
		const replies = async (client: SupabaseClient) =>
			(await client.from('feedback_replies').select('id').eq('feedback_id', feedbackId)).data
				?.length;
		expect(await replies(w.client.guardianA)).toBe(2);
		expect(await replies(w.client.guardianB)).toBe(0);
		expect(await replies(w.client.staffB)).toBe(0);
	});

	it('an organisation’s average shows only from 5 ratings on', async () => {
		const org = randomUUID();
		await domain.db.query(
			`insert into public.organisations (id, kind, slug, name_zh, name_en) values ($1::uuid, 'other', $2, '评分测试', 'Ratings')`,
			[org, `ratings-${org.slice(0, 8)}`]
		);
		const past = await insertEvent(domain, w, { org, startsInHours: -30 });
		const families = await insertFamilies(domain, 5);
		const rate = async (i: number, rating: number) => {
			const reg = await register(past, families[i].familyId, 'attended');
			await domain.db.query(
				`insert into public.event_feedback (registration_id, event_id, family_id, rating, answered_via)
				 values ($1::uuid, $2::uuid, $3::uuid, $4, 'site') on conflict do nothing`,
				[reg, past, families[i].familyId, rating]
			);
		};
		for (let i = 0; i < 4; i++) await rate(i, [5, 4, 4, 3][i]);
		const four = (await w.client.anon.rpc('organisation_feedback', { p_org_id: org })).data as {
			rating: unknown;
		};
		expect(four.rating).toBeNull();
		await rate(4, 5);
		const five = (await w.client.anon.rpc('organisation_feedback', { p_org_id: org })).data as {
			rating: { average: number; count: number };
		};
		expect(five.rating).toEqual({ average: 4.2, count: 5 });
		const counts = (await w.client.admin.rpc('closed_loop_counts', {})).data as {
			org_id: string;
			feedback_given: number;
			ratings_average: number | null;
		}[];
		expect(counts.find((c) => c.org_id === org)).toMatchObject({
			feedback_given: 5,
			ratings_average: 4.2
		});
	});
});

describe('the district’s counts', () => {
	it('count read, receipt and feedback rates per organisation and category, for whom may see them', async () => {
		const counts = async (client: SupabaseClient) => {
			const r = await client.rpc('closed_loop_counts', {});
			return r.error
				? codeOf(r)
				: (r.data as {
						org_id: string;
						category: string | null;
						notices: number;
						receipts_asked: number;
						receipts_answered: number;
						receipt_rate: number | null;
						feedback_requested: number;
						ratings_average: number | null;
					}[]);
		};
		const all = await counts(w.client.admin);
		expect(Array.isArray(all)).toBe(true);
		const orgA = (all as Exclude<typeof all, string | null>).filter((c) => c.org_id === w.orgA);
		const expected = await row<{ asked: string; answered: string }>(
			domain,
			`select count(*) filter (where n.receipt_kind <> 'none') as asked,
				count(r.answered_at) filter (where n.receipt_kind <> 'none') as answered
			 from public.notices n join public.notice_recipients r on r.notice_id = n.id
			 where n.org_id = $1::uuid`,
			[w.orgA]
		);
		expect(orgA.reduce((s, c) => s + c.receipts_asked, 0)).toBe(Number(expected.asked));
		expect(orgA.reduce((s, c) => s + c.receipts_answered, 0)).toBe(Number(expected.answered));
		const reading = orgA.find((c) => c.category === 'parent_child_reading')!;
		expect(reading.receipt_rate).toBeCloseTo(reading.receipts_answered / reading.receipts_asked, 2);
		expect(reading.feedback_requested).toBeGreaterThanOrEqual(1);
		// One rating: no average.
		expect(reading.ratings_average).toBeNull();

		const own = await counts(w.client.staffA);
		expect(new Set((own as { org_id: string }[]).map((c) => c.org_id))).toEqual(new Set([w.orgA]));
		const other = await counts(w.client.staffB);
		expect((other as { org_id: string }[]).every((c) => c.org_id === w.orgB)).toBe(true);
		expect(await counts(w.client.guardianA)).toEqual([]);
		expect(await counts(w.client.anon)).not.toBeNull();
		expect(Array.isArray(await counts(w.client.anon))).toBe(false);
	});
});
