/**
 * A video file for Chromium's fake camera (--use-file-for-fake-video-capture): a QR code of the
 * given text, black on white in the middle of every frame, as Y4M (raw I420 frames) — written
 * from the code's modules, with no encoder.
 */
import { writeFileSync } from 'node:fs';
import QRCode from 'qrcode';

export function writeQrY4m(file: string, text: string, options: { frames?: number } = {}): void {
	const width = 640;
	const height = 480;
	const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
	const count = qr.modules.size;
	// Modules of 12 px with a 4-module quiet zone: about as big as a phone held up to the camera.
	const cell = Math.min(12, Math.floor(Math.min(width, height) / (count + 8)));
	const size = count * cell;
	const left = Math.floor((width - size) / 2);
	const top = Math.floor((height - size) / 2);
	const luma = Buffer.alloc(width * height, 235);
	for (let row = 0; row < count; row++) {
		for (let col = 0; col < count; col++) {
			if (!qr.modules.get(row, col)) continue;
			for (let y = 0; y < cell; y++) {
				const offset = (top + row * cell + y) * width + left + col * cell;
				luma.fill(16, offset, offset + cell);
			}
		}
	}
	const chroma = Buffer.alloc((width / 2) * (height / 2), 128);
	const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma, chroma]);
	const frames = options.frames ?? 10;
	writeFileSync(
		file,
		Buffer.concat([
			Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`),
			...Array.from({ length: frames }, () => frame)
		])
	);
}

/** Chromium's arguments for a fake camera playing `file`, with the permission prompt accepted. */
export function fakeCameraArgs(file: string): string[] {
	return [
		'--use-fake-device-for-media-stream',
		'--use-fake-ui-for-media-stream',
		`--use-file-for-fake-video-capture=${file}`
	];
}
