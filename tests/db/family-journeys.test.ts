/**
 * What families tripped over, in SQL, through supabase-js: search that finds organisers, rooms,
 * addresses, traditional characters and synonyms; cancelling that says whether a waitlist place
 * was left; emails that carry the organiser's address and whether places were ever held; phone
 * numbers that can be called back.
 */
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	backendUnderTest,
	codeOf,
	createWorld,
	insertEvent,
	row,
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

async function find(client: SupabaseClient, query: string): Promise<string[]> {
	const { data, error } = await client.rpc('find_events', { p_query: query, p_limit: 500 });
	expect(error).toBeNull();
	return (data as { items: { id: string }[] }).items.map((item) => item.id);
}

async function titled(title: string, fields: Parameters<typeof insertEvent>[2] = {}) {
	const id = await insertEvent(domain, w, fields);
	await domain.db.query(`update public.events set title_zh = $2 where id = $1::uuid`, [id, title]);
	return id;
}

describe('find_events', () => {
	it("finds an event by its organiser's name, in either language", async () => {
		const tag = randomUUID().slice(0, 6);
		await domain.db.query(
			`update public.organisations set name_zh = $2, name_en = $3 where id = $1::uuid`,
			[w.orgB, `星光社区${tag}家长学校`, `Starlight ${tag} parent school`]
		);
		const mine = await titled('周末亲子活动', { org: w.orgB });
		const other = await titled('周末亲子活动');
		for (const client of [w.client.anon, w.client.guardianA]) {
			expect(await find(client, `星光社区${tag}`)).toEqual([mine]);
			expect(await find(client, `starlight ${tag}`)).toEqual([mine]);
		}
		expect(await find(w.client.anon, `星光社区${tag}`)).not.toContain(other);
	});

	it("finds an event by its room's name and by the address it gives", async () => {
		const tag = randomUUID().slice(0, 6);
		const booking = randomUUID();
		await domain.db.query(`update public.venues set name_zh = $2 where id = $1::uuid`, [
			w.venueB,
			`银杏${tag}报告厅`
		]);
		const startsAt = new Date(Date.now() + 300 * 3600_000);
		startsAt.setUTCMinutes(0, 0, 0);
		const endsAt = new Date(startsAt.getTime() + 2 * 3600_000);
		await domain.db.query(
			`insert into public.venue_bookings (id, venue_id, org_id, status, starts_at, ends_at, purpose)
			 values ($1::uuid, $2::uuid, $3::uuid, 'approved', $4::timestamptz, $5::timestamptz, 'test')`,
			[booking, w.venueB, w.orgB, startsAt.toISOString(), endsAt.toISOString()]
		);
		const inRoom = await titled('亲子讲座', {
			org: w.orgB,
			bookingId: booking,
			startsAt: startsAt.toISOString(),
			endsAt: endsAt.toISOString()
		});
		const outside = await titled('亲子讲座');
		await domain.db.query(`update public.events set address_zh = $2 where id = $1::uuid`, [
			outside,
			`吴兴区${tag}路 8 号`
		]);
		// Anyone may search: the room's public name is found, its booking stays private.
		expect(await find(w.client.anon, `银杏${tag}`)).toEqual([inRoom]);
		expect(await find(w.client.anon, `${tag}路`)).toEqual([outside]);
		const { data: bookings } = await w.client.anon.from('venue_bookings').select('id');
		expect(bookings ?? []).toEqual([]);
	});

	it('finds simplified events from traditional characters', async () => {
		const tag = randomUUID().slice(0, 6);
		const reading = await titled(`亲子阅读${tag}分享会`);
		const lecture = await titled(`家长学校${tag}讲座：传统文化与心理健康`);
		expect(await find(w.client.anon, `親子閱讀${tag}`)).toEqual([reading]);
		expect(await find(w.client.anon, `家長學校${tag} 講座`)).toEqual([lecture]);
		expect(await find(w.client.anon, `傳統文化 ${tag}`)).toEqual([lecture]);
	});

	it('finds 读书 for 阅读 (and back), every word still required', async () => {
		const tag = randomUUID().slice(0, 6);
		const books = await titled(`周末读书会${tag}`);
		const reading = await titled(`亲子阅读${tag}`);
		const sports = await titled(`趣味运动会${tag}`);
		expect((await find(w.client.anon, `阅读 ${tag}`)).sort()).toEqual([books, reading].sort());
		expect((await find(w.client.anon, `读书 ${tag}`)).sort()).toEqual([books, reading].sort());
		expect(await find(w.client.anon, `體育 ${tag}`)).toEqual([sports]);
		expect(await find(w.client.anon, `阅读 运动 ${tag}`)).toEqual([]);
	});

	it('takes LIKE wildcards as text, and an empty query as no filter', async () => {
		const tag = randomUUID().slice(0, 6);
		const plain = await titled(`百分之百${tag}`);
		expect(await find(w.client.anon, `%${tag}`)).toEqual([]);
		expect(await find(w.client.anon, '   ')).toContain(plain);
	});
});

/** The payload of the one outbox row that `where` picks (as text on both backends, so parsed here). */
async function mailPayload<T>(where: string, param: string): Promise<T> {
	const found = await row<{ payload: string }>(
		domain,
		`select payload::text as payload from public.email_outbox where ${where}`,
		[param]
	);
	return JSON.parse(found.payload) as T;
}

describe('cancel_registration', () => {
	async function register(client: SupabaseClient, eventId: string, members: string[]) {
		const { data, error } = await client.rpc('register_family', {
			p_event_id: eventId,
			p_member_ids: members
		});
		expect(error).toBeNull();
		return data as { registration_id: string; status: string };
	}

	it('says a waitlist place was left, and its email says no place was ever held', async () => {
		const eventId = await insertEvent(domain, w, { capacity: 2, waitlist: true });
		const held = await register(w.client.guardianA, eventId, [w.parentA, w.childA]);
		const waiting = await register(w.client.guardianB, eventId, [w.parentB, w.childB]);
		expect([held.status, waiting.status]).toEqual(['confirmed', 'waitlisted']);

		// Another family cannot cancel it; anon cannot either.
		expect(
			codeOf(
				await w.client.guardianA.rpc('cancel_registration', {
					p_registration_id: waiting.registration_id
				})
			)
		).toBe('not_authorised');
		expect(
			(
				await w.client.anon.rpc('cancel_registration', {
					p_registration_id: waiting.registration_id
				})
			).error
		).not.toBeNull();

		const left = await w.client.guardianB.rpc('cancel_registration', {
			p_registration_id: waiting.registration_id
		});
		expect(left.error).toBeNull();
		expect(left.data).toMatchObject({ status: 'cancelled', was: 'waitlisted', promoted: 0 });
		const mail = await mailPayload<{ registration: Record<string, unknown> }>(
			'idempotency_key = $1',
			`registration_cancelled:${waiting.registration_id}`
		);
		expect(mail.registration).toMatchObject({ status: 'cancelled', confirmed_at: null });

		const cancelled = await w.client.guardianA.rpc('cancel_registration', {
			p_registration_id: held.registration_id
		});
		expect(cancelled.data).toMatchObject({ was: 'confirmed' });
		const heldMail = await mailPayload<{ registration: Record<string, unknown> }>(
			'idempotency_key = $1',
			`registration_cancelled:${held.registration_id}`
		);
		expect(heldMail.registration.confirmed_at).not.toBeNull();
	});

	it("puts the organiser's phone and address in the email payload", async () => {
		await domain.db.query(
			`update public.organisations set contact_phone = '0572-2000001',
				address_zh = '湖州市吴兴区测试路 1 号', address_en = null where id = $1::uuid`,
			[w.orgA]
		);
		const eventId = await insertEvent(domain, w, {});
		const done = await register(w.client.guardianA, eventId, [w.parentA]);
		const mail = await mailPayload<{ event: Record<string, unknown>; guardian_name: string }>(
			`registration_id = $1::uuid and kind = 'registration_confirmed'`,
			done.registration_id
		);
		expect(mail.guardian_name).toBe('家长甲');
		expect(mail.event).toMatchObject({
			organisation_phone: '0572-2000001',
			organisation_address_zh: '湖州市吴兴区测试路 1 号',
			// No English address: the Chinese one, rather than nothing.
			organisation_address_en: '湖州市吴兴区测试路 1 号'
		});
	});
});

describe('families.phone', () => {
	async function setPhone(client: SupabaseClient, familyId: string, phone: string | null) {
		return client.from('families').update({ phone }).eq('id', familyId).select('phone');
	}

	it('takes a mainland mobile or a landline with its area code, with or without +86', async () => {
		for (const phone of [
			'13912345678',
			'139 1234 5678',
			'+86 139-1234-5678',
			'0572-1234567',
			'057212345678',
			'(0572) 1234567',
			'+86 572 1234567',
			null
		]) {
			const { data, error } = await setPhone(w.client.guardianA, w.familyA, phone);
			expect(error, String(phone)).toBeNull();
			expect(data).toEqual([{ phone }]);
		}
	});

	it('refuses numbers no one can call back, and changes nothing', async () => {
		await setPhone(w.client.guardianA, w.familyA, '13800001111');
		for (const phone of [
			'12345',
			'12912345678',
			'1391234567',
			'5721234567',
			'0572-12',
			'+1 202 555 0100'
		]) {
			const { error } = await setPhone(w.client.guardianA, w.familyA, phone);
			expect(error?.code, phone).toBe('23514');
		}
		expect(
			(await row(domain, `select phone from public.families where id = $1::uuid`, [w.familyA]))
				.phone
		).toBe('13800001111');
	});

	it("is not another family's to change", async () => {
		const { data } = await setPhone(w.client.guardianB, w.familyA, '13900000000');
		expect(data).toEqual([]);
		expect(
			(await row(domain, `select phone from public.families where id = $1::uuid`, [w.familyA]))
				.phone
		).toBe('13800001111');
	});
});
