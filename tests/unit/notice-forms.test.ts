import { describe, expect, it } from 'vitest';
import { readFeedbackForm, readNoticeForm, tokenFrom } from '../../src/lib/server/notices';

const form = (fields: Record<string, string>) => {
	const data = new FormData();
	for (const [k, v] of Object.entries(fields)) data.set(k, v);
	return data;
};
const attend: [string, string] = ['参加', '不参加'];

describe('the notice form', () => {
	it('参加 / 不参加 becomes a choice with the two options in the staff member’s language', () => {
		expect(
			readNoticeForm(
				form({ subject: ' 集合 ', body: '九点', receipt_kind: 'attend', question: '能来吗？' }),
				attend
			)
		).toEqual({
			subject: '集合',
			body: '九点',
			receiptKind: 'choice',
			options: ['参加', '不参加'],
			question: '能来吗？'
		});
	});

	it('own choices are one a line, blank lines dropped; other receipts carry no options or question', () => {
		const own = readNoticeForm(
			form({ receipt_kind: 'choice', options: '上午\r\n\n 下午 \n晚上', question: '' }),
			attend
		);
		expect(own).toMatchObject({ receiptKind: 'choice', options: ['上午', '下午', '晚上'] });
		expect(own.question).toBeNull();
		for (const kind of ['received', 'none', 'anything']) {
			const draft = readNoticeForm(
				form({ receipt_kind: kind, options: 'a\nb', question: '?' }),
				attend
			);
			expect(draft.options).toEqual([]);
			expect(draft.question).toBeNull();
			expect(draft.receiptKind).toBe(kind === 'received' ? 'received' : 'none');
		}
	});
});

describe('the feedback form', () => {
	it('reads a rating of 1–5 only, and would-come-again as yes, no or not said', () => {
		expect(
			readFeedbackForm(form({ rating: '4', enjoyed: ' 剪纸 ', improve: '', come_again: 'no' }))
		).toEqual({ rating: 4, enjoyed: '剪纸', improve: '', comeAgain: false });
		for (const rating of ['0', '6', '2.5', 'five', ''])
			expect(readFeedbackForm(form({ rating })).rating).toBeNull();
		expect(readFeedbackForm(form({ rating: '5' })).comeAgain).toBeNull();
	});
});

describe('link tokens', () => {
	it('take 43 URL-safe characters and nothing else', () => {
		expect(tokenFrom('A'.repeat(43))).toBe('A'.repeat(43));
		expect(tokenFrom('a-_9'.repeat(10) + 'abc')).toHaveLength(43);
		for (const bad of ['A'.repeat(42), 'A'.repeat(44), `${'A'.repeat(42)}/`, 42, null])
			expect(tokenFrom(bad)).toBeNull();
	});
});
