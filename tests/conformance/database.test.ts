/**
 * The database seam itself (database/types.ts) on both backends: every request runs in exactly
 * one transaction with its role and claims set locally, a failure rolls everything back, and nothing
 * of one request is left on the connection the next one gets. The PostgreSQL pool has a single
 * connection here, so every request below reuses it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, TransactionScope } from '../../src/lib/server/embedded-supabase/database';
import { openPglite, openPostgres } from '../../src/lib/server/embedded-supabase/database';
import { applyBootstrap } from '../../src/lib/server/embedded-supabase/migrate';
import { availableBackends, freshServerDatabase } from '../support/embedded';

const backends = await availableBackends();

const who = `select current_user as role,
	current_setting('request.jwt.claims', true) as claims,
	current_setting('request.method', true) as method`;

describe.each(backends)('the database seam on %s', (backend) => {
	let db: Database;
	let drop = async () => {};
	const count = async () =>
		(await db.query<{ n: string }>('select count(*) as n from seam')).rows[0].n;

	beforeAll(async () => {
		if (backend === 'postgres') {
			const fresh = await freshServerDatabase();
			drop = fresh.drop;
			db = await openPostgres({ connectionString: fresh.url, max: 1 });
		} else {
			db = await openPglite();
		}
		await applyBootstrap(db);
		// Supabase's default privileges grant new tables to every API role: start from nothing.
		await db.exec(`create table public.seam (x int primary key);
			revoke all on public.seam from anon, authenticated;
			grant select, insert on public.seam to authenticated;`);
	});
	afterAll(async () => {
		await db?.close();
		await drop();
	});

	const alice: TransactionScope = {
		role: 'authenticated',
		claims: { sub: 'alice', role: 'authenticated' },
		settings: { 'request.method': 'POST' }
	};

	it('runs a statement with the request role, claims and settings', async () => {
		const { rows } = await db.statement(alice, who);
		expect(rows[0]).toEqual({
			role: 'authenticated',
			claims: JSON.stringify(alice.claims),
			method: 'POST'
		});
	});

	it('leaves nothing of one request to the next on the same connection', async () => {
		await db.statement(alice, who);
		const anon = await db.statement({ role: 'anon' }, who);
		expect(anon.rows[0].role).toBe('anon');
		expect(anon.rows[0].claims).toBe('{}');
		expect(anon.rows[0].method ?? '').toBe('');
		const outside = await db.query(who);
		expect(outside.rows[0].role).not.toBe('anon');
		expect(outside.rows[0].claims ?? '').toBe('');
	});

	it('commits a statement when it ends', async () => {
		const { rows, rowCount } = await db.statement(alice, 'insert into seam values (1) returning x');
		expect(rows).toEqual([{ x: '1' }]);
		expect(rowCount).toBe(1);
		expect(await count()).toBe('1');
	});

	it('rolls a failed statement back and reports its own error', async () => {
		const failing = db.statement(
			alice,
			'with ins as (insert into seam values (2) returning x) select x / 0 from ins'
		);
		await expect(failing).rejects.toMatchObject({ code: '22012' });
		expect(await count()).toBe('1');
		// The connection is usable again, as the caller's role.
		const { rows } = await db.statement(alice, who);
		expect(rows[0].role).toBe('authenticated');
	});

	it('refuses what the role may not do, and changes nothing', async () => {
		await expect(
			db.statement({ role: 'anon' }, 'insert into seam values (3) returning x')
		).rejects.toMatchObject({ code: '42501' });
		expect(await count()).toBe('1');
	});

	it('commits a transaction of several statements, which see each other', async () => {
		const seen = await db.transaction(alice, async (tx) => {
			await tx.query('insert into seam values (4)');
			return (await tx.query<{ n: string }>('select count(*) as n from seam')).rows[0].n;
		});
		expect(seen).toBe('2');
		expect(await count()).toBe('2');
	});

	it('rolls a transaction back when its function throws after a write', async () => {
		await expect(
			db.transaction(alice, async (tx) => {
				await tx.query('insert into seam values (5)');
				throw new Error('refused after the write');
			})
		).rejects.toThrow('refused after the write');
		expect(await count()).toBe('2');
	});

	it('reports the first failure of a transaction, not what it aborted', async () => {
		await expect(
			db.transaction(alice, async (tx) => {
				await Promise.all([tx.query('select 1 / 0'), tx.query('select 1')]);
			})
		).rejects.toMatchObject({ code: '22012' });
		const { rows } = await db.transaction({ role: 'anon' }, (tx) => tx.query(who));
		expect(rows[0].role).toBe('anon');
	});
});
