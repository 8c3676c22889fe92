/**
 * `/storage/v1/*`: the part of Supabase Storage's API that supabase-js's storage client uses —
 * buckets, objects (upload, download, signed URLs, list, move, copy, remove, info) and image
 * transformation — over `storage.buckets`/`storage.objects` in the database and the bytes in a
 * directory (blobs.ts). Access is what the project's RLS policies on those tables say.
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { budgetKey, chargeDbTime, knownOverBudget } from '../budget';
import type { Caller, CallerResult } from '../caller';
import { configTable, type TomlTable } from '../config';
import type { EmbeddedEnv } from '../env';
import { json, readJson, type Ctx } from './context';
import { authErrorResponse } from '../rest/errors';
import { BlobStore } from './blobs';
import { bucketRoutes, parseFileSize } from './buckets';
import { errorResponse, StorageError, storageErrors } from './errors';
import { bucketAndKey, mustBeValidBucketName, mustBeValidKey } from './names';
import {
	callerId,
	likeLiteral,
	mimeAllowed,
	selectBucket,
	selectObject,
	testWrite,
	writeObject,
	type Access,
	type BucketRow,
	type NewObject,
	type ObjectRow
} from './objects';
import { contentDisposition, notModified, objectHeaders, parseRange, safetyHeaders } from './serve';
import { signDownload, signUpload, verifyDownload, verifyUpload } from './tokens';
import {
	claimParams,
	parseTransform,
	renderImage,
	targetType,
	transformClaim,
	variantName
} from './transform';
import { leastFileSize, readUpload } from './upload';

export { StorageError } from './errors';

export interface StorageOptions {
	/** Where object bytes are kept; a temporary directory, removed on close, when omitted. */
	dir?: string;
	/** The largest object any bucket accepts, in bytes (Storage's global limit; default 50 MiB). */
	fileSizeLimit?: number;
}

export interface StorageRequestOptions {
	/** The HTTP client's address: its database time counts against its budget (limits.dbBudget). */
	clientAddress?: string | null;
}

export interface StorageHandler {
	handle(
		request: Request,
		caller: CallerResult,
		options?: StorageRequestOptions
	): Promise<Response>;
	/** The directory holding the bytes. */
	readonly dir: string;
	/** Removes the directory when it was a temporary one of this handler's own. */
	close(): Promise<void>;
	/** Removes what a crash left behind (see BlobStore.sweep); runs once at start too. */
	sweep(graceMs?: number): Promise<number>;
}

export const DEFAULT_FILE_SIZE_LIMIT = 50 * 1024 * 1024;

/**
 * The directory name for a PostgreSQL server database's bytes (`storage-<database>`): one
 * directory per database, since the start-up sweep removes files its own database does not name.
 */
export function storageDirName(databaseUrl: string): string {
	let name = 'postgres';
	try {
		name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1)) || name;
	} catch {
		// a connection string that is not a URL: the default name
	}
	return `storage-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** `[storage] file_size_limit` of config.toml (`"50MiB"`), as the Supabase CLI reads it. */
export function fileSizeLimitFromConfig(config: TomlTable): number | undefined {
	const value = configTable(config, 'storage').file_size_limit;
	if (value === undefined) return undefined;
	try {
		return parseFileSize(value) ?? undefined;
	} catch {
		throw new Error(`config.toml: [storage] file_size_limit is not a size: ${String(value)}`);
	}
}
const MAX_LIST = 1000;
const MAX_EXPIRY = 10 * 365 * 24 * 3600;

function needCaller(ctx: Ctx): Caller {
	if (!ctx.caller) throw storageErrors.accessDenied('Access denied: no credentials');
	return ctx.caller;
}

// ---------------------------------------------------------------------------------------------
// Reading

type Lookup = () => Promise<ObjectRow | null>;

const lookupAs =
	(ctx: Ctx, bucket: string, key: string): Lookup =>
	() =>
		ctx.access.asCaller(needCaller(ctx), (tx) => selectObject(tx, bucket, key));

const lookupPublic =
	(ctx: Ctx, bucket: string, key: string): Lookup =>
	() =>
		ctx.access.asOwner(async (tx) => {
			const found = await selectBucket(tx, bucket);
			if (!found?.public) throw storageErrors.noSuchBucket();
			return selectObject(tx, bucket, key);
		});

const lookupSigned =
	(ctx: Ctx, bucket: string, key: string): Lookup =>
	() =>
		ctx.access.asOwner((tx) => selectObject(tx, bucket, key));

/** Finds the row and opens its bytes; a version replaced in between is looked up again. */
async function openObject(ctx: Ctx, lookup: Lookup) {
	for (let attempt = 0; attempt < 3; attempt++) {
		const row = await lookup();
		if (!row?.version) throw storageErrors.noSuchKey();
		const opened = await ctx.blobs.open(row.version);
		if (opened) return { row, ...opened };
	}
	throw storageErrors.noSuchKey();
}

async function download(ctx: Ctx, key: string, lookup: Lookup): Promise<Response> {
	const { row, handle, size } = await openObject(ctx, lookup);
	const metadata = row.metadata ?? {};
	const headers = objectHeaders(metadata, row.updated_at);
	const disposition = contentDisposition(ctx.url.searchParams.get('download'), key);
	if (disposition) headers['content-disposition'] = disposition;
	let keep = false;
	try {
		if (notModified(ctx.request, metadata.eTag))
			return new Response(null, { status: 304, headers });
		const range =
			ctx.request.method === 'GET' ? parseRange(ctx.request.headers.get('range'), size) : null;
		if (ctx.request.method === 'HEAD' || size === 0) {
			headers['content-length'] = String(size);
			return new Response(null, { status: 200, headers });
		}
		const span = range ?? { start: 0, end: size - 1 };
		headers['content-length'] = String(span.end - span.start + 1);
		if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${size}`;
		keep = true;
		return new Response(ctx.blobs.stream(handle, span), { status: range ? 206 : 200, headers });
	} finally {
		if (!keep) await handle.close();
	}
}

async function render(ctx: Ctx, lookup: Lookup, transformations?: string): Promise<Response> {
	const options = parseTransform(
		transformations === undefined ? ctx.url.searchParams : claimParams(transformations)
	);
	const { row, handle } = await openObject(ctx, lookup);
	await handle.close();
	const mimetype = row.metadata?.mimetype ?? '';
	if (!mimetype.startsWith('image/')) {
		throw storageErrors.invalidRequest('The object is not an image that can be transformed');
	}
	const target = targetType(mimetype, options, ctx.request.headers.get('accept'));
	const variant = variantName(options, target);
	let body = await ctx.blobs.readRender(row.version!, variant);
	if (!body) {
		const started = performance.now();
		body = await renderImage(ctx.blobs.pathOf(row.version!), options, target);
		// Rendering is what a loop of new sizes costs: it counts against the client's budget.
		ctx.spend(performance.now() - started);
		await ctx.blobs.keepRender(row.version!, variant, body).catch(() => {});
	}
	return new Response(new Uint8Array(body), {
		headers: {
			'content-type': target,
			'content-length': String(body.length),
			'cache-control': row.metadata?.cacheControl ?? 'no-cache',
			vary: 'Accept',
			...safetyHeaders(target)
		}
	});
}

function info(row: ObjectRow | null): Response {
	if (!row) throw storageErrors.noSuchKey();
	const m = row.metadata ?? {};
	return json({
		id: row.id,
		name: row.name,
		version: row.version,
		bucket_id: row.bucket_id,
		size: m.size ?? null,
		content_type: m.mimetype ?? null,
		cache_control: m.cacheControl ?? null,
		etag: m.eTag ?? null,
		metadata: row.user_metadata ?? {},
		last_modified: m.lastModified ?? row.updated_at,
		created_at: row.created_at
	});
}

const sortColumns = new Set(['name', 'updated_at', 'created_at', 'last_accessed_at']);

function whole(value: unknown, fallback: number, max: number): number {
	if (value === undefined || value === null) return fallback;
	const n = Number(value);
	if (!Number.isInteger(n) || n < 0)
		throw storageErrors.invalidRequest('limit and offset must be whole numbers');
	return Math.min(n, max);
}

async function list(ctx: Ctx, bucket: string): Promise<Response> {
	const caller = needCaller(ctx);
	const body = await readJson(ctx);
	let prefix = typeof body.prefix === 'string' ? body.prefix : '';
	if (prefix && !prefix.endsWith('/')) prefix += '/';
	const search = typeof body.search === 'string' ? body.search : '';
	const limit = whole(body.limit, 100, MAX_LIST);
	const offset = whole(body.offset, 0, Number.MAX_SAFE_INTEGER);
	const sortBy = (body.sortBy ?? {}) as { column?: unknown; order?: unknown };
	const column =
		typeof sortBy.column === 'string' && sortColumns.has(sortBy.column) ? sortBy.column : 'name';
	const order = String(sortBy.order ?? 'asc').toLowerCase() === 'desc' ? 'desc' : 'asc';
	const orderBy =
		column === 'name'
			? `u.name collate "C" ${order}`
			: `u.${column} ${order} nulls first, u.name collate "C" asc`;
	const rows = await ctx.access.asCaller(caller, async (tx) => {
		const { rows } = await tx.query<{ list: string }>(
			`with matched as (
				select o.id, o.updated_at, o.created_at, o.last_accessed_at, o.metadata,
					substr(o.name, char_length($2) + 1) as rest
				from storage.objects o
				where o.bucket_id = $1 and o.name like $3 escape '\\'
			), entries as (
				select split_part(rest, '/', 1) as name, position('/' in rest) > 0 as folder, m.*
				from matched m
			), u as (
				select distinct name, null::uuid as id, null::timestamptz as updated_at,
					null::timestamptz as created_at, null::timestamptz as last_accessed_at,
					null::jsonb as metadata
				from entries where folder
				union all
				select name, id, updated_at, created_at, last_accessed_at, metadata
				from entries where not folder
			)
			select coalesce(json_agg(row_to_json(r)), '[]')::text as list from (
				select u.name, u.id, u.updated_at, u.created_at, u.last_accessed_at, u.metadata
				from u where u.name ilike $4 escape '\\'
				order by ${orderBy}
				limit $5 offset $6
			) r`,
			[bucket, prefix, `${likeLiteral(prefix)}%`, `${likeLiteral(search)}%`, limit, offset]
		);
		return rows[0]?.list ?? '[]';
	});
	return new Response(rows, { headers: { 'content-type': 'application/json' } });
}

/**
 * List v2: keys under a raw prefix in name order, paged by a cursor, with folders (`a/b/`) apart
 * when `with_delimiter` is set. Sorting by a date is not served here.
 */
async function listV2(ctx: Ctx, bucket: string): Promise<Response> {
	const caller = needCaller(ctx);
	const body = await readJson(ctx);
	const prefix = typeof body.prefix === 'string' ? body.prefix : '';
	const limit = Math.max(1, whole(body.limit, 1000, MAX_LIST));
	const sortBy = (body.sortBy ?? {}) as { column?: unknown; order?: unknown };
	if (sortBy.column !== undefined && sortBy.column !== 'name') {
		throw storageErrors.invalidRequest('list-v2 here sorts by name only');
	}
	const order = sortBy.order === 'desc' ? 'desc' : 'asc';
	let after: string | null = null;
	if (typeof body.cursor === 'string' && body.cursor) {
		after = Buffer.from(body.cursor, 'base64url').toString('utf8');
	}
	const rows = await ctx.access.asCaller(caller, async (tx) => {
		const { rows } = await tx.query<{ list: string }>(
			`with m as (
				select o.*, substr(o.name, char_length($2) + 1) as rest
				from storage.objects o
				where o.bucket_id = $1 and o.name like $3 escape '\\'
			), u as (
				select distinct $2 || split_part(rest, '/', 1) || '/' as name, null::uuid as id,
					null::timestamptz as updated_at, null::timestamptz as created_at,
					null::timestamptz as last_accessed_at, null::jsonb as metadata
				from m where $4 and position('/' in rest) > 0
				union all
				select name, id, updated_at, created_at, last_accessed_at, metadata
				from m where not ($4 and position('/' in rest) > 0)
			)
			select coalesce(json_agg(row_to_json(r)), '[]')::text as list from (
				select * from u
				where $5::text is null
					or (${order === 'asc' ? 'u.name collate "C" > $5' : 'u.name collate "C" < $5'})
				order by u.name collate "C" ${order}
				limit $6
			) r`,
			[bucket, prefix, `${likeLiteral(prefix)}%`, body.with_delimiter === true, after, limit + 1]
		);
		return JSON.parse(rows[0]?.list ?? '[]') as (Partial<ObjectRow> & { name: string })[];
	});
	const hasNext = rows.length > limit;
	const page = rows.slice(0, limit);
	const last = page[page.length - 1];
	return json({
		hasNext,
		...(hasNext && last ? { nextCursor: Buffer.from(last.name).toString('base64url') } : {}),
		folders: page.filter((r) => r.id === null).map((r) => ({ name: r.name, key: r.name })),
		objects: page.filter((r) => r.id !== null).map((r) => ({ ...r, key: r.name }))
	});
}

// ---------------------------------------------------------------------------------------------
// Writing

async function findBucketAsOwner(ctx: Ctx, bucket: string): Promise<BucketRow> {
	const found = await ctx.access.asOwner((tx) => selectBucket(tx, bucket));
	if (!found) throw storageErrors.noSuchBucket();
	return found;
}

async function upload(
	ctx: Ctx,
	bucket: string,
	key: string,
	how: { upsert: boolean; caller: Caller | null; owner: string | null }
): Promise<Response> {
	const limits = await findBucketAsOwner(ctx, bucket);
	const limit = Math.min(limits.file_size_limit ?? Infinity, ctx.fileSizeLimit);
	if (leastFileSize(ctx.request) > limit) {
		await ctx.request.body?.cancel().catch(() => {});
		throw storageErrors.entityTooLarge();
	}
	const source = await readUpload(ctx.request);
	const object: NewObject = {
		bucket,
		key,
		upsert: how.upsert,
		caller: how.caller,
		owner: how.owner,
		mimetype: source.mimetype,
		cacheControl: source.cacheControl,
		userMetadata: source.userMetadata
	};
	try {
		if (!mimeAllowed(limits.allowed_mime_types, source.mimetype)) {
			throw storageErrors.invalidMimeType(source.mimetype.split(';')[0]);
		}
		await testWrite(ctx.access, object);
	} catch (error) {
		source.cancel();
		throw error;
	}
	let received;
	try {
		received = await ctx.blobs.receive(source.stream, limit);
	} catch (error) {
		source.cancel();
		throw error;
	}
	const { id } = await writeObject(ctx.access, ctx.blobs, object, received);
	return json({ Id: id, Key: `${bucket}/${key}` });
}

async function removeObjects(ctx: Ctx, bucket: string, names: string[]): Promise<ObjectRow[]> {
	const caller = needCaller(ctx);
	const removed = await ctx.access.asCaller(caller, async (tx) => {
		const { rows } = await tx.query<{ j: string }>(
			`with gone as (
				delete from storage.objects where bucket_id = $1 and name = any(array(select jsonb_array_elements_text($2::jsonb)))
				returning id, bucket_id, name, version, owner_id, metadata, user_metadata,
					created_at, updated_at, last_accessed_at
			) select coalesce(json_agg(row_to_json(gone)), '[]')::text as j from gone`,
			[bucket, JSON.stringify(names)]
		);
		return JSON.parse(rows[0]?.j ?? '[]') as ObjectRow[];
	});
	await ctx.blobs.remove(removed.map((r) => r.version)).catch(() => {});
	return removed;
}

function destination(body: Record<string, unknown>) {
	const bucket = mustBeValidBucketName(body.bucketId);
	if (typeof body.sourceKey !== 'string') throw storageErrors.missingParameter('sourceKey');
	if (typeof body.destinationKey !== 'string')
		throw storageErrors.missingParameter('destinationKey');
	return {
		bucket,
		from: mustBeValidKey(body.sourceKey),
		to: mustBeValidKey(body.destinationKey),
		toBucket:
			body.destinationBucket === undefined || body.destinationBucket === null
				? bucket
				: mustBeValidBucketName(body.destinationBucket)
	};
}

async function move(ctx: Ctx): Promise<Response> {
	const caller = needCaller(ctx);
	const d = destination(await readJson(ctx));
	await findBucketAsOwner(ctx, d.toBucket);
	await ctx.access.asCaller(caller, async (tx) => {
		const source = await selectObject(tx, d.bucket, d.from);
		if (!source) throw storageErrors.noSuchKey();
		// The destination must be a place the caller may create objects in.
		await tx.query('savepoint may_insert');
		await tx.query(
			`insert into storage.objects (bucket_id, name, owner, owner_id, metadata, version)
			values ($1, $2, $3::uuid, $4, '{}', null)`,
			[
				d.toBucket,
				d.to,
				source.owner_id && /^[0-9a-f-]{36}$/i.test(source.owner_id) ? source.owner_id : null,
				source.owner_id
			]
		);
		await tx.query('rollback to savepoint may_insert');
		const { rowCount } = await tx.query(
			`update storage.objects set bucket_id = $3, name = $4, updated_at = now()
			where bucket_id = $1 and name = $2`,
			[d.bucket, d.from, d.toBucket, d.to]
		);
		if (rowCount === 0) throw storageErrors.noSuchKey();
	});
	return json({ message: 'Successfully moved' });
}

async function copy(ctx: Ctx): Promise<Response> {
	const caller = needCaller(ctx);
	const d = destination(await readJson(ctx));
	const upsert = ctx.request.headers.get('x-upsert') === 'true';
	const target = await findBucketAsOwner(ctx, d.toBucket);
	const source = await ctx.access.asCaller(caller, (tx) => selectObject(tx, d.bucket, d.from));
	if (!source?.version) throw storageErrors.noSuchKey();
	const m = source.metadata ?? {};
	const mimetype = m.mimetype ?? 'application/octet-stream';
	if (!mimeAllowed(target.allowed_mime_types, mimetype))
		throw storageErrors.invalidMimeType(mimetype);
	if ((m.size ?? 0) > Math.min(target.file_size_limit ?? Infinity, ctx.fileSizeLimit)) {
		throw storageErrors.entityTooLarge();
	}
	const object: NewObject = {
		bucket: d.toBucket,
		key: d.to,
		upsert,
		caller,
		owner: callerId(caller),
		mimetype,
		cacheControl: m.cacheControl ?? 'no-cache',
		userMetadata: source.user_metadata
	};
	await testWrite(ctx.access, object);
	const tmp = await ctx.blobs.duplicate(source.version);
	const { id } = await writeObject(ctx.access, ctx.blobs, object, {
		tmp,
		size: m.size ?? 0,
		etag: m.eTag ?? ''
	});
	return json({ Id: id, Key: `${d.toBucket}/${d.to}` });
}

// ---------------------------------------------------------------------------------------------
// Signed URLs

function expiry(value: unknown): number {
	const n = Number(value);
	if (!Number.isInteger(n) || n < 1 || n > MAX_EXPIRY) {
		throw storageErrors.invalidRequest('expiresIn must be a whole number of seconds, at least 1');
	}
	return n;
}

const encodePath = (bucket: string, key: string) => `${bucket}/${key}`;

async function signOne(ctx: Ctx, bucket: string, key: string): Promise<Response> {
	const caller = needCaller(ctx);
	const body = await readJson(ctx);
	const expiresIn = expiry(body.expiresIn);
	const transformations = transformClaim(body.transform);
	const row = await ctx.access.asCaller(caller, (tx) => selectObject(tx, bucket, key));
	if (!row) throw storageErrors.noSuchKey();
	const url = encodePath(bucket, key);
	const token = await signDownload(
		ctx.env.jwtSecret,
		{ url, ...(transformations ? { transformations } : {}) },
		expiresIn
	);
	const base = transformations ? '/render/image/sign' : '/object/sign';
	return json({ signedURL: `${base}/${url}?token=${token}` });
}

async function signMany(ctx: Ctx, bucket: string): Promise<Response> {
	const caller = needCaller(ctx);
	const body = await readJson(ctx);
	const expiresIn = expiry(body.expiresIn);
	if (!Array.isArray(body.paths) || body.paths.some((p) => typeof p !== 'string')) {
		throw storageErrors.missingParameter('paths');
	}
	const paths = body.paths as string[];
	if (paths.length > MAX_LIST)
		throw storageErrors.invalidRequest(`At most ${MAX_LIST} paths at once`);
	const visible = await ctx.access.asCaller(caller, async (tx) => {
		const { rows } = await tx.query<{ name: string }>(
			'select name from storage.objects where bucket_id = $1 and name = any(array(select jsonb_array_elements_text($2::jsonb)))',
			[bucket, JSON.stringify(paths)]
		);
		return new Set(rows.map((r) => r.name));
	});
	const out = [];
	for (const path of paths) {
		if (!visible.has(path)) {
			out.push({
				error: 'Either the object does not exist or you do not have access to it',
				path,
				signedURL: null
			});
			continue;
		}
		const url = encodePath(bucket, path);
		const token = await signDownload(ctx.env.jwtSecret, { url }, expiresIn);
		out.push({ error: null, path, signedURL: `/object/sign/${url}?token=${token}` });
	}
	return json(out);
}

async function signUploadUrl(ctx: Ctx, bucket: string, key: string): Promise<Response> {
	const caller = needCaller(ctx);
	await findBucketAsOwner(ctx, bucket);
	const upsert = ctx.request.headers.get('x-upsert') === 'true';
	const owner = callerId(caller);
	await testWrite(ctx.access, {
		bucket,
		key,
		upsert,
		caller,
		owner,
		mimetype: 'application/octet-stream',
		cacheControl: 'no-cache',
		userMetadata: null
	});
	const url = encodePath(bucket, key);
	const token = await signUpload(ctx.env.jwtSecret, { url, upsert, ...(owner ? { owner } : {}) });
	return json({ url: `/object/upload/sign/${url}?token=${token}`, token });
}

// ---------------------------------------------------------------------------------------------
// Routing

async function route(ctx: Ctx, path: string): Promise<Response> {
	const method = ctx.request.method;
	const read = method === 'GET' || method === 'HEAD';
	const token = () => ctx.url.searchParams.get('token');
	const after = (prefix: string) => (path.startsWith(prefix) ? path.slice(prefix.length) : null);
	let rest: string | null;

	if (path === '/bucket' || path.startsWith('/bucket/'))
		return bucketRoutes(ctx, needCaller(ctx), path);

	// Anyone may read what a public bucket or a signed URL opens: no key needed (an <img src>).
	if (read && (rest = after('/object/public/')) !== null) {
		const { bucket, key } = bucketAndKey(rest);
		return download(ctx, key, lookupPublic(ctx, bucket, key));
	}
	if (read && (rest = after('/object/sign/')) !== null) {
		const { bucket, key } = bucketAndKey(rest);
		const claims = await verifyDownload(ctx.env.jwtSecret, token(), encodePath(bucket, key));
		if (claims.transformations) throw storageErrors.invalidSignature();
		return download(ctx, key, lookupSigned(ctx, bucket, key));
	}
	if (method === 'GET' && (rest = after('/object/info/public/')) !== null) {
		const { bucket, key } = bucketAndKey(rest);
		return info(await lookupPublic(ctx, bucket, key)());
	}
	if (method === 'GET' && (rest = after('/render/image/public/')) !== null) {
		const { bucket, key } = bucketAndKey(rest);
		return render(ctx, lookupPublic(ctx, bucket, key));
	}
	if (method === 'GET' && (rest = after('/render/image/sign/')) !== null) {
		const { bucket, key } = bucketAndKey(rest);
		const claims = await verifyDownload(ctx.env.jwtSecret, token(), encodePath(bucket, key));
		return render(ctx, lookupSigned(ctx, bucket, key), claims.transformations ?? '');
	}
	if (method === 'PUT' && (rest = after('/object/upload/sign/')) !== null) {
		const { bucket, key } = bucketAndKey(rest);
		const claims = await verifyUpload(ctx.env.jwtSecret, token(), encodePath(bucket, key));
		return upload(ctx, bucket, key, {
			upsert: claims.upsert,
			caller: null,
			owner: claims.owner ?? null
		});
	}

	const caller = needCaller(ctx);
	if (method === 'GET' && (rest = after('/render/image/authenticated/')) !== null) {
		const { bucket, key } = bucketAndKey(rest);
		return render(ctx, lookupAs(ctx, bucket, key));
	}
	if (method === 'GET' && (rest = after('/object/info/')) !== null) {
		const { bucket, key } = bucketAndKey(rest.replace(/^authenticated\//, ''));
		return info(await lookupAs(ctx, bucket, key)());
	}
	if (read && (rest = after('/object/authenticated/')) !== null) {
		const { bucket, key } = bucketAndKey(rest);
		return download(ctx, key, lookupAs(ctx, bucket, key));
	}
	if (method === 'POST') {
		if ((rest = after('/object/list-v2/')) !== null) {
			return listV2(ctx, mustBeValidBucketName(decodeURIComponent(rest)));
		}
		if ((rest = after('/object/list/')) !== null)
			return list(ctx, mustBeValidBucketName(decodeURIComponent(rest)));
		if (path === '/object/move') return move(ctx);
		if (path === '/object/copy') return copy(ctx);
		if ((rest = after('/object/upload/sign/')) !== null) {
			const { bucket, key } = bucketAndKey(rest);
			return signUploadUrl(ctx, bucket, key);
		}
		if ((rest = after('/object/sign/')) !== null) {
			if (!rest.includes('/'))
				return signMany(ctx, mustBeValidBucketName(decodeURIComponent(rest)));
			const { bucket, key } = bucketAndKey(rest);
			return signOne(ctx, bucket, key);
		}
	}
	if ((rest = after('/object/')) !== null) {
		if (method === 'DELETE' && !rest.includes('/')) {
			const bucket = mustBeValidBucketName(decodeURIComponent(rest));
			const body = await readJson(ctx);
			const prefixes = body.prefixes;
			if (!Array.isArray(prefixes) || prefixes.some((p) => typeof p !== 'string')) {
				throw storageErrors.missingParameter('prefixes');
			}
			if (prefixes.length > MAX_LIST)
				throw storageErrors.invalidRequest(
					`At most ${MAX_LIST} objects can be deleted per request.`
				);
			return json(await removeObjects(ctx, bucket, prefixes as string[]));
		}
		const { bucket, key } = bucketAndKey(rest);
		if (read) return download(ctx, key, lookupAs(ctx, bucket, key));
		if (method === 'DELETE') {
			const removed = await removeObjects(ctx, bucket, [key]);
			if (!removed.length) throw storageErrors.noSuchKey();
			return json({ message: 'Successfully deleted' });
		}
		if (method === 'POST' || method === 'PUT') {
			const upsert = method === 'PUT' || ctx.request.headers.get('x-upsert') === 'true';
			return upload(ctx, bucket, key, { upsert, caller, owner: callerId(caller) });
		}
	}
	throw storageErrors.notFound();
}

export function createStorageHandler(
	env: EmbeddedEnv,
	options: StorageOptions = {}
): StorageHandler {
	// Made on first write; a temporary one goes with `close`.
	const dir = options.dir ?? join(tmpdir(), `gongyu-storage-${randomUUID()}`);
	const blobs = new BlobStore(dir);
	const fileSizeLimit = options.fileSizeLimit ?? DEFAULT_FILE_SIZE_LIMIT;

	const sweep = (graceMs?: number) =>
		blobs.sweep(async (versions) => {
			const { rows } = await env.db.query<{ version: string }>(
				`select version from storage.objects
				where version = any(array(select jsonb_array_elements_text($1::jsonb)))`,
				[JSON.stringify(versions)]
			);
			return new Set(rows.map((r) => r.version));
		}, graceMs);
	if (options.dir) {
		// In the background: a start is not held up, and a failure here costs only disk space.
		setTimeout(() => void sweep().catch(() => {}), 5000).unref();
	}

	return {
		dir,
		sweep,
		async close() {
			if (!options.dir) await rm(dir, { recursive: true, force: true });
		},
		async handle(request, callerResult, requestOptions = {}) {
			const url = new URL(request.url);
			const path = url.pathname.replace(/^\/storage\/v1/, '');
			// A missing or bad key is refused as the gateway refuses it, except where a public
			// bucket or a signed URL is all a browser needs.
			const open =
				/^\/(object\/(public|sign|info\/public)\/|render\/image\/(public|sign)\/|object\/upload\/sign\/)/.test(
					path
				);
			let caller: Caller | null = null;
			if (callerResult.ok) caller = callerResult.caller;
			else if (!open || callerResult.reason === 'invalid_api_key') {
				if (callerResult.reason === 'jwt_expired' || callerResult.reason === 'jwt_invalid') {
					return new StorageError(
						'403',
						'InvalidJWT',
						'Unauthorized',
						callerResult.reason === 'jwt_expired' ? 'jwt expired' : 'invalid signature'
					).response();
				}
				return authErrorResponse(callerResult.reason);
			}

			const budget = env.limits.dbBudget;
			const counted =
				budget && requestOptions.clientAddress && caller?.role !== 'service_role'
					? budgetKey(requestOptions.clientAddress)
					: null;
			if (counted) {
				const refused = knownOverBudget(env.blocks, counted);
				if (refused)
					return storageErrors
						.tooManyRequests(Number(refused.headers['retry-after'] ?? 1))
						.response();
			}
			let spent = 0;
			const onElapsed = (ms: number) => (spent += ms);
			const timeout = (c: Caller): Record<string, string> => {
				const ms = env.limits.statementTimeoutMs[c.role];
				return ms > 0 ? { statement_timeout: String(ms) } : {};
			};
			const access: Access = {
				asCaller: (c, fn) =>
					env.db.transaction(
						{ role: c.role, claims: c.claims, settings: timeout(c), onElapsed },
						fn
					),
				asOwner: (fn) => env.db.transaction({ role: 'owner', onElapsed }, fn),
				async becomeCaller(tx, c) {
					const settings: [string, string][] = [
						['request.jwt.claims', JSON.stringify(c.claims)],
						...Object.entries(timeout(c)),
						['role', c.role]
					];
					await tx.query(
						`select ${settings.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(', ')}`,
						settings.flat()
					);
				}
			};
			const ctx: Ctx = {
				request,
				url,
				caller,
				access,
				env,
				blobs,
				fileSizeLimit,
				spend: onElapsed
			};
			let response: Response;
			try {
				response = await route(ctx, path);
			} catch (error) {
				response = errorResponse(error);
			}
			if (counted && budget && spent > 0) {
				await chargeDbTime(env.db, env.blocks, budget, counted, spent).catch(() => {});
			}
			return response;
		}
	};
}
