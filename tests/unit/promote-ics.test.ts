import fc from 'fast-check';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import {
	escapeText,
	eventUid,
	foldLine,
	formatShanghai,
	renderCalendar,
	renderEvent,
	type CalendarEvent
} from '../../src/lib/server/calendar/ics';

const reading: CalendarEvent = {
	id: '5a0c1a4e-2b7b-4c55-9d43-0f3f1c2f0a11',
	start: '2025-06-14T01:30:00Z',
	end: '2025-06-14T03:00:00Z',
	summary: '亲子阅读分享会：《小王子》',
	description: '带上孩子一起来；请准时入场,谢谢!\n第二行 \\ 反斜杠',
	location: '青少年活动中心 · 西山漾丝绸小镇 3 号楼',
	url: 'https://gongyu.example/events/2025-06-14-parent-child-reading-ab3k',
	sequence: 2,
	updatedAt: '2025-06-01T08:00:00Z',
	organizer: { name: '吴兴区青少年活动中心', email: 'youth@example.cn' },
	categories: ['亲子阅读分享会']
};

function parse(text: string) {
	const calendar = new ICAL.Component(ICAL.parse(text));
	for (const zone of calendar.getAllSubcomponents('vtimezone')) {
		ICAL.TimezoneService.register(zone);
	}
	return calendar;
}

function physicalLines(text: string): string[] {
	expect(text.endsWith('\r\n')).toBe(true);
	return text.slice(0, -2).split('\r\n');
}

describe('renderCalendar', () => {
	it('writes a calendar that ical.js reads back with the same event', () => {
		const text = renderCalendar({ name: '吴兴区活动', events: [reading] });
		const calendar = parse(text);
		expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
		expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('吴兴区活动');
		const [vevent] = calendar.getAllSubcomponents('vevent');
		const event = new ICAL.Event(vevent);
		expect(event.uid).toBe(`event-${reading.id}@gongyu`);
		expect(event.summary).toBe(reading.summary);
		expect(event.description).toBe(reading.description);
		expect(event.location).toBe(reading.location);
		expect(event.sequence).toBe(2);
		expect(event.startDate.toJSDate().toISOString()).toBe('2025-06-14T01:30:00.000Z');
		expect(event.endDate.toJSDate().toISOString()).toBe('2025-06-14T03:00:00.000Z');
		expect(event.startDate.zone?.tzid).toBe('Asia/Shanghai');
		expect(vevent.getFirstPropertyValue('status')).toBe('CONFIRMED');
		expect(vevent.getFirstPropertyValue('url')).toBe(reading.url);
		expect(String(vevent.getFirstPropertyValue('dtstamp'))).toBe('2025-06-01T08:00:00Z');
		expect(vevent.getFirstProperty('organizer')?.getParameter('cn')).toBe('吴兴区青少年活动中心');
	});

	it('marks a cancelled event STATUS:CANCELLED and stops it blocking time', () => {
		const text = renderCalendar({
			name: 'x',
			events: [{ ...reading, status: 'cancelled', sequence: 3 }]
		});
		const vevent = parse(text).getFirstSubcomponent('vevent')!;
		expect(vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
		expect(vevent.getFirstPropertyValue('transp')).toBe('TRANSPARENT');
		expect(vevent.getFirstPropertyValue('sequence')).toBe(3);
	});

	it('writes the time in Beijing time with a VTIMEZONE for it', () => {
		const text = renderCalendar({ name: 'x', events: [reading] });
		expect(text).toContain('DTSTART;TZID=Asia/Shanghai:20250614T093000\r\n');
		expect(text).toContain('BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai\r\n');
		expect(formatShanghai('2025-12-31T16:30:00Z')).toBe('20260101T003000');
	});

	it('keeps every physical line within 75 octets and ends lines with CRLF', () => {
		const long: CalendarEvent = {
			...reading,
			summary: '家庭教育大讲堂'.repeat(20),
			description: 'a'.repeat(300) + '，'.repeat(100) + '😀'.repeat(40)
		};
		const text = renderCalendar({ name: '很长的名字'.repeat(30), events: [long] });
		expect(text).not.toMatch(/[^\r]\n/);
		for (const line of physicalLines(text)) {
			expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
			// No replacement character: no UTF-8 sequence was cut.
			expect(Buffer.from(line, 'utf8').toString('utf8')).not.toContain('\ufffd');
		}
		const event = new ICAL.Event(parse(text).getFirstSubcomponent('vevent')!);
		expect(event.summary).toBe(long.summary);
		expect(event.description).toBe(long.description);
	});

	it('gives the same event the same UID in every calendar', () => {
		const a = renderCalendar({ name: 'a', events: [reading] });
		const b = renderCalendar({ name: 'b', events: [{ ...reading, sequence: 5 }] });
		const uid = (text: string) =>
			parse(text).getFirstSubcomponent('vevent')!.getFirstPropertyValue('uid');
		expect(uid(a)).toBe(uid(b));
		expect(uid(a)).toBe(eventUid(reading.id));
	});

	it('is byte-for-byte the same for the same events (so ETags hold)', () => {
		const stamp = new Date('2025-01-01T00:00:00Z');
		const first = renderCalendar({ name: 'x', events: [reading], stamp });
		const second = renderCalendar({ name: 'x', events: [reading], stamp });
		expect(first).toBe(second);
	});

	it('writes an empty calendar that still parses', () => {
		const calendar = parse(renderCalendar({ name: '空', events: [], refreshMinutes: 60 }));
		expect(calendar.getAllSubcomponents('vevent')).toHaveLength(0);
		expect(String(calendar.getFirstPropertyValue('refresh-interval'))).toBe('PT60M');
	});

	it('refuses an event that ends before it starts', () => {
		expect(() =>
			renderCalendar({ name: 'x', events: [{ ...reading, end: reading.start }] })
		).toThrow(RangeError);
	});
});

describe('renderEvent', () => {
	it('adds a display alarm when asked, except for a cancelled event', () => {
		const withAlarm = renderEvent({ ...reading, alarmMinutesBefore: 120 });
		expect(withAlarm).toContain('BEGIN:VALARM\r\n');
		expect(withAlarm).toContain('TRIGGER:-PT120M\r\n');
		const cancelled = renderEvent({ ...reading, status: 'cancelled', alarmMinutesBefore: 120 });
		expect(cancelled).not.toContain('VALARM');
	});

	it('cannot be broken out of by a newline in a title, place or link', () => {
		const text = renderEvent({
			...reading,
			summary: 'A\r\nEND:VEVENT\r\nBEGIN:VEVENT',
			location: 'x\nUID:evil',
			url: 'https://a.example/x\r\nUID:evil'
		});
		const lines = text.slice(0, -2).split('\r\n');
		expect(lines.filter((l) => l.startsWith('UID:'))).toHaveLength(1);
		expect(lines.filter((l) => l === 'END:VEVENT')).toHaveLength(1);
	});
});

describe('escapeText and foldLine', () => {
	it('escapes backslash, semicolon, comma and newlines', () => {
		expect(escapeText('a\\b;c,d\ne\r\nf')).toBe('a\\\\b\\;c\\,d\\ne\\nf');
	});

	it('drops control characters other than tab', () => {
		expect(escapeText('a\u0000b\u0007c\td')).toBe('abc\td');
	});

	it('folds at 75 octets and never inside a multi-byte character', () => {
		const line = 'SUMMARY:' + '共育'.repeat(40);
		const folded = foldLine(line);
		const parts = folded.split('\r\n');
		expect(parts.length).toBeGreaterThan(1);
		for (const [i, part] of parts.entries()) {
			expect(Buffer.byteLength(part)).toBeLessThanOrEqual(75);
			if (i > 0) expect(part.startsWith(' ')).toBe(true);
		}
		expect(parts.map((p, i) => (i ? p.slice(1) : p)).join('')).toBe(line);
	});

	it('leaves a 75-octet line alone', () => {
		const line = 'X'.repeat(75);
		expect(foldLine(line)).toBe(line);
		expect(foldLine(line + 'Y')).toBe(`${line}\r\n Y`);
	});

	it('folds any text into lines of at most 75 octets that unfold to the same text', () => {
		fc.assert(
			fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (text) => {
				const line = `DESCRIPTION:${text}`;
				const parts = foldLine(line).split('\r\n');
				for (const part of parts) {
					if (Buffer.byteLength(part) > 75) return false;
					if (Buffer.from(part, 'utf8').toString('utf8') !== part) return false;
				}
				return parts.map((p, i) => (i ? p.slice(1) : p)).join('') === line;
			}),
			{ numRuns: 300 }
		);
	});
});
