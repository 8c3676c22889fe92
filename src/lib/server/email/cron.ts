/**
 * The cron route's logic, kept apart from SvelteKit so it can be tested as is:
 * `Authorization: Bearer <CRON_SECRET>` or 401 (always 401 when no secret is configured).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

function sameSecret(given: string, expected: string): boolean {
	// Compare digests: equal lengths whatever was sent, and no early exit.
	const a = createHash('sha256').update(given).digest();
	const b = createHash('sha256').update(expected).digest();
	return timingSafeEqual(a, b);
}

export async function handleCronTick(
	request: Request,
	options: { secret: string | undefined; tick: () => Promise<unknown> }
): Promise<Response> {
	const headers = { 'content-type': 'application/json', 'cache-control': 'no-store' };
	const given = request.headers.get('authorization') ?? '';
	if (!options.secret || !sameSecret(given, `Bearer ${options.secret}`)) {
		return new Response(JSON.stringify({ error: 'unauthorised' }), {
			status: 401,
			headers: { ...headers, 'www-authenticate': 'Bearer' }
		});
	}
	try {
		return new Response(JSON.stringify(await options.tick()), { status: 200, headers });
	} catch (error) {
		console.error('cron tick failed:', error instanceof Error ? error.message : error);
		return new Response(JSON.stringify({ error: 'tick_failed' }), { status: 503, headers });
	}
}
