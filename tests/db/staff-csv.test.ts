/**
 * The attendee export (src/lib/server/staff/csv.ts): what Excel needs to open Chinese text, and no
 * cell a spreadsheet would run as a formula. Pure functions; kept beside the staff's SQL tests.
 */
import { describe, expect, it } from 'vitest';
import { attachmentHeader, csvCell, toCsv } from '../../src/lib/server/staff/csv';

describe('the attendee CSV', () => {
	it('starts with a UTF-8 byte-order mark and ends every line with CRLF', () => {
		const csv = toCsv(['监护人', '参加成员'], [['王芳', '乐乐（8 岁）']]);
		expect(csv.charCodeAt(0)).toBe(0xfeff);
		expect(csv.slice(1)).toBe('"监护人","参加成员"\r\n"王芳","乐乐（8 岁）"\r\n');
		expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
	});

	it('quotes every field and doubles quotes inside it', () => {
		expect(csvCell('say "hi", then go\nhome')).toBe('"say ""hi"", then go\nhome"');
		expect(csvCell(null)).toBe('""');
		expect(csvCell(3)).toBe('"3"');
	});

	it('defuses cells a spreadsheet would run as a formula', () => {
		for (const cell of ['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd']) {
			expect(csvCell(cell).startsWith(`"'`)).toBe(true);
		}
		expect(csvCell('王=芳')).toBe('"王=芳"');
	});

	it('names the file in ASCII and in UTF-8 for browsers that read RFC 6266', () => {
		const header = attachmentHeader('attendees-2026-12-05.csv', '报名名单-2026-12-05.csv');
		expect(header).toContain('filename="attendees-2026-12-05.csv"');
		expect(header).toContain(`filename*=UTF-8''${encodeURIComponent('报名名单-2026-12-05.csv')}`);
	});
});
