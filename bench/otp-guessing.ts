/**
 * How fast one client can guess one address's sign-in code through the embedded Auth's
 * `/auth/v1/verify`, as fast as it can for a while: a fresh code whenever five guesses have spent
 * the last one, a random 6-digit guess otherwise, all from one client address. Prints how many
 * guesses were checked against a live code (at most five per code), how many were answered 429,
 * and what that makes per hour — with Supabase's default limits, and with the rate limits lifted
 * (the five-tries-per-code rule alone).
 *
 *   npx tsx bench/otp-guessing.ts                 (PGlite; 20 s per run)
 *   BENCH_SECONDS=60 DATABASE_URL=postgresql://…/scratch npx tsx bench/otp-guessing.ts
 *   (a database of its own: the run empties its auth.rate_limits)
 */
import { randomInt } from 'node:crypto';
import { createEmbeddedSupabase, type EmbeddedSupabase } from '../src/lib/server/embedded-supabase';
import { DEFAULT_RATE_LIMITS } from '../src/lib/server/embedded-supabase/auth/settings';
import {
	openPglite,
	openPostgres,
	type Database
} from '../src/lib/server/embedded-supabase/database';
import type { RateLimits } from '../src/lib/server/embedded-supabase/env';
import { applyBootstrap } from '../src/lib/server/embedded-supabase/migrate';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const API_URL = 'http://localhost:54321';
const ATTACKER = '198.51.100.66';
const ATTEMPTS = 5;

async function post(e: EmbeddedSupabase, path: string, body: object): Promise<number> {
	const response = await e.handle(
		new Request(`${API_URL}/auth/v1${path}`, {
			method: 'POST',
			headers: {
				apikey: e.keys.publishable,
				'content-type': 'application/json',
				'x-supabase-api-version': '2024-01-01'
			},
			body: JSON.stringify(body)
		}),
		{ clientAddress: ATTACKER }
	);
	await response!.arrayBuffer();
	return response!.status;
}

async function run(db: Database, label: string, rateLimits: RateLimits) {
	await db.query('delete from auth.rate_limits');
	const e = await createEmbeddedSupabase({
		db,
		apiUrl: API_URL,
		auth: { rateLimits, otpMaxAttempts: ATTEMPTS },
		mailer: { send: async () => {} }
	});
	const email = `victim-${Date.now()}@example.com`;
	const admin = await post(e, '/otp', { email });
	if (admin !== 200) throw new Error(`the first code was refused: ${admin}`);
	let codes = 1;
	let guesses = 0;
	let limited = 0;
	let codeRefused = 0;
	let signedIn = 0;
	let sinceCode = 0;
	const started = performance.now();
	const deadline = started + SECONDS * 1000;
	while (performance.now() < deadline) {
		if (sinceCode >= ATTEMPTS) {
			const status = await post(e, '/otp', { email });
			if (status === 200) codes++;
			else codeRefused++;
			sinceCode = 0;
		}
		const token = String(randomInt(1_000_000)).padStart(6, '0');
		const status = await post(e, '/verify', { type: 'email', email, token });
		guesses++;
		sinceCode++;
		if (status === 429) limited++;
		if (status === 200) signedIn++;
	}
	const elapsed = (performance.now() - started) / 1000;
	const { rows } = await db.query<{ checked: string; most: string }>(
		`select coalesce(sum(hits), 0)::text as checked, coalesce(max(hits), 0)::text as most
		from auth.rate_limits where rule = 'code_attempts'`
	);
	const checked = Number(rows[0].checked);
	await e.close();
	// Fixed windows: a run shorter than a window sees at most one window's allowance, so the hour
	// is bounded by the allowances themselves; a run without limits is steady and scales.
	const perHour =
		rateLimits.tokenVerifications < 1e6
			? Math.min(rateLimits.tokenVerifications * 12, rateLimits.emailSent * ATTEMPTS)
			: Math.round((checked / elapsed) * 3600);
	console.log(
		`${label.padEnd(34)} ${SECONDS} s: ${guesses} guesses (${Math.round(guesses / elapsed)}/s), ` +
			`${limited} answered 429, ${codes} codes issued (${codeRefused} refused), ` +
			`${checked} checked against a live code (at most ${rows[0].most} per code), ` +
			`${signedIn} right; checked per hour ≤ ${perHour}`
	);
}

const db = process.env.DATABASE_URL
	? await openPostgres({ connectionString: process.env.DATABASE_URL })
	: await openPglite();
await applyBootstrap(db);
console.log(
	`one client guessing one address's code (${db.kind}); a code is spent after ${ATTEMPTS} wrong tries`
);
await run(db, "Supabase's default limits", DEFAULT_RATE_LIMITS);
const lifted = 1e9;
await run(db, 'rate limits lifted (per-code rule)', {
	emailSent: lifted,
	signInSignUps: lifted,
	tokenVerifications: lifted,
	tokenRefresh: lifted
});
await db.close();
