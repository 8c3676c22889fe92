import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const dirs: string[] = [];
function dataDir(): string {
	const dir = mkdtempSync(join(tmpdir(), 'gongyu-reset-'));
	dirs.push(dir);
	const data = join(dir, 'pglite');
	mkdirSync(data);
	writeFileSync(join(data, 'PG_VERSION'), '17');
	return data;
}
function reset(env: Record<string, string>) {
	return spawnSync(process.execPath, ['scripts/reset-demo.js'], {
		env: { PATH: process.env.PATH, ...env },
		encoding: 'utf8'
	});
}
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('npm run demo:reset', () => {
	it('removes the embedded data directory, so the next start seeds the demo from today', () => {
		const data = dataDir();
		const result = reset({ GONGYU_DATA_DIR: data });
		expect(result.status).toBe(0);
		expect(existsSync(data)).toBe(false);
		expect(result.stdout).toContain('creates the demo anew');
	});

	it('touches nothing on a PostgreSQL server and says what to do instead', () => {
		const data = dataDir();
		const result = reset({ GONGYU_DATA_DIR: data, DATABASE_URL: 'postgresql://127.0.0.1/x' });
		expect(result.status).toBe(1);
		expect(existsSync(data)).toBe(true);
		expect(result.stderr).toContain('dropdb/createdb');
	});
});
