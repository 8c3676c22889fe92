/**
 * Reads a QR code from a playing <video>. The browser's BarcodeDetector where it has one that
 * reads QR codes (Chrome on Android, Safari on macOS); otherwise the decoder of paulmillr's `qr` —
 * pure JavaScript, made for live camera frames, about 15 KB gzip (a third of jsQR) — which works
 * in iOS Safari, WeChat's browser and desktop browsers alike. Imported dynamically by the
 * check-in page's camera only, so no other page loads it.
 */

/** Decodes the current frame: the text of the first QR code seen, or null. */
export type FrameDecoder = (video: HTMLVideoElement) => Promise<string | null>;

interface NativeDetector {
	detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}
interface NativeDetectorClass {
	new (options: { formats: string[] }): NativeDetector;
	getSupportedFormats?: () => Promise<string[]>;
}

// Frames are scaled down to this many pixels on their longer side: a phone's QR code fills a good
// part of the view, and the decoder's time grows with the pixels it reads.
const MAX_SIDE = 640;

async function nativeDecoder(): Promise<FrameDecoder | null> {
	const Native = (globalThis as { BarcodeDetector?: NativeDetectorClass }).BarcodeDetector;
	if (!Native) return null;
	try {
		const formats = (await Native.getSupportedFormats?.()) ?? [];
		if (!formats.includes('qr_code')) return null;
		const detector = new Native({ formats: ['qr_code'] });
		return async (video) => (await detector.detect(video))[0]?.rawValue ?? null;
	} catch {
		return null;
	}
}

async function scriptDecoder(): Promise<FrameDecoder> {
	const { decodeQR } = await import('qr/decode.js');
	const canvas = document.createElement('canvas');
	const context = canvas.getContext('2d', { willReadFrequently: true });
	return async (video) => {
		const width = video.videoWidth;
		const height = video.videoHeight;
		if (!context || !width || !height) return null;
		const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
		canvas.width = Math.round(width * scale);
		canvas.height = Math.round(height * scale);
		context.drawImage(video, 0, 0, canvas.width, canvas.height);
		const image = context.getImageData(0, 0, canvas.width, canvas.height);
		try {
			return decodeQR(
				{ width: image.width, height: image.height, data: image.data },
				{ format: 'RGBA' }
			);
		} catch {
			// No code in this frame.
			return null;
		}
	};
}

export async function createDecoder(): Promise<FrameDecoder> {
	return (await nativeDecoder()) ?? scriptDecoder();
}
