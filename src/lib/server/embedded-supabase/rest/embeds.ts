/**
 * Caps on the shape of a read, checked after parsing and before planning, so a request that would
 * cost too much is refused before any SQL is built or run.
 */
import type { ApiLimits } from '../limits';
import { ParseError } from './errors';
import type { SelectItem } from './parse';

export function checkEmbeds(
	select: SelectItem[] | null,
	limits: Pick<ApiLimits, 'maxEmbedDepth' | 'maxEmbeds'>
): void {
	let count = 0;
	const walk = (items: SelectItem[], depth: number) => {
		for (const item of items) {
			if (item.type !== 'embed') continue;
			if (depth > limits.maxEmbedDepth) {
				throw new ParseError(
					`Embedded resources are nested more than ${limits.maxEmbedDepth} levels deep`,
					`'${item.name}' is at level ${depth}`,
					'Ask for the deeper resources in a request of their own.'
				);
			}
			if (++count > limits.maxEmbeds) {
				throw new ParseError(
					`More than ${limits.maxEmbeds} embedded resources in one request`,
					null,
					'Ask for some of them in a request of their own.'
				);
			}
			walk(item.select, depth + 1);
		}
	};
	walk(select ?? [], 1);
}
