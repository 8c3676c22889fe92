import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bootstrapSql } from './bootstrap';
import type { Database } from './database';

export interface MigrateOptions {
	/** The `supabase/` folder: `migrations/*.sql` and `seed.sql`. */
	dir: string;
	/** Load `seed.sql` once, on a database that has never been seeded (default true). */
	seed?: boolean;
	log?: (line: string) => void;
}

export interface MigrateResult {
	applied: string[];
	seeded: boolean;
}

/**
 * Prepares a plain Postgres database the way a new Supabase project is prepared. Roles belong to
 * the whole server, so two databases bootstrapped at once (app servers starting together, test
 * runs side by side) can touch the same role row and one is refused with "tuple concurrently
 * updated" (XX000). The bootstrap is idempotent and runs in one transaction: try it again.
 */
export async function applyBootstrap(db: Database): Promise<void> {
	for (let attempt = 1; ; attempt++) {
		try {
			await db.exec(bootstrapSql);
			return;
		} catch (error) {
			const raced = error instanceof Error && /tuple concurrently updated/.test(error.message);
			if (!raced || attempt >= 5) throw error;
			await new Promise((done) => setTimeout(done, 50 * attempt + Math.random() * 100));
		}
	}
}

const migrationName = /^(\d+)_(.+)\.sql$/;

/**
 * Applies `supabase/migrations/<version>_<name>.sql` in version order, each in its own transaction,
 * recorded in `supabase_migrations.schema_migrations` as the Supabase CLI records them; then loads
 * `seed.sql` if this database has not been seeded yet (`supabase_migrations.seed_files`).
 */
export async function migrate(db: Database, options: MigrateOptions): Promise<MigrateResult> {
	const log = options.log ?? (() => {});
	const migrationsDir = join(options.dir, 'migrations');
	const files = (await readdir(migrationsDir).catch(() => [] as string[]))
		.filter((f) => migrationName.test(f))
		.sort();
	const done = new Set(
		(
			await db.query<{ version: string }>(
				'select version from supabase_migrations.schema_migrations'
			)
		).rows.map((r) => r.version)
	);
	const applied: string[] = [];
	for (const file of files) {
		const [, version, name] = file.match(migrationName)!;
		if (done.has(version)) continue;
		const sql = await readFile(join(migrationsDir, file), 'utf8');
		const record = `insert into supabase_migrations.schema_migrations (version, name, statements)
			values (${quote(version)}, ${quote(name)}, array[${quote(sql)}])`;
		try {
			await db.exec(`${sql}\n;\n${record};`);
		} catch (error) {
			throw new Error(`migration ${file} failed: ${(error as Error).message}`, { cause: error });
		}
		log(`applied migration ${file}`);
		applied.push(file);
	}

	let seeded = false;
	if (options.seed !== false) {
		const seedPath = join(options.dir, 'seed.sql');
		const seedSql = await readFile(seedPath, 'utf8').catch(() => null);
		const { rows } = await db.query('select 1 from supabase_migrations.seed_files limit 1');
		if (seedSql !== null && rows.length === 0) {
			const hash = createHash('sha256').update(seedSql).digest('hex');
			await db.exec(`${seedSql}\n;\ninsert into supabase_migrations.seed_files (path, hash)
				values ('supabase/seed.sql', ${quote(hash)});`);
			log('loaded seed.sql');
			seeded = true;
		}
	}
	return { applied, seeded };
}

/** A dollar-quoted literal for text that is ours (file contents), never a client's. */
function quote(text: string): string {
	let tag = '$m$';
	for (let i = 0; text.includes(tag); i++) tag = `$m${i}$`;
	return `${tag}${text}${tag}`;
}
