import { redirect } from '@sveltejs/kit';
import { getLocale } from '$lib/paraglide/runtime';
import { exportFamily } from '$lib/server/families';
import { readableExport, type FamilyExport } from '$lib/server/families/readable-export';
import type { PageServerLoad } from './$types';

/** The family's data export as a page to read and print (the same content as the JSON file). */
export const load = (async ({ locals }) => {
	if (!locals.user) redirect(303, '/auth/sign-in?next=%2Ffamily%2Fexport%2Fprint');
	const data = (await exportFamily(locals.supabase)) as FamilyExport;
	return { view: readableExport(data, getLocale() === 'en' ? 'en' : 'zh-CN') };
}) satisfies PageServerLoad;
