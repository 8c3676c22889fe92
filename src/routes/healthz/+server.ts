import { getRuntime } from '$lib/server/runtime';
import type { RequestHandler } from './$types';

/** 200 `ok` when the database answers, 503 otherwise: for load balancers and `npm start` checks. */
export const GET: RequestHandler = async () => {
	try {
		await getRuntime().ping();
		return new Response('ok', {
			headers: { 'content-type': 'text/plain', 'cache-control': 'no-store' }
		});
	} catch {
		return new Response('unavailable', {
			status: 503,
			headers: { 'content-type': 'text/plain', 'cache-control': 'no-store' }
		});
	}
};
