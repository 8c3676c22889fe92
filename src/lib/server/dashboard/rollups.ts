import type { SupabaseClient } from '@supabase/supabase-js';

/**
 * The scheduled refresh of the dashboard's roll-up (refresh_dashboard_rollups): computes the
 * events whose registrations, attendees or feedback changed and the notices whose recipients
 * changed, a batch at a time, until none is left or `maxBatches` ran. The dashboard and the
 * district's tables are exact without it (they compute dirty events and notices live); this keeps
 * that live part small. Safe to run from several servers at once; needs the service-role client.
 * Returns how many events and notices it computed.
 */
export async function refreshDashboardRollups(
	client: SupabaseClient,
	options: { batch?: number; maxBatches?: number } = {}
): Promise<number> {
	const batch = options.batch ?? 200;
	let total = 0;
	for (let i = 0; i < (options.maxBatches ?? 20); i++) {
		const { data, error } = await client.rpc('refresh_dashboard_rollups', { p_limit: batch });
		if (error) throw new Error(`refresh_dashboard_rollups: ${error.message}`);
		total += Number(data ?? 0);
		if (Number(data ?? 0) < batch) break;
	}
	return total;
}
