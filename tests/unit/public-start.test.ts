/** What the server refuses before it opens a database, and what a public origin does not show. */
import { describe, expect, it } from 'vitest';
import { signJwt } from '../../src/lib/server/embedded-supabase/jwt';
import {
	LOCAL_JWT_SECRET,
	LOCAL_PUBLISHABLE_KEY,
	LOCAL_SECRET_KEY,
	isWellKnownSecret,
	makeKeys
} from '../../src/lib/server/embedded-supabase/keys';
import { devMailboxOpen } from '../../src/lib/server/email/settings';
import {
	MAKE_SECRET,
	StartupError,
	checkSecrets,
	dataDirProblem,
	migrationsProblem,
	seedDemoData
} from '../../src/lib/server/startup';

const PUBLIC = 'https://gongyu.example.cn';
const own = {
	SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_0123456789abcdefghijklmnopqrstuvwxyz',
	SUPABASE_SECRET_KEY: 'sb_secret_0123456789abcdefghijklmnopqrstuvwxyz',
	JWT_SECRET: 'a-district-secret-of-forty-characters-xx'
};
const refusal = async (env: NodeJS.ProcessEnv, origin = PUBLIC) =>
	checkSecrets(env, origin).then(
		() => null,
		(error: unknown) => {
			expect(error).toBeInstanceOf(StartupError);
			return (error as Error).message;
		}
	);

describe('well-known secrets', () => {
	it('are the local keys, the local and self-hosted JWT secrets, and JWTs signed with them', async () => {
		const demo = await makeKeys(LOCAL_JWT_SECRET);
		const selfHosted = await signJwt(
			{ role: 'anon', iss: 'supabase', exp: 1 },
			'your-super-secret-jwt-token-with-at-least-32-characters-long'
		);
		for (const value of [
			LOCAL_PUBLISHABLE_KEY,
			LOCAL_SECRET_KEY,
			LOCAL_JWT_SECRET,
			demo.anonJwt,
			demo.serviceRoleJwt,
			selfHosted
		]) {
			expect(await isWellKnownSecret(value), value).toBe(true);
		}
	});

	it('are not a district’s own keys, nor a JWT signed with its own secret', async () => {
		const mine = await makeKeys(own.JWT_SECRET);
		for (const value of [...Object.values(own), mine.anonJwt, mine.serviceRoleJwt]) {
			expect(await isWellKnownSecret(value), value).toBe(false);
		}
	});
});

describe('starting on a public origin', () => {
	it('starts with the district’s own secrets', async () => {
		expect(await refusal(own)).toBeNull();
	});

	it('names every missing, well-known or short secret with the command that makes one', async () => {
		const message = await refusal({
			SUPABASE_SECRET_KEY: LOCAL_SECRET_KEY,
			JWT_SECRET: 'too-short'
		});
		expect(message).toContain(
			`SUPABASE_PUBLISHABLE_KEY is not set. Make one: ${MAKE_SECRET.SUPABASE_PUBLISHABLE_KEY}`
		);
		expect(message).toContain(
			`SUPABASE_SECRET_KEY is a well-known local value. Make one: ${MAKE_SECRET.SUPABASE_SECRET_KEY}`
		);
		expect(message).toContain(
			`JWT_SECRET is shorter than 32 characters. Make one: ${MAKE_SECRET.JWT_SECRET}`
		);
	});

	it('refuses the same key for both roles', async () => {
		const message = await refusal({ ...own, SUPABASE_SECRET_KEY: own.SUPABASE_PUBLISHABLE_KEY });
		expect(message).toContain('SUPABASE_PUBLISHABLE_KEY and SUPABASE_SECRET_KEY must differ');
	});

	it('the commands make values of the right shape', () => {
		expect(MAKE_SECRET.SUPABASE_PUBLISHABLE_KEY).toContain("'sb_publishable_' + require('crypto')");
		expect(MAKE_SECRET.SUPABASE_SECRET_KEY).toContain("'sb_secret_' + require('crypto')");
		expect(MAKE_SECRET.JWT_SECRET).toBe(
			`node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`
		);
	});

	it('a local origin starts with nothing set', async () => {
		expect(await refusal({}, 'http://localhost:3000')).toBeNull();
		expect(await refusal({}, 'http://127.0.0.1:4173')).toBeNull();
	});

	it('Supabase mode refuses the demo keys for a reachable project, not for a local one', async () => {
		const demo = await makeKeys(LOCAL_JWT_SECRET);
		const supabase = {
			PUBLIC_SUPABASE_URL: 'https://abc.supabase.co',
			PUBLIC_SUPABASE_PUBLISHABLE_KEY: demo.anonJwt,
			SUPABASE_SECRET_KEY: LOCAL_SECRET_KEY
		};
		const message = await refusal(supabase);
		expect(message).toContain('PUBLIC_SUPABASE_PUBLISHABLE_KEY is a well-known demo key');
		expect(message).toContain('SUPABASE_SECRET_KEY is a well-known demo key');
		expect(
			await refusal({ ...supabase, PUBLIC_SUPABASE_URL: 'http://127.0.0.1:54321' })
		).toBeNull();
		expect(
			await refusal({
				PUBLIC_SUPABASE_URL: 'https://abc.supabase.co',
				PUBLIC_SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_project',
				SUPABASE_SECRET_KEY: 'sb_secret_project'
			})
		).toBeNull();
	});
});

describe('demo data', () => {
	it('loads by default on a local origin only', () => {
		expect(seedDemoData({}, 'http://localhost:3000')).toBe(true);
		expect(seedDemoData({}, PUBLIC)).toBe(false);
	});

	it('loads on a public origin only when asked for by name', () => {
		expect(seedDemoData({ GONGYU_SEED: 'demo' }, PUBLIC)).toBe(true);
		expect(seedDemoData({ GONGYU_SEED: 'none' }, 'http://localhost:3000')).toBe(false);
		expect(seedDemoData({ GONGYU_SEED: 'false' }, 'http://localhost:3000')).toBe(false);
		expect(seedDemoData({ GONGYU_SEED: 'true' }, 'http://localhost:3000')).toBe(true);
		expect(() => seedDemoData({ GONGYU_SEED: 'true' }, PUBLIC)).toThrow(
			/GONGYU_SEED=demo to load the demo data on https:\/\/gongyu\.example\.cn/
		);
	});
});

describe('a data directory that cannot be used', () => {
	it('is named with its cause, from Node and from PGlite’s file system alike', () => {
		const dir = '/srv/gongyu';
		const says = (error: unknown) => dataDirProblem(error, dir)?.message;
		expect(says(Object.assign(new Error('x'), { code: 'EACCES' }))).toBe(
			'The data directory /srv/gongyu (GONGYU_DATA_DIR) cannot be used: the server’s user may not write there (EACCES).'
		);
		expect(says(Object.assign(new Error('x'), { code: 'EROFS' }))).toContain('read-only (EROFS)');
		expect(says({ name: 'ErrnoError', errno: 51 })).toContain('the disk is full (ENOSPC)');
		expect(says({ name: 'ErrnoError', errno: 2 })).toContain('(EACCES)');
		expect(says({ name: 'ErrnoError', errno: 69 })).toContain('(EROFS)');
	});

	it('leaves every other error alone', () => {
		expect(dataDirProblem(new Error('syntax error'), '/srv/gongyu')).toBeNull();
		expect(dataDirProblem({ name: 'ErrnoError', errno: 44 }, '/srv/gongyu')).toBeNull();
		expect(dataDirProblem(null, '/srv/gongyu')).toBeNull();
	});
});

describe('the dev mailbox', () => {
	it('is decided by ORIGIN, and is closed whenever real email is configured', () => {
		expect(devMailboxOpen({ ORIGIN: 'http://localhost:3000' })).toBe(true);
		expect(devMailboxOpen({})).toBe(true);
		expect(devMailboxOpen({ ORIGIN: PUBLIC })).toBe(false);
		expect(devMailboxOpen({ ORIGIN: PUBLIC, GONGYU_DEV_MAILBOX: 'on' })).toBe(true);
		for (const email of [{ RESEND_API_KEY: 're_x' }, { RESEND_BASE_URL: 'http://127.0.0.1:1' }]) {
			expect(devMailboxOpen({ ORIGIN: 'http://localhost:3000', ...email })).toBe(false);
			expect(devMailboxOpen({ ORIGIN: PUBLIC, GONGYU_DEV_MAILBOX: 'on', ...email })).toBe(false);
		}
	});
});

describe('the migrations folder', () => {
	it('is found from the project folder', () => {
		expect(migrationsProblem('supabase')).toBeNull();
	});

	it('missing (started from another folder) stops the start with the folder and the variable named', () => {
		const problem = migrationsProblem('/nowhere/supabase');
		expect(problem).toBeInstanceOf(StartupError);
		expect(problem!.message).toContain('/nowhere/supabase/migrations');
		expect(problem!.message).toContain('GONGYU_SUPABASE_DIR');
	});
});
