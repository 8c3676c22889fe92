import { requireMailbox } from '$lib/server/email/mailbox-access';
import type { PageServerLoad } from './$types';

export const load = (async () => {
	const messages = await requireMailbox().list(100);
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
