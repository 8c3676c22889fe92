/**
 * POST /api/cron/tick — for an external scheduler (cron, a platform's scheduled job): queues due
 * reminders and runs one email dispatcher pass. `Authorization: Bearer <CRON_SECRET>`; anything
 * else is 401 (and so is every request when CRON_SECRET is not set). Safe to call from several
 * places at once, and alongside the in-process worker.
 */
import { json } from '@sveltejs/kit';
import { createHash, timingSafeEqual } from 'node:crypto';
import { env } from '$env/dynamic/private';
import { runEmailTick } from '$lib/server/email/worker';
import type { RequestHandler } from './$types';

function sameSecret(given: string, expected: string): boolean {
	// Compare digests: equal length whatever was sent, and no early exit.
	const a = createHash('sha256').update(given).digest();
	const b = createHash('sha256').update(expected).digest();
	return timingSafeEqual(a, b);
}

export const POST: RequestHandler = async ({ request }) => {
	const secret = env.CRON_SECRET;
	const header = request.headers.get('authorization') ?? '';
	if (!secret || !sameSecret(header, `Bearer ${secret}`)) {
		return json(
			{ error: 'unauthorised' },
			{ status: 401, headers: { 'www-authenticate': 'Bearer', 'cache-control': 'no-store' } }
		);
	}
	try {
		const result = await runEmailTick();
		return json(result, { headers: { 'cache-control': 'no-store' } });
	} catch (error) {
		console.error('cron tick failed:', error instanceof Error ? error.message : error);
		return json({ error: 'tick_failed' }, { status: 503, headers: { 'cache-control': 'no-store' } });
	}
};
