// `npm run demo:reset`: start the embedded demo again from nothing. The demo's dates are set
// relative to the day its database is created (tonight's class, next week's events), so a demo
// created days ago has moved into the past; removing the PGlite data directory makes the next
// `npm start` create it anew, with today's dates. Stop the app first.
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

if (process.env.DATABASE_URL || process.env.PUBLIC_SUPABASE_URL) {
	console.error(
		'[gongyu] demo:reset only resets the embedded database (PGlite). With DATABASE_URL, drop and create the database instead (dropdb/createdb); the next start applies the migrations and demo data.'
	);
	process.exit(1);
}
const dataDir = resolve(process.env.GONGYU_DATA_DIR ?? '.data/pglite');
if (existsSync(dataDir)) {
	rmSync(dataDir, { recursive: true, force: true });
	console.log(`[gongyu] removed ${process.env.GONGYU_DATA_DIR ?? '.data/pglite'}`);
}
console.log('[gongyu] the next `npm start` creates the demo anew, dated from today.');
