import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { PictureError } from '$lib/server/pictures/image';
import { logoUrl, readLogoPath } from '$lib/server/pictures/store';
import { removeLogo, saveLogo } from '$lib/server/pictures/uploads';
import { requireStaff } from '$lib/server/staff/context';
import type { Actions, PageServerLoad } from './$types';

const messages = {
	picture_missing: () => m.pictures_error_picture_missing(),
	picture_too_large: () => m.pictures_error_picture_too_large(),
	picture_not_an_image: () => m.pictures_error_picture_not_an_image(),
	not_allowed: () => m.pictures_error_not_allowed()
} as Record<string, () => string>;

/** The organisation's logo: shown on its page, its events' share cards and posters. */
export const load = (async (event) => {
	const { org } = await requireStaff(event);
	const path = await readLogoPath(event.locals.supabase, org.id);
	return { org, logo: path ? logoUrl(event.locals.supabase, path, 256) : null };
}) satisfies PageServerLoad;

export const actions = {
	save: async (event) => {
		const { org } = await requireStaff(event);
		const file = (await event.request.formData()).get('file');
		try {
			const outcome = await saveLogo(
				event.locals.supabase,
				org.id,
				file instanceof File ? file : null
			);
			if (!outcome.ok)
				return fail(outcome.code === 'not_allowed' ? 403 : 500, {
					message: (messages[outcome.code] ?? (() => m.pictures_error_storage()))()
				});
		} catch (failure) {
			if (failure instanceof PictureError) return fail(400, { message: messages[failure.code]() });
			throw failure;
		}
		return { ok: true, message: m.pictures_logo_saved() };
	},

	remove: async (event) => {
		const { org } = await requireStaff(event);
		const outcome = await removeLogo(event.locals.supabase, org.id);
		if (!outcome.ok) return fail(403, { message: m.pictures_error_not_allowed() });
		return { ok: true, message: m.pictures_logo_removed() };
	}
} satisfies Actions;
