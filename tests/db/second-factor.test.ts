/**
 * A second factor where an organisation (or the district) requires it: who may turn the
 * requirement on and off, who may read it, and that the most sensitive reads — a family's phone
 * number, referrals and their reasons, counselling details and session notes, the district's
 * participation export — are refused at aal1 and allowed at aal2 for people it applies to, and
 * change nothing for others.
 */
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCounselling, type CounsellingWorld } from '../support/counselling';
import {
	accessToken,
	backendUnderTest,
	codeOf,
	createWorld,
	insertEvent,
	rows,
	startDomain,
	usersSql,
	type Domain,
	type User,
	type World
} from '../support/personas';

let domain: Domain;
let w: World;
let c: CounsellingWorld;
/** The same people with tokens raised to aal2 (a TOTP code verified in the session). */
let aal2: Record<'staffA' | 'staffB' | 'admin' | 'referrerA' | 'counsellorA', SupabaseClient>;
let referrerA: SupabaseClient;
const referrer: User = {
	id: randomUUID(),
	email: `referrer-${randomUUID().slice(0, 8)}@test.gongyu.local`
};
let registrationId: string;
let appointmentId: string;

const setRule = (client: SupabaseClient, orgId: string | null, required: boolean) =>
	client.rpc('set_second_factor_requirement', { p_org_id: orgId, p_required: required });

beforeAll(async () => {
	domain = await startDomain(backendUnderTest);
	w = await createWorld(domain);
	c = await createCounselling(domain, w);
	const eventId = await insertEvent(domain, w, { startsInHours: 24 });
	registrationId = randomUUID();
	appointmentId = randomUUID();
	await domain.db.exec(`
		${usersSql([referrer])}
		insert into public.org_members (org_id, user_id, role) values ('${w.orgA}', '${referrer.id}', 'staff');
		insert into public.referrers (org_id, user_id) values ('${w.orgA}', '${referrer.id}');
		insert into public.referrals (org_id, referred_by, family_id, reason, starts_on, ends_on)
		values ('${w.orgA}', '${referrer.id}', '${w.familyA}', 'left_behind', current_date, current_date + 30);
		insert into public.registrations (id, event_id, family_id, status, seats, check_in_code, confirmed_at)
		values ('${registrationId}', '${eventId}', '${w.familyA}', 'confirmed', 1, 'MFA${registrationId.slice(0, 3).toUpperCase()}', now());
		insert into public.appointments (id, org_id, counsellor_id, family_id, starts_at, ends_at, mode, status)
		values ('${appointmentId}', '${c.orgC}', '${c.users.counsellorA.id}', '${w.familyA}',
			now() + interval '2 days', now() + interval '2 days 50 minutes', 'phone', 'confirmed');
		insert into public.appointment_details (appointment_id, subject, topic, note)
		values ('${appointmentId}', 'parent', 'emotions_sleep', '睡不好');
		insert into public.session_notes (appointment_id, author_id, body)
		values ('${appointmentId}', '${c.users.counsellorA.id}', '第一次谈话');
	`);
	referrerA = domain.as(await accessToken(referrer));
	const raised = async (u: User) => domain.as(await accessToken(u, undefined, 'aal2'));
	aal2 = {
		staffA: await raised(w.users.staffA),
		staffB: await raised(w.users.staffB),
		admin: await raised(w.users.admin),
		referrerA: await raised(referrer),
		counsellorA: await raised(c.users.counsellorA)
	};
});

afterAll(async () => {
	await domain?.close();
});

describe('who may require a second factor', () => {
	it('nobody requires it at first, and aal1 changes nothing anywhere', async () => {
		const reveal = await w.client.staffA.rpc('reveal_family_phone', {
			p_registration_id: registrationId
		});
		expect(reveal.error).toBeNull();
		const referrals = await referrerA.from('referrals').select('reason');
		expect(referrals.data).toEqual([{ reason: 'left_behind' }]);
	});

	it('anonymous callers, guardians and staff of another organisation are refused', async () => {
		expect(codeOf(await setRule(w.client.anon, w.orgA, true))).not.toBeNull();
		expect(codeOf(await setRule(w.client.guardianA, w.orgA, true))).toBe('not_authorised');
		expect(codeOf(await setRule(aal2.staffB, w.orgA, true))).toBe('not_authorised');
		// Staff who are not managers of their own organisation, and managers for the district.
		expect(codeOf(await setRule(aal2.staffB, w.orgB, true))).toBe('not_authorised');
		expect(codeOf(await setRule(aal2.staffA, null, true))).toBe('not_authorised');
		expect(codeOf(await setRule(aal2.admin, randomUUID(), true))).toBe('organisation_not_found');
		expect(await rows(domain, 'select 1 from public.second_factor_requirements')).toEqual([]);
	});

	it('a manager must have verified a second factor in the session to require one', async () => {
		expect(codeOf(await setRule(w.client.staffA, w.orgA, true))).toBe('second_factor_required');
		expect(await rows(domain, 'select 1 from public.second_factor_requirements')).toEqual([]);
		const { data, error } = await setRule(aal2.staffA, w.orgA, true);
		expect(error).toBeNull();
		expect(data).toBe(true);
		// Twice is once.
		expect((await setRule(aal2.staffA, w.orgA, true)).error).toBeNull();
		const stored = await rows<{ org_id: string; required_by: string }>(
			domain,
			'select org_id::text, required_by::text from public.second_factor_requirements'
		);
		expect(stored).toEqual([{ org_id: w.orgA, required_by: w.users.staffA.id }]);
	});

	it("the organisation's staff and the district read the requirement; others do not", async () => {
		const read = async (client: SupabaseClient) =>
			(await client.from('second_factor_requirements').select('org_id')).data ?? [];
		expect(await read(w.client.staffA)).toEqual([{ org_id: w.orgA }]);
		expect(await read(referrerA)).toEqual([{ org_id: w.orgA }]);
		expect(await read(w.client.admin)).toEqual([{ org_id: w.orgA }]);
		expect(await read(w.client.staffB)).toEqual([]);
		expect(await read(w.client.guardianA)).toEqual([]);
		expect(await read(w.client.anon)).toEqual([]);
		// Nobody writes it directly.
		const insert = await aal2.staffA.from('second_factor_requirements').insert({ org_id: w.orgB });
		expect(insert.error).not.toBeNull();
		const remove = await aal2.staffA
			.from('second_factor_requirements')
			.delete()
			.eq('org_id', w.orgA);
		expect(remove.error).not.toBeNull();
		expect(await rows(domain, 'select 1 from public.second_factor_requirements')).toHaveLength(1);
	});
});

describe('sensitive reads where the organisation requires a second factor', () => {
	it("a family's phone number: refused at aal1, revealed at aal2, and only the reveal is recorded", async () => {
		const before = await rows(domain, 'select 1 from public.phone_reveals');
		const refused = await w.client.staffA.rpc('reveal_family_phone', {
			p_registration_id: registrationId
		});
		expect(codeOf(refused)).toBe('second_factor_required');
		expect(refused.data).toBeNull();
		expect(await rows(domain, 'select 1 from public.phone_reveals')).toHaveLength(before.length);
		const allowed = await aal2.staffA.rpc('reveal_family_phone', {
			p_registration_id: registrationId
		});
		expect(allowed.error).toBeNull();
		expect(allowed.data).toMatchObject({ phone: '13800001111' });
		// Staff of an organisation that requires nothing are refused for what is not theirs, as before.
		const other = await aal2.staffB.rpc('reveal_family_phone', {
			p_registration_id: registrationId
		});
		expect(codeOf(other)).toBe('not_authorised');
	});

	it('referrals and their reasons: no rows at aal1, the rows at aal2', async () => {
		expect((await referrerA.from('referrals').select('reason')).data).toEqual([]);
		expect(codeOf(await referrerA.rpc('org_referrals', { p_org_id: w.orgA }))).toBe(
			'second_factor_required'
		);
		expect((await aal2.referrerA.from('referrals').select('reason')).data).toEqual([
			{ reason: 'left_behind' }
		]);
		const list = await aal2.referrerA.rpc('org_referrals', { p_org_id: w.orgA });
		expect(list.error).toBeNull();
		expect(list.data).toHaveLength(1);
	});

	it('counselling details and notes: only where the counselling centre requires it', async () => {
		const details = async (client: SupabaseClient) =>
			(await client.from('appointment_details').select('topic')).data;
		const notes = async (client: SupabaseClient) =>
			(await client.from('session_notes').select('body')).data;
		const diary = (client: SupabaseClient) =>
			client.rpc('counsellor_appointments', { p_from: null, p_to: null, p_id: appointmentId });
		// orgC requires nothing yet: the counsellor reads at aal1.
		expect(await details(c.client.counsellorA)).toEqual([{ topic: 'emotions_sleep' }]);
		expect(await notes(c.client.counsellorA)).toEqual([{ body: '第一次谈话' }]);
		expect((await diary(c.client.counsellorA)).data).toHaveLength(1);
		// Its manager requires it (from an aal2 session).
		const managerAal2 = domain.as(await accessToken(c.users.managerC, undefined, 'aal2'));
		expect((await setRule(managerAal2, c.orgC, true)).error).toBeNull();
		expect(await details(c.client.counsellorA)).toEqual([]);
		expect(await notes(c.client.counsellorA)).toEqual([]);
		expect(codeOf(await diary(c.client.counsellorA))).toBe('second_factor_required');
		expect(await details(aal2.counsellorA)).toEqual([{ topic: 'emotions_sleep' }]);
		expect(await notes(aal2.counsellorA)).toEqual([{ body: '第一次谈话' }]);
		expect((await diary(aal2.counsellorA)).data).toHaveLength(1);
		// The family reads its own appointment's details whatever the centre requires of its staff.
		expect(await details(w.client.guardianA)).toEqual([{ topic: 'emotions_sleep' }]);
		// Another counsellor of the centre gets nothing at either level.
		const otherAal2 = domain.as(await accessToken(c.users.counsellorB, undefined, 'aal2'));
		expect(await details(otherAal2)).toEqual([]);
		expect(await notes(otherAal2)).toEqual([]);
		expect((await setRule(managerAal2, c.orgC, false)).error).toBeNull();
		expect(await details(c.client.counsellorA)).toEqual([{ topic: 'emotions_sleep' }]);
	});

	it("the district's participation export: refused at aal1 once the district requires it", async () => {
		const export_ = (client: SupabaseClient) =>
			client.rpc('district_participation', { p_from: null, p_to: null });
		expect((await export_(w.client.admin)).error).toBeNull();
		expect(codeOf(await setRule(w.client.admin, null, true))).toBe('second_factor_required');
		expect((await setRule(aal2.admin, null, true)).error).toBeNull();
		expect(codeOf(await export_(w.client.admin))).toBe('second_factor_required');
		expect((await export_(aal2.admin)).error).toBeNull();
		// Staff are refused as before, whatever their level.
		expect(codeOf(await export_(aal2.staffA))).toBe('not_authorised');
		expect((await setRule(aal2.admin, null, false)).error).toBeNull();
		expect((await export_(w.client.admin)).error).toBeNull();
	});

	it("district_access: /admin's check for one organisation refuses exactly as the export does", async () => {
		const access = (client: SupabaseClient) => client.rpc('district_access');
		expect(await access(w.client.admin)).toMatchObject({ data: true, error: null });
		// Nobody else: anon, a family, an organisation's staff (at either level).
		expect(codeOf(await access(w.client.anon))).not.toBeNull();
		expect(codeOf(await access(w.client.guardianA))).toBe('not_authorised');
		expect(codeOf(await access(w.client.staffA))).toBe('not_authorised');
		expect(codeOf(await access(aal2.staffB))).toBe('not_authorised');
		expect((await setRule(aal2.admin, null, true)).error).toBeNull();
		expect(codeOf(await access(w.client.admin))).toBe('second_factor_required');
		expect(
			codeOf(await w.client.admin.rpc('district_participation', { p_from: null, p_to: null }))
		).toBe('second_factor_required');
		expect(await access(aal2.admin)).toMatchObject({ data: true, error: null });
		expect((await setRule(aal2.admin, null, false)).error).toBeNull();
		expect(await access(w.client.admin)).toMatchObject({ data: true, error: null });
	});

	it('turning the requirement off needs aal2 too, and then aal1 reads again', async () => {
		expect(codeOf(await setRule(w.client.staffA, w.orgA, false))).toBe('second_factor_required');
		expect((await setRule(aal2.staffA, w.orgA, false)).error).toBeNull();
		const reveal = await w.client.staffA.rpc('reveal_family_phone', {
			p_registration_id: registrationId
		});
		expect(reveal.error).toBeNull();
	});
});
