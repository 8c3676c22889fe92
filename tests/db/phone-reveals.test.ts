/**
 * Contact when it matters (reveal_family_phone): the organising organisation's staff see a
 * family's full number from 3 days before the event to 1 day after it, one reveal at a time, each
 * recorded; nobody else ever, and nobody may change the record. The family reads its reveals and
 * finds them, with its answers and notes, in its data export.
 */
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverAvailable, type Backend } from '../support/embedded';
import {
	codeOf,
	createWorld,
	insertEvent,
	row,
	startDomain,
	type Domain,
	type EventFields,
	type World
} from '../support/personas';

const reveal = (client: SupabaseClient, registrationId: string) =>
	client.rpc('reveal_family_phone', { p_registration_id: registrationId });

const server = await serverAvailable();
const backends: Backend[] = server ? ['pglite', 'postgres'] : ['pglite'];

describe.each(backends)('reveal_family_phone on %s', (backend) => {
	let domain: Domain;
	let w: World;

	beforeAll(async () => {
		domain = await startDomain(backend);
		w = await createWorld(domain);
	});

	afterAll(async () => {
		await domain?.close();
	});

	/** An event of orgA (or `f.org`) with family A (or B) registered, written as the owner (past events too). */
	async function registered(
		f: EventFields,
		family: 'A' | 'B' = 'A',
		status: 'confirmed' | 'waitlisted' | 'attended' | 'cancelled' = 'confirmed'
	) {
		const eventId = await insertEvent(domain, w, f);
		const id = randomUUID();
		const code = randomUUID().replace(/-/g, '').slice(0, 6).toUpperCase();
		const [familyId, memberId] = family === 'A' ? [w.familyA, w.parentA] : [w.familyB, w.parentB];
		await domain.db.query(
			`insert into public.registrations (id, event_id, family_id, status, seats, check_in_code,
				confirmed_at, cancelled_at)
			values ($1::uuid, $2::uuid, $3::uuid, $4::public.registration_status, 1, $5, now(),
				case when $4 = 'cancelled' then now() end)`,
			[id, eventId, familyId, status, code]
		);
		await domain.db.query(
			'insert into public.registration_attendees (registration_id, member_id) values ($1::uuid, $2::uuid)',
			[id, memberId]
		);
		return { eventId, id };
	}

	async function logged(registrationId: string): Promise<number> {
		const { n } = await row<{ n: string }>(
			domain,
			'select count(*)::text as n from public.phone_reveals where registration_id = $1::uuid',
			[registrationId]
		);
		return Number(n);
	}

	it("the organiser's staff see the full number the day before, and the reveal is recorded", async () => {
		const { id } = await registered({ startsInHours: 24 });
		const result = await reveal(w.client.staffA, id);
		expect(result.error).toBeNull();
		expect(result.data).toMatchObject({
			registration_id: id,
			guardian_name: '家长甲',
			phone: '13800001111'
		});
		const log = await row<{ revealed_by: string; family_id: string; org_id: string }>(
			domain,
			'select revealed_by::text, family_id::text, org_id::text from public.phone_reveals where registration_id = $1::uuid',
			[id]
		);
		expect(log).toEqual({ revealed_by: w.users.staffA.id, family_id: w.familyA, org_id: w.orgA });
		// Each reveal is one more line.
		await reveal(w.client.staffA, id);
		expect(await logged(id)).toBe(2);
	});

	it('the window opens 3 days before the start and closes 1 day after the end', async () => {
		const justOpen = await registered({ startsInHours: 71 });
		expect((await reveal(w.client.staffA, justOpen.id)).error).toBeNull();
		const dayAfter = await registered({ startsInHours: -20, hours: 2 });
		expect((await reveal(w.client.staffA, dayAfter.id)).error).toBeNull();
		const attended = await registered({ startsInHours: -1, hours: 2 }, 'A', 'attended');
		expect((await reveal(w.client.staffA, attended.id)).data).toMatchObject({
			phone: '13800001111'
		});
	});

	it('before the window and after it the number stays hidden and nothing is recorded', async () => {
		const early = await registered({ startsInHours: 24 * 3 + 2 });
		const tooEarly = await reveal(w.client.staffA, early.id);
		expect(codeOf(tooEarly)).toBe('outside_contact_window');
		expect(tooEarly.data).toBeNull();
		const late = await registered({ startsInHours: -28, hours: 2 });
		expect(codeOf(await reveal(w.client.staffA, late.id))).toBe('outside_contact_window');
		expect(await logged(early.id)).toBe(0);
		expect(await logged(late.id)).toBe(0);
	});

	it("another organisation's staff, a district administrator, anon and families are refused", async () => {
		const { id } = await registered({ startsInHours: 24 });
		for (const who of ['staffB', 'admin', 'guardianA', 'guardianB', 'guardianC'] as const) {
			const result = await reveal(w.client[who], id);
			expect(codeOf(result), who).toBe('not_authorised');
			expect(result.data, who).toBeNull();
		}
		const anon = await reveal(w.client.anon, id);
		expect(anon.error).not.toBeNull();
		expect(anon.data).toBeNull();
		expect(await logged(id)).toBe(0);
		// Another organisation's event: orgA's staff are strangers there.
		const theirs = await registered({ org: w.orgB, startsInHours: 24 });
		expect(codeOf(await reveal(w.client.staffA, theirs.id))).toBe('not_authorised');
		expect((await reveal(w.client.staffB, theirs.id)).data).toMatchObject({
			phone: '13800001111'
		});
	});

	it('a cancelled registration, an unknown one and a family without a phone are refused', async () => {
		const cancelled = await registered({ startsInHours: 24 }, 'A', 'cancelled');
		expect(codeOf(await reveal(w.client.staffA, cancelled.id))).toBe('registration_not_found');
		expect(codeOf(await reveal(w.client.staffA, randomUUID()))).toBe('registration_not_found');
		const noPhone = await registered({ startsInHours: 24 }, 'B');
		expect(codeOf(await reveal(w.client.staffA, noPhone.id))).toBe('no_phone');
		expect(await logged(noPhone.id)).toBe(0);
	});

	it('the attendee list keeps the number masked, inside the window too', async () => {
		const { eventId, id } = await registered({ startsInHours: 24 });
		await reveal(w.client.staffA, id);
		const { data, error } = await w.client.staffA.rpc('event_attendees', { p_event_id: eventId });
		expect(error).toBeNull();
		expect(data[0].phone_masked).toBe('138****1111');
		expect(JSON.stringify(data)).not.toContain('13800001111');
	});

	it('the family reads its reveals; nobody can write, change or delete one', async () => {
		const { id } = await registered({ startsInHours: 24 });
		await reveal(w.client.staffA, id);
		const mine = await w.client.guardianA
			.from('phone_reveals')
			.select('*')
			.eq('registration_id', id);
		expect(mine.error).toBeNull();
		expect(mine.data).toHaveLength(1);
		expect(mine.data?.[0].revealed_by).toBe(w.users.staffA.id);
		const staff = await w.client.staffA
			.from('phone_reveals')
			.select('id')
			.eq('registration_id', id);
		expect(staff.data).toHaveLength(1);
		for (const who of ['guardianB', 'staffB', 'admin', 'anon'] as const) {
			const seen = await w.client[who].from('phone_reveals').select('id').eq('registration_id', id);
			expect(seen.data ?? [], who).toHaveLength(0);
		}
		for (const who of ['staffA', 'guardianA'] as const) {
			const client = w.client[who];
			const update = await client
				.from('phone_reveals')
				.update({ revealed_at: '2000-01-01T00:00:00Z' })
				.eq('registration_id', id)
				.select();
			expect(update.error, who).not.toBeNull();
			const remove = await client.from('phone_reveals').delete().eq('registration_id', id).select();
			expect(remove.error, who).not.toBeNull();
			const insert = await client.from('phone_reveals').insert({
				registration_id: id,
				family_id: w.familyA,
				event_id: randomUUID(),
				org_id: w.orgA
			});
			expect(insert.error, who).not.toBeNull();
		}
		const kept = await row<{ n: string; at: string }>(
			domain,
			`select count(*)::text as n, (min(revealed_at) > now() - interval '1 hour')::text as at
			from public.phone_reveals where registration_id = $1::uuid`,
			[id]
		);
		expect(kept).toEqual({ n: '1', at: 'true' });
	});
});

describe.each(backends)('export_my_family on %s', (backend) => {
	let domain: Domain;
	let w: World;

	beforeAll(async () => {
		domain = await startDomain(backend);
		w = await createWorld(domain);
	});

	afterAll(async () => {
		await domain?.close();
	});

	it('holds the answers, the note, the phone reveals and the email preferences, and nothing of another family', async () => {
		const eventId = await insertEvent(domain, w, { startsInHours: 24 });
		const { id: questionId } = await row<{ id: string }>(
			domain,
			`insert into public.event_questions (event_id, kind, scope, required, sensitive, preset, label_zh, label_en)
			values ($1::uuid, 'short_text', 'attendee', true, true, 'allergies', '过敏与饮食', 'Allergies and diet')
			returning id::text`,
			[eventId]
		);
		const registered = await w.client.guardianA.rpc('register_family', {
			p_event_id: eventId,
			p_member_ids: [w.parentA, w.childA],
			p_answers: [
				{ question_id: questionId, member_id: w.childA, value: '花生过敏' },
				{ question_id: questionId, member_id: w.parentA, value: '无' }
			],
			p_note: '乐乐第一次来'
		});
		expect(registered.error).toBeNull();
		const registrationId = registered.data.registration_id as string;
		await w.client.guardianB.rpc('register_family', {
			p_event_id: eventId,
			p_member_ids: [w.parentB],
			p_answers: [{ question_id: questionId, member_id: w.parentB, value: 'B family secret' }]
		});
		expect((await reveal(w.client.staffA, registrationId)).error).toBeNull();

		const { data, error } = await w.client.guardianA.rpc('export_my_family');
		expect(error).toBeNull();
		const exported = data as {
			format: string;
			email_preferences: Record<string, unknown>;
			registrations: {
				id: string;
				note: string | null;
				answers: {
					question: { label_zh: string; sensitive: boolean };
					nickname: string;
					value: unknown;
				}[];
			}[];
			phone_reveals: { registration_id: string; organisation: { name_zh: string } }[];
		};
		expect(exported.format).toBe('gongyu-family-export/2');
		expect(exported.email_preferences).toEqual({
			email: w.users.guardianA.email,
			locale: 'zh-CN',
			reminders_enabled: true,
			feedback_requests_enabled: true
		});
		const mine = exported.registrations.find((r) => r.id === registrationId);
		expect(mine?.note).toBe('乐乐第一次来');
		expect(
			mine?.answers.map((a) => [a.question.label_zh, a.nickname, a.value, a.question.sensitive])
		).toEqual([
			['过敏与饮食', '乐乐', '花生过敏', true],
			['过敏与饮食', '妈妈', '无', true]
		]);
		expect(exported.phone_reveals).toHaveLength(1);
		expect(exported.phone_reveals[0]).toMatchObject({
			registration_id: registrationId,
			organisation: { name_zh: '测试活动中心' }
		});
		expect(JSON.stringify(exported)).not.toContain('B family secret');
		expect(JSON.stringify(exported)).not.toContain(w.familyB);

		const other = await w.client.guardianB.rpc('export_my_family');
		expect(other.data.phone_reveals).toEqual([]);
		expect(JSON.stringify(other.data)).not.toContain('花生过敏');
		expect((await w.client.anon.rpc('export_my_family')).error).not.toBeNull();
	});
});
