/**
 * English counts agree with their number ("1 event", "2 events"; "1 year old"); Chinese has one
 * form.
 */
import { describe, expect, it } from 'vitest';
import { m } from '../../src/lib/paraglide/messages';

const en = { locale: 'en' } as const;

describe('English plural forms', () => {
	it('one of a thing is singular, two are plural', () => {
		expect(m.staff_event_published({ count: 1 }, en)).toBe('1 event published.');
		expect(m.staff_event_published({ count: 2 }, en)).toBe('2 events published.');
		expect(m.staff_cal_moved_notified({ count: 1 }, en)).toBe(
			'Moved. 1 family is being emailed about the change.'
		);
		expect(m.staff_cal_move_confirm({ count: 3 }, en)).toContain('3 families have registered');
		expect(m.staff_series_save_free({ count: 1 }, en)).toBe('Save only the 1 free week');
		expect(m.staff_attendees_seats({ count: 1 }, en)).toBe('1 person');
		expect(m.promote_places_left({ count: 1 }, en)).toBe('1 place left');
		expect(m.admin_orgs_staff_count({ count: 1 }, en)).toBe('1 staff member');
	});

	it('a sentence with two counts agrees with each', () => {
		const counts = { attended: 0, waitlisted: 2 };
		expect(m.staff_attendees_counts({ families: 1, people: 1, ...counts }, en)).toBe(
			'1 family, 1 person; 0 checked in; 2 waitlisted.'
		);
		expect(m.staff_attendees_counts({ families: 2, people: 5, ...counts }, en)).toBe(
			'2 families, 5 people; 0 checked in; 2 waitlisted.'
		);
		expect(m.staff_checkin_count({ attended: 1, families: 1 }, en)).toBe(
			'1 of 1 family checked in'
		);
	});

	it("a child's age is one year or several", () => {
		expect(m.events_member_age({ age: 1 }, en)).toBe('1 year old');
		expect(m.events_member_age({ age: 7 }, en)).toBe('7 years old');
		expect(m.events_filter_age_option({ age: 1 }, en)).toBe('1 year');
		expect(m.events_age_from({ min: 1 }, en)).toBe('1 year and over');
		expect(m.events_age_to({ max: 1 }, en)).toBe('Up to 1 year');
		expect(m.events_age_to({ max: 6 }, en)).toBe('Up to 6 years');
		expect(m.events_member_age({ age: 1 }, { locale: 'zh-CN' })).toBe('1 岁');
	});

	it('Chinese keeps its single form', () => {
		expect(m.staff_event_published({ count: 1 }, { locale: 'zh-CN' })).toBe('已发布 1 场活动。');
	});
});
