/**
 * Lists longer than one response: the API answers at most `[api] max_rows` rows to a request (1000,
 * on Supabase and in the embedded API alike), so the app reads such lists page by page
 * (src/lib/server/paging.ts). An event's attendee list of 1100 families arrives whole, to its staff
 * and to nobody else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSupabaseConfig } from '../../src/lib/server/embedded-supabase/config';
import { maxRowsFromConfig } from '../../src/lib/server/embedded-supabase/limits';
import { PAGE_ROWS } from '../../src/lib/server/paging';
import { eventAttendees } from '../../src/lib/server/staff/events';
import {
	backendUnderTest,
	createWorld,
	insertEvent,
	insertFamilies,
	SUPABASE_DIR,
	startDomain,
	type Domain,
	type World
} from '../support/personas';

const FAMILIES = 1100;

describe('reading a list longer than max_rows', () => {
	let domain: Domain;
	let world: World;
	let eventId: string;

	beforeAll(async () => {
		domain = await startDomain(backendUnderTest);
		world = await createWorld(domain);
		eventId = await insertEvent(domain, world, { capacity: 5000 });
		const families = await insertFamilies(domain, FAMILIES);
		await domain.db.exec(`
			insert into public.registrations (event_id, family_id, status, seats, check_in_code, confirmed_at)
			select '${eventId}', f.id, 'confirmed', 1,
				upper(lpad(to_hex(row_number() over (order by f.id)::int), 6, '0')), now()
			from public.families f
			where f.id in (${families.map((f) => `'${f.familyId}'`).join(', ')});
		`);
	});
	afterAll(async () => {
		await domain?.close();
	});

	it('pages no larger than the max_rows in supabase/config.toml', async () => {
		const config = await readSupabaseConfig(SUPABASE_DIR);
		expect(PAGE_ROWS).toBeLessThanOrEqual(maxRowsFromConfig(config)!);
	});

	it('one request answers max_rows of the attendees; the staff list has every one', async () => {
		const staff = world.client.staffA;
		const single = await staff.rpc('event_attendees', { p_event_id: eventId });
		expect(single.data).toHaveLength(1000);
		const { attendees, error } = await eventAttendees(staff, eventId);
		expect(error).toBeNull();
		expect(attendees).toHaveLength(FAMILIES);
		expect(new Set(attendees.map((a) => a.check_in_code)).size).toBe(FAMILIES);
	});

	it("another organisation's staff gets no attendee of it", async () => {
		const { attendees, error } = await eventAttendees(world.client.staffB, eventId);
		expect(attendees).toEqual([]);
		expect(error).not.toBeNull();
	});
});
