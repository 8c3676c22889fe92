/**
 * Pictures staff upload, made fit to publish with sharp: a cover cropped to 16:9 around the focal
 * point, a square logo; anything that is not a picture, or too large, is refused with a code the
 * page translates. EXIF (with any GPS position) is dropped by re-encoding.
 */
import sharp from 'sharp';

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** Larger than any phone camera: a decompression bomb is refused before it is decoded. */
const MAX_PIXELS = 50_000_000;
const INPUT_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'heif', 'avif', 'tiff']);

export type PictureFailure = 'picture_missing' | 'picture_too_large' | 'picture_not_an_image';

export class PictureError extends Error {
	constructor(readonly code: PictureFailure) {
		super(code);
	}
}

/** Checks an upload is a picture sharp can read, within the limits; its size after rotation. */
export async function readPicture(
	file: File | null
): Promise<{ bytes: Buffer; width: number; height: number }> {
	if (!file || file.size === 0) throw new PictureError('picture_missing');
	if (file.size > MAX_UPLOAD_BYTES) throw new PictureError('picture_too_large');
	const bytes = Buffer.from(await file.arrayBuffer());
	try {
		const meta = await sharp(bytes, { limitInputPixels: MAX_PIXELS }).metadata();
		if (!meta.format || !INPUT_FORMATS.has(meta.format) || !meta.width || !meta.height)
			throw new PictureError('picture_not_an_image');
		// Orientations 5–8 turn the picture a quarter.
		const turned = (meta.orientation ?? 1) >= 5;
		return {
			bytes,
			width: turned ? meta.height : meta.width,
			height: turned ? meta.width : meta.height
		};
	} catch (error) {
		if (error instanceof PictureError) throw error;
		throw new PictureError('picture_not_an_image');
	}
}

/**
 * The largest `ratio` (width / height) window inside width × height whose centre is as near the
 * focal point (0–1 on each axis) as the edges allow.
 */
export function cropAround(
	width: number,
	height: number,
	ratio: number,
	focalX: number,
	focalY: number
): { left: number; top: number; width: number; height: number } {
	let w = width;
	let h = Math.round(width / ratio);
	if (h > height) {
		h = height;
		w = Math.round(height * ratio);
	}
	const clamp = (value: number, max: number) => Math.min(Math.max(0, Math.round(value)), max);
	return {
		left: clamp(focalX * width - w / 2, width - w),
		top: clamp(focalY * height - h / 2, height - h),
		width: w,
		height: h
	};
}

/** A 16:9 JPEG of at most 1920 × 1080 around the focal point. */
export async function makeCover(
	bytes: Buffer,
	focalX: number,
	focalY: number
): Promise<{ bytes: Buffer; width: number; height: number }> {
	const upright = await sharp(bytes, { limitInputPixels: MAX_PIXELS })
		.rotate()
		.toBuffer({ resolveWithObject: true });
	const box = cropAround(upright.info.width, upright.info.height, 16 / 9, focalX, focalY);
	const out = await sharp(upright.data)
		.extract(box)
		.resize({ width: 1920, height: 1080, fit: 'inside', withoutEnlargement: true })
		.flatten({ background: '#ffffff' })
		.jpeg({ quality: 82, mozjpeg: true })
		.toBuffer({ resolveWithObject: true });
	return { bytes: out.data, width: out.info.width, height: out.info.height };
}

/** A 512 × 512 PNG, the whole logo visible on a transparent square. */
export async function makeLogo(bytes: Buffer): Promise<Buffer> {
	return sharp(bytes, { limitInputPixels: MAX_PIXELS })
		.rotate()
		.resize({
			width: 512,
			height: 512,
			fit: 'contain',
			background: { r: 255, g: 255, b: 255, alpha: 0 }
		})
		.png()
		.toBuffer();
}

/** Any picture (JPEG, PNG, WebP, SVG) as a JPEG of exactly width × height, cropped around a point. */
export async function fitPicture(
	bytes: Buffer,
	width: number,
	height: number,
	focalX = 0.5,
	focalY = 0.5
): Promise<Buffer> {
	// Covers are stored upright (makeCover), so the stored size is the size drawn.
	const meta = await sharp(bytes, { limitInputPixels: MAX_PIXELS, density: 144 }).metadata();
	const box = cropAround(
		meta.width ?? width,
		meta.height ?? height,
		width / height,
		focalX,
		focalY
	);
	return sharp(bytes, { limitInputPixels: MAX_PIXELS, density: 144 })
		.extract(box)
		.resize(width, height)
		.flatten({ background: '#ffffff' })
		.jpeg({ quality: 85 })
		.toBuffer();
}

/** A logo as a PNG of size × size. */
export async function fitLogo(bytes: Buffer, size: number): Promise<Buffer> {
	return sharp(bytes)
		.resize(size, size, { fit: 'contain', background: { r: 255, g: 255, b: 255, alpha: 1 } })
		.flatten({ background: '#ffffff' })
		.png()
		.toBuffer();
}
