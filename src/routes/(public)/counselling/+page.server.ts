import { listCentres } from '$lib/server/counselling';
import type { PageServerLoad } from './$types';

/** The district's counselling centres, each with its hotline and a link to book. */
export const load = (async ({ locals }) => ({
	centres: await listCentres(locals.supabase)
})) satisfies PageServerLoad;
