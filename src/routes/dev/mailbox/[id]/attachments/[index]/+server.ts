import { error } from '@sveltejs/kit';
import { requireMailbox } from '$lib/server/email/mailbox-access';
import type { RequestHandler } from './$types';

/** One attached file of an email in the dev mailbox, downloaded as it was sent. */
export const GET: RequestHandler = async ({ params }) => {
	const file = await requireMailbox().attachment(params.id, Number(params.index));
	if (!file) error(404, { message: 'not found' });
	return new Response(Buffer.from(file.content, 'base64'), {
		headers: {
			'content-type': file.contentType,
			'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
			'x-content-type-options': 'nosniff',
			'content-security-policy': "default-src 'none'; sandbox",
			'cache-control': 'no-store'
		}
	});
};
