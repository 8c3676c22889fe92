import { redirect } from '@sveltejs/kit';
import { rememberOrg, staffOrgs } from '$lib/server/staff/context';
import type { Actions, PageServerLoad } from './$types';

/** Where to go after switching: a path on this site under /staff, nothing else. */
function safeNext(value: FormDataEntryValue | null): string {
	const next = typeof value === 'string' ? value : '';
	return /^\/staff(\/[A-Za-z0-9/_-]*)?$/.test(next) ? next : '/staff';
}

export const load = (() => redirect(303, '/staff')) satisfies PageServerLoad;

export const actions = {
	default: async ({ request, locals, cookies, url }) => {
		const form = await request.formData();
		const orgs = await staffOrgs(locals);
		const org = orgs.find((o) => o.id === form.get('org'));
		if (org) rememberOrg(cookies, url, org.id);
		// A page of one organisation's event or room makes no sense in another: start at its list.
		const next = safeNext(form.get('next')).replace(
			/^(\/staff\/(?:events|venues|requests))\/.+$/,
			'$1'
		);
		redirect(303, next);
	}
} satisfies Actions;
