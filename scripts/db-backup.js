// `npm run db:backup -- [file]`: the embedded database (PGlite in GONGYU_DATA_DIR, default
// .data/pglite) as one gzipped tarball (PGlite's dumpDataDir), by default
// backups/gongyu-<date>.tar.gz. Stop the app first: PGlite has one writer, the app.
// With DATABASE_URL, back up with pg_dump instead (see the README's Deploying section).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pgliteExtensions } from './pglite-extensions.js';

if (process.env.DATABASE_URL || process.env.PUBLIC_SUPABASE_URL) {
	console.error(
		'[gongyu] db:backup copies the embedded database (PGlite). With DATABASE_URL use pg_dump -Fc.'
	);
	process.exit(1);
}
const dataDir = resolve(process.env.GONGYU_DATA_DIR ?? '.data/pglite');
if (!existsSync(resolve(dataDir, 'PG_VERSION'))) {
	console.error(`[gongyu] no PGlite database in ${dataDir}`);
	process.exit(1);
}
const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
const file = resolve(process.argv[2] ?? `backups/gongyu-${stamp}.tar.gz`);
const db = await PGlite.create({ dataDir, extensions: pgliteExtensions });
const { rows } = await db.query(
	'select count(*)::int as n from supabase_migrations.schema_migrations'
);
const dump = await db.dumpDataDir('gzip');
await db.close();
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
console.log(
	`[gongyu] backed up ${dataDir} (${rows[0].n} migrations) to ${file} (${dump.size} bytes)`
);
