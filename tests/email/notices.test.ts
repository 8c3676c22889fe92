/**
 * Notices and feedback by email: the templates in both languages, and, on the PostgreSQL server as
 * several app servers would run, a notice and its reminder to the families that have not answered,
 * each delivered exactly once across two dispatchers — answered from the links the emails carry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	createEmbeddedSupabase,
	type EmbeddedSupabase
} from '../../src/lib/server/embedded-supabase';
import { openPostgres, type Database } from '../../src/lib/server/embedded-supabase/database';
import { applyBootstrap, migrate } from '../../src/lib/server/embedded-supabase/migrate';
import { contextFromRow } from '../../src/lib/server/email/context';
import { createDispatcher, type Dispatcher } from '../../src/lib/server/email/dispatcher';
import { createRateLimiter } from '../../src/lib/server/email/rate-limit';
import { renderEmail } from '../../src/lib/server/email/templates';
import { resendTransport } from '../../src/lib/server/email/transport';
import { API_URL, freshServerDatabase, makeClient, serverAvailable } from '../support/embedded';
import { accessToken, usersSql } from '../support/personas';
import { startResendCapture, type ResendCapture } from '../support/resend-capture';
import { createEvent, registerFamiliesInBulk } from './support';

const siteUrl = 'https://gongyu.example.org';
const token = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCde';
const event = {
	id: '5b0e8d0e-4b7e-4a0e-9d51-3f0f3c1a2b01',
	slug: '2026-12-05-parent-child-reading-ab12',
	status: 'published',
	title_zh: '亲子阅读分享会',
	title_en: 'Parent-child reading session',
	starts_at: '2026-12-05T14:00:00+08:00',
	ends_at: '2026-12-05T16:00:00+08:00',
	sequence: 0,
	organisation_zh: '吴兴区青少年活动中心',
	organisation_en: 'Wuxing District Youth Activity Centre',
	organisation_phone: '0572-1234567'
};
const notice = (kind: string, options: string[] = []) => ({
	id: '11111111-2222-4333-8444-555555555555',
	subject: '周六活动改到室内',
	body: '因天气原因，活动改在多功能厅。\n\n请穿运动鞋。',
	receipt_kind: kind,
	question: kind === 'choice' ? '周六能来吗？' : null,
	options,
	organisation_zh: '吴兴区青少年活动中心',
	organisation_en: 'Wuxing District Youth Activity Centre'
});

async function render(kind: string, locale: 'zh-CN' | 'en', payload: Record<string, unknown>) {
	return renderEmail(
		contextFromRow({
			id: 'row-1',
			kind,
			to_email: 'family@example.test',
			locale,
			payload: { guardian_name: '王女士', ...payload },
			created_at: '2026-12-01T02:00:00Z'
		}),
		{ siteUrl }
	);
}

describe('notice and feedback templates', () => {
	it('a notice asking for a receipt says so in its subject and links to the confirm page', async () => {
		const zh = await render('notice', 'zh-CN', { notice: notice('received'), event, token });
		expect(zh.subject).toBe('【需回执】周六活动改到室内');
		expect(zh.text).toContain(`${siteUrl}/notices/${token}?answer=received`);
		expect(zh.text).toContain('王女士，您好！');
		expect(zh.text).toContain('请穿运动鞋。');
		expect(zh.html).toContain(`href="${siteUrl}/notices/${token}?answer=received"`);
		const en = await render('notice_reminder', 'en', { notice: notice('received'), event, token });
		expect(en.subject).toBe('[Reminder: reply requested] 周六活动改到室内');
		expect(en.text).toContain('has not had your reply');
		expect(en.text).toContain('Parent-child reading session');
	});

	it('a choice notice gives one button per choice; a notice without receipt only a link', async () => {
		const choice = await render('notice', 'zh-CN', {
			notice: notice('choice', ['参加', '不参加']),
			token
		});
		expect(choice.text).toContain('周六能来吗？');
		expect(choice.text).toContain(
			`${siteUrl}/notices/${token}?answer=${encodeURIComponent('参加')}`
		);
		expect(choice.text).toContain(
			`${siteUrl}/notices/${token}?answer=${encodeURIComponent('不参加')}`
		);
		const plain = await render('notice', 'en', { notice: notice('none'), token });
		expect(plain.subject).toBe('周六活动改到室内');
		expect(plain.text).toContain(`${siteUrl}/notices/${token}\n`);
		expect(plain.text).not.toContain('?answer=');
	});

	it('a feedback request offers five scores and its own opt-out; a reply quotes the feedback', async () => {
		const request = await render('feedback_request', 'zh-CN', {
			event,
			token,
			registration: { id: 'r1', status: 'attended' },
			attendees: [{ kind: 'child', nickname: '小雨点' }],
			unsubscribe_token: '0f0e0d0c-0b0a-4909-8807-060504030201'
		});
		expect(request.subject).toBe('活动反馈：亲子阅读分享会');
		expect(request.subject).not.toContain('小雨点');
		for (const n of [1, 2, 3, 4, 5]) {
			expect(request.text).toContain(`${siteUrl}/feedback/${token}?rating=${n}`);
		}
		expect(request.text).toContain(
			`${siteUrl}/email/feedback?token=0f0e0d0c-0b0a-4909-8807-060504030201`
		);
		const reply = await render('feedback_reply', 'en', {
			event,
			reply: { id: 'x', body: 'Next time we start at 14:30.', public: true },
			feedback: { rating: 4, enjoyed: 'the picture books', improve: 'start later' }
		});
		expect(reply.subject).toBe(
			'The organiser replied to your feedback: Parent-child reading session'
		);
		expect(reply.text).toContain('Next time we start at 14:30.');
		expect(reply.text).toContain('Rating: 4 / 5');
		expect(reply.text).toContain('You said, we did');
	});
});

const available = await serverAvailable();

interface Server {
	db: Database;
	embedded: EmbeddedSupabase;
	admin: ReturnType<typeof makeClient>;
}

async function appServer(url: string): Promise<Server> {
	const db = await openPostgres({ connectionString: url, max: 5 });
	const embedded = await createEmbeddedSupabase({
		db,
		apiUrl: API_URL,
		mailer: { send: async () => {} }
	});
	return {
		db,
		embedded,
		admin: makeClient(API_URL, embedded.keys.secret, embedded.fetch)
	};
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!available)('notices through two dispatchers on the PostgreSQL server', () => {
	let database: { url: string; drop(): Promise<void> };
	let a: Server;
	let b: Server;
	let capture: ResendCapture;

	beforeAll(async () => {
		database = await freshServerDatabase();
		a = await appServer(database.url);
		await applyBootstrap(a.db);
		await migrate(a.db, { dir: 'supabase', seed: false });
		await a.embedded.reloadSchema();
		b = await appServer(database.url);
		capture = await startResendCapture({ latencyMs: 10 });
	});

	afterAll(async () => {
		await capture?.close();
		for (const s of [a, b]) {
			await s?.embedded.close();
			await s?.db.close();
		}
		await database?.drop();
	});

	function dispatcher(server: Server, worker: string): Dispatcher {
		return createDispatcher({
			client: server.admin,
			transport: resendTransport({ apiKey: 're_test_key', baseUrl: capture.url, timeoutMs: 1000 }),
			limiter: createRateLimiter(20),
			from: 'Gongyu <noreply@gongyu.example.org>',
			siteUrl,
			worker,
			requestsPerClaim: 2,
			concurrency: 2,
			leaseSeconds: 5,
			backoffBaseMs: 50,
			backoffMaxMs: 300
		});
	}

	async function drainBoth() {
		const work = async (d: Dispatcher) => {
			const deadline = Date.now() + 60_000;
			for (;;) {
				await d.runOnce();
				const left = await a.db.query<{ n: string }>(
					`select count(*)::text as n from public.email_outbox where status in ('pending', 'sending')`
				);
				if (left.rows[0].n === '0') return;
				if (Date.now() > deadline) throw new Error(`${left.rows[0].n} emails left`);
				await sleep(50);
			}
		};
		await Promise.all([work(dispatcher(a, 'server-a')), work(dispatcher(b, 'server-b'))]);
	}

	it('a notice and its reminder to the families that did not answer are each delivered once', async () => {
		const fixture = await createEvent(a.db, { startsInHours: 48 });
		await registerFamiliesInBulk(a.db, fixture.eventId, 150, { prefix: 'notice-' });
		const staff = { id: crypto.randomUUID(), email: 'notice-staff@example.test' };
		await a.db.exec(`${usersSql([staff])}
			insert into public.org_members (org_id, user_id, role) values ('${fixture.orgId}', '${staff.id}', 'staff');`);
		const jwt = await accessToken(staff);
		const staffClient = (s: Server) =>
			makeClient(API_URL, s.embedded.keys.publishable, async (input, init) => {
				const request = new Request(input, init);
				request.headers.set('authorization', `Bearer ${jwt}`);
				return s.embedded.fetch(request);
			});

		capture.reset();
		capture.inject({ status: 500 }, { acceptThenDrop: true }, { status: 429, retryAfter: 1 });
		const sent = await staffClient(a).rpc('send_notice', {
			p_event_id: fixture.eventId,
			p_subject: '请确认周六的集合时间',
			p_body: '周六 9:00 在正门集合。',
			p_receipt_kind: 'received'
		});
		expect(sent.error).toBeNull();
		expect(sent.data).toMatchObject({ queued: 150 });
		await drainBoth();
		expect(capture.emails).toHaveLength(150);
		expect(new Set(capture.emails.map((e) => e.to[0])).size).toBe(150);

		// 60 families answer from the link in the email they got.
		const links = capture.emails.map((e) => ({
			to: e.to[0],
			token: /\/notices\/([A-Za-z0-9_-]{43})\?answer=received/.exec(e.text ?? '')![1]
		}));
		const answering = links.slice(0, 60);
		const answers = await Promise.all(
			answering.map((l, i) =>
				(i % 2 ? a : b).admin.rpc('answer_notice_by_token', {
					p_token: l.token,
					p_answer: 'received'
				})
			)
		);
		expect(answers.every((r) => r.error === null)).toBe(true);

		// Two staff press "remind" at once on two servers: one round is queued.
		const [one, two] = await Promise.all([
			staffClient(a).rpc('remind_notice', {
				p_notice_id: (sent.data as { notice_id: string }).notice_id
			}),
			staffClient(b).rpc('remind_notice', {
				p_notice_id: (sent.data as { notice_id: string }).notice_id
			})
		]);
		expect([one, two].filter((r) => r.error === null).map((r) => r.data)).toEqual([
			{ queued: 90, round: 1 }
		]);
		capture.inject({ status: 503 }, { acceptThenDrop: true });
		await drainBoth();

		const reminders = capture.emails.filter((e) =>
			/^(【回执提醒】|\[Reminder: reply requested\] )/.test(e.subject)
		);
		const notices = capture.emails.filter((e) =>
			/^(【需回执】|\[Reply requested\] )/.test(e.subject)
		);
		expect(notices).toHaveLength(150);
		expect(reminders).toHaveLength(90);
		const reminded = reminders.map((e) => e.to[0]);
		expect(new Set(reminded).size).toBe(90);
		const answered = new Set(answering.map((l) => l.to));
		expect(reminded.some((to) => answered.has(to))).toBe(false);
		expect(capture.pendingFaults()).toBe(0);
		const rows = await a.db.query<{ status: string; n: string }>(
			`select status::text, count(*)::text as n from public.email_outbox group by status`
		);
		expect(rows.rows).toEqual([{ status: 'sent', n: '240' }]);
	});
});
