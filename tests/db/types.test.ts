/**
 * src/lib/database.types.ts is generated from the migrations (`npm run db:types`); this fails when
 * a migration changed the schema and the types were not regenerated.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serverAvailable } from '../support/embedded';

const server = await serverAvailable();

describe.skipIf(!server)('generated database types', () => {
	it('match the migrations', () => {
		const result = spawnSync(process.execPath, ['scripts/db-types.js', '--check'], {
			cwd: resolve(import.meta.dirname, '../..'),
			encoding: 'utf8',
			timeout: 120_000
		});
		expect(result.stderr).toBe('');
		expect(result.status).toBe(0);
	}, 130_000);
});
