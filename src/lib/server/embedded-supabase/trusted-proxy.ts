/**
 * Who a request to `supabase:local` counts for (`--trusted-proxy`): the socket's address; or, when
 * the socket is one of the app servers named as trusted, the visitor the app names in
 * X-Forwarded-For (its last address; none for the server's own jobs), counted as the app's own
 * calls are in embedded mode. From any other address the header is ignored, so a client cannot
 * name itself someone else.
 */
import type { HandleOptions } from './index';

/** The trusted addresses from `--trusted-proxy a,b`, also in their IPv4-mapped IPv6 form. */
export function trustedProxies(list: string | undefined): Set<string> {
	return new Set(
		(list ?? '')
			.split(',')
			.map((a) => a.trim())
			.filter(Boolean)
			.flatMap((a) => [a, `::ffff:${a}`])
	);
}

export function callerOf(
	socketAddress: string | null | undefined,
	forwardedFor: string | string[] | undefined,
	trusted: Set<string>
): HandleOptions {
	const socket = socketAddress ?? null;
	if (!socket || !trusted.has(socket)) return { clientAddress: socket };
	const visitor = typeof forwardedFor === 'string' ? forwardedFor.split(',').at(-1)!.trim() : '';
	return { clientAddress: visitor || null, appServer: true };
}
