import type { SupabaseClient, User } from '@supabase/supabase-js';

/** District administrators are marked in app_metadata, which only the service role can write. */
export function isDistrictAdmin(user: Pick<User, 'app_metadata'> | null): boolean {
	return user?.app_metadata?.role === 'district_admin';
}

/**
 * Whether the user works for at least one organisation. Asked through the user's own client, so
 * RLS on org_members decides; no table yet (or any error) means no.
 */
export async function isStaffMember(
	supabase: SupabaseClient,
	user: Pick<User, 'id'> | null
): Promise<boolean> {
	if (!user) return false;
	const { data, error } = await supabase
		.from('org_members')
		.select('org_id')
		.eq('user_id', user.id)
		.limit(1);
	return !error && Array.isArray(data) && data.length > 0;
}
