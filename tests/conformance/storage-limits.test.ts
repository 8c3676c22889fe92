/**
 * What the embedded Storage refuses and how it serves bytes: bucket size and MIME limits (with
 * wildcards), the global size cap on a streamed body, path traversal and invalid keys, byte ranges,
 * conditional requests, keys and tokens, image transformation with sharp, and concurrent uploads
 * of one path (one wins without upsert; with upsert the last writer's bytes, whole, and no file
 * left behind). PGlite and the PostgreSQL server alike.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	API_URL,
	availableBackends,
	startEmbedded,
	uniqueEmail,
	type TestSupabase
} from '../support/embedded';
import { storageFixture } from '../support/storage';

const backends = await availableBackends();

/** Every version file in the storage directory (temporary files included). */
async function filesIn(dir: string): Promise<string[]> {
	const out: string[] = [];
	const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
	for (const entry of entries) {
		if (entry.isFile()) out.push(join(entry.parentPath, entry.name));
	}
	return out;
}

describe.each(backends)('storage limits on %s', (backend) => {
	let sb: TestSupabase;
	let alice: SupabaseClient;
	let aliceId: string;
	const storageUrl = `${API_URL}/storage/v1`;

	beforeAll(async () => {
		sb = await startEmbedded({
			backend,
			sql: storageFixture,
			storage: { fileSizeLimit: 64 * 1024 }
		});
		alice = await sb.userClient(uniqueEmail('alice'));
		aliceId = (await alice.auth.getUser()).data.user!.id;
	});
	afterAll(async () => {
		await sb?.close();
	});

	it("refuses a file over the bucket's size limit and one of a type it does not allow", async () => {
		const photos = alice.storage.from('photos');
		const big = new Blob([new Uint8Array(2049)], { type: 'image/png' });
		expect((await photos.upload(`${aliceId}/big.png`, big)).error).toMatchObject({
			status: 400,
			statusCode: '413',
			message: 'The object exceeded the maximum allowed size'
		});
		const ok = new Blob([new Uint8Array(2048)], { type: 'image/png' });
		expect((await photos.upload(`${aliceId}/ok.png`, ok)).error).toBeNull();
		expect(
			(await photos.upload(`${aliceId}/doc.pdf`, new Blob(['%PDF'], { type: 'application/pdf' })))
				.error
		).toBeNull();
		expect(
			(await photos.upload(`${aliceId}/page.html`, new Blob(['<p>'], { type: 'text/html' }))).error
		).toMatchObject({ statusCode: '415', message: 'mime type text/html is not supported' });
		// A raw body declares its type in Content-Type; a streamed body without a length is counted.
		const raw = await photos.upload(`${aliceId}/raw.txt`, Buffer.from('x'), {
			contentType: 'text/plain'
		});
		expect(raw.error).toMatchObject({ statusCode: '415' });
		const stream = new ReadableStream<Uint8Array>({
			start(controller) {
				for (let i = 0; i < 3; i++) controller.enqueue(new Uint8Array(1000));
				controller.close();
			}
		});
		const streamed = await photos.upload(`${aliceId}/streamed.png`, stream, {
			contentType: 'image/png'
		});
		expect(streamed.error).toMatchObject({ statusCode: '413' });
		expect((await photos.exists(`${aliceId}/streamed.png`)).data).toBe(false);
		expect((await photos.exists(`${aliceId}/big.png`)).data).toBe(false);
	});

	it('holds every bucket to the global cap and leaves no temporary file behind', async () => {
		const before = await filesIn(sb.embedded.storageDir);
		const huge = new Blob([new Uint8Array(64 * 1024 + 1)], { type: 'text/plain' });
		const refused = await sb.admin().storage.from('homework').upload('x/huge.txt', huge);
		expect(refused.error).toMatchObject({ statusCode: '413' });
		expect(await filesIn(sb.embedded.storageDir)).toEqual(before);
	});

	it('survives a body the HTTP server fails before anyone reads it (over its own size cap)', async () => {
		const before = await filesIn(sb.embedded.storageDir);
		for (const contentType of ['application/octet-stream', 'multipart/form-data; boundary=x']) {
			for (const length of ['1000', '999999999']) {
				const body = new ReadableStream<Uint8Array>({
					start(controller) {
						controller.error(new Error('Content-length exceeds limit'));
					}
				});
				const response = await sb.embedded.handle(
					new Request(`${storageUrl}/object/covers/${aliceId}/failed.bin`, {
						method: 'POST',
						headers: {
							apikey: sb.embedded.keys.secret,
							authorization: `Bearer ${sb.embedded.keys.secret}`,
							'content-type': contentType,
							'content-length': length
						},
						body,
						duplex: 'half'
					} as RequestInit),
					{ clientAddress: '203.0.113.60' }
				);
				expect(response!.status, `${contentType} ${length}`).toBe(400);
				const { statusCode } = await response!.json();
				// A length over every limit is refused unread, whatever the body does.
				expect(statusCode).toBe(length === '1000' ? '400' : '413');
			}
		}
		await new Promise((done) => setTimeout(done, 50));
		expect(await filesIn(sb.embedded.storageDir)).toEqual(before);
	});

	it('refuses path traversal and keys Storage does not accept, and writes nothing', async () => {
		const admin = sb.admin();
		const key = sb.embedded.keys.secret;
		const before = await filesIn(sb.embedded.storageDir);
		const attempts = [
			`homework/..%2F..%2Fetc%2Fpasswd`,
			`homework/a/../../b.txt`,
			`homework//a.txt`,
			`homework/a%00b.txt`,
			`homework/%E4%BD%A0%E5%A5%BD.txt`,
			`..%2Fhomework/a.txt`
		];
		for (const path of attempts) {
			const response = await sb.embedded.fetch(`${storageUrl}/object/${path}`, {
				method: 'POST',
				headers: { apikey: key, authorization: `Bearer ${key}`, 'content-type': 'text/plain' },
				body: 'pwned'
			});
			const body = await response.json();
			expect(response.status, path).toBe(400);
			expect(['InvalidKey', 'InvalidBucketName', 'NoSuchBucket'], path).toContain(body.code);
		}
		// A URL's dot segments are resolved before any server sees them (`a/%2e%2e/b` is `b`);
		// keys in JSON bodies are not, and are refused the same way.
		await admin.storage.from('homework').upload('x/inside.txt', 'inside');
		const bucket = admin.storage.from('homework');
		expect((await bucket.move('x/inside.txt', '../../outside.txt')).error).toMatchObject({
			statusCode: '400'
		});
		expect((await bucket.copy('x/inside.txt', 'x/../../outside.txt')).error).toMatchObject({
			statusCode: '400'
		});
		expect(
			(await bucket.move('x/inside.txt', 'y', { destinationBucket: '..' })).error
		).toMatchObject({
			statusCode: '400'
		});
		const after = (await filesIn(sb.embedded.storageDir)).length;
		await bucket.remove(['x/inside.txt']);
		expect((await filesIn(sb.embedded.storageDir)).length).toBe(after - 1);
		const read = await sb.embedded.fetch(
			`${storageUrl}/object/public/covers/..%2F..%2Fpackage.json`
		);
		expect(read.status).toBe(400);
		expect(await filesIn(sb.embedded.storageDir)).toEqual(before);
		expect(await filesIn(join(sb.embedded.storageDir, '..'))).not.toContain('pwned');
		const { rows } = await sb.db.query(`select name from storage.objects where name like '%..%'`);
		expect(rows).toEqual([]);
	});

	it('answers byte ranges with 206, a range past the end with 416, and a matching ETag with 304', async () => {
		const path = `${aliceId}/range.txt`;
		await alice.storage
			.from('covers')
			.upload(path, new Blob(['0123456789'], { type: 'text/plain' }));
		const url = `${storageUrl}/object/public/covers/${path}`;
		const part = await sb.embedded.fetch(url, { headers: { range: 'bytes=2-5' } });
		expect(part.status).toBe(206);
		expect(part.headers.get('content-range')).toBe('bytes 2-5/10');
		expect(part.headers.get('content-length')).toBe('4');
		expect(await part.text()).toBe('2345');
		const tail = await sb.embedded.fetch(url, { headers: { range: 'bytes=-3' } });
		expect(await tail.text()).toBe('789');
		const open = await sb.embedded.fetch(url, { headers: { range: 'bytes=7-' } });
		expect(await open.text()).toBe('789');
		const past = await sb.embedded.fetch(url, { headers: { range: 'bytes=10-12' } });
		expect(past.status).toBe(416);
		expect(past.headers.get('content-range')).toBe('bytes */10');
		const whole = await sb.embedded.fetch(url);
		expect(whole.headers.get('accept-ranges')).toBe('bytes');
		expect(whole.headers.get('last-modified')).toMatch(/GMT$/);
		const etag = whole.headers.get('etag')!;
		await whole.arrayBuffer();
		const cached = await sb.embedded.fetch(url, { headers: { 'if-none-match': etag } });
		expect(cached.status).toBe(304);
		const head = await sb.embedded.fetch(url, { method: 'HEAD' });
		expect(head.status).toBe(200);
		expect(head.headers.get('content-length')).toBe('10');
	});

	it('sandboxes what a browser could run, served from the app origin', async () => {
		const path = `${aliceId}/page.html`;
		await alice.storage
			.from('covers')
			.upload(path, new Blob(['<script>alert(1)</script>'], { type: 'text/html' }));
		const response = await sb.embedded.fetch(`${storageUrl}/object/public/covers/${path}`);
		expect(response.headers.get('content-security-policy')).toMatch(/sandbox/);
		expect(response.headers.get('x-content-type-options')).toBe('nosniff');
	});

	it('asks for a project key except where a public bucket or a signed URL decides', async () => {
		const noKey = await sb.embedded.fetch(`${storageUrl}/bucket`);
		expect(noKey.status).toBe(401);
		const badKey = await sb.embedded.fetch(`${storageUrl}/object/authenticated/homework/x.txt`, {
			headers: { apikey: 'not-a-key' }
		});
		expect(badKey.status).toBe(401);
		const forged = await sb.embedded.fetch(`${storageUrl}/object/list/homework`, {
			method: 'POST',
			headers: {
				apikey: sb.embedded.keys.publishable,
				authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.x',
				'content-type': 'application/json'
			},
			body: '{}'
		});
		expect(forged.status).toBe(400);
		expect(await forged.json()).toMatchObject({ statusCode: '403' });
		const noToken = await sb.embedded.fetch(`${storageUrl}/object/sign/homework/${aliceId}/a.txt`);
		expect(noToken.status).toBe(400);
	});

	it('transforms images: size, resize mode, quality and WebP for a browser that accepts it', async () => {
		const jpeg = await sharp({
			create: { width: 400, height: 300, channels: 3, background: '#c05020' }
		})
			.jpeg()
			.toBuffer();
		const path = `${aliceId}/photo.jpg`;
		expect(
			(
				await alice.storage
					.from('covers')
					.upload(path, new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }))
			).error
		).toBeNull();
		const url = sb
			.anon()
			.storage.from('covers')
			.getPublicUrl(path, {
				transform: { width: 200, height: 200, resize: 'cover', quality: 60 }
			}).data.publicUrl;
		expect(url).toContain('/render/image/public/covers/');
		const webp = await sb.embedded.fetch(url, { headers: { accept: 'image/avif,image/webp,*/*' } });
		expect(webp.status).toBe(200);
		expect(webp.headers.get('content-type')).toBe('image/webp');
		const meta = await sharp(Buffer.from(await webp.arrayBuffer())).metadata();
		expect(meta).toMatchObject({ format: 'webp', width: 200, height: 200 });
		const origin = await sb.embedded.fetch(`${url}&format=origin`, {
			headers: { accept: 'image/webp' }
		});
		expect(origin.headers.get('content-type')).toBe('image/jpeg');
		const contain = await sb.embedded.fetch(
			`${storageUrl}/render/image/public/covers/${path}?width=100&height=100&resize=contain`
		);
		expect(await sharp(Buffer.from(await contain.arrayBuffer())).metadata()).toMatchObject({
			width: 100,
			height: 100,
			format: 'jpeg'
		});
		const wide = await sb.embedded.fetch(
			`${storageUrl}/render/image/public/covers/${path}?width=80`
		);
		expect(await sharp(Buffer.from(await wide.arrayBuffer())).metadata()).toMatchObject({
			width: 80,
			height: 60
		});
		const bad = await sb.embedded.fetch(
			`${storageUrl}/render/image/public/covers/${path}?width=99999`
		);
		expect(bad.status).toBe(400);

		// Authenticated and signed renders follow the same rules as downloads.
		const own = await alice.storage.from('covers').download(path, { transform: { width: 50 } });
		expect((await sharp(Buffer.from(await own.data!.arrayBuffer())).metadata()).width).toBe(50);
		const signed = await alice.storage
			.from('covers')
			.createSignedUrl(path, 60, { transform: { width: 120, height: 60, resize: 'fill' } });
		expect(signed.data!.signedUrl).toContain('/render/image/sign/');
		const rendered = await sb.embedded.fetch(signed.data!.signedUrl);
		expect(await sharp(Buffer.from(await rendered.arrayBuffer())).metadata()).toMatchObject({
			width: 120,
			height: 60
		});
		// The signed transformation is the one served: a changed query does not change it.
		const tampered = await sb.embedded.fetch(`${signed.data!.signedUrl}&width=400`);
		expect((await sharp(Buffer.from(await tampered.arrayBuffer())).metadata()).width).toBe(120);
		// Each size is rendered once and kept beside its version; removing the object removes it.
		const kept = (await filesIn(sb.embedded.storageDir)).filter((f) => f.includes('.renders'));
		expect(kept.some((f) => f.endsWith('200x200-cover-q60.webp'))).toBe(true);
		const again = await sb.embedded.fetch(url, { headers: { accept: 'image/webp' } });
		expect(
			Buffer.from(await again.arrayBuffer()).equals(
				Buffer.from(
					await (await sb.embedded.fetch(url, { headers: { accept: 'image/webp' } })).arrayBuffer()
				)
			)
		).toBe(true);
		const copyPath = `${aliceId}/photo-copy.jpg`;
		await alice.storage.from('covers').copy(path, copyPath);
		await sb.embedded.fetch(`${storageUrl}/render/image/public/covers/${copyPath}?width=30`);
		const { rows: copied } = await sb.db.query<{ version: string }>(
			`select version from storage.objects where name = $1`,
			[copyPath]
		);
		const rendersOfCopy = () =>
			filesIn(sb.embedded.storageDir).then((fs) => fs.filter((f) => f.includes(copied[0].version)));
		expect((await rendersOfCopy()).length).toBe(2);
		await alice.storage.from('covers').remove([copyPath]);
		expect(await rendersOfCopy()).toEqual([]);
		const text = await sb.embedded.fetch(
			`${storageUrl}/render/image/public/covers/${aliceId}/range.txt?width=10`
		);
		expect(text.status).toBe(400);
	});

	it('lets one of many concurrent uploads of a path win without upsert', async () => {
		const path = `${aliceId}/race.txt`;
		const bucket = alice.storage.from('homework');
		const results = await Promise.all(
			Array.from({ length: 8 }, (_, i) =>
				bucket.upload(path, new Blob([`writer ${i} `.repeat(2000)], { type: 'text/plain' }))
			)
		);
		expect(results.filter((r) => r.error === null)).toHaveLength(1);
		for (const r of results.filter((r) => r.error))
			expect(r.error).toMatchObject({ statusCode: '409' });
		const text = await (await bucket.download(path)).data!.text();
		const winner = results.findIndex((r) => r.error === null);
		expect(text).toBe(`writer ${winner} `.repeat(2000));
		await expectNoOrphans();
	});

	it('keeps the last writer whole when concurrent uploads upsert one path, with no orphan files', async () => {
		const path = `${aliceId}/upsert-race.txt`;
		const bucket = alice.storage.from('homework');
		const bodies = Array.from({ length: 10 }, (_, i) =>
			`${String(i).padStart(2, '0')}`.repeat(20_000)
		);
		const results = await Promise.all(
			bodies.map((body) =>
				bucket.upload(path, new Blob([body], { type: 'text/plain' }), { upsert: true })
			)
		);
		for (const r of results) expect(r.error).toBeNull();
		const text = await (await bucket.download(path)).data!.text();
		expect(bodies).toContain(text);
		const { rows } = await sb.db.query<{ version: string; etag: string }>(
			`select version, metadata->>'eTag' as etag from storage.objects where bucket_id = 'homework' and name = $1`,
			[path]
		);
		expect(rows).toHaveLength(1);
		const { createHash } = await import('node:crypto');
		expect(rows[0].etag).toBe(`"${createHash('md5').update(text).digest('hex')}"`);
		await expectNoOrphans();
	});

	it("counts an HTTP client's database time against its budget, as /rest/v1 does", async () => {
		const tight = await startEmbedded({
			backend,
			sql: storageFixture,
			limits: { dbBudget: { burstMs: 5, share: 0.001 }, refusalDelayMs: 0 }
		});
		try {
			const list = (clientAddress: string, key: 'publishable' | 'secret') =>
				tight.embedded.handle(
					new Request(`${storageUrl}/object/list/covers`, {
						method: 'POST',
						headers: {
							apikey: tight.embedded.keys[key],
							authorization: `Bearer ${tight.embedded.keys[key]}`,
							'content-type': 'application/json'
						},
						body: '{}'
					}),
					{ clientAddress }
				);
			let refused: Response | null = null;
			for (let i = 0; i < 200 && !refused; i++) {
				const response = (await list('203.0.113.50', 'publishable'))!;
				if (response.status === 429) refused = response;
				else expect(response.status).toBe(200);
			}
			expect(refused).not.toBeNull();
			expect(refused!.headers.get('retry-after')).toMatch(/^\d+$/);
			expect(await refused!.json()).toMatchObject({ statusCode: '429' });
			// Another address is served, and service_role is never counted.
			expect((await list('203.0.113.51', 'publishable'))!.status).toBe(200);
			for (let i = 0; i < 20; i++) expect((await list('203.0.113.52', 'secret'))!.status).toBe(200);
		} finally {
			await tight.close();
		}
	});

	it('sweeps what a crash leaves: old temporary files and versions no row names', async () => {
		const { mkdir, writeFile, utimes } = await import('node:fs/promises');
		const { randomUUID } = await import('node:crypto');
		const dir = sb.embedded.storageDir;
		const path = `${aliceId}/kept.txt`;
		await alice.storage.from('homework').upload(path, new Blob(['kept'], { type: 'text/plain' }));
		const orphan = randomUUID();
		const fresh = randomUUID();
		await mkdir(join(dir, orphan.slice(0, 2)), { recursive: true });
		await mkdir(join(dir, fresh.slice(0, 2)), { recursive: true });
		await mkdir(join(dir, '.tmp'), { recursive: true });
		await writeFile(join(dir, orphan.slice(0, 2), orphan), 'never committed');
		await writeFile(join(dir, fresh.slice(0, 2), fresh), 'a write in progress');
		await writeFile(join(dir, '.tmp', 'cut-short'), 'half an upload');
		const hourAgo = new Date(Date.now() - 2 * 3600 * 1000);
		await utimes(join(dir, orphan.slice(0, 2), orphan), hourAgo, hourAgo);
		await utimes(join(dir, '.tmp', 'cut-short'), hourAgo, hourAgo);
		// Every committed version is old enough too: the sweep must keep them.
		for (const file of await filesIn(dir)) await utimes(file, hourAgo, hourAgo);
		await utimes(join(dir, fresh.slice(0, 2), fresh), new Date(), new Date());
		const before = await filesIn(dir);
		expect(await sb.embedded.sweepStorage()).toBe(2);
		const after = await filesIn(dir);
		expect(
			before
				.filter((f) => !after.includes(f))
				.map((f) => f.split('/').pop())
				.sort()
		).toEqual(['cut-short', orphan].sort());
		expect(after.some((f) => f.endsWith(fresh))).toBe(true);
		expect(await (await alice.storage.from('homework').download(path)).data!.text()).toBe('kept');
		await alice.storage.from('homework').remove([path]);
		await sb.embedded.sweepStorage(0);
	});

	/** Every file on disk belongs to a row, and no temporary file is left. */
	async function expectNoOrphans() {
		const { rows } = await sb.db.query<{ version: string }>('select version from storage.objects');
		const live = new Set(rows.map((r) => r.version));
		const files = await filesIn(sb.embedded.storageDir);
		// A rendering lives in .renders/<version>/ and belongs to that version.
		const owner = (f: string) => f.match(/\.renders\/([^/]+)\//)?.[1] ?? f.split('/').pop()!;
		const orphans = files.filter((f) => !live.has(owner(f)));
		expect(orphans).toEqual([]);
	}
});
