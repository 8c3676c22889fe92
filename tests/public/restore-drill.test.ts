/**
 * The README's restore drill for the embedded default (PGlite): the app writes, stops, is backed
 * up with `npm run db:backup`, its data directory is wiped, `npm run db:restore` brings it back,
 * and the app starts on it with the data there.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { api, ownSecrets, startApp, type Env } from './support';

test('back up, wipe, restore: the organisation written before is there and the app starts on it', async () => {
	test.setTimeout(240_000);
	const dir = mkdtempSync(join(tmpdir(), 'gongyu-drill-'));
	const dataDir = join(dir, 'pglite');
	const backup = join(dir, 'backup.tar.gz');
	const env: Env = { ...ownSecrets(), GONGYU_DATA_DIR: dataDir, GONGYU_SEED: 'none' };
	const key = env.SUPABASE_SECRET_KEY;
	const script = (name: string, ...args: string[]) =>
		execFileSync(process.execPath, [`scripts/${name}.js`, ...args], {
			env: { PATH: process.env.PATH ?? '', GONGYU_DATA_DIR: dataDir },
			encoding: 'utf8'
		});
	try {
		let app = await startApp(env);
		const created = await api(app, '/rest/v1/organisations', key, {
			method: 'POST',
			body: { kind: 'other', slug: 'drill-centre', name_zh: '演练中心', name_en: 'Drill centre' },
			headers: { prefer: 'return=minimal' }
		});
		expect(created.status).toBe(201);
		await app.stop();

		expect(script('db-backup', backup)).toContain('backed up');
		rmSync(dataDir, { recursive: true, force: true });
		expect(existsSync(dataDir)).toBe(false);
		expect(script('db-restore', backup)).toContain('restored');
		// A second restore does not overwrite the database it finds, unless told to.
		expect(() => script('db-restore', backup)).toThrow();

		app = await startApp(env);
		try {
			const read = await api(
				app,
				'/rest/v1/organisations?slug=eq.drill-centre&select=name_zh',
				key
			);
			expect(read.status).toBe(200);
			expect(read.json()).toEqual([{ name_zh: '演练中心' }]);
			// Nothing was applied again at start: the restored database was complete.
			expect(app.output()).not.toContain('applied migration');
		} finally {
			await app.stop();
		}
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});
