import { describe, expect, it } from 'vitest';
import { coursePayload, readCourseForm } from '$lib/schemas/course';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';

function form(fields: Record<string, string | string[]>) {
	const data = new FormData();
	for (const [name, value] of Object.entries(fields))
		for (const v of Array.isArray(value) ? value : [value]) data.append(name, v);
	return data;
}

const base = {
	kind: 'grandparents',
	status: 'draft',
	title_zh: ' 隔代教育 ',
	capacity: '20',
	sessions_required: '2',
	event_ids: [A, B, A]
};

describe('the course form', () => {
	it('reads a course with its sessions once each, and an empty window as none', () => {
		const parsed = readCourseForm(form({ ...base, waitlist_enabled: 'on' }));
		expect(parsed.success).toBe(true);
		if (!parsed.success) return;
		expect(parsed.data.event_ids).toEqual([A, B]);
		expect(coursePayload(parsed.data)).toMatchObject({
			title_zh: '隔代教育',
			capacity: 20,
			max_seats_per_family: 2,
			enrol_opens_at: null,
			enrol_closes_at: null,
			waitlist_enabled: true,
			drop_in_enabled: false,
			excused_allowed: 0
		});
	});

	it('gives the enrolment window in Beijing time', () => {
		const parsed = readCourseForm(
			form({
				...base,
				opens_date: '2027-03-01',
				opens_time: '08:00',
				closes_date: '2027-03-10',
				closes_time: '20:00'
			})
		);
		expect(parsed.success && coursePayload(parsed.data)).toMatchObject({
			enrol_opens_at: '2027-03-01T08:00:00+08:00',
			enrol_closes_at: '2027-03-10T20:00:00+08:00'
		});
	});

	const refusal = (fields: Record<string, string | string[]>) => {
		const parsed = readCourseForm(form({ ...base, ...fields }));
		expect(parsed.success).toBe(false);
		return parsed.error?.issues.map((i) => `${String(i.path[0])}:${i.message}`);
	};

	it('refuses what cannot be a course, naming the field', () => {
		expect(refusal({ event_ids: [] })).toContain('event_ids:no_sessions');
		expect(refusal({ sessions_required: '3' })).toContain(
			'sessions_required:sessions_required_too_high'
		);
		expect(refusal({ excused_allowed: '2' })).toContain('excused_allowed:excused_within_rule');
		expect(refusal({ opens_date: '2027-03-01' })).toContain('opens_date:incomplete');
		expect(
			refusal({
				opens_date: '2027-03-10',
				opens_time: '08:00',
				closes_date: '2027-03-01',
				closes_time: '08:00'
			})
		).toContain('closes_date:invalid_window');
		expect(refusal({ event_ids: ['not-an-id'] })?.[0]).toMatch(/^event_ids:/);
		expect(refusal({ kind: 'unknown' })?.[0]).toMatch(/^kind:/);
		expect(refusal({ title_zh: '  ' })?.[0]).toMatch(/^title_zh:/);
		expect(refusal({ capacity: '0' })?.[0]).toMatch(/^capacity:/);
	});
});
