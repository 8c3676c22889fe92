/**
 * Publishing asks for a complete event, a calendar move that emails families asks first and can be
 * undone, a weekly series names what each clashing week clashes with (and can be published at
 * once), and rooms have an English address for English pages: supabase/migrations/20261205000500…530
 * through supabase-js against the embedded Supabase.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	serverAvailable,
	startEmbedded,
	type Backend,
	type TestSupabase
} from '../support/embedded';

const CENTRE = 'a3000000-0000-4000-8000-000000000001';
const SCHOOL = 'a3000000-0000-4000-8000-000000000002';

const fixtures = `
insert into public.organisations (id, kind, slug, name_zh, name_en, contact_email) values
	('${CENTRE}', 'youth_centre', 'publish-test-centre', '吴兴区青少年活动中心', 'Wuxing Youth Activity Centre',
		'centre@example.cn'),
	('${SCHOOL}', 'school_parent_school', 'publish-test-school', '湖州四中家长学校', 'No. 4 Parent School',
		'school@example.cn');
`;

/** `YYYY-MM-DD` in Asia/Shanghai, `days` from today. */
function shanghaiDate(days: number): string {
	const now = new Date(Date.now() + 8 * 3600_000);
	return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days))
		.toISOString()
		.slice(0, 10);
}
const at = (days: number, time: string) => `${shanghaiDate(days)}T${time}:00+08:00`;
const instant = (iso: string) => new Date(iso).getTime();

const complete = {
	summary_zh: '亲子共读绘本。',
	description_zh: '请带一本喜欢的绘本。',
	min_child_age: 4,
	max_child_age: 10
};

async function userId(client: SupabaseClient): Promise<string> {
	const { data, error } = await client.auth.getUser();
	if (error || !data.user) throw error ?? new Error('no user');
	return data.user.id;
}

async function must<T>(promise: PromiseLike<{ data: T; error: unknown }>): Promise<T> {
	const { data, error } = await promise;
	if (error) throw new Error(JSON.stringify(error));
	return data;
}

const backends: Backend[] = ['pglite', 'postgres'];
const serverUp = await serverAvailable();

describe.each(backends)('publishing, moves and series on %s', (backend) => {
	let t: TestSupabase;
	let staff: SupabaseClient;
	let otherStaff: SupabaseClient;
	let parent: SupabaseClient;
	let childId: string;
	let venueId: string;
	const skip = backend === 'postgres' && !serverUp;

	async function count(sql: string): Promise<number> {
		const { rows } = await t.db.query<{ n: string }>(sql);
		return Number(rows[0].n);
	}

	async function newEvent(fields: Record<string, unknown>): Promise<string> {
		const saved = await must(
			staff.rpc('save_event', {
				p_org_id: CENTRE,
				p_event: { category: 'parent_child_reading', title_zh: '亲子阅读', capacity: 20, ...fields }
			})
		);
		return (saved as { event_id: string }).event_id;
	}

	const status = async (id: string) =>
		(await t.db.query<{ status: string }>(`select status from public.events where id = '${id}'`))
			.rows[0].status;
	const changedEmails = (id: string) =>
		count(
			`select count(*) n from public.email_outbox where kind = 'event_changed' and event_id = '${id}'`
		);

	beforeAll(async () => {
		if (skip) return;
		t = await startEmbedded({ backend, dir: 'supabase', sql: fixtures });
		staff = await t.userClient(`publish-centre-${backend}@example.cn`);
		otherStaff = await t.userClient(`publish-school-${backend}@example.cn`);
		parent = await t.userClient(`publish-parent-${backend}@example.cn`);
		await must(
			t
				.admin()
				.from('org_members')
				.insert([
					{ org_id: CENTRE, user_id: await userId(staff), role: 'manager' },
					{ org_id: SCHOOL, user_id: await userId(otherStaff), role: 'staff' }
				])
		);
		await must(
			parent.from('families').insert({
				guardian_id: await userId(parent),
				guardian_name: '王芳',
				email: `publish-parent-${backend}@example.cn`,
				phone: '13912345678'
			})
		);
		await must(
			parent.rpc('give_consent', { p_version: await must(parent.rpc('current_privacy_version')) })
		);
		childId = (
			(await must(
				parent.rpc('save_family_member', {
					p_kind: 'child',
					p_nickname: '小明',
					p_birth_year_month: `${new Date().getFullYear() - 7}-05-01`
				})
			)) as { id: string }
		).id;
		venueId = (
			(await must(
				staff.rpc('save_venue', {
					p_org_id: CENTRE,
					p_name_zh: '阅读室',
					p_name_en: 'Reading room',
					p_capacity: 40,
					p_buffer_minutes: 0,
					p_active: true,
					p_opening_hours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
						weekday,
						opens_at: '08:00',
						closes_at: '21:00'
					}))
				})
			)) as { venue_id: string }
		).venue_id;
	});

	afterAll(async () => {
		await t?.close();
	});

	describe.skipIf(skip)('publishing', () => {
		it('an incomplete draft is not published, and the refusal names every missing field', async () => {
			const id = await newEvent({
				address_zh: '滨湖公园',
				starts_at: at(10, '09:00'),
				ends_at: at(10, '10:00')
			});
			const refused = await staff.rpc('publish_event', { p_event_id: id });
			expect(refused.error?.message).toBe('event_incomplete');
			expect(refused.error?.hint).toBe('summary,description,age_range');
			expect(await status(id)).toBe('draft');

			// A youngest age alone is an age range ("4 and up").
			await must(
				staff.rpc('save_event', {
					p_org_id: null,
					p_id: id,
					p_event: { summary_zh: '亲子共读。', min_child_age: 4 }
				})
			);
			const still = await staff.rpc('publish_event', { p_event_id: id });
			expect(still.error?.hint).toBe('description');
			await must(
				staff.rpc('save_event', {
					p_org_id: null,
					p_id: id,
					p_event: { description_zh: '请带一本书。' }
				})
			);
			expect(await must(staff.rpc('publish_event', { p_event_id: id }))).toEqual({ published: 1 });
			expect(await status(id)).toBe('published');
		});

		it('another organisation cannot publish the draft, nor can anyone signed out', async () => {
			const id = await newEvent({
				...complete,
				address_zh: '滨湖公园',
				starts_at: at(10, '14:00'),
				ends_at: at(10, '15:00')
			});
			expect((await otherStaff.rpc('publish_event', { p_event_id: id })).error?.message).toBe(
				'not_authorised'
			);
			expect((await t.anon().rpc('publish_event', { p_event_id: id })).error).not.toBeNull();
			expect(await status(id)).toBe('draft');
		});
	});

	describe.skipIf(skip)('moving an event on the calendar', () => {
		it('a draft moves without asking', async () => {
			const id = await newEvent({
				venue_id: venueId,
				starts_at: at(11, '09:00'),
				ends_at: at(11, '10:00')
			});
			const moved = await must(
				staff.rpc('move_event', {
					p_event_id: id,
					p_starts_at: at(11, '11:00'),
					p_ends_at: at(11, '12:00')
				})
			);
			expect(moved).toMatchObject({ families: 0, families_notified: 0 });
		});

		it('a published event with a registered family moves only once confirmed, and moving back emails the correction', async () => {
			const id = await newEvent({
				...complete,
				venue_id: venueId,
				starts_at: at(12, '09:00'),
				ends_at: at(12, '10:00')
			});
			await must(staff.rpc('publish_event', { p_event_id: id }));
			await must(parent.rpc('register_family', { p_event_id: id, p_member_ids: [childId] }));

			const asked = await staff.rpc('move_event', {
				p_event_id: id,
				p_starts_at: at(12, '15:00'),
				p_ends_at: at(12, '16:00')
			});
			expect(asked.error?.message).toBe('move_needs_confirmation');
			expect(asked.error?.hint).toBe('1');
			const { rows: unchanged } = await t.db.query<{ starts_at: string | Date }>(
				`select starts_at from public.events where id = '${id}'`
			);
			expect(new Date(unchanged[0].starts_at).getTime()).toBe(instant(at(12, '09:00')));
			expect(await changedEmails(id)).toBe(0);

			const moved = (await must(
				staff.rpc('move_event', {
					p_event_id: id,
					p_starts_at: at(12, '15:00'),
					p_ends_at: at(12, '16:00'),
					p_confirmed: true
				})
			)) as {
				families: number;
				families_notified: number;
				previous_starts_at: string;
				previous_ends_at: string;
			};
			expect(moved).toMatchObject({ families: 1, families_notified: 1 });
			expect(instant(moved.previous_starts_at)).toBe(instant(at(12, '09:00')));
			expect(await changedEmails(id)).toBe(1);

			// Undo: back where it was, and the family hears of the correction.
			const back = await must(
				staff.rpc('move_event', {
					p_event_id: id,
					p_starts_at: moved.previous_starts_at,
					p_ends_at: moved.previous_ends_at,
					p_confirmed: true
				})
			);
			expect(back).toMatchObject({ families_notified: 1 });
			expect(await changedEmails(id)).toBe(2);
		});

		it("another organisation's staff learn nothing of the families and move nothing", async () => {
			const id = await newEvent({
				...complete,
				address_zh: '滨湖公园',
				starts_at: at(13, '09:00'),
				ends_at: at(13, '10:00')
			});
			await must(staff.rpc('publish_event', { p_event_id: id }));
			await must(parent.rpc('register_family', { p_event_id: id, p_member_ids: [childId] }));
			for (const confirmed of [false, true]) {
				const refused = await otherStaff.rpc('move_event', {
					p_event_id: id,
					p_starts_at: at(13, '15:00'),
					p_ends_at: at(13, '16:00'),
					p_confirmed: confirmed
				});
				expect(refused.error?.message).toBe('not_authorised');
				expect(refused.error?.hint).not.toBe('1');
			}
			expect(
				(
					await t.anon().rpc('move_event', {
						p_event_id: id,
						p_starts_at: at(13, '15:00'),
						p_ends_at: at(13, '16:00'),
						p_confirmed: true
					})
				).error
			).not.toBeNull();
			expect(await changedEmails(id)).toBe(0);
		});
	});

	describe.skipIf(skip)('English addresses', () => {
		it("an event in a room shows the room's English address, else the room's Chinese one (never the organisation's)", async () => {
			const room = async (name: string, address_en: string | null) =>
				(
					(await must(
						staff.rpc('save_venue', {
							p_org_id: CENTRE,
							p_name_zh: name,
							p_name_en: '',
							p_capacity: 30,
							p_buffer_minutes: 0,
							p_active: true,
							p_opening_hours: [],
							p_address_zh: '吴兴区青少年活动中心三楼',
							p_address_en: address_en
						})
					)) as { venue_id: string }
				).venue_id;
			await t.db.query(
				`update public.organisations set address_en = 'Centre main building' where id = '${CENTRE}'`
			);
			const place = async (venue: string, day: number) => {
				const id = await newEvent({
					...complete,
					venue_id: venue,
					starts_at: at(day, '09:00'),
					ends_at: at(day, '10:00')
				});
				await must(staff.rpc('publish_event', { p_event_id: id }));
				const { rows } = await t.db.query<{ slug: string }>(
					`select slug from public.events where id = '${id}'`
				);
				const details = (await must(t.anon().rpc('event_details', { p_slug: rows[0].slug }))) as {
					place: { address_zh: string; address_en: string };
				};
				return details.place;
			};
			const english = await room('三楼手工室', 'Crafts room, 3F, Youth Centre');
			expect(
				(await must(t.anon().from('venues').select('address_en').eq('id', english).single()))
					?.address_en
			).toBe('Crafts room, 3F, Youth Centre');
			expect(await place(english, 50)).toMatchObject({
				address_zh: '吴兴区青少年活动中心三楼',
				address_en: 'Crafts room, 3F, Youth Centre'
			});
			expect(await place(await room('三楼书画室', null), 51)).toMatchObject({
				address_en: '吴兴区青少年活动中心三楼'
			});
		});

		it("another organisation's staff cannot give the centre's room an address", async () => {
			const { error } = await otherStaff.rpc('save_venue', {
				p_org_id: SCHOOL,
				p_id: venueId,
				p_name_zh: '阅读室',
				p_name_en: '',
				p_capacity: 40,
				p_buffer_minutes: 0,
				p_active: true,
				p_opening_hours: [],
				p_address_en: 'Somewhere else'
			});
			expect(error?.message).toBe('not_authorised');
			const { rows } = await t.db.query<{ address_en: string | null }>(
				`select address_en from public.venues where id = '${venueId}'`
			);
			expect(rows[0].address_en).toBeNull();
		});
	});

	describe.skipIf(skip)('weekly series', () => {
		it("each clashing week names the booking in the way: its title when it is the organisation's own, only 'another organisation' otherwise", async () => {
			// Week 2: the centre's own event; week 3: a school's granted room request.
			await newEvent({
				title_zh: '绘本剧排练',
				title_en: 'Picture-book play rehearsal',
				venue_id: venueId,
				starts_at: at(27, '09:30'),
				ends_at: at(27, '10:30')
			});
			const request = (await must(
				otherStaff.rpc('request_venue_booking', {
					p_venue_id: venueId,
					p_starts_at: at(34, '09:00'),
					p_ends_at: at(34, '11:00'),
					p_purpose: '四中家长会',
					p_org_id: SCHOOL
				})
			)) as { booking_id: string };
			await must(
				staff.rpc('decide_venue_booking', { p_booking_id: request.booking_id, p_approve: true })
			);

			const dry = (await must(
				staff.rpc('create_event_series', {
					p_org_id: CENTRE,
					p_event: {
						category: 'parent_class',
						title_zh: '家长课堂',
						capacity: 30,
						venue_id: venueId,
						starts_at: at(20, '09:00'),
						ends_at: at(20, '10:00')
					},
					p_weeks: 3
				})
			)) as { occurrences: { week: number; conflict: string | null; clash: unknown }[] };
			expect(dry.occurrences.map((o) => o.conflict)).toEqual([
				null,
				'venue_conflict',
				'venue_conflict'
			]);
			expect(dry.occurrences[0].clash).toBeNull();
			expect(dry.occurrences[1].clash).toMatchObject({
				own: true,
				kind: 'event',
				title_zh: '绘本剧排练',
				title_en: 'Picture-book play rehearsal',
				venue_name_zh: '阅读室'
			});
			const other = dry.occurrences[2].clash as Record<string, unknown>;
			expect(other).toMatchObject({ own: false, kind: 'booking', title_zh: null, title_en: null });
			expect(instant(other.starts_at as string)).toBe(instant(at(34, '09:00')));
			expect(JSON.stringify(other)).not.toContain('四中家长会');
		});

		it('a series can be created and published at once, but only when complete; nothing is created otherwise', async () => {
			const series = {
				p_org_id: CENTRE,
				p_event: {
					category: 'parent_class',
					title_zh: '周六家长课堂',
					capacity: 30,
					address_zh: '社区活动中心',
					starts_at: at(40, '09:00'),
					ends_at: at(40, '10:00')
				},
				p_weeks: 3,
				p_dry_run: false,
				p_publish: true
			};
			const before = await count('select count(*) n from public.events');
			const refused = await staff.rpc('create_event_series', series);
			expect(refused.error?.message).toBe('event_incomplete');
			expect(refused.error?.hint).toBe('summary,description,age_range');
			expect(await count('select count(*) n from public.events')).toBe(before);

			const saved = (await must(
				staff.rpc('create_event_series', {
					...series,
					p_event: { ...series.p_event, ...complete }
				})
			)) as { series_id: string; created: number; published: number };
			expect(saved).toMatchObject({ created: 3, published: 3 });
			expect(
				await count(
					`select count(*) n from public.events where series_id = '${saved.series_id}' and status = 'published'`
				)
			).toBe(3);
		});

		it("another organisation cannot preview or create a series in the centre's name", async () => {
			const refused = await otherStaff.rpc('create_event_series', {
				p_org_id: CENTRE,
				p_event: {
					category: 'parent_class',
					title_zh: '家长课堂',
					capacity: 30,
					venue_id: venueId,
					starts_at: at(20, '09:00'),
					ends_at: at(20, '10:00')
				},
				p_weeks: 3
			});
			expect(refused.error?.message).toBe('not_authorised');
			expect(refused.data).toBeNull();
		});
	});
});
