/**
 * What the server checks before it opens a database: on an origin that is not local it refuses
 * secrets anybody can read (the README's local keys, Supabase's demo keys), loads demo data only when
 * asked for by name, and says in one sentence why a data directory cannot be used. A StartupError's
 * message is all the operator sees: the `init` hook prints it and exits non-zero.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isLocalOrigin } from './embedded-supabase';
import { isWellKnownSecret } from './embedded-supabase/keys';

export class StartupError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'StartupError';
	}
}

const random = (prefix: string) =>
	`node -e "console.log(${prefix ? `'${prefix}' + ` : ''}require('crypto').randomBytes(32).toString('base64url'))"`;

/** The one command that makes a good value for each secret of the embedded Supabase. */
export const MAKE_SECRET: Record<string, string> = {
	JWT_SECRET: random(''),
	SUPABASE_PUBLISHABLE_KEY: random('sb_publishable_'),
	SUPABASE_SECRET_KEY: random('sb_secret_')
};

async function problemWith(name: string, value: string | undefined): Promise<string | null> {
	if (!value) return `${name} is not set.`;
	if (await isWellKnownSecret(value)) return `${name} is a well-known local value.`;
	if (name === 'JWT_SECRET' && value.length < 32) return `${name} is shorter than 32 characters.`;
	return null;
}

/** Refuses to start a public origin with missing or well-known secrets (see the README). */
export async function checkSecrets(env: NodeJS.ProcessEnv, origin: string): Promise<void> {
	if (isLocalOrigin(origin)) return;
	const lines: string[] = [];
	if (env.PUBLIC_SUPABASE_URL) {
		// Supabase mode: the project's own keys. A local Supabase behind a public app is the
		// developer's business; a reachable one with the demo keys is open to everyone.
		if (isLocalOrigin(env.PUBLIC_SUPABASE_URL)) return;
		for (const name of ['PUBLIC_SUPABASE_PUBLISHABLE_KEY', 'SUPABASE_SECRET_KEY']) {
			const value = env[name];
			if (value && (await isWellKnownSecret(value))) {
				lines.push(
					`${name} is a well-known demo key: use the project's own keys (Project Settings → API Keys; a self-hosted Supabase needs its own JWT secret and keys).`
				);
			}
		}
	} else {
		for (const name of ['SUPABASE_PUBLISHABLE_KEY', 'SUPABASE_SECRET_KEY', 'JWT_SECRET']) {
			const problem = await problemWith(name, env[name]);
			if (problem) lines.push(`${problem} Make one: ${MAKE_SECRET[name]}`);
		}
		const { SUPABASE_PUBLISHABLE_KEY: publishable, SUPABASE_SECRET_KEY: secret } = env;
		if (publishable && publishable === secret) {
			lines.push('SUPABASE_PUBLISHABLE_KEY and SUPABASE_SECRET_KEY must differ.');
		}
	}
	if (lines.length) {
		throw new StartupError(
			`${origin} is not a local origin, so the server does not start with secrets anybody can know:\n  ${lines.join('\n  ')}`
		);
	}
}

/**
 * Whether to load supabase/seed.sql on a new database: demo data by default on a local origin, and
 * on any other origin only with GONGYU_SEED=demo.
 */
export function seedDemoData(env: NodeJS.ProcessEnv, origin: string): boolean {
	const value = env.GONGYU_SEED ?? '';
	const local = isLocalOrigin(origin);
	if (value === 'demo') return true;
	if (value === 'none' || value === 'false') return false;
	if (value === '') return local;
	if (value === 'true' && local) return true;
	throw new StartupError(
		`GONGYU_SEED is "${value}": use GONGYU_SEED=demo to load the demo data${local ? '' : ` on ${origin}`}, or none.`
	);
}

const storageCauses: Record<string, string> = {
	EACCES: 'the server’s user may not write there (EACCES)',
	EPERM: 'the server’s user may not write there (EPERM)',
	EROFS: 'the file system is read-only (EROFS)',
	ENOSPC: 'the disk is full (ENOSPC)',
	EDQUOT: 'the disk quota is used up (EDQUOT)',
	ENOTDIR: 'part of the path is a file, not a directory (ENOTDIR)'
};

// PGlite's file system throws `ErrnoError { errno }` with WASI's numbers.
const wasiErrno: Record<number, string> = {
	2: 'EACCES',
	19: 'EDQUOT',
	51: 'ENOSPC',
	54: 'ENOTDIR',
	63: 'EPERM',
	69: 'EROFS'
};

/**
 * The migrations the embedded Supabase applies must be there: started from another folder, the app
 * would open an empty database and answer every page with an error.
 */
export function migrationsProblem(supabaseDir: string): StartupError | null {
	if (existsSync(join(supabaseDir, 'migrations'))) return null;
	return new StartupError(
		`No migrations in ${join(supabaseDir, 'migrations')}: start Gongyu from its own folder, or set GONGYU_SUPABASE_DIR to its supabase folder.`
	);
}

/** A data directory that cannot be written, said in one sentence; null for any other error. */
export function dataDirProblem(error: unknown, dataDir: string): StartupError | null {
	const { code, errno, name } = (error ?? {}) as {
		code?: unknown;
		errno?: unknown;
		name?: unknown;
	};
	const key =
		typeof code === 'string'
			? code
			: name === 'ErrnoError' && typeof errno === 'number'
				? wasiErrno[errno]
				: undefined;
	const cause = key ? storageCauses[key] : undefined;
	if (!cause) return null;
	return new StartupError(
		`The data directory ${dataDir} (GONGYU_DATA_DIR) cannot be used: ${cause}.`
	);
}
