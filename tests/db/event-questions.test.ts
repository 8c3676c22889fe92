/**
 * Questions per event and the families' answers: register_family checks them in its transaction
 * (required, types, who they are about) and stores them; row-level security lets the family and
 * the organising organisation's staff read them, nobody else.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	backendUnderTest,
	codeOf,
	createWorld,
	insertEvent,
	row,
	rows,
	startDomain,
	type Domain,
	type EventFields,
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

type Answer = { question_id: string; member_id?: string | null; value: unknown };

const register = (
	client: SupabaseClient,
	eventId: string,
	members: string[],
	answers: Answer[] = [],
	note?: string
) =>
	client.rpc('register_family', {
		p_event_id: eventId,
		p_member_ids: members,
		p_answers: answers,
		p_note: note ?? null
	});

interface QuestionInput {
	kind: string;
	scope?: 'family' | 'attendee';
	required?: boolean;
	children_only?: boolean;
	sensitive?: boolean;
	label_zh?: string;
	choices?: { value: string; zh: string; en: string }[];
}

async function question(eventId: string, q: QuestionInput, client = w.client.staffA) {
	const { data, error } = await client
		.from('event_questions')
		.insert({ event_id: eventId, label_zh: q.label_zh ?? '问题', ...q })
		.select('id')
		.single();
	if (error) throw new Error(JSON.stringify(error));
	return data.id as string;
}

/** An event with one question of each kind; grade is asked for each child, allergies required. */
async function surveyEvent(f: EventFields = {}) {
	const id = await insertEvent(domain, w, f);
	const q = {
		allergies: await question(id, {
			kind: 'short_text',
			scope: 'attendee',
			required: true,
			sensitive: true,
			label_zh: '过敏与饮食'
		}),
		grade: await question(id, {
			kind: 'single_choice',
			scope: 'attendee',
			children_only: true,
			label_zh: '年级',
			choices: [
				{ value: 'g1', zh: '一年级', en: 'Year 1' },
				{ value: 'g2', zh: '二年级', en: 'Year 2' }
			]
		}),
		needs: await question(id, {
			kind: 'multiple_choice',
			label_zh: '需要的协助',
			choices: [
				{ value: 'wheelchair', zh: '轮椅通道', en: 'Wheelchair access' },
				{ value: 'nursing', zh: '哺乳室', en: 'Nursing room' }
			]
		}),
		story: await question(id, { kind: 'long_text', label_zh: '想说的话' }),
		photos: await question(id, { kind: 'yes_no', required: true, label_zh: '同意拍照' }),
		siblings: await question(id, { kind: 'number', label_zh: '兄弟姐妹人数' })
	};
	return { id, q };
}

function goodAnswers(q: Awaited<ReturnType<typeof surveyEvent>>['q']): Answer[] {
	return [
		{ question_id: q.allergies, member_id: w.parentA, value: '无' },
		{ question_id: q.allergies, member_id: w.childA, value: '花生过敏' },
		{ question_id: q.grade, member_id: w.childA, value: 'g2' },
		{ question_id: q.needs, value: ['wheelchair', 'nursing'] },
		{ question_id: q.story, value: '  第一次来  ' },
		{ question_id: q.photos, value: false },
		{ question_id: q.siblings, value: 1 }
	];
}

describe('answers at registration', () => {
	it('stores every answer and the note with the registration, texts trimmed', async () => {
		const { id, q } = await surveyEvent();
		const result = await register(
			w.client.guardianA,
			id,
			[w.parentA, w.childA],
			goodAnswers(q),
			'乐乐第一次参加'
		);
		expect(result.error).toBeNull();
		const stored = await rows<{ question_id: string; member_id: string | null; value: string }>(
			domain,
			`select question_id::text, member_id::text, value::text from public.registration_answers
			where registration_id = $1::uuid`,
			[result.data.registration_id]
		);
		expect(stored).toHaveLength(7);
		expect(stored).toContainEqual({
			question_id: q.allergies,
			member_id: w.childA,
			value: '"花生过敏"'
		});
		expect(stored).toContainEqual({ question_id: q.story, member_id: null, value: '"第一次来"' });
		expect(stored).toContainEqual({
			question_id: q.needs,
			member_id: null,
			value: '["wheelchair", "nursing"]'
		});
		const note = await row<{ note: string }>(
			domain,
			'select note from public.registrations where id = $1::uuid',
			[result.data.registration_id]
		);
		expect(note.note).toBe('乐乐第一次参加');
	});

	it('a required answer missing for one attendee refuses the whole registration', async () => {
		const { id, q } = await surveyEvent();
		const answers = goodAnswers(q).filter(
			(a) => !(a.question_id === q.allergies && a.member_id === w.childA)
		);
		const result = await register(w.client.guardianA, id, [w.parentA, w.childA], answers);
		expect(codeOf(result)).toBe('answer_required');
		expect(result.error?.hint).toBe(q.allergies);
		const taken = await row<{ seats_taken: string; registrations: string }>(
			domain,
			`select e.seats_taken::text,
				(select count(*) from public.registrations r where r.event_id = e.id)::text as registrations
			from public.events e where e.id = $1::uuid`,
			[id]
		);
		expect(taken).toEqual({ seats_taken: '0', registrations: '0' });
	});

	it('a blank text or an empty choice counts as no answer to a required question', async () => {
		const { id, q } = await surveyEvent();
		const blank = goodAnswers(q).map((a) =>
			a.question_id === q.allergies && a.member_id === w.parentA ? { ...a, value: '   ' } : a
		);
		expect(codeOf(await register(w.client.guardianA, id, [w.parentA, w.childA], blank))).toBe(
			'answer_required'
		);
		const noPhotos = goodAnswers(q).filter((a) => a.question_id !== q.photos);
		expect(codeOf(await register(w.client.guardianA, id, [w.parentA, w.childA], noPhotos))).toBe(
			'answer_required'
		);
	});

	it('answers of the wrong type are refused with the question named', async () => {
		const { id, q } = await surveyEvent();
		const wrong: [string, string | null, unknown][] = [
			[q.grade, w.childA, 'g9'], // not a choice
			[q.grade, w.childA, ['g1']], // single choice given as a list
			[q.needs, null, ['wheelchair', 'lift']], // one choice unknown
			[q.needs, null, 'wheelchair'], // multiple choice given as text
			[q.photos, null, 'yes'], // yes/no as text
			[q.siblings, null, 'two'], // number as text
			[q.allergies, w.childA, 'x'.repeat(201)], // short text too long
			[q.story, null, 'x'.repeat(2001)] // long text too long
		];
		for (const [questionId, memberId, value] of wrong) {
			const answers = goodAnswers(q).map((a) =>
				a.question_id === questionId && (a.member_id ?? null) === memberId ? { ...a, value } : a
			);
			const result = await register(w.client.guardianA, id, [w.parentA, w.childA], answers);
			expect(codeOf(result), JSON.stringify(value)).toBe('answer_invalid');
			expect(result.error?.hint).toBe(questionId);
		}
	});

	it('an answer about someone who does not come, or to another event’s question, is refused', async () => {
		const { id, q } = await surveyEvent();
		const other = await surveyEvent();
		const aboutToddler = [
			...goodAnswers(q),
			{ question_id: q.allergies, member_id: w.toddlerA, value: '无' }
		];
		expect(
			codeOf(await register(w.client.guardianA, id, [w.parentA, w.childA], aboutToddler))
		).toBe('answer_invalid');
		const foreign = [...goodAnswers(q), { question_id: other.q.story, value: 'hello' }];
		expect(codeOf(await register(w.client.guardianA, id, [w.parentA, w.childA], foreign))).toBe(
			'answer_invalid'
		);
		const familyAsAttendee = [
			...goodAnswers(q),
			{ question_id: q.siblings, member_id: w.childA, value: 2 }
		];
		expect(
			codeOf(await register(w.client.guardianA, id, [w.parentA, w.childA], familyAsAttendee))
		).toBe('answer_invalid');
	});

	it('a children-only question is not asked of the parent', async () => {
		const { id, q } = await surveyEvent();
		const result = await register(
			w.client.guardianA,
			id,
			[w.parentA, w.childA],
			[...goodAnswers(q), { question_id: q.grade, member_id: w.parentA, value: 'g1' }]
		);
		expect(result.error).toBeNull();
		const parentGrade = await rows(
			domain,
			`select 1 from public.registration_answers where question_id = $1::uuid and member_id = $2::uuid`,
			[q.grade, w.parentA]
		);
		expect(parentGrade).toEqual([]);
	});

	it('an event without questions registers as before, and a note over 500 characters is refused', async () => {
		const id = await insertEvent(domain, w);
		expect(codeOf(await register(w.client.guardianB, id, [w.parentB], [], 'n'.repeat(501)))).toBe(
			'note_too_long'
		);
		const result = await register(w.client.guardianB, id, [w.parentB]);
		expect(result.error).toBeNull();
	});

	it('answers go with the family when it deletes its data', async () => {
		const { id, q } = await surveyEvent();
		const result = await register(w.client.guardianA, id, [w.parentA, w.childA], goodAnswers(q));
		expect(result.error).toBeNull();
		const registration = result.data.registration_id as string;
		await domain.db.query('delete from public.families where id = $1::uuid', [w.familyA]);
		const left = await row<{ n: string }>(
			domain,
			'select count(*)::text as n from public.registration_answers where registration_id = $1::uuid',
			[registration]
		);
		expect(left.n).toBe('0');
		w = await createWorld(domain);
	});
});

describe('who may read questions and answers', () => {
	let eventId: string;
	let q: Awaited<ReturnType<typeof surveyEvent>>['q'];
	let registrationId: string;

	beforeAll(async () => {
		({ id: eventId, q } = await surveyEvent());
		const result = await register(
			w.client.guardianA,
			eventId,
			[w.parentA, w.childA],
			goodAnswers(q)
		);
		expect(result.error).toBeNull();
		registrationId = result.data.registration_id;
	});

	const answersSeenBy = async (client: SupabaseClient) => {
		const { data, error } = await client
			.from('registration_answers')
			.select('id, value')
			.eq('registration_id', registrationId);
		return error ? [] : (data ?? []);
	};

	it('the family and the organising staff read the answers', async () => {
		expect(await answersSeenBy(w.client.guardianA)).toHaveLength(7);
		expect(await answersSeenBy(w.client.staffA)).toHaveLength(7);
	});

	it('another family, another organisation’s staff, an administrator and anon read none', async () => {
		expect(await answersSeenBy(w.client.guardianB)).toEqual([]);
		expect(await answersSeenBy(w.client.staffB)).toEqual([]);
		expect(await answersSeenBy(w.client.admin)).toEqual([]);
		expect(await answersSeenBy(w.client.anon)).toEqual([]);
	});

	it('event_answers gives the organising staff each answer with the person’s nickname', async () => {
		const { data, error } = await w.client.staffA.rpc('event_answers', { p_event_id: eventId });
		expect(error).toBeNull();
		const mine = (
			data as {
				registration_id: string;
				answers: { question_id: string; nickname: string | null; value: unknown }[];
			}[]
		).find((r) => r.registration_id === registrationId);
		expect(mine?.answers).toContainEqual(
			expect.objectContaining({ question_id: q.allergies, nickname: '乐乐', value: '花生过敏' })
		);
		expect(mine?.answers).toContainEqual(
			expect.objectContaining({
				question_id: q.needs,
				nickname: null,
				value: ['wheelchair', 'nursing']
			})
		);
	});

	it('event_answers refuses another organisation’s staff, an administrator, a guardian and anon', async () => {
		for (const client of [w.client.staffB, w.client.admin, w.client.guardianA]) {
			expect(codeOf(await client.rpc('event_answers', { p_event_id: eventId }))).toBe(
				'not_authorised'
			);
		}
		const anon = await w.client.anon.rpc('event_answers', { p_event_id: eventId });
		expect(anon.data).toBeNull();
		expect(anon.error).not.toBeNull();
	});

	it('nobody writes answers directly, not even the family or the staff', async () => {
		for (const client of [w.client.guardianA, w.client.staffA]) {
			const { error } = await client.from('registration_answers').insert({
				registration_id: registrationId,
				event_id: eventId,
				question_id: q.story,
				value: 'x'
			});
			expect(error).not.toBeNull();
		}
		const { data } = await w.client.guardianA
			.from('registration_answers')
			.update({ value: 'changed' })
			.eq('registration_id', registrationId)
			.select('id');
		expect(data ?? []).toEqual([]);
	});

	it('anyone reads a published event’s questions; a draft’s only its staff', async () => {
		const { data: open } = await w.client.anon
			.from('event_questions')
			.select('id')
			.eq('event_id', eventId);
		expect(open).toHaveLength(6);
		const draft = await insertEvent(domain, w, { status: 'draft' });
		await question(draft, { kind: 'short_text' });
		for (const client of [w.client.anon, w.client.guardianA, w.client.staffB]) {
			const { data } = await client.from('event_questions').select('id').eq('event_id', draft);
			expect(data ?? []).toEqual([]);
		}
		const { data: own } = await w.client.staffA
			.from('event_questions')
			.select('id')
			.eq('event_id', draft);
		expect(own).toHaveLength(1);
	});

	it('only the organising staff add, change or remove questions', async () => {
		const { error: denied } = await w.client.staffB
			.from('event_questions')
			.insert({ event_id: eventId, kind: 'short_text', label_zh: '学校' });
		expect(denied).not.toBeNull();
		const { error: guardian } = await w.client.guardianA
			.from('event_questions')
			.insert({ event_id: eventId, kind: 'short_text', label_zh: '学校' });
		expect(guardian).not.toBeNull();
		const { data: notChanged } = await w.client.staffB
			.from('event_questions')
			.update({ label_zh: '改' })
			.eq('id', q.story)
			.select('id');
		expect(notChanged ?? []).toEqual([]);
		const { data: notRemoved } = await w.client.staffB
			.from('event_questions')
			.delete()
			.eq('id', q.story)
			.select('id');
		expect(notRemoved ?? []).toEqual([]);
		const school = await question(eventId, { kind: 'short_text', label_zh: '学校' });
		const { data: removed } = await w.client.staffA
			.from('event_questions')
			.delete()
			.eq('id', school)
			.select('id');
		expect(removed).toHaveLength(1);
	});

	it('a choice question without choices, or a children-only family question, is refused', async () => {
		const { error: noChoices } = await w.client.staffA
			.from('event_questions')
			.insert({ event_id: eventId, kind: 'single_choice', label_zh: '年级' });
		expect(noChoices).not.toBeNull();
		const { error: childFamily } = await w.client.staffA.from('event_questions').insert({
			event_id: eventId,
			kind: 'short_text',
			scope: 'family',
			children_only: true,
			label_zh: '学校'
		});
		expect(childFamily).not.toBeNull();
	});
});
