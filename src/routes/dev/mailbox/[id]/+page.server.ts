import { error } from '@sveltejs/kit';
import { requireMailbox } from '$lib/server/email/mailbox-access';
import type { PageServerLoad } from './$types';

export const load = (async ({ url, params }) => {
	const message = await requireMailbox(url).get(params.id);
	if (!message) error(404, { message: 'not found' });
	return { message };
}) satisfies PageServerLoad;
