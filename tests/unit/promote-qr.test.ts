/**
 * The PNG QR codes (event and organisation links at 1024 px, the check-in code in confirmation
 * emails at 240 px): the size asked for, and a QR reader finds the text in them.
 */
import { PNG } from 'pngjs';
import { decodeQR } from 'qr/decode.js';
import { describe, expect, it } from 'vitest';
import { qrPng } from '$lib/server/promotion/qr';

describe('qrPng', () => {
	for (const [text, width] of [
		['https://gongyu.example.cn/events/summer-study-trip?src=wechat', 1024],
		['K7Q2MX', 240]
	] as const) {
		it(`draws ${text} ${width} px square, readable`, async () => {
			const png = PNG.sync.read(await qrPng(text, width));
			expect([png.width, png.height]).toEqual([width, width]);
			const found = decodeQR(
				{ width: png.width, height: png.height, data: new Uint8Array(png.data) },
				{ format: 'RGBA' }
			);
			expect(found).toBe(text);
		});
	}
});
