import { error } from '@sveltejs/kit';
import { kindLabel, pageLocale, pick } from '$lib/components/promote-labels';
import { adminFailure } from '$lib/server/admin/errors';
import { listOrgs } from '$lib/server/admin/orgs';
import type { PageServerLoad } from './$types';

export const load = (async ({ locals }) => {
	const result = await listOrgs(locals.supabase);
	if ('code' in result) error(500, { message: adminFailure(result.code) });
	const locale = pageLocale();
	return {
		orgs: result.orgs.map((o) => ({
			id: o.id,
			slug: o.slug,
			kind: kindLabel(o.kind, locale),
			name: pick({ zh: o.name_zh, en: o.name_en }, locale),
			staff: o.staff
		}))
	};
}) satisfies PageServerLoad;
