import { error } from '@sveltejs/kit';
import { requireMailbox } from '$lib/server/email/mailbox-access';
import type { RequestHandler } from './$types';

/** One email's HTML on its own, under a CSP that lets it style itself and do nothing else. */
export const GET: RequestHandler = async ({ params }) => {
	const message = await requireMailbox().get(params.id);
	if (!message) error(404, { message: 'not found' });
	return new Response(message.html, {
		headers: {
			'content-type': 'text/html; charset=utf-8',
			'content-security-policy':
				"default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox allow-popups allow-popups-to-escape-sandbox; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
			'cache-control': 'no-store'
		}
	});
};
