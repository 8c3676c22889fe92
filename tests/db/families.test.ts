/**
 * A guardian's own data: consent before any child's data, family members, turning reminders off,
 * and deleting the family (which gives its places to the waitlist). Also the administrators'
 * membership functions.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	backendUnderTest,
	accessToken,
	codeOf,
	createWorld,
	insertEvent,
	insertFamilies,
	row,
	rows,
	startDomain,
	usersSql,
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

/** A signed-in account with a family but no consent yet. */
async function newGuardian() {
	const user = { id: randomUUID(), email: `new-${randomUUID().slice(0, 8)}@test.gongyu.local` };
	await domain.db.exec(usersSql([user]));
	const client = domain.as(await accessToken(user));
	const family = await client
		.from('families')
		.insert({ guardian_name: '新家长', email: user.email, locale: 'en' })
		.select('id')
		.single();
	expect(family.error).toBeNull();
	return { user, client, familyId: family.data!.id as string };
}

describe('consent to the privacy text', () => {
	it("is required before a child's data can be stored, by the function and by direct inserts", async () => {
		const g = await newGuardian();
		const child = { p_kind: 'child', p_nickname: '小宝', p_birth_year_month: '2019-05-17' };
		expect(codeOf(await g.client.rpc('save_family_member', child))).toBe('consent_required');
		const direct = await g.client.from('family_members').insert({
			family_id: g.familyId,
			kind: 'child',
			nickname: '小宝',
			birth_year_month: '2019-05-01'
		});
		expect(codeOf(direct)).toBe('consent_required');
		// Adults need no consent.
		expect(
			(await g.client.rpc('save_family_member', { p_kind: 'parent', p_nickname: 'Mum' })).error
		).toBeNull();

		const version = (await g.client.rpc('current_privacy_version')).data as string;
		const consent = await g.client.rpc('give_consent', { p_version: version });
		expect(consent.data).toEqual({
			consent_id: expect.any(String),
			version,
			agreed_at: expect.any(String)
		});
		const saved = await g.client.rpc('save_family_member', child);
		expect(saved.error).toBeNull();
		expect(saved.data).toMatchObject({
			kind: 'child',
			nickname: '小宝',
			birth_year_month: '2019-05-01'
		});
	});

	it('is recorded once per version, with the user and time, and an outdated version is refused', async () => {
		const g = await newGuardian();
		expect(codeOf(await g.client.rpc('give_consent', { p_version: 'an-old-version' }))).toBe(
			'consent_version_outdated'
		);
		const version = (await g.client.rpc('current_privacy_version')).data as string;
		const first = await g.client.rpc('give_consent', { p_version: version });
		const again = await g.client.rpc('give_consent', { p_version: version });
		expect(again.data.consent_id).toBe(first.data.consent_id);
		const { data } = await g.client.from('consents').select('user_id, version, kind');
		expect(data).toEqual([{ user_id: g.user.id, version, kind: 'children_data' }]);
	});

	it('fails with family_required before the family exists, and anonymous callers cannot consent', async () => {
		expect(codeOf(await w.client.guardianC.rpc('give_consent', { p_version: 'x' }))).toBe(
			'family_required'
		);
		expect((await w.client.anon.rpc('give_consent', { p_version: 'x' })).error?.code).toBe('42501');
	});

	it('anyone can read the current privacy text', async () => {
		const version = (await w.client.anon.rpc('current_privacy_version')).data;
		const { data } = await w.client.anon
			.from('privacy_texts')
			.select('title_zh, body_en')
			.eq('version', version);
		expect(data?.[0].title_zh).toBe('儿童个人信息处理知情同意书');
	});
});

describe('save_family_member', () => {
	it('stores only the birth month of a child (the first of the month)', async () => {
		const saved = await w.client.guardianA.rpc('save_family_member', {
			p_kind: 'child',
			p_nickname: ' 小弟 ',
			p_birth_year_month: '2020-02-29',
			p_grade: '幼儿园'
		});
		expect(saved.data).toMatchObject({
			nickname: '小弟',
			birth_year_month: '2020-02-01',
			grade: '幼儿园'
		});
	});

	it('updates a member of the own family, and fails with not_family_member for anyone else', async () => {
		const updated = await w.client.guardianA.rpc('save_family_member', {
			p_id: w.childA,
			p_kind: 'child',
			p_nickname: '乐乐',
			p_birth_year_month: '2018-09-01',
			p_grade: '三年级'
		});
		expect(updated.data).toMatchObject({ id: w.childA, grade: '三年级' });
		const foreign = await w.client.guardianB.rpc('save_family_member', {
			p_id: w.childA,
			p_kind: 'child',
			p_nickname: '偷',
			p_birth_year_month: '2018-09-01'
		});
		expect(codeOf(foreign)).toBe('not_family_member');
		expect(
			(
				await row(domain, 'select nickname from public.family_members where id = $1::uuid', [
					w.childA
				])
			).nickname
		).toBe('乐乐');
	});

	it('fails with invalid_member for a child without a birth month, one born in the future, or no nickname', async () => {
		const save = (args: Record<string, unknown>) =>
			w.client.guardianA.rpc('save_family_member', args);
		expect(codeOf(await save({ p_kind: 'child', p_nickname: '无' }))).toBe('invalid_member');
		expect(
			codeOf(await save({ p_kind: 'child', p_nickname: '未', p_birth_year_month: '2999-01-01' }))
		).toBe('invalid_member');
		expect(codeOf(await save({ p_kind: 'parent', p_nickname: '   ' }))).toBe('invalid_member');
		expect(
			codeOf(
				await w.client.guardianC.rpc('save_family_member', { p_kind: 'parent', p_nickname: 'C' })
			)
		).toBe('family_required');
	});
});

describe('reminders', () => {
	it('can be turned off without signing in, with the token from a reminder email', async () => {
		const [f] = await insertFamilies(domain, 1);
		const { unsubscribe_token: token } = await row<{ unsubscribe_token: string }>(
			domain,
			'select unsubscribe_token::text from public.families where id = $1::uuid',
			[f.familyId]
		);
		expect((await domain.admin().rpc('unsubscribe_reminders', { p_token: token })).data).toBe(true);
		expect(
			(await domain.admin().rpc('unsubscribe_reminders', { p_token: randomUUID() })).data
		).toBe(false);
		const fam = await row(
			domain,
			'select reminders_enabled::text from public.families where id = $1::uuid',
			[f.familyId]
		);
		expect(fam.reminders_enabled).toBe('false');
	});
});

describe('deleting a family', () => {
	it('cancels its registrations for events ahead, and the waitlist moves up', async () => {
		const event = await insertEvent(domain, w, { capacity: 1 });
		const [leaving, waiting] = await insertFamilies(domain, 2);
		const leavingClient = domain.as(await accessToken(leaving.user));
		const waitingClient = domain.as(await accessToken(waiting.user));
		await leavingClient.rpc('register_family', {
			p_event_id: event,
			p_member_ids: [leaving.parentId]
		});
		const queued = await waitingClient.rpc('register_family', {
			p_event_id: event,
			p_member_ids: [waiting.parentId]
		});
		expect(queued.data.status).toBe('waitlisted');

		const deleted = await leavingClient.from('families').delete().eq('id', leaving.familyId);
		expect(deleted.error).toBeNull();
		expect(
			await rows(domain, 'select 1 from public.family_members where family_id = $1::uuid', [
				leaving.familyId
			])
		).toEqual([]);
		const promoted = await row(
			domain,
			'select status::text from public.registrations where id = $1::uuid',
			[queued.data.registration_id]
		);
		expect(promoted.status).toBe('confirmed');
		expect(
			await row(
				domain,
				'select seats_taken::text, waitlist_count::text from public.events where id = $1::uuid',
				[event]
			)
		).toEqual({
			seats_taken: '1',
			waitlist_count: '0'
		});
		expect(
			await rows(domain, `select 1 from public.email_outbox where to_email = $1`, [
				leaving.user.email
			])
		).toEqual([]);
	});
});

describe('district administration', () => {
	it('lets an administrator add an existing account to an organisation by email', async () => {
		const result = await w.client.admin.rpc('add_org_member', {
			p_org_id: w.orgB,
			p_email: w.users.guardianC.email.toUpperCase(),
			p_role: 'manager'
		});
		expect(result.data).toEqual({ org_id: w.orgB, user_id: w.users.guardianC.id, role: 'manager' });
		const staff = await w.client.staffB.rpc('org_staff', { p_org_id: w.orgB });
		expect(staff.data.map((s: { email: string }) => s.email).sort()).toEqual(
			[w.users.staffB.email, w.users.guardianC.email].sort()
		);
		await domain.db.query('delete from public.org_members where user_id = $1', [
			w.users.guardianC.id
		]);
	});

	it('refuses everyone else, unknown accounts and unknown organisations', async () => {
		const add = (who: 'staffA' | 'admin', org: string, email: string) =>
			w.client[who].rpc('add_org_member', { p_org_id: org, p_email: email });
		expect(codeOf(await add('staffA', w.orgA, w.users.guardianC.email))).toBe('not_authorised');
		expect(codeOf(await add('admin', w.orgA, 'nobody@test.gongyu.local'))).toBe('user_not_found');
		expect(codeOf(await add('admin', randomUUID(), w.users.guardianC.email))).toBe(
			'organisation_not_found'
		);
		expect(codeOf(await w.client.staffA.rpc('org_staff', { p_org_id: w.orgB }))).toBe(
			'not_authorised'
		);
		expect((await w.client.admin.rpc('org_staff', { p_org_id: w.orgB })).error).toBeNull();
	});
});
