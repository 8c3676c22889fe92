/**
 * Where a machine's CPU went while something ran: the CPU time (user + system, from /proc) of
 * every process between two snapshots, grouped by what it is. On one machine the app servers, the
 * database, the pooler and the bench itself (the browsers and the proxy) share the same cores, so
 * this says what each cost a registration.
 */
import { readdir, readFile } from 'node:fs/promises';

export type Snapshot = Map<number, { name: string; ms: number }>;

/** Each process's command name and CPU time so far, in ms. */
export async function snapshot(): Promise<Snapshot> {
	const taken: Snapshot = new Map();
	for (const entry of await readdir('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		const text = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => null);
		if (!text) continue;
		const name = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
		const [utime, stime] = text
			.slice(text.lastIndexOf(')') + 2)
			.split(' ')
			.slice(11, 13)
			.map(Number);
		taken.set(Number(entry), { name, ms: (utime + stime) * 10 });
	}
	return taken;
}

const known: Record<string, string> = { postgres: 'PostgreSQL', pgbouncer: 'PgBouncer' };

/**
 * CPU ms per group between `before` and `after`: the processes `named` by pid, PostgreSQL's
 * (every process called postgres) and PgBouncer's, the rest as "other". A process started meanwhile counts from
 * zero; one gone meanwhile is lost (take `after` before stopping anything).
 */
export function split(
	before: Snapshot,
	after: Snapshot,
	named: Record<string, number[]>
): Map<string, number> {
	const groupOf = new Map<number, string>();
	for (const [group, pids] of Object.entries(named))
		for (const pid of pids) groupOf.set(pid, group);
	const totals = new Map<string, number>();
	for (const [pid, now] of after) {
		const spent = now.ms - (before.get(pid)?.ms ?? 0);
		if (spent <= 0) continue;
		const group = groupOf.get(pid) ?? known[now.name] ?? 'other';
		totals.set(group, (totals.get(group) ?? 0) + spent);
	}
	return totals;
}

/** "app servers 9.1 ms (41%), PostgreSQL 6.0 ms (27%), …" per `per` (e.g. per registration). */
export function describe(totals: Map<string, number>, per: number): string {
	const all = [...totals.values()].reduce((a, b) => a + b, 0);
	return [...totals]
		.sort((a, b) => b[1] - a[1])
		.map(([group, ms]) => `${group} ${(ms / per).toFixed(1)} ms (${Math.round((100 * ms) / all)}%)`)
		.concat(`all ${(all / per).toFixed(1)} ms`)
		.join(', ');
}
