import { emailWorkerHealth } from '$lib/server/email/worker';
import { getRuntime } from '$lib/server/runtime';
import type { RequestHandler } from './$types';

/** A database that takes longer than this to answer `select 1` counts as down. */
const PING_TIMEOUT_MS = 3000;

async function databaseAnswers(): Promise<boolean> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error('timeout')), PING_TIMEOUT_MS);
	});
	try {
		await Promise.race([getRuntime().ping(), timeout]);
		return true;
	} catch {
		return false;
	} finally {
		clearTimeout(timer);
	}
}

/**
 * For load balancers, `npm start` checks and whoever is on call: `ok` when all is well, otherwise
 * one line per part that is not (no error details: this page is public, the server log has them).
 * 503 when the database does not answer, since no page can work then; a failing email worker
 * alone keeps 200, as the site itself still works.
 */
export const GET: RequestHandler = async () => {
	const problems: string[] = [];
	const database = await databaseAnswers();
	if (!database) problems.push('database: not answering');
	const email = emailWorkerHealth();
	if (email.failing) problems.push('email worker: failing (see the server log)');
	return new Response(problems.length ? problems.join('\n') : 'ok', {
		status: database ? 200 : 503,
		headers: { 'content-type': 'text/plain', 'cache-control': 'no-store' }
	});
};
