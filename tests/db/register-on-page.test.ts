/**
 * register_on_page: the registration form's post in one call. The family registers when the form's
 * event is the event of the page's slug, exactly as register_family would; anything else is
 * event_not_found with nothing written: another event's slug, an unknown one, a draft's (a family
 * cannot see it, nor can another organisation's staff), and anon may not call it at all. Another
 * family's members stay refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
let otherSlug: string;
let draftId: string;
let draftSlug: string;

const slugOf = async (id: string) =>
	(await row<{ slug: string }>(domain, 'select slug from public.events where id = $1', [id])).slug;

/** Registrations and emails written for an event, so a refusal can be shown to write nothing. */
const written = async (id: string) => {
	const counts = await row<{ registrations: string; emails: string }>(
		domain,
		`select (select count(*) from public.registrations where event_id = $1) as registrations,
			(select count(*) from public.email_outbox where event_id = $1) as emails`,
		[id]
	);
	return { registrations: Number(counts.registrations), emails: Number(counts.emails) };
};

beforeAll(async () => {
	domain = await startDomain(backendUnderTest);
	w = await createWorld(domain);
	eventId = await insertEvent(domain, w, { capacity: 10 });
	slug = await slugOf(eventId);
	otherSlug = await slugOf(await insertEvent(domain, w, { capacity: 10 }));
	draftId = await insertEvent(domain, w, { status: 'draft' });
	draftSlug = await slugOf(draftId);
});

afterAll(async () => {
	await domain?.close();
});

describe(`register_on_page (${backendUnderTest})`, () => {
	it('refuses an event that is not the page’s, an unknown slug and a draft, writing nothing', async () => {
		for (const [pageSlug, id] of [
			[otherSlug, eventId],
			['no-such-event', eventId],
			[draftSlug, draftId]
		]) {
			const { data, error } = await w.client.guardianA.rpc('register_on_page', {
				p_slug: pageSlug,
				p_event_id: id,
				p_member_ids: [w.childA, w.parentA]
			});
			expect(data).toBeNull();
			expect(error?.code).toBe('P0001');
			expect(error?.message).toBe('event_not_found');
		}
		expect(await written(eventId)).toEqual({ registrations: 0, emails: 0 });
		expect(await written(draftId)).toEqual({ registrations: 0, emails: 0 });
	});

	it('another organisation’s staff find nothing in a draft that is not theirs', async () => {
		const { error } = await w.client.staffB.rpc('register_on_page', {
			p_slug: draftSlug,
			p_event_id: draftId,
			p_member_ids: [w.childA]
		});
		expect(error?.message).toBe('event_not_found');
		expect(await written(draftId)).toEqual({ registrations: 0, emails: 0 });
	});

	it('anon may not call it', async () => {
		const { error } = await w.client.anon.rpc('register_on_page', {
			p_slug: slug,
			p_event_id: eventId,
			p_member_ids: [w.childA]
		});
		expect(error?.code).toBe('42501');
		expect(await written(eventId)).toEqual({ registrations: 0, emails: 0 });
	});

	it('another family’s members are refused as register_family refuses them', async () => {
		const { error } = await w.client.guardianB.rpc('register_on_page', {
			p_slug: slug,
			p_event_id: eventId,
			p_member_ids: [w.childA]
		});
		expect(error?.message).toBe('not_family_member');
		expect(await written(eventId)).toEqual({ registrations: 0, emails: 0 });
	});

	it('registers the family on its own event’s page, with its email, once', async () => {
		const { data, error } = await w.client.guardianA.rpc('register_on_page', {
			p_slug: slug,
			p_event_id: eventId,
			p_member_ids: [w.childA, w.parentA],
			p_source: 'poster'
		});
		expect(error).toBeNull();
		expect(data).toMatchObject({ status: 'confirmed', waitlist_position: null });
		const made = await row<{ family_id: string; seats: string; source: string }>(
			domain,
			'select family_id::text, seats::text, source from public.registrations where event_id = $1',
			[eventId]
		);
		expect(made).toEqual({ family_id: w.familyA, seats: '2', source: 'poster' });
		expect(await written(eventId)).toEqual({ registrations: 1, emails: 1 });
		const again = await w.client.guardianA.rpc('register_on_page', {
			p_slug: slug,
			p_event_id: eventId,
			p_member_ids: [w.childA]
		});
		expect(again.error?.message).toBe('already_registered');
		expect(await written(eventId)).toEqual({ registrations: 1, emails: 1 });
	});
});
