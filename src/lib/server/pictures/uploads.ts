/**
 * Staff's uploads through the request's own supabase-js client: Storage's policies on
 * storage.objects decide who may write into an organisation's folder, the tables' policies who may
 * point an event or organisation at a picture. A new picture gets a new name (its content hash),
 * so caches and the share card's key see the change; the old object is removed after the switch.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { COVER_BUCKET, LOGO_BUCKET, readCover, readLogoPath } from './store';
import { makeCover, makeLogo, readPicture } from './image';

export const MATERIAL_BUCKET = 'materials';
export const MAX_MATERIAL_BYTES = 50 * 1024 * 1024;
/** What staff may attach, by the type the browser reports and the file's extension. */
export const MATERIAL_TYPES: Record<string, string> = {
	pdf: 'application/pdf',
	ppt: 'application/vnd.ms-powerpoint',
	pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
	doc: 'application/msword',
	docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	png: 'image/png',
	webp: 'image/webp'
};

export type UploadFailure =
	'not_allowed' | 'storage' | 'material_missing' | 'material_too_large' | 'material_type';

export type Outcome = { ok: true } | { ok: false; code: UploadFailure };

function hashName(bytes: Buffer, ext: string): string {
	return `${createHash('sha256').update(bytes).digest('hex').slice(0, 20)}.${ext}`;
}

/** 403 from Storage or 42501 from the table: the caller may not; anything else: try again. */
function failure(error: { message?: string; code?: string; statusCode?: string | number }) {
	const status = String((error as { statusCode?: string | number }).statusCode ?? '');
	const denied =
		error.code === '42501' ||
		status === '403' ||
		status === '401' ||
		/row-level security|not authori[sz]ed|unauthori[sz]ed/i.test(error.message ?? '');
	return { ok: false as const, code: (denied ? 'not_allowed' : 'storage') as UploadFailure };
}

export async function saveCover(
	supabase: SupabaseClient,
	event: { id: string; org_id: string },
	file: File | null,
	choice: { focalX: number; focalY: number; showsChildren: boolean; guardiansConsent: boolean }
): Promise<Outcome> {
	const picture = await readPicture(file);
	const cover = await makeCover(picture.bytes, choice.focalX, choice.focalY);
	const path = `${event.org_id}/${event.id}/${hashName(cover.bytes, 'jpg')}`;
	const previous = await readCover(supabase, event.id);
	const storage = supabase.storage.from(COVER_BUCKET);
	const uploaded = await storage.upload(path, cover.bytes, {
		contentType: 'image/jpeg',
		cacheControl: '31536000',
		upsert: true
	});
	if (uploaded.error) return failure(uploaded.error);
	const { error } = await supabase.from('event_covers').upsert({
		event_id: event.id,
		org_id: event.org_id,
		object_path: path,
		width: cover.width,
		height: cover.height,
		focal_x: choice.focalX,
		focal_y: choice.focalY,
		shows_children: choice.showsChildren,
		guardians_consent: choice.guardiansConsent
	});
	if (error) {
		await storage.remove([path]);
		return failure(error);
	}
	if (previous && previous.object_path !== path) await storage.remove([previous.object_path]);
	return { ok: true };
}

export async function removeCover(
	supabase: SupabaseClient,
	event: { id: string }
): Promise<Outcome> {
	const previous = await readCover(supabase, event.id);
	if (!previous) return { ok: true };
	const { error } = await supabase.from('event_covers').delete().eq('event_id', event.id);
	if (error) return failure(error);
	await supabase.storage.from(COVER_BUCKET).remove([previous.object_path]);
	return { ok: true };
}

export async function saveLogo(
	supabase: SupabaseClient,
	orgId: string,
	file: File | null
): Promise<Outcome> {
	const picture = await readPicture(file);
	const png = await makeLogo(picture.bytes);
	const path = `${orgId}/${hashName(png, 'png')}`;
	const previous = await readLogoPath(supabase, orgId);
	const storage = supabase.storage.from(LOGO_BUCKET);
	const uploaded = await storage.upload(path, png, {
		contentType: 'image/png',
		cacheControl: '31536000',
		upsert: true
	});
	if (uploaded.error) return failure(uploaded.error);
	const { error } = await supabase
		.from('organisation_logos')
		.upsert({ org_id: orgId, object_path: path });
	if (error) {
		await storage.remove([path]);
		return failure(error);
	}
	if (previous && previous !== path) await storage.remove([previous]);
	return { ok: true };
}

export async function removeLogo(supabase: SupabaseClient, orgId: string): Promise<Outcome> {
	const previous = await readLogoPath(supabase, orgId);
	if (!previous) return { ok: true };
	const { error } = await supabase.from('organisation_logos').delete().eq('org_id', orgId);
	if (error) return failure(error);
	await supabase.storage.from(LOGO_BUCKET).remove([previous]);
	return { ok: true };
}

export interface Material {
	id: string;
	title: string;
	file_name: string;
	content_type: string;
	size_bytes: number;
	audience: 'public' | 'registered';
	created_at: string;
}

export async function listMaterials(
	supabase: SupabaseClient,
	eventId: string
): Promise<Material[]> {
	return (await materialsByEvent(supabase, [eventId])).get(eventId) ?? [];
}

/** The accepted type of a file, from its extension (the browser's own report is not trusted). */
export function materialType(fileName: string): string | null {
	const ext = fileName.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? '';
	return MATERIAL_TYPES[ext] ?? null;
}

/** A file name safe in a Storage key: letters, digits, dots and dashes; Chinese kept in the row. */
function safeKey(fileName: string): string {
	const ext = fileName.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? 'bin';
	return `${randomUUID()}.${ext}`;
}

export async function addMaterial(
	supabase: SupabaseClient,
	event: { id: string; org_id: string },
	file: File | null,
	choice: {
		title: string;
		audience: 'public' | 'registered';
		showsChildren: boolean;
		guardiansConsent: boolean;
	}
): Promise<Outcome> {
	if (!file || file.size === 0) return { ok: false, code: 'material_missing' };
	if (file.size > MAX_MATERIAL_BYTES) return { ok: false, code: 'material_too_large' };
	const contentType = materialType(file.name);
	if (!contentType) return { ok: false, code: 'material_type' };
	const path = `${event.org_id}/${event.id}/${safeKey(file.name)}`;
	const storage = supabase.storage.from(MATERIAL_BUCKET);
	const uploaded = await storage.upload(path, file, { contentType, upsert: false });
	if (uploaded.error) return failure(uploaded.error);
	const { error } = await supabase.from('event_materials').insert({
		event_id: event.id,
		org_id: event.org_id,
		object_path: path,
		title: choice.title,
		file_name: file.name.slice(-200),
		content_type: contentType,
		size_bytes: file.size,
		audience: choice.audience,
		shows_children: choice.showsChildren,
		guardians_consent: choice.guardiansConsent
	});
	if (error) {
		await storage.remove([path]);
		return failure(error);
	}
	return { ok: true };
}

export async function removeMaterial(
	supabase: SupabaseClient,
	eventId: string,
	materialId: string
): Promise<Outcome> {
	const { data, error } = await supabase
		.from('event_materials')
		.delete()
		.eq('id', materialId)
		.eq('event_id', eventId)
		.select('object_path');
	if (error) return failure(error);
	if (!data || data.length === 0) return { ok: false, code: 'not_allowed' };
	await supabase.storage.from(MATERIAL_BUCKET).remove(data.map((row) => row.object_path));
	return { ok: true };
}

/** How long a download link works: long enough to start it, too short to pass around. */
export const MATERIAL_LINK_SECONDS = 60;

/**
 * A signed download link for one material, or null when the caller may not read it (Storage
 * signs only what the caller's policies let it read; the row is looked up with the same client).
 */
export async function materialDownloadUrl(
	supabase: SupabaseClient,
	eventId: string,
	materialId: string
): Promise<string | null> {
	if (!/^[0-9a-f-]{36}$/i.test(materialId)) return null;
	const { data: row, error } = await supabase
		.from('event_materials')
		.select('object_path, file_name')
		.eq('id', materialId)
		.eq('event_id', eventId)
		.maybeSingle();
	if (error || !row) return null;
	const { data, error: signError } = await supabase.storage
		.from(MATERIAL_BUCKET)
		.createSignedUrl(row.object_path, MATERIAL_LINK_SECONDS, { download: row.file_name });
	if (signError || !data) return null;
	return data.signedUrl;
}

/** The materials the caller may read of several events, by event (one query; RLS decides). */
export async function materialsByEvent(
	supabase: SupabaseClient,
	eventIds: string[]
): Promise<Map<string, Material[]>> {
	const byEvent = new Map<string, Material[]>();
	if (eventIds.length === 0) return byEvent;
	const { data, error } = await supabase
		.from('event_materials')
		.select('id, event_id, title, file_name, content_type, size_bytes, audience, created_at')
		.in('event_id', eventIds)
		.order('created_at');
	if (error) throw new Error(`event_materials: ${error.code} ${error.message}`);
	for (const { event_id, ...material } of data ?? []) {
		const list = byEvent.get(event_id) ?? [];
		list.push(material as Material);
		byEvent.set(event_id, list);
	}
	return byEvent;
}
