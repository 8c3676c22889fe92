import { error } from '@sveltejs/kit';
import { env } from '$env/dynamic/private';
import { isLocalOrigin } from '$lib/server/embedded-supabase';
import { getRuntime } from '$lib/server/runtime';
import type { DevMailbox } from './dev-mailbox';

/**
 * The dev mailbox holds sign-in codes for every account, so it is served only when there is one
 * (no email provider) and the app runs on a local origin — or GONGYU_DEV_MAILBOX=on says that a
 * non-local demo installation wants it anyway. Otherwise it does not exist (404).
 */
export function requireMailbox(url: URL): DevMailbox {
	const mailbox = getRuntime().mailbox;
	if (!mailbox || !(isLocalOrigin(url.origin) || env.GONGYU_DEV_MAILBOX === 'on')) {
		error(404, { message: 'not found' });
	}
	return mailbox;
}
