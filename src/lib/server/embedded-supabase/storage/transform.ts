/**
 * Image transformation (`/render/image/…`) with sharp, with Storage's options and bounds: width
 * and height 1–2500 px, resize `cover` (default), `contain` or `fill`, quality 20–100 (80), and
 * the format the browser accepts (WebP when its Accept header lists it) unless `format=origin`.
 * Each rendering is kept beside its version (blobs.ts), so a size is made once.
 */
import { availableParallelism } from 'node:os';
import sharp from 'sharp';
import { storageErrors } from './errors';

export interface TransformOptions {
	width?: number;
	height?: number;
	resize: 'cover' | 'contain' | 'fill';
	quality: number;
	format?: 'origin';
}

const MAX_DIMENSION = 2500;
/** Images larger than this many pixels are refused rather than decoded (about 100 megapixels). */
const MAX_INPUT_PIXELS = 100_000_000;

function whole(name: string, raw: string | null, min: number, max: number): number | undefined {
	if (raw === null || raw === '') return undefined;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < min || value > max) {
		throw storageErrors.invalidRequest(`${name} must be a whole number from ${min} to ${max}`);
	}
	return value;
}

/** The options of a query string (`?width=…`) or of a signed token's `transformations`. */
export function parseTransform(params: URLSearchParams): TransformOptions {
	const resize = params.get('resize') ?? 'cover';
	if (resize !== 'cover' && resize !== 'contain' && resize !== 'fill') {
		throw storageErrors.invalidRequest('resize must be cover, contain or fill');
	}
	const format = params.get('format');
	if (format !== null && format !== '' && format !== 'origin') {
		throw storageErrors.invalidRequest('format must be origin');
	}
	return {
		width: whole('width', params.get('width'), 1, MAX_DIMENSION),
		height: whole('height', params.get('height'), 1, MAX_DIMENSION),
		resize,
		quality: whole('quality', params.get('quality'), 20, 100) ?? 80,
		...(format === 'origin' ? { format: 'origin' as const } : {})
	};
}

/** The `transformations` claim of a signed render URL: `width:200,height:100,resize:cover`. */
export function transformClaim(body: unknown): string | undefined {
	if (!body || typeof body !== 'object') return undefined;
	const t = body as Record<string, unknown>;
	const parts = ['width', 'height', 'resize', 'quality', 'format']
		.filter((k) => t[k] !== undefined && t[k] !== null && t[k] !== '')
		.map((k) => `${k}:${String(t[k])}`);
	if (!parts.length) return undefined;
	parseTransform(claimParams(parts.join(',')));
	return parts.join(',');
}

export function claimParams(claim: string): URLSearchParams {
	const params = new URLSearchParams();
	for (const part of claim.split(',')) {
		const at = part.indexOf(':');
		if (at > 0) params.set(part.slice(0, at), part.slice(at + 1));
	}
	return params;
}

const passThrough = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'image/gif']);

/** The type the answer is made in: WebP for a browser that takes it, else the original's. */
export function targetType(mimetype: string, options: TransformOptions, accept: string | null) {
	if (options.format !== 'origin' && /image\/webp/.test(accept ?? '')) return 'image/webp';
	return passThrough.has(mimetype) ? mimetype : 'image/jpeg';
}

/** A name for one rendering of a version, to keep it (`800x0-cover-q80.webp`). */
export function variantName(options: TransformOptions, target: string): string {
	const ext = target.split('/')[1];
	return `${options.width ?? 0}x${options.height ?? 0}-${options.resize}-q${options.quality}.${ext}`;
}

/**
 * At most this many renderings at once (one per core): the rest wait their turn, so a burst of
 * requests for new sizes queues instead of taking every core from the rest of the server.
 */
const MAX_AT_ONCE = Math.max(1, availableParallelism());
let running = 0;
const waiting: (() => void)[] = [];

async function inTurn<T>(fn: () => Promise<T>): Promise<T> {
	if (running >= MAX_AT_ONCE) await new Promise<void>((go) => waiting.push(go));
	running++;
	try {
		return await fn();
	} finally {
		running--;
		waiting.shift()?.();
	}
}

/** Renders the image at `path` as `target`. */
export function renderImage(
	path: string,
	options: TransformOptions,
	target: string
): Promise<Buffer> {
	return inTurn(async () => {
		let image = sharp(path, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' }).rotate();
		if (options.width || options.height) {
			image = image.resize({ width: options.width, height: options.height, fit: options.resize });
		}
		const q = options.quality;
		switch (target) {
			case 'image/webp':
				// Effort 2 of 6: about half the time of the default for a few per cent more bytes.
				image = image.webp({ quality: q, effort: 2 });
				break;
			case 'image/png':
				image = image.png({ quality: q });
				break;
			case 'image/avif':
				image = image.avif({ quality: q });
				break;
			case 'image/gif':
				image = image.gif();
				break;
			default:
				image = image.jpeg({ quality: q });
		}
		try {
			return await image.toBuffer();
		} catch {
			throw storageErrors.invalidRequest('The object is not an image that can be transformed');
		}
	});
}
