// `npm run db:types`: regenerates src/lib/database.types.ts from supabase/migrations, the way
// `supabase gen types typescript` does, without Docker: a fresh database on the PostgreSQL server
// (DB_TYPES_SERVER, default postgresql://postgres@127.0.0.1:5432), the embedded bootstrap and every
// migration applied, then @supabase/postgres-meta in typegen mode for the public schema. The
// database is dropped afterwards. `--check` writes nothing and exits 1 when the file is out of date.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { register } from 'tsx/esm/api';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'src/lib/database.types.ts');
const server = (process.env.DB_TYPES_SERVER ?? 'postgresql://postgres@127.0.0.1:5432').replace(
	/\/$/,
	''
);
const check = process.argv.includes('--check');

/** @param {string} sql */
async function admin(sql) {
	const client = new pg.Client({ connectionString: `${server}/postgres` });
	await client.connect();
	try {
		await client.query(sql);
	} finally {
		await client.end();
	}
}

/**
 * Runs postgres-meta's typegen and returns what it prints.
 * @param {string} dbUrl
 * @returns {Promise<string>}
 */
function typegen(dbUrl) {
	return new Promise((resolvePromise, reject) => {
		const child = spawn(
			process.execPath,
			[join(root, 'node_modules/@supabase/postgres-meta/dist/server/server.js')],
			{
				cwd: root,
				env: {
					...process.env,
					PG_META_DB_URL: dbUrl,
					PG_META_GENERATE_TYPES: 'typescript',
					PG_META_GENERATE_TYPES_INCLUDED_SCHEMAS: 'public',
					PG_META_GENERATE_TYPES_DETECT_ONE_TO_ONE_RELATIONSHIPS: 'true'
				},
				stdio: ['ignore', 'pipe', 'pipe']
			}
		);
		let out = '';
		let err = '';
		child.stdout.on('data', (chunk) => (out += chunk));
		child.stderr.on('data', (chunk) => (err += chunk));
		child.on('error', reject);
		child.on('close', (code) => {
			if (code === 0 && out.includes('export type Database')) resolvePromise(out);
			else reject(new Error(`postgres-meta exited with ${code}: ${err || out}`));
		});
	});
}

const name = `gongyu_types_${randomBytes(5).toString('hex')}`;
const dbUrl = `${server}/${name}`;
let exitCode = 0;
await admin(`create database ${name}`);
try {
	const unregister = register();
	/** @param {string} path */
	const source = (path) => pathToFileURL(join(root, 'src/lib/server/embedded-supabase', path)).href;
	const { openPostgres } = await import(source('database/index.ts'));
	const { applyBootstrap, migrate } = await import(source('migrate.ts'));
	const db = await openPostgres({ connectionString: dbUrl, max: 2 });
	try {
		await applyBootstrap(db);
		await migrate(db, { dir: join(root, 'supabase'), seed: false });
	} finally {
		await db.close();
		await unregister();
	}

	const types = (await typegen(dbUrl)).replace(/\s+$/, '') + '\n';
	const current = await readFile(target, 'utf8').catch(() => null);
	if (check) {
		if (current === types) {
			console.log('src/lib/database.types.ts is up to date.');
		} else {
			console.error(
				'src/lib/database.types.ts is out of date with supabase/migrations: run `npm run db:types`.'
			);
			exitCode = 1;
		}
	} else if (current === types) {
		console.log('src/lib/database.types.ts is already up to date.');
	} else {
		await writeFile(target, types);
		console.log('wrote src/lib/database.types.ts');
	}
} finally {
	await admin(`drop database if exists ${name} with (force)`);
}
process.exit(exitCode);
