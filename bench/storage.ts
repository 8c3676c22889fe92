/**
 * The embedded Storage's costs, through supabase-js's storage client (in-process, as the app's
 * server calls it):
 * - upload and download throughput of a 5 MB file against writing and reading the same bytes on
 *   the same disk (the ratio is what the API, the database row and the hashing add);
 * - a 4000×3000 JPEG rendered as an 800 px wide WebP (`/render/image/…`): p95 (target ≤ 300 ms);
 * - the growth of this process's RSS while 50 uploads of 20 MB each, read from files, run at once
 *   (target < 100 MB: bytes are streamed, never held whole).
 *
 *   npx tsx bench/storage.ts
 *   BENCH_BACKEND=postgres BENCH_ROUNDS=20 npx tsx bench/storage.ts
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { serverAvailable, startEmbedded, type Backend } from '../tests/support/embedded';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const RENDERS = Math.min(60, Number(process.env.BENCH_RENDERS ?? 20));
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 50);
const PARALLEL_MB = Number(process.env.BENCH_PARALLEL_MB ?? 20);
const backend = (process.env.BENCH_BACKEND ?? 'pglite') as Backend;

const mb = (bytes: number) => bytes / 1024 / 1024;
const ms = (t: number) => `${t.toFixed(1)} ms`;
function p95(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)];
}
async function timed(fn: () => Promise<unknown>): Promise<number> {
	const start = performance.now();
	await fn();
	return performance.now() - start;
}
const median = (values: number[]) =>
	[...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

if (backend === 'postgres' && !(await serverAvailable())) {
	console.error('The PostgreSQL server does not answer.');
	process.exit(1);
}
const sb = await startEmbedded({ backend });
const work = await mkdtemp(join(tmpdir(), 'gongyu-storage-bench-'));
try {
	const admin = sb.admin();
	await admin.storage.createBucket('bench', { public: true });
	const bucket = admin.storage.from('bench');

	// Throughput: 5 MB through supabase-js, and the same on disk.
	const five = Buffer.alloc(5 * 1024 * 1024);
	for (let i = 0; i < five.length; i += 4) five.writeUInt32LE((i * 2654435761) >>> 0, i);
	const up: number[] = [];
	const down: number[] = [];
	const diskWrite: number[] = [];
	const diskRead: number[] = [];
	for (let i = 0; i < ROUNDS; i++) {
		up.push(
			await timed(async () => {
				const { error } = await bucket.upload('five.bin', five, {
					upsert: true,
					contentType: 'application/octet-stream'
				});
				if (error) throw error;
			})
		);
		down.push(
			await timed(async () => {
				const { data, error } = await bucket.download('five.bin');
				if (error || data.size !== five.length) throw error ?? new Error('short download');
				await data.arrayBuffer();
			})
		);
		diskWrite.push(await timed(() => writeFile(join(work, 'five.bin'), five)));
		diskRead.push(await timed(() => readFile(join(work, 'five.bin'))));
	}
	const rate = (t: number) => `${(mb(five.length) / (t / 1000)).toFixed(0)} MB/s`;
	console.log(`backend: ${backend}; medians of ${ROUNDS} rounds, 5 MB each`);
	console.log(
		`upload   supabase-js ${ms(median(up))} (${rate(median(up))})  disk write ${ms(median(diskWrite))} (${rate(median(diskWrite))})  ratio ${(median(up) / median(diskWrite)).toFixed(1)}×`
	);
	console.log(
		`download supabase-js ${ms(median(down))} (${rate(median(down))})  disk read ${ms(median(diskRead))} (${rate(median(diskRead))})  ratio ${(median(down) / median(diskRead)).toFixed(1)}×`
	);

	// Transformation: a 4000×3000 photo-like JPEG (noise keeps the encoder honest) to 800 px WebP.
	const photo = await sharp({
		create: {
			width: 4000,
			height: 3000,
			channels: 3,
			background: '#808080',
			noise: { type: 'gaussian', mean: 128, sigma: 24 }
		}
	})
		.jpeg({ quality: 85 })
		.toBuffer();
	const { error: photoError } = await bucket.upload('photo.jpg', photo, {
		contentType: 'image/jpeg',
		upsert: true
	});
	if (photoError) throw photoError;
	// Each request asks for a size not rendered before (another quality), so every one is rendered;
	// then the same size again, served from the kept rendering.
	const urlFor = (quality: number) =>
		bucket.getPublicUrl('photo.jpg', { transform: { width: 800, quality } }).data.publicUrl;
	const fetchWebp = async (url: string) => {
		const response = await sb.embedded.fetch(url, { headers: { accept: 'image/webp' } });
		if (response.headers.get('content-type') !== 'image/webp') throw new Error('not WebP');
		return (await response.arrayBuffer()).byteLength;
	};
	const renders: number[] = [];
	const kept: number[] = [];
	let outBytes = 0;
	for (let i = 0; i < RENDERS; i++) {
		renders.push(await timed(async () => (outBytes = await fetchWebp(urlFor(80 - i)))));
		kept.push(await timed(() => fetchWebp(urlFor(80 - i))));
	}
	console.log(
		`transform 4000×3000 JPEG (${mb(photo.length).toFixed(1)} MB) → 800 px WebP (${(outBytes / 1024).toFixed(0)} KB): p95 ${ms(p95(renders))}, median ${ms(median(renders))} over ${RENDERS} renderings (target p95 ≤ 300 ms); the same size again, kept: p95 ${ms(p95(kept))}`
	);

	// Memory: PARALLEL uploads of PARALLEL_MB each at once, streamed from files on disk.
	const source = join(work, 'big.bin');
	await writeFile(source, Buffer.alloc(PARALLEL_MB * 1024 * 1024, 7));
	global.gc?.();
	const before = process.memoryUsage().rss;
	let peak = before;
	const sampler = setInterval(() => {
		peak = Math.max(peak, process.memoryUsage().rss);
	}, 10);
	const started = performance.now();
	const results = await Promise.all(
		Array.from({ length: PARALLEL }, (_, i) =>
			bucket.upload(`parallel/${i}.bin`, createReadStream(source), {
				contentType: 'application/octet-stream',
				duplex: 'half'
			})
		)
	);
	const took = performance.now() - started;
	clearInterval(sampler);
	peak = Math.max(peak, process.memoryUsage().rss);
	const failed = results.filter((r) => r.error);
	if (failed.length) throw failed[0].error;
	console.log(
		`${PARALLEL} × ${PARALLEL_MB} MB uploaded in parallel in ${(took / 1000).toFixed(1)} s: RSS ${mb(before).toFixed(0)} MB → peak ${mb(peak).toFixed(0)} MB, growth ${mb(peak - before).toFixed(0)} MB (target < 100 MB)`
	);
} finally {
	await sb.close();
	await rm(work, { recursive: true, force: true });
}
