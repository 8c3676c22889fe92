/**
 * Parent-school courses through supabase.rpc with the stable codes: saving a course, enrolling and
 * the course waitlist, drop-ins to single sessions, attendance and excused absences, the completion
 * rule, certificates and their verification, reminders for sessions, the district's figures, and
 * who may read what (allow and deny for anon, another family, another organisation's staff and a
 * district administrator).
 */
import type { SupabaseClient } from '@supabase/supabase-js';
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

interface CourseOptions {
	sessions?: number;
	capacity?: number;
	eventCapacity?: number;
	required?: number;
	excused?: number;
	dropIn?: boolean;
	waitlist?: boolean;
	maxSeats?: number;
	hours?: number;
}

/** A published course of orgA with `sessions` weekly sessions from two days ahead; returns ids. */
async function course(o: CourseOptions = {}) {
	const n = o.sessions ?? 8;
	const events: string[] = [];
	for (let i = 0; i < n; i++) {
		events.push(
			await insertEvent(domain, w, {
				capacity: o.eventCapacity ?? o.capacity ?? 10,
				startsInHours: 48 + 24 * 7 * i,
				hours: o.hours ?? 2,
				maxSeats: 4,
				minAge: null,
				maxAge: null,
				category: 'grandparent_class'
			})
		);
	}
	const { data, error } = await w.client.staffA.rpc('save_course', {
		p_org_id: w.orgA,
		p_course: {
			kind: 'grandparents',
			status: 'published',
			title_zh: '隔代教育课程',
			title_en: "Grandparents' course",
			capacity: o.capacity ?? 10,
			max_seats_per_family: o.maxSeats ?? 2,
			waitlist_enabled: o.waitlist ?? true,
			drop_in_enabled: o.dropIn ?? false,
			sessions_required: o.required ?? Math.min(6, n),
			excused_allowed: o.excused ?? 0
		},
		p_event_ids: events
	});
	expect(error).toBeNull();
	return { id: data as string, events };
}

const enrol = (client: SupabaseClient, courseId: string, members: string[]) =>
	client.rpc('enrol_in_course', { p_course_id: courseId, p_member_ids: members });

async function families(count: number) {
	const made = await insertFamilies(domain, count);
	return Promise.all(
		made.map(async (f) => ({ ...f, client: domain.as(await accessToken(f.user)) }))
	);
}

const courseRow = (id: string) =>
	row<{ seats_taken: string; waitlist_count: string }>(
		domain,
		'select seats_taken::text, waitlist_count::text from public.courses where id = $1::uuid',
		[id]
	);

const sessionRegistrations = (courseId: string, familyId: string) =>
	rows<{ event_id: string; status: string; seats: string }>(
		domain,
		`select r.event_id::text, r.status::text, r.seats::text from public.registrations r
		join public.course_sessions s on s.event_id = r.event_id
		where s.course_id = $1::uuid and r.family_id = $2::uuid order by r.event_id`,
		[courseId, familyId]
	);

/** Moves a session `daysAgo` days into the past (time passing), as the owner. */
const pastSession = (eventId: string, daysAgo: number) =>
	domain.db.query(
		`update public.events set starts_at = now() - make_interval(days => $2::int),
			ends_at = now() - make_interval(days => $2::int) + interval '2 hours'
		where id = $1::uuid`,
		[eventId, daysAgo]
	);

/** Checks a family in at a session as the owner would record it at the door. */
const attend = (eventId: string, familyId: string) =>
	domain.db.query(
		`update public.registrations set status = 'attended', checked_in_at = now()
		where event_id = $1::uuid and family_id = $2::uuid and status = 'confirmed'`,
		[eventId, familyId]
	);

const register = (courseId: string, client: SupabaseClient = w.client.staffA) =>
	client.rpc('course_register', { p_course_id: courseId });

describe('save_course', () => {
	it("staff group their own organisation's events into a course; others are refused", async () => {
		const e1 = await insertEvent(domain, w, { capacity: 20 });
		const e2 = await insertEvent(domain, w, { capacity: 20, startsInHours: 300 });
		const body = {
			kind: 'new_parents',
			title_zh: '新手父母课堂',
			capacity: 15,
			sessions_required: 2
		};
		const ok = await w.client.staffA.rpc('save_course', {
			p_org_id: w.orgA,
			p_course: body,
			p_event_ids: [e1, e2]
		});
		expect(ok.error).toBeNull();
		for (const who of ['staffB', 'guardianA', 'admin'] as const) {
			const refused = await w.client[who].rpc('save_course', {
				p_org_id: w.orgA,
				p_course: body,
				p_event_ids: [e1]
			});
			expect(codeOf(refused)).toBe('not_authorised');
		}
		expect(
			codeOf(
				await w.client.anon.rpc('save_course', {
					p_org_id: w.orgA,
					p_course: body,
					p_event_ids: [e1]
				})
			)
		).not.toBeNull();
		const other = await insertEvent(domain, w, { org: w.orgB, capacity: 20 });
		expect(
			codeOf(
				await w.client.staffA.rpc('save_course', {
					p_org_id: w.orgA,
					p_course: body,
					p_event_ids: [other]
				})
			)
		).toBe('session_invalid');
		expect(
			codeOf(
				await w.client.staffA.rpc('save_course', {
					p_org_id: w.orgA,
					p_course: body,
					p_event_ids: [e1]
				})
			)
		).toBe('session_in_other_course');
	});

	it('refuses a session smaller than the course and a rule above the number of sessions', async () => {
		const small = await insertEvent(domain, w, { capacity: 5 });
		const big = await insertEvent(domain, w, { capacity: 50 });
		const save = (capacity: number, required: number, ids: string[]) =>
			w.client.staffA.rpc('save_course', {
				p_org_id: w.orgA,
				p_course: {
					kind: 'teenagers',
					title_zh: '青春期沟通',
					capacity,
					sessions_required: required
				},
				p_event_ids: ids
			});
		expect(codeOf(await save(10, 1, [small, big]))).toBe('session_too_small');
		expect(codeOf(await save(5, 3, [small, big]))).toBe('sessions_required_too_high');
		expect(codeOf(await save(5, 0, [small, big]))).toBe('invalid_input');
		expect((await save(5, 2, [small, big])).error).toBeNull();
	});
});

describe('enrol_in_course', () => {
	it('one enrolment registers the family for every session and queues one email', async () => {
		const c = await course({ sessions: 8, capacity: 10 });
		const result = await enrol(w.client.guardianA, c.id, [w.parentA, w.childA]);
		expect(result.error).toBeNull();
		expect(result.data).toMatchObject({
			status: 'confirmed',
			waitlist_position: null,
			sessions: 8
		});
		const regs = await sessionRegistrations(c.id, w.familyA);
		expect(regs).toHaveLength(8);
		expect(regs.every((r) => r.status === 'confirmed' && r.seats === '2')).toBe(true);
		expect(await courseRow(c.id)).toEqual({ seats_taken: '2', waitlist_count: '0' });
		const mail = await rows<{ kind: string; to_email: string }>(
			domain,
			'select kind, to_email from public.email_outbox where idempotency_key like $1',
			[`%:${result.data.enrolment_id}`]
		);
		expect(mail).toEqual([{ kind: 'course_confirmed', to_email: w.users.guardianA.email }]);
		// No per-session confirmation emails: the enrolment's email lists the sessions.
		const sessionMail = await rows(
			domain,
			`select 1 from public.email_outbox o join public.registrations r on r.id = o.registration_id
			join public.course_sessions s on s.event_id = r.event_id where s.course_id = $1::uuid`,
			[c.id]
		);
		expect(sessionMail).toEqual([]);
		expect(codeOf(await enrol(w.client.guardianA, c.id, [w.toddlerA]))).toBe('already_enrolled');
	});

	it('waitlists in joining order when the course is full, and course_full without a waitlist', async () => {
		const c = await course({ sessions: 3, capacity: 3 });
		const [a, b, d, e] = await families(4);
		expect((await enrol(a.client, c.id, [a.parentId, a.childId])).data.status).toBe('confirmed');
		expect((await enrol(b.client, c.id, [b.parentId, b.childId])).data).toMatchObject({
			status: 'waitlisted',
			waitlist_position: 1,
			sessions: 0
		});
		expect((await enrol(d.client, c.id, [d.parentId])).data.status).toBe('confirmed');
		expect((await enrol(e.client, c.id, [e.parentId])).data).toMatchObject({
			status: 'waitlisted',
			waitlist_position: 2
		});
		expect(await sessionRegistrations(c.id, b.familyId)).toEqual([]);
		expect(await courseRow(c.id)).toEqual({ seats_taken: '3', waitlist_count: '2' });

		const closed = await course({ sessions: 2, capacity: 1, waitlist: false });
		expect((await enrol(a.client, closed.id, [a.parentId])).error).toBeNull();
		expect(codeOf(await enrol(b.client, closed.id, [b.parentId]))).toBe('course_full');
	});

	it('cancelling frees the places in every session ahead and promotes the waitlist in order', async () => {
		const c = await course({ sessions: 4, capacity: 3 });
		const [a, b, d] = await families(3);
		const first = await enrol(a.client, c.id, [a.parentId, a.childId]);
		await enrol(w.client.guardianA, c.id, [w.parentA]);
		// b needs two places, d one: when a's two places free up, b (first in line) takes both.
		await enrol(b.client, c.id, [b.parentId, b.childId]);
		await enrol(d.client, c.id, [d.parentId]);
		const cancelled = await a.client.rpc('cancel_course_enrolment', {
			p_enrolment_id: first.data.enrolment_id
		});
		expect(cancelled.data).toMatchObject({ status: 'cancelled', was: 'confirmed', promoted: 1 });
		expect(
			(await sessionRegistrations(c.id, a.familyId)).every((r) => r.status === 'cancelled')
		).toBe(true);
		expect(await sessionRegistrations(c.id, b.familyId)).toHaveLength(4);
		expect(await sessionRegistrations(c.id, d.familyId)).toEqual([]);
		const promoted = await rows<{ kind: string }>(
			domain,
			`select o.kind from public.email_outbox o where o.to_email = $1`,
			[b.user.email]
		);
		expect(promoted.map((p) => p.kind).sort()).toEqual(['course_promoted', 'course_waitlisted']);
		expect(await courseRow(c.id)).toEqual({ seats_taken: '3', waitlist_count: '1' });
		const staffCancel = await w.client.staffB.rpc('cancel_course_enrolment', {
			p_enrolment_id: first.data.enrolment_id
		});
		expect(codeOf(staffCancel)).toBe('not_authorised');
	});

	it('refuses before the window opens and after the first session starts', async () => {
		const c = await course({ sessions: 2 });
		await domain.db.query(
			`update public.courses set enrol_opens_at = now() + interval '1 hour' where id = $1::uuid`,
			[c.id]
		);
		expect(codeOf(await enrol(w.client.guardianB, c.id, [w.parentB]))).toBe('enrolment_not_open');
		await domain.db.query(
			`update public.courses set enrol_opens_at = null, enrol_closes_at = null where id = $1::uuid`,
			[c.id]
		);
		await pastSession(c.events[0], 0);
		expect(codeOf(await enrol(w.client.guardianB, c.id, [w.parentB]))).toBe('enrolment_closed');
		expect(codeOf(await enrol(w.client.anon, c.id, [w.parentB]))).not.toBeNull();
		expect(codeOf(await enrol(w.client.guardianA, c.id, [w.parentB]))).toBe('not_family_member');
	});
});

describe('drop-ins', () => {
	const dropIn = (client: SupabaseClient, eventId: string, members: string[]) =>
		client.rpc('register_family', { p_event_id: eventId, p_member_ids: members });

	it('a session of a course without drop-ins cannot be registered for alone', async () => {
		const c = await course({ sessions: 2, capacity: 5 });
		expect(codeOf(await dropIn(w.client.guardianB, c.events[0], [w.parentB]))).toBe(
			'course_enrolment_required'
		);
	});

	it('drop-ins take only places the course does not hold, so enrolled families always fit', async () => {
		// Rooms of 6 for a course of 4: two places per session for drop-ins until the course fills.
		const c = await course({ sessions: 2, capacity: 4, eventCapacity: 6, dropIn: true });
		const [a, b, d, e] = await families(4);
		expect((await dropIn(a.client, c.events[0], [a.parentId, a.childId])).data.status).toBe(
			'confirmed'
		);
		expect(codeOf(await dropIn(b.client, c.events[0], [b.parentId]))).toBe('session_full');
		const places = await w.client.anon.rpc('course_drop_in_places', { p_event_id: c.events[0] });
		expect(places.data).toBe(0);
		// The four course places are still there for families who enrol.
		expect((await enrol(b.client, c.id, [b.parentId, b.childId])).data.sessions).toBe(2);
		expect((await enrol(d.client, c.id, [d.parentId, d.childId])).data.sessions).toBe(2);
		expect(codeOf(await dropIn(e.client, c.events[1], [e.parentId, e.childId]))).toBe(null);
		expect(codeOf(await dropIn(w.client.guardianB, c.events[1], [w.parentB]))).toBe('session_full');
		const seats = await rows<{ seats_taken: string; capacity: string }>(
			domain,
			'select seats_taken::text, capacity::text from public.events where id = any($1::uuid[])',
			[c.events]
		);
		expect(seats.every((s) => Number(s.seats_taken) <= Number(s.capacity))).toBe(true);
	});
});

describe('attendance, excused absences and completion', () => {
	it('counts check-ins per member; completes at exactly the rule, not one session fewer', async () => {
		const c = await course({ sessions: 8, capacity: 10, required: 6 });
		const [a, b] = await families(2);
		await enrol(a.client, c.id, [a.parentId, a.childId]);
		await enrol(b.client, c.id, [b.parentId]);
		for (let i = 0; i < 8; i++) await pastSession(c.events[i], 60 - i * 7);
		for (let i = 0; i < 6; i++) await attend(c.events[i], a.familyId);
		for (let i = 0; i < 5; i++) await attend(c.events[i], b.familyId);
		const { data, error } = await register(c.id);
		expect(error).toBeNull();
		const list = data as { member_id: string; cells: Record<string, string> }[];
		const byMember = new Map(list.map((r) => [r.member_id, r]));
		const cells = (id: string) => byMember.get(id)!.cells;
		expect(byMember.get(a.parentId)).toMatchObject({
			attended: 6,
			completed: true,
			hours: 12,
			enrolled: true
		});
		expect(byMember.get(a.childId)).toMatchObject({ attended: 6, completed: true });
		expect(byMember.get(b.parentId)).toMatchObject({ attended: 5, completed: false });
		expect(cells(b.parentId)[c.events[5]]).toBe('absent');
		expect(cells(b.parentId)[c.events[0]]).toBe('attended');
		// The register names no contact details.
		expect(JSON.stringify(data)).not.toMatch(/@|phone|email/);
	});

	it('a member left at home is not counted when the family is checked in', async () => {
		const c = await course({ sessions: 2, required: 2 });
		const [a] = await families(1);
		await enrol(a.client, c.id, [a.parentId]);
		await pastSession(c.events[0], 14);
		await pastSession(c.events[1], 7);
		await attend(c.events[0], a.familyId);
		await attend(c.events[1], a.familyId);
		const { data } = await register(c.id);
		expect(data.map((r: { member_id: string }) => r.member_id)).toEqual([a.parentId]);
	});

	it('excused absences count up to the allowance, and an attended session cannot be excused', async () => {
		const c = await course({ sessions: 8, required: 6, excused: 1 });
		const [a, b] = await families(2);
		await enrol(a.client, c.id, [a.parentId]);
		await enrol(b.client, c.id, [b.parentId]);
		for (let i = 0; i < 8; i++) await pastSession(c.events[i], 60 - i * 7);
		for (let i = 0; i < 5; i++) {
			await attend(c.events[i], a.familyId);
			await attend(c.events[i], b.familyId);
		}
		const excuse = (eventId: string, memberId: string, excused = true) =>
			w.client.staffA.rpc('set_excused_absence', {
				p_event_id: eventId,
				p_member_id: memberId,
				p_excused: excused,
				p_reason: '住院'
			});
		expect((await excuse(c.events[5], a.parentId)).error).toBeNull();
		// Two excused for b, but only one counts.
		await excuse(c.events[5], b.parentId);
		await excuse(c.events[6], b.parentId);
		expect(codeOf(await excuse(c.events[0], a.parentId))).toBe('already_attended');
		expect(
			codeOf(
				await w.client.staffB.rpc('set_excused_absence', {
					p_event_id: c.events[6],
					p_member_id: a.parentId,
					p_excused: true
				})
			)
		).toBe('not_authorised');
		expect(codeOf(await excuse(c.events[6], w.parentB))).toBe('not_in_course');
		let { data } = await register(c.id);
		const get = (id: string) => data.find((r: { member_id: string }) => r.member_id === id);
		expect(get(a.parentId)).toMatchObject({ attended: 5, excused: 1, completed: true });
		expect(get(a.parentId).cells[c.events[5]]).toBe('excused');
		expect(get(b.parentId)).toMatchObject({ attended: 5, excused: 2, completed: true });
		await excuse(c.events[5], a.parentId, false);
		({ data } = await register(c.id));
		expect(get(a.parentId)).toMatchObject({ attended: 5, excused: 0, completed: false });
		// Without an allowance, excused absences are shown but do not count.
		const strict = await course({ sessions: 2, required: 2, excused: 0 });
		await enrol(a.client, strict.id, [a.parentId]);
		await pastSession(strict.events[0], 14);
		await pastSession(strict.events[1], 7);
		await attend(strict.events[0], a.familyId);
		await excuse(strict.events[1], a.parentId);
		const strictRegister = (await register(strict.id)).data;
		expect(strictRegister[0]).toMatchObject({ attended: 1, excused: 1, completed: false });
	});

	it('a cancelled session is not in the register and attendance there does not count', async () => {
		const c = await course({ sessions: 3, required: 2 });
		const [a] = await families(1);
		await enrol(a.client, c.id, [a.parentId]);
		await pastSession(c.events[0], 14);
		await pastSession(c.events[1], 7);
		await attend(c.events[0], a.familyId);
		await attend(c.events[1], a.familyId);
		await domain.db.query(`update public.events set status = 'cancelled' where id = $1::uuid`, [
			c.events[1]
		]);
		const { data } = await register(c.id);
		expect(data[0]).toMatchObject({ attended: 1, completed: false });
		expect(Object.keys(data[0].cells).sort()).toEqual([c.events[0], c.events[2]].sort());
	});

	it('the door check-in of a session shows in the register', async () => {
		const c = await course({ sessions: 2, required: 1 });
		const [a] = await families(1);
		await enrol(a.client, c.id, [a.parentId, a.childId]);
		await pastSession(c.events[0], 0);
		const code = await row<{ check_in_code: string }>(
			domain,
			'select check_in_code from public.registrations where event_id = $1::uuid and family_id = $2::uuid',
			[c.events[0], a.familyId]
		);
		const checked = await w.client.staffA.rpc('check_in_at_event', {
			p_event_id: c.events[0],
			p_code: code.check_in_code
		});
		expect(checked.error).toBeNull();
		const { data } = await register(c.id);
		expect(
			data.every((r: { attended: number; completed: boolean }) => r.attended === 1 && r.completed)
		).toBe(true);
	});

	it('only the course staff and district administrators read the register', async () => {
		const c = await course({ sessions: 1, required: 1 });
		expect((await register(c.id, w.client.admin)).error).toBeNull();
		for (const who of ['staffB', 'guardianA', 'guardianB'] as const) {
			expect(codeOf(await register(c.id, w.client[who]))).toBe('not_authorised');
		}
		expect(codeOf(await register(c.id, w.client.anon))).not.toBeNull();
	});
});

describe('certificates', () => {
	async function completedCourse() {
		const c = await course({ sessions: 3, required: 2 });
		const [a, b] = await families(2);
		await enrol(a.client, c.id, [a.parentId, a.childId]);
		await enrol(b.client, c.id, [b.parentId]);
		for (let i = 0; i < 3; i++) await pastSession(c.events[i], 30 - i * 7);
		await attend(c.events[0], a.familyId);
		await attend(c.events[1], a.familyId);
		await attend(c.events[0], b.familyId);
		return { c, a, b };
	}

	it('go to completing members only, once, with unique serials and one email each', async () => {
		const { c, a, b } = await completedCourse();
		expect(
			codeOf(await w.client.staffB.rpc('issue_course_certificates', { p_course_id: c.id }))
		).toBe('not_authorised');
		expect(codeOf(await a.client.rpc('issue_course_certificates', { p_course_id: c.id }))).toBe(
			'not_authorised'
		);
		const issued = await w.client.staffA.rpc('issue_course_certificates', { p_course_id: c.id });
		expect(issued.data).toEqual({ issued: 2 });
		expect(
			(await w.client.staffA.rpc('issue_course_certificates', { p_course_id: c.id })).data
		).toEqual({ issued: 0 });
		const certs = await rows<{ member_id: string; serial: string; hours: string }>(
			domain,
			'select member_id::text, serial, hours::text from public.course_certificates where course_id = $1::uuid',
			[c.id]
		);
		expect(certs.map((x) => x.member_id).sort()).toEqual([a.parentId, a.childId].sort());
		expect(new Set(certs.map((x) => x.serial)).size).toBe(2);
		expect(
			certs.every((x) => /^GY\d{2}(-[0-9A-F]{4}){5}$/.test(x.serial) && x.hours === '4.0')
		).toBe(true);
		const mail = await rows<{ to_email: string }>(
			domain,
			`select to_email from public.email_outbox where kind = 'course_certificate' and payload->'course'->>'id' = $1`,
			[c.id]
		);
		expect(mail).toEqual([{ to_email: a.user.email }, { to_email: a.user.email }]);
		// The family reads its own certificates; another family and another organisation do not.
		expect(
			(await a.client.from('course_certificates').select('serial').eq('course_id', c.id)).data
		).toHaveLength(2);
		expect(
			(await b.client.from('course_certificates').select('serial').eq('course_id', c.id)).data
		).toEqual([]);
		expect(
			(await w.client.staffB.from('course_certificates').select('serial').eq('course_id', c.id))
				.data
		).toEqual([]);
		expect(
			(await w.client.staffA.from('course_certificates').select('serial').eq('course_id', c.id))
				.data
		).toHaveLength(2);
		expect(
			(await w.client.admin.from('course_certificates').select('serial').eq('course_id', c.id)).data
		).toHaveLength(2);
		expect((await w.client.anon.from('course_certificates').select('serial')).error).not.toBeNull();
	});

	it('verify (through the app, per client address) with only validity, course and initials; a changed serial is refused', async () => {
		const { c, a } = await completedCourse();
		await w.client.staffA.rpc('issue_course_certificates', { p_course_id: c.id });
		const { serial } = await row<{ serial: string }>(
			domain,
			'select serial from public.course_certificates where course_id = $1::uuid and member_id = $2::uuid',
			[c.id, a.parentId]
		);
		const verify = (p_serial: string) =>
			domain.admin().rpc('verify_certificate_from', { p_serial, p_client: `t-${c.id}` });
		// Clients call it only through the app, which names the visitor's address.
		for (const client of [w.client.anon, a.client, w.client.staffA]) {
			expect((await client.rpc('verify_certificate', { p_serial: serial })).error).not.toBeNull();
			expect(
				(await client.rpc('verify_certificate_from', { p_serial: serial, p_client: 'x' })).data
			).toBeNull();
		}
		const ok = await verify(serial.toLowerCase());
		expect(ok.data).toEqual({
			valid: true,
			course_zh: '隔代教育课程',
			course_en: "Grandparents' course",
			organisation_zh: '测试活动中心',
			organisation_en: 'Test Centre',
			initials: '家*'
		});
		const last = serial.at(-1)!;
		const tampered = serial.slice(0, -1) + (last === 'A' ? 'B' : 'A');
		expect((await verify(tampered)).data).toEqual({
			valid: false
		});
		for (const junk of ['', 'GY26', `${serial}0`, "GY26-' or 1=1 --", serial.replace('GY', 'XX')]) {
			expect((await verify(junk)).data).toEqual({
				valid: false
			});
		}
		await domain.db.query(
			'update public.course_certificates set revoked_at = now() where serial = $1',
			[serial]
		);
		expect((await verify(serial)).data).toEqual({
			valid: false
		});
	});

	it('one client address gets 30 lookups per ten minutes, then none; another address still gets its own', async () => {
		const { c } = await completedCourse();
		await w.client.staffA.rpc('issue_course_certificates', { p_course_id: c.id });
		const { serial } = await row<{ serial: string }>(
			domain,
			'select serial from public.course_certificates where course_id = $1::uuid limit 1',
			[c.id]
		);
		const from = (p_client: string) =>
			domain.admin().rpc('verify_certificate_from', { p_serial: serial, p_client });
		const address = `203.0.113.${Math.floor(Math.random() * 200)}-${c.id.slice(0, 8)}`;
		for (let i = 0; i < 30; i++) expect((await from(address)).data.valid).toBe(true);
		expect((await from(address)).data).toEqual({ valid: false, limited: true });
		expect((await from(`other-${c.id.slice(0, 8)}`)).data.valid).toBe(true);
		const { lookups } = await row<{ lookups: number }>(
			domain,
			`select sum(attempts) as lookups from private.client_attempts
				where kind = 'certificate_lookup' and client = $1`,
			[address]
		);
		expect(Number(lookups)).toBe(31);
	});

	it('initials keep only the first letters of a name', async () => {
		const { initials } = await row<{ initials: string }>(
			domain,
			`select private.initials('Grandma Li') || ' ' || private.initials('王小明') as initials`
		);
		expect(initials).toBe('G. L. 王**');
	});
});

describe('reminders for sessions', () => {
	it('one reminder per session a family is registered for, however often the scheduler runs', async () => {
		const c = await course({ sessions: 3 });
		const [a] = await families(1);
		await enrol(a.client, c.id, [a.parentId, a.childId]);
		// The first session is 48 hours ahead: run the scheduler as if 30 hours had passed.
		const at = new Date(Date.now() + 30 * 3600_000).toISOString();
		await domain.admin().rpc('enqueue_due_reminders', { p_now: at });
		await domain.admin().rpc('enqueue_due_reminders', { p_now: at });
		const sent = await rows<{ kind: string; event_id: string }>(
			domain,
			`select kind, event_id::text from public.email_outbox where to_email = $1 and kind like 'reminder%'`,
			[a.user.email]
		);
		expect(sent).toEqual([{ kind: 'reminder_24h', event_id: c.events[0] }]);
	});
});

describe('reading courses', () => {
	it('anyone reads published courses and their sessions; drafts only their staff', async () => {
		const e = await insertEvent(domain, w, { capacity: 10, status: 'draft' });
		const draft = await w.client.staffA.rpc('save_course', {
			p_org_id: w.orgA,
			p_course: { kind: 'other', title_zh: '草稿课程', capacity: 5, sessions_required: 1 },
			p_event_ids: [e]
		});
		expect(draft.error).toBeNull();
		const slug = (
			await row<{ slug: string }>(domain, 'select slug from public.courses where id = $1::uuid', [
				draft.data
			])
		).slug;
		expect((await w.client.anon.rpc('course_details', { p_slug: slug })).data).toBeNull();
		expect((await w.client.staffB.rpc('course_details', { p_slug: slug })).data).toBeNull();
		expect((await w.client.staffA.rpc('course_details', { p_slug: slug })).data).toMatchObject({
			status: 'draft'
		});
		expect((await w.client.anon.from('courses').select('id').eq('id', draft.data)).data).toEqual(
			[]
		);
		expect(
			(await w.client.admin.from('courses').select('id').eq('id', draft.data)).data
		).toHaveLength(1);
		expect(
			codeOf(
				await w.client.staffA.rpc('save_course', {
					p_org_id: w.orgA,
					p_course: {
						kind: 'other',
						title_zh: '草稿课程',
						capacity: 5,
						sessions_required: 1,
						status: 'published'
					},
					p_event_ids: [e],
					p_id: draft.data
				})
			)
		).toBe('sessions_not_published');

		const c = await course({ sessions: 2 });
		const pub = await row<{ slug: string }>(
			domain,
			'select slug from public.courses where id = $1::uuid',
			[c.id]
		);
		const details = await w.client.anon.rpc('course_details', { p_slug: pub.slug });
		expect(details.data).toMatchObject({
			title_zh: '隔代教育课程',
			enrolment_open: true,
			my_enrolment: null
		});
		expect(details.data.sessions).toHaveLength(2);
		expect(
			(await w.client.anon.from('course_sessions').select('event_id').eq('course_id', c.id)).data
		).toHaveLength(2);
	});

	it("enrolments: a family reads its own, the course's staff theirs, nobody else", async () => {
		const c = await course({ sessions: 1 });
		await enrol(w.client.guardianA, c.id, [w.parentA]);
		const read = (client: SupabaseClient) =>
			client.from('course_enrolments').select('family_id').eq('course_id', c.id);
		expect((await read(w.client.guardianA)).data).toEqual([{ family_id: w.familyA }]);
		expect((await read(w.client.guardianB)).data).toEqual([]);
		expect((await read(w.client.staffA)).data).toHaveLength(1);
		expect((await read(w.client.staffB)).data).toEqual([]);
		expect((await read(w.client.admin)).data).toHaveLength(1);
		expect((await read(w.client.anon)).error).not.toBeNull();
		const members = (client: SupabaseClient) =>
			client.from('course_enrolment_members').select('member_id');
		expect((await members(w.client.guardianA)).data?.map((m) => m.member_id)).toContain(w.parentA);
		expect((await members(w.client.guardianB)).data?.map((m) => m.member_id)).not.toContain(
			w.parentA
		);
		const mine = await w.client.guardianA.rpc('my_courses');
		expect(mine.data.find((x: { course: { id: string } }) => x.course.id === c.id)).toMatchObject({
			status: 'confirmed',
			members: [{ nickname: '妈妈', attended: 0, completed: false }]
		});
		const theirs = await w.client.guardianB.rpc('my_courses');
		expect(
			theirs.data.find((x: { course: { id: string } }) => x.course.id === c.id)
		).toBeUndefined();
	});

	it('excused absences: the family and the course staff read them, others do not', async () => {
		const c = await course({ sessions: 2, required: 1 });
		await enrol(w.client.guardianB, c.id, [w.parentB]);
		await w.client.staffA.rpc('set_excused_absence', {
			p_event_id: c.events[1],
			p_member_id: w.parentB,
			p_excused: true
		});
		const read = (client: SupabaseClient) =>
			client.from('course_excused_absences').select('member_id').eq('event_id', c.events[1]);
		expect((await read(w.client.guardianB)).data).toHaveLength(1);
		expect((await read(w.client.staffA)).data).toHaveLength(1);
		expect((await read(w.client.guardianA)).data).toEqual([]);
		expect((await read(w.client.staffB)).data).toEqual([]);
	});
});

describe('district_course_figures', () => {
	it('counts courses, enrolments and completion per organisation and kind, for administrators only', async () => {
		const c = await course({ sessions: 2, required: 1, capacity: 6 });
		const [a, b] = await families(2);
		await enrol(a.client, c.id, [a.parentId, a.childId]);
		await enrol(b.client, c.id, [b.parentId]);
		await pastSession(c.events[0], 7);
		await pastSession(c.events[1], 1);
		await attend(c.events[0], a.familyId);
		const from = new Date(Date.now() - 8 * 86_400_000).toISOString();
		const to = new Date(Date.now() - 6 * 86_400_000).toISOString();
		const { data, error } = await w.client.admin.rpc('district_course_figures', {
			p_from: from,
			p_to: to
		});
		expect(error).toBeNull();
		const mine = data.filter((r: { org_id: string }) => r.org_id === w.orgA);
		expect(mine).toEqual([
			expect.objectContaining({
				course_kind: 'grandparents',
				courses_held: 1,
				courses_running: 0,
				families_enrolled: 2,
				people_enrolled: 3,
				people_completed: 2,
				completion_rate: 0.667
			})
		]);
		for (const who of ['staffA', 'guardianA'] as const) {
			expect(
				codeOf(await w.client[who].rpc('district_course_figures', { p_from: from, p_to: to }))
			).toBe('not_authorised');
		}
	});
});
