import { describe, expect, it } from 'vitest';
import { FreshReads } from '../../src/lib/server/page-cache';

/** A read whose answer the test gives when it wants, counting the reads started. */
function controlledReads() {
	const started: { answer: (value: number) => void; fail: (error: Error) => void }[] = [];
	const read = () =>
		new Promise<number>((answer, fail) => {
			started.push({ answer, fail });
		});
	return {
		started,
		read,
		/** Answers the oldest unanswered read with the database's value at that moment. */
		answerNext(at: number) {
			const next = started.find((entry) => !('done' in entry));
			if (!next) throw new Error('no read under way');
			Object.assign(next, { done: true });
			next.answer(at);
		}
	};
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('FreshReads', () => {
	it('starts a read for a lone caller at once', async () => {
		const reads = new FreshReads<number>();
		const db = controlledReads();
		const first = reads.read(db.read);
		expect(db.started).toHaveLength(1);
		db.answerNext(7);
		expect(await first).toBe(7);
	});

	it('never answers a caller with a read that began before it called', async () => {
		const reads = new FreshReads<number>();
		const db = controlledReads();
		const early = reads.read(db.read);
		// A change is committed here; the read under way may not see it.
		const late = reads.read(db.read);
		const later = reads.read(db.read);
		expect(db.started).toHaveLength(1);
		db.answerNext(1);
		expect(await early).toBe(1);
		await tick();
		// The two late callers share one new read, started after the first one ended.
		expect(db.started).toHaveLength(2);
		db.answerNext(2);
		expect(await late).toBe(2);
		expect(await later).toBe(2);
	});

	it('makes at most one read under way and one waiting, however many callers come', async () => {
		const reads = new FreshReads<number>();
		const db = controlledReads();
		const answers = Array.from({ length: 50 }, () => reads.read(db.read));
		expect(db.started).toHaveLength(1);
		db.answerNext(1);
		await tick();
		expect(db.started).toHaveLength(2);
		db.answerNext(2);
		const values = await Promise.all(answers);
		expect(values[0]).toBe(1);
		expect(new Set(values.slice(1))).toEqual(new Set([2]));
	});

	it('a failed read fails its callers only, and the next callers read again', async () => {
		const reads = new FreshReads<number>();
		const db = controlledReads();
		const failing = reads.read(db.read);
		const waiting = reads.read(db.read);
		db.started[0].fail(new Error('connection lost'));
		await expect(failing).rejects.toThrow('connection lost');
		await tick();
		expect(db.started).toHaveLength(2);
		db.started[1].answer(5);
		expect(await waiting).toBe(5);
		const after = reads.read(db.read);
		expect(db.started).toHaveLength(3);
		db.started[2].answer(6);
		expect(await after).toBe(6);
	});
});
