import type { SupabaseClient } from '@supabase/supabase-js';

export interface ReleaseResult {
	released: number;
	promoted: number;
	expired: number;
}

/**
 * The scheduled release of held places (release_held_places): holds due for release give their
 * unused seats to the waitlist, invitations past their time expire. Safe to run from several
 * servers at once; needs the service-role client.
 */
export async function releaseHeldPlaces(
	client: SupabaseClient,
	now?: Date
): Promise<ReleaseResult> {
	const { data, error } = await client.rpc(
		'release_held_places',
		now ? { p_now: now.toISOString() } : {}
	);
	if (error) throw new Error(`release_held_places: ${error.message}`);
	return data as ReleaseResult;
}
