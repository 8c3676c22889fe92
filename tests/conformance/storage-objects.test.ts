/**
 * The embedded `/storage/v1` answers supabase-js's storage client as Supabase Storage does:
 * buckets, uploads (Blob, raw body, upsert, metadata), downloads (public, authenticated), signed
 * download and upload URLs, list, move, copy, remove and info — with row-level security on
 * `storage.objects` deciding who may do what, per bucket and per folder. PGlite and the PostgreSQL
 * server alike.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
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

const text = (s: string) => new Blob([s], { type: 'text/plain' });

describe.each(backends)('storage objects on %s', (backend) => {
	let sb: TestSupabase;
	let alice: SupabaseClient;
	let bob: SupabaseClient;
	let aliceId: string;
	let bobId: string;

	beforeAll(async () => {
		sb = await startEmbedded({ backend, sql: storageFixture });
		alice = await sb.userClient(uniqueEmail('alice'));
		bob = await sb.userClient(uniqueEmail('bob'));
		aliceId = (await alice.auth.getUser()).data.user!.id;
		bobId = (await bob.auth.getUser()).data.user!.id;
	});
	afterAll(async () => {
		await sb?.close();
	});

	it('lists buckets only for service_role, as RLS on storage.buckets has no policy', async () => {
		const asAdmin = await sb.admin().storage.listBuckets();
		expect(asAdmin.error).toBeNull();
		expect(asAdmin.data!.map((b) => b.id).sort()).toEqual(['covers', 'homework', 'photos']);
		const photos = asAdmin.data!.find((b) => b.id === 'photos')!;
		expect(photos).toMatchObject({
			public: false,
			file_size_limit: 2048,
			allowed_mime_types: ['image/*', 'application/pdf']
		});
		expect((await sb.anon().storage.listBuckets()).data).toEqual([]);
		expect((await alice.storage.listBuckets()).data).toEqual([]);
		const one = await sb.admin().storage.getBucket('covers');
		expect(one.data).toMatchObject({ id: 'covers', name: 'covers', public: true });
		const missing = await sb.admin().storage.getBucket('nope');
		expect(missing.error).toMatchObject({
			status: 400,
			statusCode: '404',
			message: 'Bucket not found'
		});
	});

	it('creates, updates, empties and deletes buckets as service_role; refuses users', async () => {
		const admin = sb.admin().storage;
		const created = await admin.createBucket('tmp-bucket', {
			public: false,
			fileSizeLimit: '1KB',
			allowedMimeTypes: ['text/plain']
		});
		expect(created).toEqual({ data: { name: 'tmp-bucket' }, error: null });
		expect((await admin.createBucket('tmp-bucket', { public: true })).error).toMatchObject({
			statusCode: '409',
			message: 'The resource already exists'
		});
		const refused = await alice.storage.createBucket('alice-bucket', { public: true });
		expect(refused.error).toMatchObject({ statusCode: '403' });
		expect((await admin.getBucket('alice-bucket')).error).not.toBeNull();

		const updated = await admin.updateBucket('tmp-bucket', { public: true, fileSizeLimit: 10 });
		expect(updated).toEqual({ data: { message: 'Successfully updated' }, error: null });
		expect((await admin.getBucket('tmp-bucket')).data).toMatchObject({
			public: true,
			file_size_limit: 10
		});
		expect((await admin.from('tmp-bucket').upload('a.txt', text('0123456789'))).error).toBeNull();
		expect((await admin.deleteBucket('tmp-bucket')).error).toMatchObject({ statusCode: '409' });
		expect(await admin.emptyBucket('tmp-bucket')).toEqual({
			data: { message: 'Successfully emptied' },
			error: null
		});
		expect(await admin.deleteBucket('tmp-bucket')).toEqual({
			data: { message: 'Successfully deleted' },
			error: null
		});
		expect((await admin.getBucket('tmp-bucket')).error).toMatchObject({ statusCode: '404' });
	});

	it('uploads into the own folder and downloads it; another family cannot read or overwrite it', async () => {
		const path = `${aliceId}/notes/hello.txt`;
		const up = await alice.storage.from('homework').upload(path, text('你好, storage'), {
			metadata: { lesson: 3 }
		});
		expect(up.error).toBeNull();
		expect(up.data).toMatchObject({ path, fullPath: `homework/${path}` });
		expect(up.data!.id).toMatch(/^[0-9a-f-]{36}$/);

		const down = await alice.storage.from('homework').download(path);
		expect(down.error).toBeNull();
		expect(await down.data!.text()).toBe('你好, storage');

		const info = await alice.storage.from('homework').info(path);
		expect(info.data).toMatchObject({
			id: up.data!.id,
			name: path,
			bucketId: 'homework',
			size: Buffer.byteLength('你好, storage'),
			contentType: 'text/plain',
			metadata: { lesson: 3 }
		});
		expect((await alice.storage.from('homework').exists(path)).data).toBe(true);

		// Bob: not his folder.
		const peek = await bob.storage.from('homework').download(path);
		expect(peek.error).toMatchObject({ status: 400 });
		expect((await bob.storage.from('homework').exists(path)).data).toBe(false);
		const overwrite = await bob.storage
			.from('homework')
			.upload(path, text('mine now'), { upsert: true });
		expect(overwrite.error).toMatchObject({ statusCode: '403' });
		const intoAlice = await bob.storage
			.from('homework')
			.upload(`${aliceId}/from-bob.txt`, text('x'));
		expect(intoAlice.error).toMatchObject({
			statusCode: '403',
			message: 'new row violates row-level security policy'
		});
		// Anonymous: nothing in a private bucket, nothing written anywhere.
		expect((await sb.anon().storage.from('homework').download(path)).error).not.toBeNull();
		expect(
			(await sb.anon().storage.from('covers').upload('anon.txt', text('x'))).error
		).toMatchObject({
			statusCode: '403'
		});
		expect(await (await alice.storage.from('homework').download(path)).data!.text()).toBe(
			'你好, storage'
		);
	});

	it('refuses a second upload of a path without upsert, replaces it with upsert or update', async () => {
		const path = `${aliceId}/twice.txt`;
		const bucket = alice.storage.from('homework');
		expect((await bucket.upload(path, text('one'))).error).toBeNull();
		expect((await bucket.upload(path, text('two'))).error).toMatchObject({
			statusCode: '409',
			message: 'The resource already exists'
		});
		expect(await (await bucket.download(path)).data!.text()).toBe('one');
		const upserted = await bucket.upload(path, text('three'), { upsert: true });
		expect(upserted.error).toBeNull();
		expect(await (await bucket.download(path)).data!.text()).toBe('three');
		expect(
			(await bucket.update(path, Buffer.from('four'), { contentType: 'text/plain' })).error
		).toBeNull();
		expect(await (await bucket.download(path)).data!.text()).toBe('four');
	});

	it('serves a public bucket to anyone by URL, and a private one to nobody that way', async () => {
		const path = `${aliceId}/cover.txt`;
		expect(
			(await alice.storage.from('covers').upload(path, text('cover'), { cacheControl: '600' }))
				.error
		).toBeNull();
		const { publicUrl } = sb.anon().storage.from('covers').getPublicUrl(path).data;
		expect(publicUrl).toBe(`${API_URL}/storage/v1/object/public/covers/${path}`);
		// No key at all, as an <img> in a page would ask.
		const response = await sb.embedded.fetch(publicUrl);
		expect(response.status).toBe(200);
		expect(await response.text()).toBe('cover');
		expect(response.headers.get('cache-control')).toBe('max-age=600');
		expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
		expect(response.headers.get('x-content-type-options')).toBe('nosniff');
		const publicInfo = await sb.embedded.fetch(
			`${API_URL}/storage/v1/object/info/public/covers/${path}`
		);
		expect(await publicInfo.json()).toMatchObject({
			name: path,
			size: 5,
			cache_control: 'max-age=600'
		});
		const privateInfo = await sb.embedded.fetch(
			`${API_URL}/storage/v1/object/info/public/homework/${aliceId}/twice.txt`
		);
		expect(privateInfo.status).toBe(400);

		await alice.storage.from('homework').upload(`${aliceId}/secret.txt`, text('secret'));
		const privateUrl = sb.anon().storage.from('homework').getPublicUrl(`${aliceId}/secret.txt`)
			.data.publicUrl;
		const refused = await sb.embedded.fetch(privateUrl);
		expect(refused.status).toBe(400);
		expect(await refused.json()).toMatchObject({ statusCode: '404', message: 'Bucket not found' });
	});

	it('signs download URLs for what the caller may read, and they expire', async () => {
		const path = `${aliceId}/signed.txt`;
		const bucket = alice.storage.from('homework');
		await bucket.upload(path, text('signed bytes'));
		const signed = await bucket.createSignedUrl(path, 60);
		expect(signed.error).toBeNull();
		const response = await sb.embedded.fetch(signed.data!.signedUrl);
		expect(response.status).toBe(200);
		expect(await response.text()).toBe('signed bytes');

		const withName = await bucket.createSignedUrl(path, 60, { download: 'report.txt' });
		const attached = await sb.embedded.fetch(withName.data!.signedUrl);
		expect(attached.headers.get('content-disposition')).toBe(
			"attachment; filename*=UTF-8''report.txt"
		);

		// Bob cannot sign Alice's file.
		expect((await bob.storage.from('homework').createSignedUrl(path, 60)).error).toMatchObject({
			statusCode: '404'
		});
		// A token for one object opens no other.
		const token = new URL(signed.data!.signedUrl).searchParams.get('token');
		const other = await sb.embedded.fetch(
			`${API_URL}/storage/v1/object/sign/homework/${aliceId}/twice.txt?token=${token}`
		);
		expect(other.status).toBe(400);
		// Expired.
		const short = await bucket.createSignedUrl(path, 1);
		await new Promise((done) => setTimeout(done, 2100));
		const late = await sb.embedded.fetch(short.data!.signedUrl);
		expect(late.status).toBe(400);
		expect(await late.json()).toMatchObject({ statusCode: '400', message: 'jwt expired' });

		const batch = await bucket.createSignedUrls([path, `${aliceId}/nope.txt`], 60);
		expect(batch.data![0]).toMatchObject({ path, error: null });
		expect(batch.data![1]).toMatchObject({ signedUrl: null, error: expect.any(String) });
		expect(await (await sb.embedded.fetch(batch.data![0].signedUrl!)).text()).toBe('signed bytes');
	});

	it('signs upload URLs only where the caller may write; the URL uploads once for its path', async () => {
		const path = `${aliceId}/via-signed.txt`;
		const signed = await alice.storage.from('homework').createSignedUploadUrl(path);
		expect(signed.error).toBeNull();
		const up = await sb
			.anon()
			.storage.from('homework')
			.uploadToSignedUrl(path, signed.data!.token, text('signed upload'));
		expect(up.error).toBeNull();
		expect(await (await alice.storage.from('homework').download(path)).data!.text()).toBe(
			'signed upload'
		);
		const again = await sb
			.anon()
			.storage.from('homework')
			.uploadToSignedUrl(path, signed.data!.token, text('again'));
		expect(again.error).toMatchObject({ statusCode: '409' });
		const elsewhere = await sb
			.anon()
			.storage.from('homework')
			.uploadToSignedUrl(`${aliceId}/other.txt`, signed.data!.token, text('x'));
		expect(elsewhere.error).not.toBeNull();
		expect(
			(await bob.storage.from('homework').createSignedUploadUrl(`${aliceId}/x.txt`)).error
		).toMatchObject({
			statusCode: '403'
		});
		// A download token is no upload token.
		const download = await alice.storage.from('homework').createSignedUrl(path, 60);
		const dlToken = new URL(download.data!.signedUrl).searchParams.get('token')!;
		expect(
			(
				await sb
					.anon()
					.storage.from('homework')
					.uploadToSignedUrl(path, dlToken, text('x'), { upsert: true })
			).error
		).not.toBeNull();
		const owner = await sb.db.query<{ owner_id: string }>(
			`select owner_id from storage.objects where bucket_id = 'homework' and name = $1`,
			[path]
		);
		expect(owner.rows[0].owner_id).toBe(aliceId);
	});

	it('lists folders and files with prefix, limit, offset, sort and search; only what RLS shows', async () => {
		const bucket = alice.storage.from('homework');
		for (const name of ['b.txt', 'a.txt', 'c.txt', 'sub/deep.txt']) {
			expect((await bucket.upload(`${aliceId}/list/${name}`, text(name))).error).toBeNull();
		}
		const all = await bucket.list(`${aliceId}/list`);
		expect(all.error).toBeNull();
		expect(all.data!.map((f) => f.name)).toEqual(['a.txt', 'b.txt', 'c.txt', 'sub']);
		expect(all.data!.find((f) => f.name === 'sub')).toMatchObject({ id: null, metadata: null });
		expect(all.data!.find((f) => f.name === 'a.txt')!.metadata).toMatchObject({
			size: 5,
			mimetype: 'text/plain'
		});
		const page = await bucket.list(`${aliceId}/list`, {
			limit: 2,
			offset: 1,
			sortBy: { column: 'name', order: 'desc' }
		});
		expect(page.data!.map((f) => f.name)).toEqual(['c.txt', 'b.txt']);
		const found = await bucket.list(`${aliceId}/list`, { search: 'B' });
		expect(found.data!.map((f) => f.name)).toEqual(['b.txt']);
		const top = await bucket.list();
		expect(top.data!.map((f) => f.name)).toEqual([aliceId]);
		expect((await bob.storage.from('homework').list(`${aliceId}/list`)).data).toEqual([]);
		expect((await bob.storage.from('homework').list()).data!.map((f) => f.name)).not.toContain(
			aliceId
		);
	});

	it('lists with v2: a raw prefix, folders apart with a delimiter, and a cursor', async () => {
		const bucket = alice.storage.from('homework');
		for (const name of ['v2/a.txt', 'v2/b.txt', 'v2/sub/c.txt', 'v2/sub/d.txt', 'v2/z.txt']) {
			expect((await bucket.upload(`${aliceId}/${name}`, text(name))).error).toBeNull();
		}
		const prefix = `${aliceId}/v2/`;
		const flat = await bucket.listV2({ prefix });
		expect(flat.error).toBeNull();
		expect(flat.data!.objects.map((o) => o.name)).toEqual(
			['a.txt', 'b.txt', 'sub/c.txt', 'sub/d.txt', 'z.txt'].map((n) => prefix + n)
		);
		expect(flat.data!.hasNext).toBe(false);
		const grouped = await bucket.listV2({ prefix, with_delimiter: true });
		expect(grouped.data!.folders.map((f) => f.name)).toEqual([`${prefix}sub/`]);
		expect(grouped.data!.objects.map((o) => o.name)).toEqual(
			['a.txt', 'b.txt', 'z.txt'].map((n) => prefix + n)
		);
		const first = await bucket.listV2({ prefix, limit: 2 });
		expect(first.data).toMatchObject({ hasNext: true, nextCursor: expect.any(String) });
		const second = await bucket.listV2({ prefix, limit: 2, cursor: first.data!.nextCursor });
		expect(second.data!.objects.map((o) => o.name)).toEqual(
			['sub/c.txt', 'sub/d.txt'].map((n) => prefix + n)
		);
		const desc = await bucket.listV2({
			prefix,
			sortBy: { column: 'name', order: 'desc' },
			limit: 1
		});
		expect(desc.data!.objects.map((o) => o.name)).toEqual([`${prefix}z.txt`]);
		expect((await bob.storage.from('homework').listV2({ prefix })).data!.objects).toEqual([]);
	});

	it('moves and copies within what the policies allow', async () => {
		const bucket = alice.storage.from('homework');
		await bucket.upload(`${aliceId}/move-me.txt`, text('moving'));
		expect(await bucket.move(`${aliceId}/move-me.txt`, `${aliceId}/moved/here.txt`)).toEqual({
			data: { message: 'Successfully moved' },
			error: null
		});
		expect((await bucket.exists(`${aliceId}/move-me.txt`)).data).toBe(false);
		expect(await (await bucket.download(`${aliceId}/moved/here.txt`)).data!.text()).toBe('moving');
		// Not into Bob's folder, and Bob cannot move Alice's file.
		expect(
			(await bucket.move(`${aliceId}/moved/here.txt`, `${bobId}/stolen.txt`)).error
		).toMatchObject({
			statusCode: '403'
		});
		expect(
			(await bob.storage.from('homework').move(`${aliceId}/moved/here.txt`, `${bobId}/x.txt`)).error
		).toMatchObject({ statusCode: '404' });

		const copied = await bucket.copy(`${aliceId}/moved/here.txt`, `${aliceId}/copy.txt`);
		expect(copied).toEqual({ data: { path: `homework/${aliceId}/copy.txt` }, error: null });
		expect(await (await bucket.download(`${aliceId}/copy.txt`)).data!.text()).toBe('moving');
		const across = await bucket.copy(`${aliceId}/moved/here.txt`, `${aliceId}/copied.txt`, {
			destinationBucket: 'covers'
		});
		expect(across.error).toBeNull();
		expect(
			await (await sb.anon().storage.from('covers').download(`${aliceId}/copied.txt`)).data!.text()
		).toBe('moving');
		expect(
			(await bob.storage.from('homework').copy(`${aliceId}/copy.txt`, `${bobId}/c.txt`)).error
		).toMatchObject({
			statusCode: '404'
		});
	});

	it('removes in a batch only what the caller may delete, and the bytes go with the row', async () => {
		const bucket = alice.storage.from('homework');
		await bucket.upload(`${aliceId}/rm/1.txt`, text('1'));
		await bucket.upload(`${aliceId}/rm/2.txt`, text('2'));
		const versions = await sb.db.query<{ version: string }>(
			`select version from storage.objects where name like $1`,
			[`${aliceId}/rm/%`]
		);
		expect((await bob.storage.from('homework').remove([`${aliceId}/rm/1.txt`])).data).toEqual([]);
		const removed = await bucket.remove([
			`${aliceId}/rm/1.txt`,
			`${aliceId}/rm/2.txt`,
			`${aliceId}/rm/none.txt`
		]);
		expect(removed.error).toBeNull();
		expect(removed.data!.map((f) => f.name).sort()).toEqual([
			`${aliceId}/rm/1.txt`,
			`${aliceId}/rm/2.txt`
		]);
		expect((await bucket.exists(`${aliceId}/rm/1.txt`)).data).toBe(false);
		const { existsSync } = await import('node:fs');
		const { join } = await import('node:path');
		for (const { version } of versions.rows) {
			expect(existsSync(join(sb.embedded.storageDir, version.slice(0, 2), version))).toBe(false);
		}
	});
});
