/**
 * Referrals and held places (保留名额): who may learn that a family is referred and why (an
 * allow/deny matrix for every persona), held seats in register_family and the waitlist, the
 * invitations, the scheduled release, the care record and the district's figures — and that
 * nothing of it reaches the event's staff, their attendee list, emails or other families.
 */
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	accessToken,
	backendUnderTest,
	codeOf,
	createWorld,
	insertEvent,
	insertFamilies,
	row,
	rows,
	startDomain,
	usersSql,
	type Domain,
	type EventFields,
	type User,
	type World
} from '../support/personas';

let domain: Domain;
let w: World;
/** referrerA refers for orgA (a youth centre), referrerB for orgB (a school); staffA works at orgA
 * but is no referrer and runs orgA's events; care is a district administrator marked care staff. */
let referrerA: SupabaseClient;
let referrerB: SupabaseClient;
let care: SupabaseClient;
const users: Record<'referrerA' | 'referrerB' | 'care', User> = {
	referrerA: {
		id: randomUUID(),
		email: `referrer-a-${randomUUID().slice(0, 8)}@test.gongyu.local`
	},
	referrerB: {
		id: randomUUID(),
		email: `referrer-b-${randomUUID().slice(0, 8)}@test.gongyu.local`
	},
	care: {
		id: randomUUID(),
		email: `care-${randomUUID().slice(0, 8)}@test.gongyu.local`,
		appMetadata: { role: 'district_admin', care_staff: true }
	}
};

beforeAll(async () => {
	domain = await startDomain(backendUnderTest);
	w = await createWorld(domain);
	await domain.db.exec(`
		${usersSql(Object.values(users))}
		insert into public.org_members (org_id, user_id, role) values
			('${w.orgA}', '${users.referrerA.id}', 'staff'), ('${w.orgB}', '${users.referrerB.id}', 'staff');
		insert into public.referrers (org_id, user_id) values
			('${w.orgA}', '${users.referrerA.id}'), ('${w.orgB}', '${users.referrerB.id}');
	`);
	referrerA = domain.as(await accessToken(users.referrerA));
	referrerB = domain.as(await accessToken(users.referrerB));
	care = domain.as(await accessToken(users.care));
});

afterAll(async () => {
	await domain?.close();
});

const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const inDays = (n: number) =>
	new Date(Date.now() + 8 * 3600_000 + n * 86_400_000).toISOString().slice(0, 10);
const event = (f: EventFields = {}) => insertEvent(domain, w, f);
const register = (client: SupabaseClient, eventId: string, members: string[]) =>
	client.rpc('register_family', { p_event_id: eventId, p_member_ids: members });
const hold = (eventId: string, seats: number, releaseAt?: string) =>
	w.client.staffA.rpc('set_event_hold', {
		p_event_id: eventId,
		p_seats: seats,
		p_release_at: releaseAt
	});

async function families(count: number) {
	const made = await insertFamilies(domain, count);
	return Promise.all(
		made.map(async (f) => ({ ...f, client: domain.as(await accessToken(f.user)) }))
	);
}

/** A family referred by orgA's referrer (by its sign-in email); returns it and the referral. */
async function referredFamily(reason = 'left_behind') {
	const [f] = await families(1);
	const { data, error } = await referrerA.rpc('refer_family', {
		p_org_id: w.orgA,
		p_email: f.user.email.toUpperCase(),
		p_reason: reason,
		p_starts_on: today(),
		p_ends_on: inDays(90)
	});
	expect(error).toBeNull();
	expect(data.linked).toBe(true);
	return { ...f, referralId: data.referral_id as string };
}

const heldUses = (eventId: string) =>
	rows<{ family_id: string; seats: string }>(
		domain,
		`select g.family_id::text, g.seats::text from public.held_place_uses u
		join public.registrations g on g.id = u.registration_id
		where u.event_id = $1::uuid and g.status = 'confirmed'`,
		[eventId]
	);

describe('referring a family', () => {
	it('a referrer refers a family by its sign-in email, and another organisation cannot', async () => {
		const [f] = await families(1);
		const ok = await referrerA.rpc('refer_family', {
			p_org_id: w.orgA,
			p_email: f.user.email,
			p_reason: 'hardship',
			p_starts_on: today(),
			p_ends_on: inDays(30)
		});
		expect(ok.error).toBeNull();
		const stored = await row<{ family_id: string; reason: string }>(
			domain,
			'select family_id::text, reason::text from public.referrals where id = $1::uuid',
			[ok.data.referral_id]
		);
		expect(stored).toEqual({ family_id: f.familyId, reason: 'hardship' });
		for (const client of [referrerB, w.client.staffA, w.client.admin, w.client.guardianA]) {
			const denied = await client.rpc('refer_family', {
				p_org_id: w.orgA,
				p_email: f.user.email,
				p_reason: 'hardship',
				p_starts_on: today(),
				p_ends_on: inDays(30)
			});
			expect(codeOf(denied)).toBe('not_referrer');
		}
		expect(codeOf(await w.client.anon.rpc('refer_family', {}))).not.toBeNull();
	});

	it('a referral for an address with no account yet applies once that guardian signs up', async () => {
		const email = `later-${randomUUID().slice(0, 8)}@test.gongyu.local`;
		const { data } = await referrerA.rpc('refer_family', {
			p_org_id: w.orgA,
			p_email: email,
			p_reason: 'other',
			p_starts_on: today(),
			p_ends_on: inDays(30)
		});
		expect(data.linked).toBe(false);
		const user = { id: randomUUID(), email };
		const familyId = randomUUID();
		await domain.db.exec(`${usersSql([user])}
			insert into public.families (id, guardian_id, guardian_name, email)
			values ('${familyId}', '${user.id}', '后来', '${email}');`);
		const eventId = await event({ capacity: 3 });
		expect((await hold(eventId, 1)).error).toBeNull();
		const client = domain.as(await accessToken(user));
		expect((await client.rpc('held_place_for_me', { p_event_id: eventId })).data).toMatchObject({
			available: true
		});
	});

	it('a family redeems a referral code; wrong codes are limited to 10 an hour per account', async () => {
		const made = await referrerA.rpc('create_referral_code', {
			p_org_id: w.orgA,
			p_reason: 'psychological',
			p_starts_on: today(),
			p_ends_on: inDays(30)
		});
		expect(made.data.code).toMatch(/^[0-9A-Z]{10}$/);
		const [f, g] = await families(2);
		const spaced = `${made.data.code.slice(0, 5).toLowerCase()} ${made.data.code.slice(5)}`;
		expect((await f.client.rpc('redeem_referral_code', { p_code: spaced })).data).toEqual({
			ok: true
		});
		// A used code does not work twice.
		expect(
			(await g.client.rpc('redeem_referral_code', { p_code: made.data.code })).data
		).toMatchObject({ ok: false, error: 'code_invalid' });
		for (let i = 0; i < 9; i++) {
			await g.client.rpc('redeem_referral_code', { p_code: 'AAAAAAAAAA' });
		}
		expect(codeOf(await g.client.rpc('redeem_referral_code', { p_code: 'BBBBBBBBBB' }))).toBe(
			'too_many_attempts'
		);
		const linked = await row<{ family_id: string }>(
			domain,
			'select family_id::text from public.referrals where id = $1::uuid',
			[made.data.referral_id]
		);
		expect(linked.family_id).toBe(f.familyId);
	});

	it('only managers of a school or a centre, and the district, mark referrers', async () => {
		const community = randomUUID();
		await domain.db.exec(`insert into public.organisations (id, kind, slug, name_zh, name_en)
			values ('${community}', 'community_parent_school', 'c-${community.slice(0, 8)}', '社区', 'Community');
			insert into public.org_members (org_id, user_id) values ('${community}', '${w.users.staffB.id}');`);
		const denied = await w.client.admin
			.from('referrers')
			.insert({ org_id: community, user_id: w.users.staffB.id });
		expect(denied.error).not.toBeNull();
		const notManager = await w.client.staffB
			.from('referrers')
			.insert({ org_id: w.orgB, user_id: w.users.staffB.id });
		expect(notManager.error).not.toBeNull();
		const manager = await w.client.staffA
			.from('referrers')
			.insert({ org_id: w.orgA, user_id: w.users.staffA.id });
		expect(manager.error).toBeNull();
		expect(
			(await w.client.staffA.from('referrers').delete().eq('user_id', w.users.staffA.id).select())
				.data
		).toHaveLength(1);
	});
});

describe('who can learn that a family is referred, and why', () => {
	let referral: Awaited<ReturnType<typeof referredFamily>>;
	let eventId: string;
	let contactId: string;

	beforeAll(async () => {
		referral = await referredFamily('left_behind');
		eventId = await event({ capacity: 2 });
		expect((await hold(eventId, 1)).error).toBeNull();
		const [o] = await families(1);
		expect((await register(o.client, eventId, [o.parentId])).data.status).toBe('confirmed');
		const reg = await register(referral.client, eventId, [referral.parentId]);
		expect(reg.data.status).toBe('confirmed');
		const contact = await referrerA
			.from('care_contacts')
			.insert({
				referral_id: referral.referralId,
				contact_on: today(),
				kind: 'phone_call',
				note: '电话回访'
			})
			.select('id')
			.single();
		expect(contact.error).toBeNull();
		contactId = contact.data!.id;
	});

	const personas = () =>
		({
			referrer: referrerA,
			'other referrer': referrerB,
			'event staff': w.client.staffA,
			'care staff': care,
			family: referral.client,
			'other family': w.client.guardianB,
			admin: w.client.admin,
			anon: w.client.anon
		}) as Record<string, SupabaseClient>;
	const allowed = ['referrer', 'care staff'];

	it('the referral and its reason: the referrer and the care staff only', async () => {
		for (const [name, client] of Object.entries(personas())) {
			const { data } = await client
				.from('referrals')
				.select('id, reason')
				.eq('id', referral.referralId);
			expect({ name, rows: data ?? [] }).toEqual({
				name,
				rows: allowed.includes(name) ? [{ id: referral.referralId, reason: 'left_behind' }] : []
			});
		}
	});

	it('which registration took a held seat: the referrer and the care staff only', async () => {
		for (const [name, client] of Object.entries(personas())) {
			const { data } = await client
				.from('held_place_uses')
				.select('event_id')
				.eq('event_id', eventId);
			expect({ name, n: (data ?? []).length }).toEqual({ name, n: allowed.includes(name) ? 1 : 0 });
		}
	});

	it('the care record and participations: the referrer and the care staff only', async () => {
		for (const [name, client] of Object.entries(personas())) {
			const { data } = await client.from('care_contacts').select('id').eq('id', contactId);
			expect({ name, n: (data ?? []).length }).toEqual({ name, n: allowed.includes(name) ? 1 : 0 });
			const p = await client.rpc('referral_participations', { p_referral_id: referral.referralId });
			if (allowed.includes(name)) {
				expect(p.data).toEqual([expect.objectContaining({ event_id: eventId, held: true })]);
			} else {
				expect({ name, error: p.error !== null }).toEqual({ name, error: true });
			}
			const list = await client.rpc('org_referrals', { p_org_id: w.orgA });
			expect({
				name,
				listed: (list.data ?? []).some(
					(r: { referral_id: string }) => r.referral_id === referral.referralId
				)
			}).toEqual({
				name,
				listed: allowed.includes(name)
			});
		}
	});

	it("invitations: the referrer and the care staff only; an event's hold: its staff and the district", async () => {
		const invitedTo = await event({ capacity: 4 });
		expect((await hold(invitedTo, 2)).error).toBeNull();
		const inv = await referrerA.rpc('invite_to_held_place', {
			p_referral_id: referral.referralId,
			p_event_id: invitedTo,
			p_seats: 1
		});
		expect(inv.error).toBeNull();
		// referrerA is also staff of orgA, which runs the event: it reads the hold as the event's staff.
		const readsHold = ['referrer', 'event staff', 'care staff', 'admin'];
		for (const [name, client] of Object.entries(personas())) {
			const invitations = await client
				.from('held_invitations')
				.select('id, family_id')
				.eq('event_id', invitedTo);
			expect({ name, n: (invitations.data ?? []).length }).toEqual({
				name,
				n: allowed.includes(name) ? 1 : 0
			});
			const holds = await client.from('event_holds').select('seats').eq('event_id', invitedTo);
			expect({ name, holds: holds.data ?? [] }).toEqual({
				name,
				holds: readsHold.includes(name) ? [{ seats: 2 }] : []
			});
		}
	});

	it('which events hold places: referrers and the care staff only', async () => {
		for (const [name, client] of Object.entries(personas())) {
			const { data, error } = await client.rpc('events_with_held_places');
			const mayKnow = ['referrer', 'other referrer', 'care staff'].includes(name);
			expect({ name, error: error !== null }).toEqual({ name, error: !mayKnow });
			if (mayKnow) expect(Array.isArray(data)).toBe(true);
		}
	});

	it('another referrer cannot record care contacts for a referral of another organisation', async () => {
		const denied = await referrerB
			.from('care_contacts')
			.insert({ referral_id: referral.referralId, contact_on: today(), kind: 'talk' });
		expect(denied.error).not.toBeNull();
		const future = await referrerA
			.from('care_contacts')
			.insert({ referral_id: referral.referralId, contact_on: inDays(3), kind: 'talk' });
		expect(future.error).not.toBeNull();
	});

	it('the event staff see an ordinary attendee: the same fields, nothing about the held seat', async () => {
		const { data, error } = await w.client.staffA.rpc('event_attendees', { p_event_id: eventId });
		expect(error).toBeNull();
		expect(data).toHaveLength(2);
		const [first, second] = data;
		expect(Object.keys(first).sort()).toEqual(Object.keys(second).sort());
		expect(JSON.stringify(data)).not.toMatch(/held|referr|reason|left_behind/i);
		const regs = await w.client.staffA.from('registrations').select('*').eq('event_id', eventId);
		expect(regs.data).toHaveLength(2);
		expect(Object.keys(regs.data![0]).sort()).toEqual(Object.keys(regs.data![1]).sort());
		expect(JSON.stringify(regs.data)).not.toMatch(/held|referr|reason/i);
	});

	it('the confirmation email of a held seat is the ordinary one, and no email names a reason', async () => {
		const emails = await rows<{ kind: string; payload: string }>(
			domain,
			`select kind, payload::text from public.email_outbox where event_id = $1::uuid
			order by created_at`,
			[eventId]
		);
		expect(emails.map((e) => e.kind)).toEqual(['registration_confirmed', 'registration_confirmed']);
		const [a, b] = emails.map((e) => JSON.parse(e.payload));
		expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
		expect(Object.keys(a.registration).sort()).toEqual(Object.keys(b.registration).sort());
		const all = await rows<{ payload: string }>(
			domain,
			'select payload::text from public.email_outbox'
		);
		expect(all.map((e) => e.payload).join('\n')).not.toMatch(
			/left_behind|hardship|psychological|留守|困境|心理关注/
		);
	});

	it('the family sees a held place, never why; other families see none', async () => {
		const other = await event({ capacity: 5 });
		expect((await hold(other, 2)).error).toBeNull();
		const mine = await referral.client.rpc('held_place_for_me', { p_event_id: other });
		expect(mine.data).toEqual({ available: true, seats: 2, invited_until: null });
		expect(JSON.stringify(mine.data)).not.toMatch(/refer|reason/);
		const theirs = await w.client.guardianB.rpc('held_place_for_me', { p_event_id: other });
		expect(theirs.data).toEqual({ available: false });
		expect(
			codeOf(await w.client.anon.rpc('held_place_for_me', { p_event_id: other }))
		).not.toBeNull();
		const list = await referral.client.rpc('my_held_places');
		expect(list.data.map((e: { event_id: string }) => e.event_id)).toContain(other);
		expect((await w.client.guardianB.rpc('my_held_places')).data).toEqual([]);
	});
});

describe('held seats in register_family', () => {
	it('ordinary families never get held seats; a referred family takes one when the ordinary seats are gone', async () => {
		const id = await event({ capacity: 4 });
		expect((await hold(id, 2)).error).toBeNull();
		const ordinary = await families(3);
		const results = [];
		for (const f of ordinary) results.push((await register(f.client, id, [f.parentId])).data);
		expect(results.map((r) => r.status)).toEqual(['confirmed', 'confirmed', 'waitlisted']);
		const referred = await referredFamily();
		const held = await register(referred.client, id, [referred.parentId, referred.childId]);
		expect(held.data.status).toBe('confirmed');
		expect(await heldUses(id)).toEqual([{ family_id: referred.familyId, seats: '2' }]);
		const counts = await row<{ seats_taken: string }>(
			domain,
			'select seats_taken::text from public.events where id = $1::uuid',
			[id]
		);
		expect(counts.seats_taken).toBe('4');
		// Full now: the next referred family waits like everyone else.
		const late = await referredFamily();
		expect((await register(late.client, id, [late.parentId])).data.status).toBe('waitlisted');
	});

	it('a referred family takes an ordinary seat while there is one, leaving the held seats', async () => {
		const id = await event({ capacity: 4 });
		await hold(id, 2);
		const referred = await referredFamily();
		expect((await register(referred.client, id, [referred.parentId])).data.status).toBe(
			'confirmed'
		);
		expect(await heldUses(id)).toEqual([]);
	});

	it('a cancelled held seat goes to a referred family on the waitlist, not to an ordinary one ahead of it', async () => {
		const id = await event({ capacity: 2 });
		await hold(id, 1);
		const [o1, o2] = await families(2);
		const r1 = await referredFamily();
		const r2 = await referredFamily();
		expect((await register(o1.client, id, [o1.parentId])).data.status).toBe('confirmed');
		const first = await register(r1.client, id, [r1.parentId]);
		expect(first.data.status).toBe('confirmed');
		expect((await register(o2.client, id, [o2.parentId])).data.status).toBe('waitlisted');
		expect((await register(r2.client, id, [r2.parentId])).data.status).toBe('waitlisted');
		const cancelled = await r1.client.rpc('cancel_registration', {
			p_registration_id: first.data.registration_id
		});
		expect(cancelled.data.promoted).toBe(1);
		expect(await heldUses(id)).toEqual([{ family_id: r2.familyId, seats: '1' }]);
		const o2Now = await row<{ status: string; waitlist_position: string }>(
			domain,
			'select status::text, waitlist_position::text from public.registrations where family_id = $1::uuid',
			[o2.familyId]
		);
		expect(o2Now).toEqual({ status: 'waitlisted', waitlist_position: '1' });
	});

	it('only the event staff set a hold, within the capacity, released before the start', async () => {
		const id = await event({ capacity: 5 });
		expect(
			codeOf(await w.client.staffB.rpc('set_event_hold', { p_event_id: id, p_seats: 2 }))
		).toBe('not_authorised');
		expect(codeOf(await referrerB.rpc('set_event_hold', { p_event_id: id, p_seats: 2 }))).toBe(
			'not_authorised'
		);
		expect(codeOf(await hold(id, 6))).toBe('hold_seats_invalid');
		expect(codeOf(await hold(id, 2, new Date(Date.now() + 400 * 3600_000).toISOString()))).toBe(
			'hold_release_invalid'
		);
		const set = await hold(id, 2);
		expect(set.error).toBeNull();
		const stored = await w.client.staffA
			.from('event_holds')
			.select('seats, release_at')
			.eq('event_id', id);
		expect(stored.data).toHaveLength(1);
		expect(stored.data![0].seats).toBe(2);
		const other = await w.client.staffB.from('event_holds').select('seats').eq('event_id', id);
		expect(other.data).toEqual([]);
	});
});

describe('held seats are seats of the capacity', () => {
	it('a hold cannot keep places ordinary families already took, and held seats never go past the capacity', async () => {
		const id = await event({ capacity: 3, waitlist: false });
		const [o1, o2] = await families(2);
		expect((await register(o1.client, id, [o1.parentId])).data.status).toBe('confirmed');
		expect((await register(o2.client, id, [o2.parentId])).data.status).toBe('confirmed');
		const tooMany = await hold(id, 2);
		expect(codeOf(tooMany)).toBe('hold_seats_invalid');
		expect(tooMany.error?.hint).toBe('1');
		expect((await hold(id, 1)).error).toBeNull();
		const a = await referredFamily('hardship');
		const b = await referredFamily('other');
		expect((await register(a.client, id, [a.parentId])).data.status).toBe('confirmed');
		// The hold is used up and the event is full: the next referred family is refused, not squeezed in.
		expect(codeOf(await register(b.client, id, [b.parentId]))).toBe('event_full');
		const taken = await row<{ seats_taken: number }>(
			domain,
			'select seats_taken from public.events where id = $1::uuid',
			[id]
		);
		expect(Number(taken.seats_taken)).toBe(3);
		expect((await b.client.rpc('held_place_for_me', { p_event_id: id })).data).toEqual({
			available: false
		});
	});
});

describe('invitations', () => {
	it('keeps the place for the invited family only, emails it without a reason, and hides the email from the event staff', async () => {
		const id = await event({ capacity: 3 });
		await hold(id, 2);
		const invited = await referredFamily('hardship');
		const other = await referredFamily();
		const [o] = await families(1);
		expect((await register(o.client, id, [o.parentId])).data.status).toBe('confirmed');
		const inv = await referrerA.rpc('invite_to_held_place', {
			p_referral_id: invited.referralId,
			p_event_id: id,
			p_seats: 2
		});
		expect(inv.error).toBeNull();
		expect(
			codeOf(
				await referrerB.rpc('invite_to_held_place', {
					p_referral_id: invited.referralId,
					p_event_id: id,
					p_seats: 1
				})
			)
		).toBe('not_referrer');
		// The held seats are the invited family's: another referred family waits.
		expect((await register(other.client, id, [other.parentId])).data.status).toBe('waitlisted');
		expect((await invited.client.rpc('held_place_for_me', { p_event_id: id })).data).toMatchObject({
			available: true,
			invited_until: expect.any(String)
		});
		const reg = await register(invited.client, id, [invited.parentId, invited.childId]);
		expect(reg.data.status).toBe('confirmed');
		const status = await row<{ status: string }>(
			domain,
			'select status::text from public.held_invitations where id = $1::uuid',
			[inv.data.invitation_id]
		);
		expect(status.status).toBe('accepted');

		const email = await row<{ to_email: string; payload: string; event_id: string | null }>(
			domain,
			`select to_email, payload::text, event_id::text from public.email_outbox
			where idempotency_key = $1`,
			[`held_place_invitation:${inv.data.invitation_id}`]
		);
		expect(email.to_email).toBe(invited.user.email);
		expect(email.event_id).toBeNull();
		expect(email.payload).not.toMatch(/hardship|"reason"|referr|困境/);
		for (const client of [w.client.staffA, w.client.admin, w.client.guardianB]) {
			const seen = await client
				.from('email_outbox')
				.select('id')
				.eq('kind', 'held_place_invitation');
			expect(seen.data ?? []).toEqual([]);
		}
		const seenByCare = await care
			.from('email_outbox')
			.select('id')
			.eq('kind', 'held_place_invitation');
		expect((seenByCare.data ?? []).length).toBeGreaterThan(0);
	});

	it('an invitation expires: the scheduled release frees its seats for another referred family', async () => {
		const id = await event({ capacity: 2 });
		await hold(id, 1);
		const invited = await referredFamily();
		const waiting = await referredFamily();
		const [o] = await families(1);
		await register(o.client, id, [o.parentId]);
		const inv = await referrerA.rpc('invite_to_held_place', {
			p_referral_id: invited.referralId,
			p_event_id: id,
			p_seats: 1,
			p_expires_at: new Date(Date.now() + 3600_000).toISOString()
		});
		expect(inv.error).toBeNull();
		expect((await register(waiting.client, id, [waiting.parentId])).data.status).toBe('waitlisted');
		const later = new Date(Date.now() + 2 * 3600_000).toISOString();
		const release = await domain.admin().rpc('release_held_places', { p_now: later });
		expect(release.data).toMatchObject({ released: 0, expired: 1, promoted: 1 });
		expect(await heldUses(id)).toEqual([{ family_id: waiting.familyId, seats: '1' }]);
		const again = await domain.admin().rpc('release_held_places', { p_now: later });
		expect(again.data).toEqual({ released: 0, promoted: 0, expired: 0 });
		const back = await invited.client.rpc('held_place_for_me', { p_event_id: id });
		expect(back.data).toMatchObject({ available: false });
	});

	it('the family can decline, which gives the seat to a referred family waiting', async () => {
		const id = await event({ capacity: 2 });
		await hold(id, 1);
		const invited = await referredFamily();
		const waiting = await referredFamily();
		const [o] = await families(1);
		await register(o.client, id, [o.parentId]);
		await referrerA.rpc('invite_to_held_place', {
			p_referral_id: invited.referralId,
			p_event_id: id,
			p_seats: 1
		});
		expect((await register(waiting.client, id, [waiting.parentId])).data.status).toBe('waitlisted');
		expect((await invited.client.rpc('decline_held_invitation', { p_event_id: id })).data).toBe(
			true
		);
		expect(await heldUses(id)).toEqual([{ family_id: waiting.familyId, seats: '1' }]);
	});

	it('cannot invite past the held seats, an ordinary-only event, or a family already registered', async () => {
		const id = await event({ capacity: 3 });
		const r = await referredFamily();
		expect(
			codeOf(
				await referrerA.rpc('invite_to_held_place', {
					p_referral_id: r.referralId,
					p_event_id: id,
					p_seats: 1
				})
			)
		).toBe('no_held_places');
		await hold(id, 1);
		expect(
			codeOf(
				await referrerA.rpc('invite_to_held_place', {
					p_referral_id: r.referralId,
					p_event_id: id,
					p_seats: 2
				})
			)
		).toBe('held_places_full');
		await register(r.client, id, [r.parentId]);
		expect(
			codeOf(
				await referrerA.rpc('invite_to_held_place', {
					p_referral_id: r.referralId,
					p_event_id: id,
					p_seats: 1
				})
			)
		).toBe('already_registered');
	});
});

describe('the scheduled release', () => {
	it('at the cut-off unused held seats become ordinary and the waitlist is promoted in joining order; a second run does nothing', async () => {
		const id = await event({ capacity: 4 });
		await hold(id, 3);
		const crowd = await families(4);
		const statuses = [];
		for (const f of crowd) statuses.push((await register(f.client, id, [f.parentId])).data.status);
		expect(statuses).toEqual(['confirmed', 'waitlisted', 'waitlisted', 'waitlisted']);
		await domain.db.exec(
			`update public.event_holds set release_at = now() - interval '1 minute' where event_id = '${id}'`
		);
		const first = await domain.admin().rpc('release_held_places', {});
		expect(first.data).toMatchObject({ released: 1, promoted: 3 });
		const second = await domain.admin().rpc('release_held_places', {});
		expect(second.data).toEqual({ released: 0, promoted: 0, expired: 0 });
		const regs = await rows<{ family_id: string; status: string }>(
			domain,
			`select family_id::text, status::text from public.registrations where event_id = $1::uuid`,
			[id]
		);
		expect(regs.every((r) => r.status === 'confirmed')).toBe(true);
		const h = await row<{ released_seats: string }>(
			domain,
			'select released_seats::text from public.event_holds where event_id = $1::uuid',
			[id]
		);
		expect(h.released_seats).toBe('3');
		// Nobody but the scheduler may release.
		expect((await w.client.staffA.rpc('release_held_places', {})).error).not.toBeNull();
	});
});

describe('the event page says some places are kept', () => {
	it('anyone learns until when an event holds places, never for whom; nothing once released', async () => {
		const id = await event({ capacity: 6 });
		const plain = await event({ capacity: 6 });
		const releaseAt = new Date(Date.now() + 2 * 86_400_000).toISOString();
		await hold(id, 2, releaseAt);
		const [family] = await families(1);
		for (const client of [w.client.anon, family.client, w.client.staffB]) {
			const { data, error } = await client.rpc('held_places_open_at', { p_event_id: id });
			expect(error).toBeNull();
			expect(Date.parse(data)).toBe(Date.parse(releaseAt));
			expect((await client.rpc('held_places_open_at', { p_event_id: plain })).data).toBeNull();
		}
		await domain.db.exec(
			`update public.event_holds set release_at = now() - interval '1 minute' where event_id = '${id}'`
		);
		await domain.admin().rpc('release_held_places', {});
		expect((await w.client.anon.rpc('held_places_open_at', { p_event_id: id })).data).toBeNull();
	});
});

describe("the district's figures", () => {
	it('shows counts, with "<5" for counts under 5, to district administrators only', async () => {
		const { data, error } = await w.client.admin.rpc('district_referral_figures', {
			p_from: inDays(-30),
			p_to: inDays(60)
		});
		expect(error).toBeNull();
		const figures = Object.fromEntries(
			data.map((r: { figure: string; value: string }) => [r.figure, r.value])
		);
		expect(Object.keys(figures)).toEqual([
			'referred_families',
			'participations',
			'held_seats_used',
			'held_seats_released',
			'care_contacts'
		]);
		expect(figures.care_contacts).toBe('<5');
		expect(Number(figures.referred_families)).toBeGreaterThanOrEqual(5);
		for (const v of Object.values(figures)) expect(v).toMatch(/^(<5|[5-9]|\d{2,})$/);
		for (const client of [w.client.staffA, referrerA, w.client.guardianA]) {
			expect(
				codeOf(await client.rpc('district_referral_figures', { p_from: today(), p_to: today() }))
			).toBe('not_authorised');
		}
	});
});
