/**
 * A dispatcher in its own process that dies (SIGKILL, no clean-up) right after the email provider
 * has accepted its first request — before anything is recorded in the database. Started by
 * concurrency.test.ts; configured by DATABASE_URL and RESEND_BASE_URL.
 */
import { createEmbeddedSupabase } from '../../src/lib/server/embedded-supabase';
import { openPostgres } from '../../src/lib/server/embedded-supabase/database';
import { createDispatcher } from '../../src/lib/server/email/dispatcher';
import { createRateLimiter } from '../../src/lib/server/email/rate-limit';
import { resendTransport } from '../../src/lib/server/email/transport';
import { API_URL, makeClient } from '../support/embedded';

async function main() {
	const db = await openPostgres({ connectionString: process.env.DATABASE_URL!, max: 2 });
	const embedded = await createEmbeddedSupabase({
		db,
		apiUrl: API_URL,
		mailer: { send: async () => {} }
	});
	const dispatcher = createDispatcher({
		client: makeClient(API_URL, embedded.keys.secret, embedded.fetch),
		transport: resendTransport({ apiKey: 're_test_key', baseUrl: process.env.RESEND_BASE_URL! }),
		limiter: createRateLimiter(50),
		from: 'Gongyu <noreply@gongyu.example.org>',
		siteUrl: 'https://gongyu.example.org',
		leaseSeconds: 1,
		concurrency: 1,
		afterSend: (_request, outcome) => {
			if (outcome.ok) process.kill(process.pid, 'SIGKILL');
		}
	});
	await dispatcher.runOnce();
	console.error('the worker should have died');
	process.exit(3);
}

main().catch((error) => {
	console.error(error);
	process.exit(2);
});
