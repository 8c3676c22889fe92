/**
 * The parents' pure logic: how a description is split into safe blocks, how the event list reads
 * its address bar, children's ages on the event day, the forms' checks, and the .ics file.
 */
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { memberSchema, profileSchema, readMemberForm } from '../../src/lib/schemas/family';
import { ageAt, ageFits, readRegisterForm } from '../../src/lib/schemas/registration';
import type { EventDetails } from '../../src/lib/server/events';
import { eventIcs } from '../../src/lib/server/events/calendar';
import { parseDescription } from '../../src/lib/server/events/description';
import { monthView } from '../../src/lib/server/events/display';
import { registrationWindow } from '../../src/lib/server/events';
import {
	listHref,
	monthRange,
	parseListQuery,
	shiftMonth,
	toFilters
} from '../../src/lib/server/events/query';

describe('event descriptions', () => {
	it('splits paragraphs on blank lines and keeps single line breaks', () => {
		expect(parseDescription('第一段\n第二行\n\n第二段')).toEqual([
			{ kind: 'paragraph', lines: ['第一段', '第二行'] },
			{ kind: 'paragraph', lines: ['第二段'] }
		]);
	});

	it('turns dashes and numbers into simple lists', () => {
		expect(parseDescription('带上：\n- 水杯\n• 帽子\n1. 签到\n2、入场')).toEqual([
			{ kind: 'paragraph', lines: ['带上：'] },
			{ kind: 'bullets', items: ['水杯', '帽子'] },
			{ kind: 'numbers', items: ['签到', '入场'] }
		]);
	});

	it('keeps HTML as text, for the page to escape', () => {
		const blocks = parseDescription('<script>alert(1)</script>\n- <b>x</b>');
		expect(blocks).toEqual([
			{ kind: 'paragraph', lines: ['<script>alert(1)</script>'] },
			{ kind: 'bullets', items: ['<b>x</b>'] }
		]);
	});

	it('gives nothing for an empty description', () => {
		expect(parseDescription('  \n\r\n ')).toEqual([]);
	});
});

describe('the event list address bar', () => {
	const now = new Date('2026-11-29T10:00:00+08:00');
	const parse = (search: string) => parseListQuery(new URLSearchParams(search), now);

	it('reads every filter', () => {
		const query = parse(
			'q=%E7%BB%98%E6%9C%AC&category=sports_day&org=0F8FAD5B-D9CB-469F-A165-70867728950E&age=7&from=2026-12-01&to=2026-12-31&page=2'
		);
		expect(query).toMatchObject({
			q: '绘本',
			category: 'sports_day',
			org: '0f8fad5b-d9cb-469f-a165-70867728950e',
			age: 7,
			from: '2026-12-01',
			to: '2026-12-31',
			page: 2,
			view: 'list',
			month: '2026-11'
		});
	});

	it('ignores what does not parse, instead of failing', () => {
		expect(
			parse('category=bogus&org=1;drop&age=99&from=2026-02-30&page=-3&month=2026-13&view=x')
		).toMatchObject({
			category: null,
			org: null,
			age: null,
			from: null,
			page: 1,
			view: 'list',
			month: '2026-11'
		});
	});

	it('drops LIKE wildcards from a search and swaps a reversed date range', () => {
		expect(parse('q=%25100%5F*').q).toBe('100');
		expect(parse('from=2026-12-31&to=2026-12-01')).toMatchObject({
			from: '2026-12-01',
			to: '2026-12-31'
		});
	});

	it('counts dates and months in Beijing time, the end date inclusive', () => {
		const filters = toFilters(parse('from=2026-12-01&to=2026-12-01'));
		expect(filters.from?.toISOString()).toBe('2026-11-30T16:00:00.000Z');
		expect(filters.to?.toISOString()).toBe('2026-12-01T16:00:00.000Z');
		const december = monthRange('2026-12');
		expect(december.from.toISOString()).toBe('2026-11-30T16:00:00.000Z');
		expect(december.to.toISOString()).toBe('2026-12-31T16:00:00.000Z');
		expect(shiftMonth('2026-12', 1)).toBe('2027-01');
		expect(shiftMonth('2026-01', -1)).toBe('2025-12');
	});

	it('builds links that keep the filters', () => {
		const query = parse('q=阅读&age=7&page=3');
		expect(listHref(query, { page: 4 })).toBe('?q=%E9%98%85%E8%AF%BB&age=7&page=4');
		expect(listHref(query, { view: 'calendar' })).toBe(
			'?q=%E9%98%85%E8%AF%BB&age=7&view=calendar&month=2026-11'
		);
		expect(listHref(parse(''), { page: 1 })).toBe('?');
	});
});

describe("a child's age on the event day", () => {
	it('counts whole years on the Beijing date of the start, like SQL private.age_at', () => {
		// 2026-12-31 23:30 in Beijing is still December: a child born in January 2019 is 7.
		expect(ageAt('2019-01-01', '2026-12-31T15:30:00Z')).toBe(7);
		// Half an hour later it is 1 January 2027 in Beijing: 8.
		expect(ageAt('2019-01', '2026-12-31T16:30:00Z')).toBe(8);
		expect(ageAt('2019-03', '2027-02-28T02:00:00Z')).toBe(7);
		expect(ageAt('2019-03', '2027-03-01T02:00:00Z')).toBe(8);
	});

	it('checks a range with open ends', () => {
		expect(ageFits(7, 6, 9)).toBe(true);
		expect(ageFits(10, 6, 9)).toBe(false);
		expect(ageFits(2, null, 3)).toBe(true);
		expect(ageFits(40, null, null)).toBe(true);
	});
});

describe('registration window', () => {
	const base = {
		status: 'published' as const,
		startsAt: '2026-12-10T01:00:00Z',
		registrationOpensAt: '2026-12-01T00:00:00Z',
		registrationClosesAt: '2026-12-09T00:00:00Z'
	};
	it('is not open before it opens, open in between, and closed from the close or the start', () => {
		expect(registrationWindow(base, new Date('2026-11-30T00:00:00Z'))).toBe('not_open');
		expect(registrationWindow(base, new Date('2026-12-05T00:00:00Z'))).toBe('open');
		expect(registrationWindow(base, new Date('2026-12-09T00:00:00Z'))).toBe('closed');
		expect(
			registrationWindow({ ...base, registrationClosesAt: null }, new Date('2026-12-10T01:00:00Z'))
		).toBe('closed');
		expect(
			registrationWindow({ ...base, status: 'cancelled' }, new Date('2026-12-05T00:00:00Z'))
		).toBe('closed');
	});
});

describe('forms', () => {
	it('reads the register form: repeated member boxes, a valid channel tag, or none', () => {
		const a = '0f8fad5b-d9cb-469f-a165-70867728950e';
		const b = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
		const form = new FormData();
		form.set('event_id', a);
		form.append('member', b);
		form.append('member', b);
		form.set('src', 'WeChat');
		const parsed = readRegisterForm(form);
		expect(parsed.success && parsed.data).toEqual({ event_id: a, member_ids: [b], src: 'wechat' });
		form.set('src', 'no spaces allowed');
		const odd = readRegisterForm(form);
		expect(odd.success && odd.data.src).toBeNull();
		const none = new FormData();
		none.set('event_id', a);
		expect(readRegisterForm(none).success).toBe(false);
	});

	it('needs a child’s birth year and month, and an adult’s both or neither', () => {
		const child = {
			id: null,
			kind: 'child',
			nickname: '乐乐',
			birth_year: null,
			birth_month: null,
			grade: '',
			notes: ''
		};
		expect(memberSchema.safeParse(child).success).toBe(false);
		expect(memberSchema.safeParse({ ...child, birth_year: 2019, birth_month: 3 }).success).toBe(
			true
		);
		expect(memberSchema.safeParse({ ...child, kind: 'grandparent' }).success).toBe(true);
		expect(memberSchema.safeParse({ ...child, kind: 'parent', birth_year: 1980 }).success).toBe(
			false
		);
		expect(memberSchema.safeParse({ ...child, nickname: ' ' }).success).toBe(false);
		expect(memberSchema.safeParse({ ...child, kind: 'uncle' }).success).toBe(false);
	});

	it('reads the member form with blanks as nothing', () => {
		const form = new FormData();
		form.set('kind', 'child');
		form.set('nickname', '  朵朵 ');
		form.set('birth_year', '2021');
		form.set('birth_month', '5');
		form.set('grade', '');
		form.set('notes', '花生过敏');
		const parsed = readMemberForm(form);
		expect(parsed.success && parsed.data).toEqual({
			id: null,
			kind: 'child',
			nickname: '朵朵',
			birth_year: 2021,
			birth_month: 5,
			grade: null,
			notes: '花生过敏'
		});
	});

	it('accepts a guardian name and an optional phone number as families allows', () => {
		expect(
			profileSchema.safeParse({ guardian_name: '王芳', phone: '', locale: 'zh-CN' }).success
		).toBe(true);
		expect(
			profileSchema.safeParse({ guardian_name: '王芳', phone: '+86 138-0000-0001', locale: 'en' })
				.success
		).toBe(true);
		expect(
			profileSchema.safeParse({ guardian_name: '王芳', phone: 'call me', locale: 'zh-CN' }).success
		).toBe(false);
		expect(profileSchema.safeParse({ guardian_name: '', phone: '', locale: 'zh-CN' }).success).toBe(
			false
		);
		expect(
			profileSchema.safeParse({ guardian_name: '王芳', phone: '', locale: 'fr' }).success
		).toBe(false);
	});
});

describe('the .ics file', () => {
	const event: EventDetails = {
		id: '0f8fad5b-d9cb-469f-a165-70867728950e',
		slug: '2026-12-05-parent-child-reading-ab12',
		category: 'parent_child_reading',
		status: 'published',
		title: {
			zh: '亲子阅读分享会：绘本里的冬天，一起读、一起画、一起分享',
			en: 'Reading; winter, books'
		},
		summary: { zh: '', en: '' },
		startsAt: '2026-12-05T01:30:00Z',
		endsAt: '2026-12-05T03:00:00Z',
		capacity: 30,
		seatsTaken: 0,
		waitlistCount: 0,
		waitlistEnabled: true,
		minAge: 5,
		maxAge: 9,
		registrationOpensAt: null,
		registrationClosesAt: null,
		maxSeatsPerFamily: 4,
		organiser: {
			id: 'o',
			slug: 'yc',
			name: { zh: '吴兴区青少年活动中心', en: 'Youth Activity Centre' },
			phone: null
		},
		venue: { zh: '多功能厅', en: 'Hall' },
		address: { zh: '湖州市吴兴区西山漾丝绸小镇', en: 'Xishanyang Silk Town' },
		description: { zh: '', en: '' },
		cancelledReason: null,
		sequence: 2,
		updatedAt: '2026-11-20T08:00:00Z'
	};

	it('is valid iCalendar with the feed UID, stable, and the right Beijing time', () => {
		const text = eventIcs(event, { origin: 'https://gongyu.example', locale: 'zh-CN' });
		expect(text).toBe(eventIcs(event, { origin: 'https://gongyu.example', locale: 'zh-CN' }));
		for (const line of text.split('\r\n'))
			expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
		const vevent = new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vevent')!;
		expect(vevent.getFirstPropertyValue('uid')).toBe(`event-${event.id}@gongyu`);
		expect(vevent.getFirstPropertyValue('summary')).toBe(event.title.zh);
		expect(vevent.getFirstPropertyValue('location')).toBe('多功能厅 · 湖州市吴兴区西山漾丝绸小镇');
		expect(vevent.getFirstPropertyValue('sequence')).toBe(2);
		const start = (vevent.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate();
		expect(start.toISOString()).toBe('2026-12-05T01:30:00.000Z');
		expect(
			new Intl.DateTimeFormat('zh-CN', {
				timeZone: 'Asia/Shanghai',
				hour: '2-digit',
				minute: '2-digit',
				hour12: false
			}).format(start)
		).toBe('09:30');
	});

	it("uses the registration's UID (as the emails do) and marks a cancellation", () => {
		const text = eventIcs(event, {
			origin: 'https://gongyu.example',
			locale: 'en',
			registrationId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
			cancelled: true
		});
		const calendar = new ICAL.Component(ICAL.parse(text));
		const vevent = calendar.getFirstSubcomponent('vevent')!;
		expect(vevent.getFirstPropertyValue('uid')).toBe('7c9e6679-7425-40de-944b-e07fc1f90ae7@gongyu');
		expect(vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
		expect(vevent.getFirstPropertyValue('summary')).toBe('Reading; winter, books');
	});
});

describe('the plain-HTML month', () => {
	it('lays out a month Monday first and lists its events on their Beijing day', () => {
		const view = monthView(
			'2026-12',
			[
				{
					id: 'a',
					slug: 'late',
					title: { zh: '晚场', en: 'Late' },
					// 23:30 on 4 December in Beijing, still the 4th there.
					startsAt: '2026-12-04T15:30:00Z',
					endsAt: '2026-12-04T16:30:00Z'
				},
				{
					id: 'b',
					slug: 'early',
					title: { zh: '早场', en: 'Early' },
					startsAt: '2026-12-01T01:00:00Z',
					endsAt: '2026-12-01T02:00:00Z'
				}
			],
			'zh-CN'
		);
		expect(view.title).toBe('2026年12月');
		// 1 December 2026 is a Tuesday: one empty cell before it.
		expect(view.weeks[0][0]).toBeNull();
		expect(view.weeks[0][1]).toEqual({ day: 1, busy: true });
		expect(view.weeks.flat().filter(Boolean)).toHaveLength(31);
		expect(view.days.map((d) => [d.key, d.events.map((e) => `${e.time} ${e.title}`)])).toEqual([
			['2026-12-01', ['09:00 早场']],
			['2026-12-04', ['23:30 晚场']]
		]);
		expect(view.entries.find((e) => e.id === 'a')?.start).toBe('2026-12-04T23:30:00.000Z');
	});
});
