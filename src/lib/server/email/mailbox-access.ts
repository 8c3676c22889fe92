import { error } from '@sveltejs/kit';
import { env } from '$env/dynamic/private';
import { getRuntime } from '$lib/server/runtime';
import type { DevMailbox } from './dev-mailbox';
import { devMailboxOpen } from './settings';

/** The dev mailbox, or 404 where it does not exist (see devMailboxOpen). */
export function requireMailbox(): DevMailbox {
	const mailbox = getRuntime().mailbox;
	if (!mailbox || !devMailboxOpen(env)) error(404, { message: 'not found' });
	return mailbox;
}
