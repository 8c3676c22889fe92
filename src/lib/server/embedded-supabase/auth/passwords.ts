/**
 * Passwords are bcrypt hashes (`$2a$10$…`), made and checked by pgcrypto's `crypt()` — the format
 * GoTrue stores in `auth.users.encrypted_password`, so a dump moves to real Supabase unchanged and
 * seed files written the Supabase way (`crypt('pw', gen_salt('bf'))`) sign in here too.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../database';
import { AuthError, badRequest, weakPassword } from './errors';

/** GoTrue's default bcrypt cost. */
const COST = 10;
export const MAX_PASSWORD_LENGTH = 72;

/** A hash to compare against when the user does not exist, so both paths take as long. */
const DUMMY_HASH = '$2a$10$myCK8KWZtTogSx8lF.vuG.r5jzxFEE5d9w.mPhk1j63dlhE5WeHE2';

export function checkPasswordStrength(password: unknown, minLength: number): AuthError | null {
	if (typeof password !== 'string')
		return badRequest('validation_failed', 'Password must be a string');
	if (Buffer.byteLength(password) > MAX_PASSWORD_LENGTH) {
		return badRequest(
			'validation_failed',
			`Password cannot be longer than ${MAX_PASSWORD_LENGTH} characters`
		);
	}
	if (password.length < minLength) {
		return weakPassword(`Password should be at least ${minLength} characters.`, ['length']);
	}
	return null;
}

export async function hashPassword(tx: Queryable, password: string): Promise<string> {
	const { rows } = await tx.query<{ h: string }>(
		`select extensions.crypt($1, extensions.gen_salt('bf', ${COST})) as h`,
		[password]
	);
	return rows[0].h;
}

/** Compares in constant time; `hash` may be null (unknown user or no password). */
export async function verifyPassword(
	tx: Queryable,
	hash: string | null,
	password: string
): Promise<boolean> {
	const usable = typeof hash === 'string' && /^\$2[abxy]\$\d\d\$[./A-Za-z0-9]{53}$/.test(hash);
	// pgcrypto knows the `$2a$` spelling; `$2b$`/`$2y$` hashes are the same algorithm.
	const stored = usable ? `$2a$${hash.slice(4)}` : DUMMY_HASH;
	const { rows } = await tx.query<{ h: string | null }>('select extensions.crypt($1, $2) as h', [
		password,
		stored
	]);
	const computed = Buffer.from(rows[0]?.h ?? '');
	const expected = Buffer.from(stored);
	const same = computed.length === expected.length && timingSafeEqual(computed, expected);
	return usable && same;
}
