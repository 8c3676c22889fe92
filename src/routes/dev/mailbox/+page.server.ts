import { requireMailbox } from '$lib/server/email/mailbox-access';
import type { PageServerLoad } from './$types';

export const load = (async ({ url }) => {
	const messages = await requireMailbox(url).list(100);
	return {
		messages: messages.map(({ id, to, subject, kind, createdAt }) => ({
			id,
			to,
			subject,
			kind,
			createdAt
		}))
	};
}) satisfies PageServerLoad;
