/**
 * Blocks the database has already decided, remembered in process memory: while a client address
 * (or an email address) is known to be refused until T, it is answered 429 from here until T
 * without a query. The database stays the authority — several processes share it, and each learns
 * a block from its own upsert — so this only ever holds blocks, never allowances, and forgetting
 * one costs a query, not correctness.
 */
export class BlockCache {
	private readonly until = new Map<string, number>();

	constructor(
		/** Entries kept at most: an attacker cycling through addresses cannot grow the process. */
		private readonly maxEntries = 10_000,
		private readonly now: () => number = () => Date.now()
	) {}

	/** Milliseconds left of a known block on `key`; 0 when none is known. */
	remaining(key: string): number {
		const until = this.until.get(key);
		if (until === undefined) return 0;
		const left = until - this.now();
		if (left > 0) return left;
		this.until.delete(key);
		return 0;
	}

	/** Remembers that the database refuses `key` for the next `ms` milliseconds. */
	block(key: string, ms: number): void {
		if (!(ms > 0)) return;
		this.until.delete(key);
		if (this.until.size >= this.maxEntries) this.makeRoom();
		this.until.set(key, this.now() + ms);
	}

	get size(): number {
		return this.until.size;
	}

	private makeRoom(): void {
		const now = this.now();
		for (const [key, until] of this.until) if (until <= now) this.until.delete(key);
		// Still full of live blocks: forget the oldest tenth at once, so that the sweep above does
		// not run again at every insert. The database still refuses them.
		const target = Math.floor(this.maxEntries * 0.9);
		for (const key of this.until.keys()) {
			if (this.until.size <= target) break;
			this.until.delete(key);
		}
	}
}
