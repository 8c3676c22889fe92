import { error, fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { coverSchema, formFields, materialSchema } from '$lib/schemas/pictures';
import { PictureError } from '$lib/server/pictures/image';
import { coverView, defaultCover, readCover } from '$lib/server/pictures/store';
import {
	addMaterial,
	listMaterials,
	removeCover,
	removeMaterial,
	saveCover,
	type UploadFailure
} from '$lib/server/pictures/uploads';
import { requireStaff } from '$lib/server/staff/context';
import { getEvent } from '$lib/server/staff/events';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

async function ownEvent(event: RequestEvent) {
	const { org } = await requireStaff(event);
	const found = await getEvent(event.locals.supabase, org.id, event.params.id);
	if (!found) error(404, { message: m.staff_error_event_not_found() });
	return found;
}

function failureMessage(code: UploadFailure | PictureError['code']): string {
	switch (code) {
		case 'picture_missing':
			return m.pictures_error_picture_missing();
		case 'picture_too_large':
			return m.pictures_error_picture_too_large();
		case 'picture_not_an_image':
			return m.pictures_error_picture_not_an_image();
		case 'material_missing':
			return m.pictures_error_material_missing();
		case 'material_too_large':
			return m.pictures_error_material_too_large();
		case 'material_type':
			return m.pictures_error_material_type();
		case 'not_allowed':
			return m.pictures_error_not_allowed();
		default:
			return m.pictures_error_storage();
	}
}

/** An event's cover (with its focal point and the guardians' consent) and its materials. */
export const load = (async (event) => {
	const found = await ownEvent(event);
	const supabase = event.locals.supabase;
	const [cover, materials] = await Promise.all([
		readCover(supabase, found.id),
		listMaterials(supabase, found.id)
	]);
	return {
		event: found,
		cover: cover
			? { ...coverView(supabase, cover), focalX: cover.focal_x, focalY: cover.focal_y }
			: null,
		defaultCover: defaultCover(found.category),
		materials
	};
}) satisfies PageServerLoad;

export const actions = {
	cover: async (event) => {
		const found = await ownEvent(event);
		const form = await event.request.formData();
		const parsed = coverSchema.safeParse(
			formFields(form, ['focal_x', 'focal_y', 'shows_children', 'guardians_consent'])
		);
		if (!parsed.success) {
			const consent = parsed.error.issues.some((issue) => issue.message === 'consent_required');
			return fail(400, {
				action: 'cover',
				message: consent ? m.pictures_error_consent_required() : m.pictures_error_focal()
			});
		}
		const file = form.get('file');
		try {
			const outcome = await saveCover(
				event.locals.supabase,
				found,
				file instanceof File ? file : null,
				{
					focalX: parsed.data.focal_x / 100,
					focalY: parsed.data.focal_y / 100,
					showsChildren: parsed.data.shows_children,
					guardiansConsent: parsed.data.guardians_consent
				}
			);
			if (!outcome.ok)
				return fail(outcome.code === 'storage' ? 500 : 403, {
					action: 'cover',
					message: failureMessage(outcome.code)
				});
		} catch (failure) {
			if (failure instanceof PictureError)
				return fail(400, { action: 'cover', message: failureMessage(failure.code) });
			throw failure;
		}
		return { action: 'cover', ok: true, message: m.pictures_cover_saved() };
	},

	removeCover: async (event) => {
		const found = await ownEvent(event);
		const outcome = await removeCover(event.locals.supabase, found);
		if (!outcome.ok) return fail(403, { action: 'cover', message: failureMessage(outcome.code) });
		return { action: 'cover', ok: true, message: m.pictures_cover_removed() };
	},

	material: async (event) => {
		const found = await ownEvent(event);
		const form = await event.request.formData();
		const parsed = materialSchema.safeParse(
			formFields(form, ['title', 'audience', 'shows_children', 'guardians_consent'])
		);
		if (!parsed.success) {
			const consent = parsed.error.issues.some((issue) => issue.message === 'consent_required');
			return fail(400, {
				action: 'material',
				message: consent ? m.pictures_error_consent_required() : m.pictures_error_material_title()
			});
		}
		const file = form.get('file');
		const outcome = await addMaterial(
			event.locals.supabase,
			found,
			file instanceof File ? file : null,
			{
				title: parsed.data.title,
				audience: parsed.data.audience,
				showsChildren: parsed.data.shows_children,
				guardiansConsent: parsed.data.guardians_consent
			}
		);
		if (!outcome.ok)
			return fail(outcome.code === 'storage' ? 500 : 400, {
				action: 'material',
				message: failureMessage(outcome.code)
			});
		return { action: 'material', ok: true, message: m.pictures_materials_added() };
	},

	removeMaterial: async (event) => {
		const found = await ownEvent(event);
		const id = String((await event.request.formData()).get('material_id') ?? '');
		const outcome = await removeMaterial(event.locals.supabase, found.id, id);
		if (!outcome.ok)
			return fail(403, { action: 'material', message: failureMessage(outcome.code) });
		return { action: 'material', ok: true, message: m.pictures_materials_removed() };
	}
} satisfies Actions;
