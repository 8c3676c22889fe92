// `npm run db:restore -- <file> [--replace]`: a tarball from `npm run db:backup` becomes the
// embedded database in GONGYU_DATA_DIR (default .data/pglite). An existing database is replaced
// only with --replace. Stop the app first; its next start opens the restored database.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pgliteExtensions } from './pglite-extensions.js';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
if (!file) {
	console.error('[gongyu] usage: npm run db:restore -- <backup.tar.gz> [--replace]');
	process.exit(2);
}
if (process.env.DATABASE_URL || process.env.PUBLIC_SUPABASE_URL) {
	console.error(
		'[gongyu] db:restore restores the embedded database (PGlite). With DATABASE_URL use pg_restore.'
	);
	process.exit(1);
}
const dataDir = resolve(process.env.GONGYU_DATA_DIR ?? '.data/pglite');
if (existsSync(resolve(dataDir, 'PG_VERSION'))) {
	if (!args.includes('--replace')) {
		console.error(`[gongyu] ${dataDir} holds a database: add --replace to overwrite it`);
		process.exit(1);
	}
	rmSync(dataDir, { recursive: true, force: true });
}
const db = await PGlite.create({
	dataDir,
	loadDataDir: new Blob([readFileSync(resolve(file))]),
	extensions: pgliteExtensions
});
const { rows } = await db.query(
	'select count(*)::int as n from supabase_migrations.schema_migrations'
);
await db.close();
console.log(`[gongyu] restored ${file} into ${dataDir} (${rows[0].n} migrations)`);
