/**
 * event_page: the event page's reads in one call. For every persona it answers exactly what the
 * separate reads it replaced answer (the event, cover and logo, materials, course, held places,
 * questions, the family, its registration and a kept place), through supabase-js, so RLS decides
 * each part as before; a draft event is nobody's but its organisation's, and nothing of one
 * family reaches another.
 */
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionCourse } from '../../src/lib/server/courses';
import { getEvent } from '../../src/lib/server/events';
import { readEventForm, readEventPage } from '../../src/lib/server/events/page';
import { getFamilyWithMembers } from '../../src/lib/server/families';
import { eventPictureSources } from '../../src/lib/server/pictures/cards';
import { listMaterials } from '../../src/lib/server/pictures/uploads';
import { listQuestions } from '../../src/lib/server/questions';
import { heldPlaceForMe, heldPlacesOpenAt } from '../../src/lib/server/referrals';
import { activeRegistration } from '../../src/lib/server/registrations';
import {
	backendUnderTest,
	createWorld,
	insertEvent,
	row,
	startDomain,
	type Domain,
	type World
} from '../support/personas';

let domain: Domain;
let w: World;
let eventId: string;
let slug: string;
let draftSlug: string;

const personas = [
	'anon',
	'guardianA',
	'guardianB',
	'guardianC',
	'staffA',
	'staffB',
	'admin'
] as const;
type Who = (typeof personas)[number];
const userOf = (who: Who) => (who === 'anon' ? null : w.users[who]);

beforeAll(async () => {
	domain = await startDomain(backendUnderTest);
	w = await createWorld(domain);
	eventId = await insertEvent(domain, w, { capacity: 10 });
	const draftId = await insertEvent(domain, w, { status: 'draft' });
	const slugOf = async (id: string) =>
		(await row<{ slug: string }>(domain, 'select slug from public.events where id = $1', [id]))
			.slug;
	slug = await slugOf(eventId);
	draftSlug = await slugOf(draftId);
	const courseId = randomUUID();
	// Everything the page can show: a cover and a logo, a public and a families-only material, a
	// published course it is a session of, places held back, two questions, and guardianA's
	// registration with a child (made first: a course's sessions take enrolments only).
	const { error } = await w.client.guardianA.rpc('register_family', {
		p_event_id: eventId,
		p_member_ids: [w.childA, w.parentA]
	});
	if (error) throw new Error(`register_family: ${error.message}`);
	await domain.db.exec(`
		insert into public.event_covers (event_id, org_id, object_path, width, height, focal_x)
		values ('${eventId}', '${w.orgA}', '${w.orgA}/${eventId}/cover.jpg', 1600, 900, 0.25);
		insert into public.organisation_logos (org_id, object_path)
		values ('${w.orgA}', '${w.orgA}/logo.png');
		insert into public.event_materials (event_id, org_id, object_path, title, file_name,
			content_type, size_bytes, audience, created_at)
		values
			('${eventId}', '${w.orgA}', '${w.orgA}/${eventId}/a.pdf', '活动须知', 'a.pdf',
				'application/pdf', 1000, 'public', now() - interval '2 minutes'),
			('${eventId}', '${w.orgA}', '${w.orgA}/${eventId}/b.pdf', '家长手册', 'b.pdf',
				'application/pdf', 2000, 'registered', now() - interval '1 minute');
		insert into public.courses (id, org_id, slug, kind, status, title_zh, title_en, capacity,
			sessions_required)
		values ('${courseId}', '${w.orgA}',
			'course-${eventId.slice(0, 8)}', (enum_range(null::public.course_kind))[1], 'published',
			'家长课程', 'Parents'' course', 10, 1);
		insert into public.course_sessions (course_id, event_id)
		values ('${courseId}', '${eventId}');
		insert into public.event_holds (event_id, seats, release_at)
		values ('${eventId}', 2, now() + interval '3 days');
		insert into public.event_questions (event_id, position, kind, scope, required, label_zh)
		values ('${eventId}', 1, 'short_text', 'family', false, '怎么知道活动的？'),
			('${eventId}', 0, 'short_text', 'attendee', false, '过敏情况');
	`);
});

afterAll(async () => {
	await domain?.close();
});

/** What the page read before, request by request, as `who`. */
async function separately(client: SupabaseClient, who: Who, s: string) {
	const event = await getEvent(client, s);
	if (!event) return null;
	const user = userOf(who);
	return {
		event,
		pictures: await eventPictureSources(client, event),
		materials: await listMaterials(client, event.id),
		course: await sessionCourse(client, event.id),
		heldOpenAt: await heldPlacesOpenAt(client, event.id),
		questions: await listQuestions(client, event.id),
		family: user ? await getFamilyWithMembers(client, user.id) : null,
		registration: user ? await activeRegistration(client, event.id) : null,
		held: user ? await heldPlaceForMe(client, event.id) : { available: false }
	};
}

describe(`event_page (${backendUnderTest})`, () => {
	it('answers what the separate reads answer, for every persona', async () => {
		for (const who of personas) {
			const client = w.client[who];
			for (const s of [slug, draftSlug]) {
				const page = await readEventPage(client, s);
				expect(page, `${who} ${s}`).toEqual(await separately(client, who, s));
				// The form post's lighter read: the same event, questions and family.
				expect(await readEventForm(client, s), `${who} ${s} form`).toEqual(
					page && { event: page.event, questions: page.questions, family: page.family }
				);
			}
		}
	});

	it('shows the whole event to the registered family, and its own registration only', async () => {
		const page = await readEventPage(w.client.guardianA, slug);
		expect(page?.pictures).toEqual({
			cover: expect.objectContaining({ object_path: `${w.orgA}/${eventId}/cover.jpg` }),
			logoPath: `${w.orgA}/logo.png`
		});
		expect(page?.materials.map((m) => m.title)).toEqual(['活动须知', '家长手册']);
		expect(page?.course?.title.zh).toBe('家长课程');
		expect(page?.heldOpenAt).not.toBeNull();
		expect(page?.questions.map((q) => q.label_zh)).toEqual(['过敏情况', '怎么知道活动的？']);
		expect(page?.family?.family.id).toBe(w.familyA);
		expect(page?.registration?.status).toBe('confirmed');
		expect(page?.registration?.attendees.map((a) => a.id).sort()).toEqual(
			[w.childA, w.parentA].sort()
		);
	});

	it("gives nobody else a family's registration, members or families-only files", async () => {
		const anon = await readEventPage(w.client.anon, slug);
		expect(anon?.family).toBeNull();
		expect(anon?.registration).toBeNull();
		expect(anon?.materials.map((m) => m.title)).toEqual(['活动须知']);
		const other = await readEventPage(w.client.guardianB, slug);
		expect(other?.family?.family.id).toBe(w.familyB);
		expect(other?.family?.members.map((m) => m.id)).not.toContain(w.childA);
		expect(other?.registration).toBeNull();
		expect(other?.materials.map((m) => m.title)).toEqual(['活动须知']);
		const none = await readEventPage(w.client.guardianC, slug);
		expect(none?.family).toBeNull();
		expect(none?.registration).toBeNull();
	});

	it("keeps a draft to its organisation's staff", async () => {
		for (const who of ['anon', 'guardianA', 'staffB'] as const)
			expect(await readEventPage(w.client[who], draftSlug), who).toBeNull();
		expect((await readEventPage(w.client.staffA, draftSlug))?.event.status).toBe('draft');
		expect(await readEventPage(w.client.anon, 'no-such-event')).toBeNull();
		expect(await readEventPage(w.client.anon, 'Not a slug!')).toBeNull();
	});
});
