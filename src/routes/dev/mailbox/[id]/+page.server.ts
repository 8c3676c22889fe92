import { error } from '@sveltejs/kit';
import { requireMailbox } from '$lib/server/email/mailbox-access';
import type { PageServerLoad } from './$types';

export const load = (async ({ params }) => {
	const message = await requireMailbox().get(params.id);
	if (!message) error(404, { message: 'not found' });
	return { message };
}) satisfies PageServerLoad;
