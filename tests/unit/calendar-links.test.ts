import { describe, expect, it } from 'vitest';
import {
	calendarLinks,
	googleCalendarUrl,
	isoUtc,
	isWeChat,
	outlookCalendarUrl,
	type CalendarLinkEvent
} from '../../src/lib/server/calendar/links';

// 09:30–11:00 in Beijing is 01:30–03:00 UTC.
const reading: CalendarLinkEvent = {
	title: '亲子阅读分享会：《小王子》& 手工',
	start: '2026-12-12T09:30:00+08:00',
	end: '2026-12-12T11:00:00+08:00',
	location: '青少年活动中心 · 3 号楼 #2',
	details: '吴兴区青少年活动中心',
	url: 'https://gongyu.example/events/reading?src=a&b=c'
};

describe('Google Calendar link', () => {
	const url = new URL(googleCalendarUrl(reading));

	it('opens the event template on calendar.google.com', () => {
		expect(url.origin).toBe('https://calendar.google.com');
		expect(url.pathname).toBe('/calendar/render');
		expect(url.searchParams.get('action')).toBe('TEMPLATE');
	});

	it('gives the times in UTC, start/end', () => {
		expect(url.searchParams.get('dates')).toBe('20261212T013000Z/20261212T030000Z');
	});

	it('carries the title, the place and the details with the event page', () => {
		expect(url.searchParams.get('text')).toBe('亲子阅读分享会：《小王子》& 手工');
		expect(url.searchParams.get('location')).toBe('青少年活动中心 · 3 号楼 #2');
		expect(url.searchParams.get('details')).toBe(
			'吴兴区青少年活动中心\nhttps://gongyu.example/events/reading?src=a&b=c'
		);
	});

	it('percent-encodes every value: no raw &, #, space or Chinese in the link', () => {
		const raw = googleCalendarUrl(reading);
		expect(raw).toContain('text=%E4%BA%B2');
		expect(raw).toContain('%26%20%E6%89%8B%E5%B7%A5');
		expect(raw).toContain('%23');
		expect(raw).not.toMatch(/[\s#\u4e00-\u9fff]/);
		// The event page's own query string stays inside the details value.
		expect(raw).toContain('reading%3Fsrc%3Da%26b%3Dc');
		expect(raw.split('&').filter((part) => part.startsWith('b='))).toEqual([]);
	});

	it('leaves out what is not given', () => {
		const bare = new URL(googleCalendarUrl({ title: 'x', start: reading.start, end: reading.end }));
		expect(bare.searchParams.has('location')).toBe(false);
		expect(bare.searchParams.has('details')).toBe(false);
	});
});

describe('Outlook links', () => {
	it('outlook.live.com and outlook.office.com compose an event with UTC start and end', () => {
		for (const [host, origin] of [
			['live', 'https://outlook.live.com'],
			['office', 'https://outlook.office.com']
		] as const) {
			const url = new URL(outlookCalendarUrl(reading, host));
			expect(url.origin).toBe(origin);
			expect(url.pathname).toBe('/calendar/0/action/compose');
			expect(url.searchParams.get('rru')).toBe('addevent');
			expect(url.searchParams.get('startdt')).toBe('2026-12-12T01:30:00Z');
			expect(url.searchParams.get('enddt')).toBe('2026-12-12T03:00:00Z');
			expect(url.searchParams.get('subject')).toBe(reading.title);
			expect(url.searchParams.get('location')).toBe(reading.location);
			expect(url.searchParams.get('body')).toContain(
				'https://gongyu.example/events/reading?src=a&b=c'
			);
		}
	});

	it('writes spaces as %20, never +', () => {
		const raw = outlookCalendarUrl(reading, 'live');
		expect(raw).toContain('3%20%E5%8F%B7%E6%A5%BC%20%232');
		expect(raw).not.toContain('+');
	});

	it('isoUtc drops the milliseconds and refuses what is not a date', () => {
		expect(isoUtc(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)))).toBe('2026-01-02T03:04:05Z');
		expect(() => isoUtc('tomorrow')).toThrow(RangeError);
	});
});

describe('all links of a registration', () => {
	it('Apple Calendar takes the .ics file', () => {
		const links = calendarLinks(reading, 'https://gongyu.example/family/registrations/r1/ics');
		expect(links.apple).toBe('https://gongyu.example/family/registrations/r1/ics');
		expect(links.google).toBe(googleCalendarUrl(reading));
		expect(links.outlook).toBe(outlookCalendarUrl(reading, 'live'));
		expect(links.office).toBe(outlookCalendarUrl(reading, 'office'));
	});
});

describe('isWeChat', () => {
	it("knows WeChat's browser by MicroMessenger in its user agent", () => {
		expect(
			isWeChat(
				'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN'
			)
		).toBe(true);
		expect(
			isWeChat(
				'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1'
			)
		).toBe(false);
		expect(isWeChat(null)).toBe(false);
	});
});
