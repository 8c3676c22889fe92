/**
 * Where pictures live and how pages point at them: covers and logos in public Storage buckets,
 * read through the request's own client (RLS), shown with a srcset from Storage's image
 * transform; default covers per category from static/covers when an event has none. Share cards
 * and posters drawn by the server are kept in the `cards` bucket under a hash of what they show.
 */
import { createHash } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import sharp from 'sharp';
import { createAdminClient } from '$lib/server/supabase-admin';
import type { Picture } from './layouts';

export const COVER_BUCKET = 'covers';
export const LOGO_BUCKET = 'logos';
export const CARD_BUCKET = 'cards';

/** Widths offered in a cover's srcset (16:9). */
const COVER_WIDTHS = [480, 800, 1200, 1600];

export interface CoverRow {
	event_id: string;
	org_id: string;
	object_path: string;
	width: number;
	height: number;
	focal_x: number;
	focal_y: number;
}

/** What an <img> needs: every size it may pick, and its own size so nothing moves as it loads. */
export interface ImageView {
	src: string;
	srcset: string | null;
	width: number;
	height: number;
}

const defaultCovers = import.meta.glob<string>('/static/covers/*.svg', {
	query: '?raw',
	import: 'default',
	eager: true
});

function defaultCoverName(category: string): string {
	return defaultCovers[`/static/covers/${category}.svg`] ? category : 'other';
}

/** The category's default cover, as the browser finds it (static/covers/<category>.svg). */
export function defaultCover(category: string): ImageView {
	return {
		src: `/covers/${defaultCoverName(category)}.svg`,
		srcset: null,
		width: 1600,
		height: 900
	};
}

export async function readCover(
	supabase: SupabaseClient,
	eventId: string
): Promise<CoverRow | null> {
	const { data, error } = await supabase
		.from('event_covers')
		.select('event_id, org_id, object_path, width, height, focal_x, focal_y')
		.eq('event_id', eventId)
		.maybeSingle();
	if (error) throw new Error(`event_covers: ${error.code} ${error.message}`);
	return data as CoverRow | null;
}

export async function readLogoPath(
	supabase: SupabaseClient,
	orgId: string
): Promise<string | null> {
	const { data, error } = await supabase
		.from('organisation_logos')
		.select('object_path')
		.eq('org_id', orgId)
		.maybeSingle();
	if (error) throw new Error(`organisation_logos: ${error.code} ${error.message}`);
	return (data?.object_path as string | undefined) ?? null;
}

/** An uploaded cover with a srcset of Storage's transforms (WebP where the browser takes it). */
export function coverView(
	supabase: SupabaseClient,
	cover: CoverRow,
	offered = COVER_WIDTHS
): ImageView {
	const bucket = supabase.storage.from(COVER_BUCKET);
	// A Supabase project on a plan without image transformations: the stored cover as it is.
	if (!transforms())
		return {
			src: bucket.getPublicUrl(cover.object_path).data.publicUrl,
			srcset: null,
			width: cover.width,
			height: cover.height
		};
	const widths = offered.filter((width) => width <= cover.width);
	if (widths.length === 0) widths.push(cover.width);
	const url = (width: number) =>
		bucket.getPublicUrl(cover.object_path, {
			transform: { width, height: Math.round((width * 9) / 16), resize: 'cover', quality: 75 }
		}).data.publicUrl;
	return {
		src: url(widths[Math.min(1, widths.length - 1)]),
		srcset: widths.map((width) => `${url(width)} ${width}w`).join(', '),
		width: cover.width,
		height: cover.height
	};
}

export function logoUrl(supabase: SupabaseClient, path: string, size = 128): string {
	const transform = transforms()
		? { transform: { width: size, height: size, resize: 'contain' as const } }
		: undefined;
	return supabase.storage.from(LOGO_BUCKET).getPublicUrl(path, transform).data.publicUrl;
}

/** `GONGYU_IMAGE_TRANSFORMS=off`: Storage has no /render/image (Supabase's free plan). */
function transforms(): boolean {
	return process.env.GONGYU_IMAGE_TRANSFORMS !== 'off';
}

/** Covers of a page of events, in one query: the uploaded ones (smaller sizes), else defaults. */
export async function listCovers(
	supabase: SupabaseClient,
	events: { id: string; category: string }[]
): Promise<Map<string, ImageView>> {
	const covers = new Map<string, ImageView>();
	if (events.length === 0) return covers;
	const { data, error } = await supabase
		.from('event_covers')
		.select('event_id, org_id, object_path, width, height, focal_x, focal_y')
		.in(
			'event_id',
			events.map((event) => event.id)
		);
	if (error) throw new Error(`event_covers: ${error.code} ${error.message}`);
	const uploaded = new Map((data as CoverRow[]).map((row) => [row.event_id, row]));
	for (const event of events) {
		const row = uploaded.get(event.id);
		covers.set(event.id, row ? coverView(supabase, row, [480, 800]) : defaultCover(event.category));
	}
	return covers;
}

/** The cover of an event for pages: the uploaded one, or the category's default. */
export async function eventCover(
	supabase: SupabaseClient,
	event: { id: string; category: string }
): Promise<ImageView & { uploaded: boolean }> {
	const cover = await readCover(supabase, event.id);
	if (cover) return { ...coverView(supabase, cover), uploaded: true };
	return { ...defaultCover(event.category), uploaded: false };
}

async function download(bucket: string, path: string): Promise<Buffer | null> {
	const { data, error } = await createAdminClient().storage.from(bucket).download(path);
	if (error || !data) return null;
	return Buffer.from(await data.arrayBuffer());
}

// Default covers drawn once per process per category.
const rasterised = new Map<string, Promise<Buffer>>();

/** The cover's bytes for drawing a card or poster: the uploaded JPEG, or the default rasterised. */
export async function coverPicture(cover: CoverRow | null, category: string): Promise<Picture> {
	if (cover) {
		const bytes = await download(COVER_BUCKET, cover.object_path);
		if (bytes) return { data: bytes, mime: 'image/jpeg' };
	}
	const name = defaultCoverName(category);
	let bytes = rasterised.get(name);
	if (!bytes) {
		const svg = defaultCovers[`/static/covers/${name}.svg`];
		bytes = sharp(Buffer.from(svg)).resize(1600, 900).jpeg({ quality: 85 }).toBuffer();
		rasterised.set(name, bytes);
	}
	return { data: await bytes, mime: 'image/jpeg' };
}

export async function logoPicture(path: string | null): Promise<Picture | null> {
	if (!path) return null;
	const bytes = await download(LOGO_BUCKET, path);
	if (!bytes) return null;
	const png = await sharp(bytes)
		.resize(256, 256, { fit: 'contain', background: '#ffffff' })
		.flatten({ background: '#ffffff' })
		.png()
		.toBuffer();
	return { data: png, mime: 'image/png' };
}

/** A short hash of everything a drawing shows: a new one whenever any of it changes. */
export function drawingKey(parts: unknown): string {
	return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

/**
 * A drawn picture from the `cards` bucket (<org>/<owner>/<name>-<key>.<ext>), drawn and stored on
 * the first request for this key; older keys of the same name are removed. Written with the
 * secret key: what is drawn is public (a published event's facts), whoever asks first.
 */
export function cachedDrawing(
	folder: string,
	name: string,
	key: string,
	ext: 'png' | 'pdf',
	draw: () => Promise<Buffer>
): Promise<Buffer> {
	const path = `${folder}/${name}-${key}.${ext}`;
	// A link shared into a busy group is opened by many at once: one drawing, all wait for it.
	let pending = drawing.get(path);
	if (!pending) {
		pending = keptOrDrawn(folder, name, path, ext, draw).finally(() => drawing.delete(path));
		drawing.set(path, pending);
	}
	return pending;
}

const drawing = new Map<string, Promise<Buffer>>();

async function keptOrDrawn(
	folder: string,
	name: string,
	path: string,
	ext: 'png' | 'pdf',
	draw: () => Promise<Buffer>
): Promise<Buffer> {
	const kept = await download(CARD_BUCKET, path);
	if (kept) return kept;
	const bytes = await draw();
	const storage = createAdminClient().storage.from(CARD_BUCKET);
	const { error } = await storage.upload(path, bytes, {
		contentType: ext === 'png' ? 'image/png' : 'application/pdf',
		upsert: true,
		cacheControl: '31536000'
	});
	if (error) console.error(`cards: could not keep ${path}: ${error.message}`);
	else {
		const { data: old } = await storage.list(folder, { search: `${name}-` });
		const stale = (old ?? [])
			.map((file) => `${folder}/${file.name}`)
			.filter((file) => file !== path && file.startsWith(`${folder}/${name}-`));
		if (stale.length > 0) await storage.remove(stale);
	}
	return bytes;
}
