/**
 * Covers, logos and materials through supabase-js's storage client and the tables that point at
 * them: an organisation's staff write into their own organisation's folders only; anyone reads
 * covers and logos; a members-only handout is signed and downloaded by the organisation's staff
 * and the families with a confirmed (or attended) registration, and by nobody else — not anon,
 * not another family, not a waitlisted family, not another organisation's staff.
 */
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverAvailable, type Backend } from '../support/embedded';
import {
	createWorld,
	insertEvent,
	row,
	startDomain,
	type Domain,
	type World
} from '../support/personas';

const server = await serverAvailable();
const backends: Backend[] = server ? ['pglite', 'postgres'] : ['pglite'];

const JPEG = Buffer.from(
	'/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
	'base64'
);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

describe.each(backends)('pictures and materials on %s', (backend) => {
	let domain: Domain;
	let w: World;
	let eventId: string;
	let draftId: string;

	beforeAll(async () => {
		domain = await startDomain(backend);
		w = await createWorld(domain);
		eventId = await insertEvent(domain, w);
		draftId = await insertEvent(domain, w, { status: 'draft' });
	});

	afterAll(async () => {
		await domain?.close();
	});

	async function register(
		family: 'A' | 'B',
		status: 'confirmed' | 'waitlisted' | 'attended',
		event = eventId
	) {
		const id = randomUUID();
		const code = randomUUID().replace(/-/g, '').slice(0, 6).toUpperCase();
		await domain.db.query(
			`insert into public.registrations (id, event_id, family_id, status, seats, check_in_code,
				waitlist_position, waitlist_joined_at, confirmed_at)
			values ($1::uuid, $2::uuid, $3::uuid, $4::public.registration_status, 1, $5,
				case when $4 = 'waitlisted' then 1 end, case when $4 = 'waitlisted' then now() end,
				case when $4 <> 'waitlisted' then now() end)`,
			[id, event, family === 'A' ? w.familyA : w.familyB, status, code]
		);
		return id;
	}

	const upload = (
		client: SupabaseClient,
		bucket: string,
		path: string,
		body: Buffer,
		type: string
	) => client.storage.from(bucket).upload(path, body, { contentType: type });

	describe('covers', () => {
		it("lets staff upload into their own organisation's folder, and nobody else", async () => {
			const path = `${w.orgA}/${eventId}/${randomUUID()}.jpg`;
			expect((await upload(w.client.staffA, 'covers', path, JPEG, 'image/jpeg')).error).toBeNull();
			for (const who of ['staffB', 'guardianA', 'anon'] as const) {
				const other = `${w.orgA}/${eventId}/${who}-${randomUUID()}.jpg`;
				const { error } = await upload(w.client[who], 'covers', other, JPEG, 'image/jpeg');
				expect(error, who).not.toBeNull();
			}
			// Another organisation's staff write in their own folder, not in orgA's.
			const own = `${w.orgB}/${randomUUID()}/${randomUUID()}.jpg`;
			expect((await upload(w.client.staffB, 'covers', own, JPEG, 'image/jpeg')).error).toBeNull();
		});

		it('refuses what is not a picture in the covers bucket', async () => {
			const path = `${w.orgA}/${eventId}/${randomUUID()}.pdf`;
			const { error } = await upload(w.client.staffA, 'covers', path, PDF, 'application/pdf');
			expect(error).not.toBeNull();
		});

		it('lets anyone download a cover from the public bucket', async () => {
			const path = `${w.orgA}/${eventId}/${randomUUID()}.jpg`;
			await upload(w.client.staffA, 'covers', path, JPEG, 'image/jpeg');
			const url = w.client.anon.storage.from('covers').getPublicUrl(path).data.publicUrl;
			const response = await domain.embedded.fetch(new Request(url));
			expect(response.status).toBe(200);
			expect(Buffer.from(await response.arrayBuffer())).toEqual(JPEG);
		});

		it("lets only the organisation's staff point an event at a cover, and records the consent", async () => {
			const path = `${w.orgA}/${eventId}/cover.jpg`;
			const cover = {
				event_id: eventId,
				org_id: w.orgA,
				object_path: path,
				width: 1600,
				height: 900,
				shows_children: true,
				guardians_consent: true
			};
			for (const who of ['staffB', 'guardianA', 'anon'] as const) {
				const { error } = await w.client[who].from('event_covers').insert(cover);
				expect(error, who).not.toBeNull();
			}
			// staffB cannot claim orgA's event for orgB either.
			const claimed = await w.client.staffB
				.from('event_covers')
				.insert({ ...cover, org_id: w.orgB, object_path: `${w.orgB}/${eventId}/x.jpg` });
			expect(claimed.error).not.toBeNull();
			const { error } = await w.client.staffA.from('event_covers').insert(cover);
			expect(error).toBeNull();
			const saved = await row<{ consent_confirmed_by: string; updated_by: string }>(
				domain,
				`select consent_confirmed_by::text, updated_by::text from public.event_covers where event_id = $1`,
				[eventId]
			);
			expect(saved.consent_confirmed_by).toBe(w.users.staffA.id);
			expect(saved.updated_by).toBe(w.users.staffA.id);
		});

		it('lets staff replace a cover, and never move it onto another organisation’s event', async () => {
			const { error } = await w.client.staffA.from('event_covers').upsert({
				event_id: eventId,
				org_id: w.orgA,
				object_path: `${w.orgA}/${eventId}/second.jpg`,
				width: 1920,
				height: 1080,
				focal_x: 0.2,
				focal_y: 0.8,
				shows_children: false,
				guardians_consent: false
			});
			expect(error).toBeNull();
			const saved = await row<{ object_path: string; consent_confirmed_by: string | null }>(
				domain,
				`select object_path, consent_confirmed_by::text from public.event_covers where event_id = $1`,
				[eventId]
			);
			expect(saved).toEqual({
				object_path: `${w.orgA}/${eventId}/second.jpg`,
				consent_confirmed_by: null
			});
			const orgBEvent = await insertEvent(domain, w, { org: w.orgB });
			const moved = await w.client.staffA
				.from('event_covers')
				.update({ event_id: orgBEvent, object_path: `${w.orgA}/${orgBEvent}/x.jpg` })
				.eq('event_id', eventId)
				.select();
			expect(moved.error?.code).toBe('42501');
			const takeOver = await w.client.staffB.from('event_covers').upsert({
				event_id: eventId,
				org_id: w.orgB,
				object_path: `${w.orgB}/${eventId}/x.jpg`,
				width: 1600,
				height: 900
			});
			expect(takeOver.error).not.toBeNull();
		});

		it('refuses a picture of children without the guardians’ consent', async () => {
			const fresh = await insertEvent(domain, w);
			const { error } = await w.client.staffA.from('event_covers').insert({
				event_id: fresh,
				org_id: w.orgA,
				object_path: `${w.orgA}/${fresh}/children.jpg`,
				width: 1600,
				height: 900,
				shows_children: true,
				guardians_consent: false
			});
			expect(error?.code).toBe('23514');
		});

		it('shows the cover of a published event to anyone, of a draft only to its staff', async () => {
			await w.client.staffA.from('event_covers').insert({
				event_id: draftId,
				org_id: w.orgA,
				object_path: `${w.orgA}/${draftId}/draft.jpg`,
				width: 1600,
				height: 900
			});
			const published = await w.client.anon
				.from('event_covers')
				.select('event_id')
				.eq('event_id', eventId);
			expect(published.data).toHaveLength(1);
			for (const who of ['anon', 'guardianA', 'staffB'] as const) {
				const { data } = await w.client[who]
					.from('event_covers')
					.select('event_id')
					.eq('event_id', draftId);
				expect(data, who).toHaveLength(0);
			}
			const own = await w.client.staffA
				.from('event_covers')
				.select('event_id')
				.eq('event_id', draftId);
			expect(own.data).toHaveLength(1);
		});
	});

	describe('logos', () => {
		it("lets staff set their own organisation's logo only", async () => {
			const path = `${w.orgA}/${randomUUID()}.png`;
			const png = Buffer.from(
				'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
				'base64'
			);
			expect((await upload(w.client.staffB, 'logos', path, png, 'image/png')).error).not.toBeNull();
			expect(
				(await upload(w.client.guardianA, 'logos', path, png, 'image/png')).error
			).not.toBeNull();
			expect((await upload(w.client.staffA, 'logos', path, png, 'image/png')).error).toBeNull();
			const denied = await w.client.staffB
				.from('organisation_logos')
				.insert({ org_id: w.orgA, object_path: path });
			expect(denied.error).not.toBeNull();
			const allowed = await w.client.staffA
				.from('organisation_logos')
				.insert({ org_id: w.orgA, object_path: path });
			expect(allowed.error).toBeNull();
			const { data } = await w.client.anon
				.from('organisation_logos')
				.select('object_path')
				.eq('org_id', w.orgA);
			expect(data).toEqual([{ object_path: path }]);
		});
	});

	describe('materials', () => {
		let handout: string;
		let publicSlides: string;
		let otherEvent: string;

		beforeAll(async () => {
			otherEvent = await insertEvent(domain, w);
			handout = `${w.orgA}/${eventId}/${randomUUID()}.pdf`;
			publicSlides = `${w.orgA}/${eventId}/${randomUUID()}.pdf`;
			for (const [path, audience] of [
				[handout, 'registered'],
				[publicSlides, 'public']
			] as const) {
				expect(
					(await upload(w.client.staffA, 'materials', path, PDF, 'application/pdf')).error
				).toBeNull();
				const { error } = await w.client.staffA.from('event_materials').insert({
					event_id: eventId,
					org_id: w.orgA,
					object_path: path,
					title: audience === 'public' ? '课件' : '讲义',
					file_name: 'handout.pdf',
					content_type: 'application/pdf',
					size_bytes: PDF.length,
					audience
				});
				expect(error).toBeNull();
			}
			await register('A', 'confirmed');
			await register('B', 'waitlisted');
			// Family B is confirmed for another event of the same organisation: that gives nothing here.
			await register('B', 'confirmed', otherEvent);
		});

		const sign = (client: SupabaseClient, path: string) =>
			client.storage.from('materials').createSignedUrl(path, 60);

		it('lets the registered family and the staff download a members-only handout', async () => {
			for (const who of ['guardianA', 'staffA'] as const) {
				const { data, error } = await sign(w.client[who], handout);
				expect(error, who).toBeNull();
				const response = await domain.embedded.fetch(new Request(data!.signedUrl));
				expect(response.status, who).toBe(200);
				expect(Buffer.from(await response.arrayBuffer())).toEqual(PDF);
			}
		});

		it('refuses a members-only handout to anon, another family, a waitlisted family and other staff', async () => {
			for (const who of ['anon', 'guardianB', 'guardianC', 'staffB', 'admin'] as const) {
				const signed = await sign(w.client[who], handout);
				expect(signed.error, who).not.toBeNull();
				const download = await w.client[who].storage.from('materials').download(handout);
				expect(download.error, who).not.toBeNull();
				const { data } = await w.client[who]
					.from('event_materials')
					.select('id')
					.eq('object_path', handout);
				expect(data, who).toHaveLength(0);
			}
		});

		it('gives a public material to anyone once the event is published', async () => {
			for (const who of ['anon', 'guardianB', 'staffB'] as const) {
				const { error } = await sign(w.client[who], publicSlides);
				expect(error, who).toBeNull();
			}
		});

		it('lets only the organisation’s staff upload or remove materials', async () => {
			const path = `${w.orgA}/${eventId}/${randomUUID()}.pdf`;
			for (const who of ['staffB', 'guardianA', 'anon'] as const) {
				expect(
					(await upload(w.client[who], 'materials', path, PDF, 'application/pdf')).error,
					who
				).not.toBeNull();
			}
			const removed = await w.client.staffB.storage.from('materials').remove([handout]);
			expect(removed.data ?? []).toHaveLength(0);
			const stillThere = await sign(w.client.staffA, handout);
			expect(stillThere.error).toBeNull();
			const rows = await w.client.guardianA
				.from('event_materials')
				.delete()
				.eq('object_path', handout)
				.select();
			expect(rows.data ?? []).toHaveLength(0);
		});

		it('stops a signed link once it has expired', async () => {
			const { data } = await w.client.guardianA.storage
				.from('materials')
				.createSignedUrl(handout, 1);
			await new Promise((done) => setTimeout(done, 2100));
			const response = await domain.embedded.fetch(new Request(data!.signedUrl));
			expect(response.status).toBeGreaterThanOrEqual(400);
		});

		it('refuses a file type the materials bucket does not take', async () => {
			const path = `${w.orgA}/${eventId}/${randomUUID()}.html`;
			const { error } = await upload(
				w.client.staffA,
				'materials',
				path,
				Buffer.from('<p>x</p>'),
				'text/html'
			);
			expect(error).not.toBeNull();
		});
	});
});
