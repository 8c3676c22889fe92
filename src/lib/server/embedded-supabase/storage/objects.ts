/**
 * Objects: each operation runs in a transaction as the caller (role and JWT claims set locally),
 * so the project's row-level security policies on `storage.objects` allow or refuse it exactly as
 * on Supabase; service_role bypasses them. Public and signed reads are decided by the bucket's
 * flag or the token, and read as the owner. Writes of one path are serialised by a transaction
 * advisory lock, so the version a write replaces is known and removed once the new one commits.
 */
import { randomUUID } from 'node:crypto';
import type { Caller } from '../caller';
import type { Queryable } from '../database';
import type { BlobStore, Received } from './blobs';
import { storageErrors } from './errors';
import type { ObjectMetadata } from './serve';

export interface ObjectRow {
	id: string;
	bucket_id: string;
	name: string;
	version: string | null;
	owner_id: string | null;
	metadata: ObjectMetadata | null;
	user_metadata: Record<string, unknown> | null;
	created_at: string;
	updated_at: string;
	last_accessed_at: string;
}

export interface BucketRow {
	id: string;
	name: string;
	owner: string | null;
	owner_id: string | null;
	public: boolean;
	file_size_limit: number | null;
	allowed_mime_types: string[] | null;
	created_at: string;
	updated_at: string;
	type: 'STANDARD';
}

/** How the storage handler reaches the database for one request. */
export interface Access {
	/** A transaction as the caller: RLS decides. */
	asCaller<T>(caller: Caller, fn: (tx: Queryable) => Promise<T>): Promise<T>;
	/** A transaction as the owner: for what Storage itself decides (buckets' limits, tokens). */
	asOwner<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
	/** Switches a transaction opened as the owner to the caller, from the next statement on. */
	becomeCaller(tx: Queryable, caller: Caller): Promise<void>;
}

const objectColumns = `id, bucket_id, name, version, owner_id, metadata, user_metadata,
	created_at, updated_at, last_accessed_at`;

export const bucketJson = `json_build_object('id', b.id, 'name', b.name, 'owner', b.owner,
	'owner_id', b.owner_id, 'public', coalesce(b.public, false), 'file_size_limit', b.file_size_limit,
	'allowed_mime_types', b.allowed_mime_types, 'created_at', b.created_at, 'updated_at', b.updated_at,
	'type', 'STANDARD')`;

async function oneJson<T>(tx: Queryable, sql: string, params: unknown[]): Promise<T | null> {
	const { rows } = await tx.query<{ j: string }>(sql, params);
	return rows[0] ? (JSON.parse(rows[0].j) as T) : null;
}

export function selectObject(
	tx: Queryable,
	bucket: string,
	key: string
): Promise<ObjectRow | null> {
	return oneJson<ObjectRow>(
		tx,
		`select row_to_json(o)::text as j from (select ${objectColumns} from storage.objects
			where bucket_id = $1 and name = $2) o`,
		[bucket, key]
	);
}

export function selectBucket(tx: Queryable, id: string): Promise<BucketRow | null> {
	return oneJson<BucketRow>(
		tx,
		`select ${bucketJson}::text as j from storage.buckets b where b.id = $1`,
		[id]
	);
}

export const callerId = (caller: Caller | null): string | null =>
	typeof caller?.claims.sub === 'string' ? caller.claims.sub : null;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function insertSql(upsert: boolean): string {
	return `insert into storage.objects
		(id, bucket_id, name, owner, owner_id, metadata, user_metadata, version)
		values ($1, $2, $3, $4::uuid, $5, $6::jsonb, $7::jsonb, $8)
		${
			upsert
				? `on conflict (bucket_id, name) do update set owner = excluded.owner,
					owner_id = excluded.owner_id, metadata = excluded.metadata,
					user_metadata = excluded.user_metadata, version = excluded.version,
					updated_at = now(), last_accessed_at = now()`
				: ''
		}`;
}

export interface NewObject {
	bucket: string;
	key: string;
	upsert: boolean;
	/** The caller whose policies decide; null for a signed upload (the token decided). */
	caller: Caller | null;
	/** The owner to record: the caller's user, or the one a signed upload token names. */
	owner: string | null;
	mimetype: string;
	cacheControl: string;
	userMetadata: Record<string, unknown> | null;
}

function params(
	object: NewObject,
	id: string,
	metadata: ObjectMetadata | Record<string, never>,
	version: string | null
) {
	const owner = object.owner && uuidPattern.test(object.owner) ? object.owner : null;
	return [
		id,
		object.bucket,
		object.key,
		owner,
		object.owner,
		JSON.stringify(metadata),
		object.userMetadata ? JSON.stringify(object.userMetadata) : null,
		version
	];
}

/**
 * Asks the caller's policies whether this write would be allowed, before any byte is read (as
 * Storage does): the row is inserted (or upserted) and rolled back.
 */
export async function testWrite(access: Access, object: NewObject): Promise<void> {
	if (!object.caller) return;
	const rollback = Symbol('rollback');
	try {
		await access.asCaller(object.caller, async (tx) => {
			await tx.query(insertSql(object.upsert), params(object, randomUUID(), {}, null));
			throw rollback;
		});
	} catch (error) {
		if (error !== rollback) throw error;
	}
}

/**
 * Records received bytes as the object: the file goes to its version's place, the row is written
 * under the path's lock (as the caller, so the policies decide), and the version it replaced is
 * removed after the commit. Any failure removes the new file: nothing is left behind.
 */
export async function writeObject(
	access: Access,
	blobs: BlobStore,
	object: NewObject,
	received: Received
): Promise<{ id: string }> {
	const version = randomUUID();
	const newId = randomUUID();
	try {
		await blobs.place(received.tmp, version);
	} catch (error) {
		await blobs.discard(received.tmp);
		throw error;
	}
	const metadata: ObjectMetadata & Record<string, unknown> = {
		eTag: received.etag,
		size: received.size,
		mimetype: object.mimetype,
		cacheControl: object.cacheControl,
		lastModified: new Date().toISOString(),
		contentLength: received.size,
		httpStatusCode: 200
	};
	let previous: { id: string; version: string | null } | null;
	try {
		previous = await access.asOwner(async (tx) => {
			await tx.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [
				`storage.objects:${object.bucket}/${object.key}`
			]);
			const { rows } = await tx.query<{ id: string; version: string | null }>(
				'select id::text, version from storage.objects where bucket_id = $1 and name = $2',
				[object.bucket, object.key]
			);
			const found = rows[0] ?? null;
			if (found && !object.upsert) throw storageErrors.duplicate();
			if (object.caller) await access.becomeCaller(tx, object.caller);
			await tx.query(
				insertSql(object.upsert),
				params(object, found?.id ?? newId, metadata, version)
			);
			return found;
		});
	} catch (error) {
		await blobs.remove([version]);
		throw error;
	}
	if (previous?.version && previous.version !== version) {
		await blobs.remove([previous.version]).catch(() => {});
	}
	return { id: previous?.id ?? newId };
}

/** Whether `mimetype` is one a bucket's list allows (`image/*` allows every image). */
export function mimeAllowed(allowed: string[] | null, mimetype: string): boolean {
	if (!allowed || allowed.length === 0) return true;
	const [type, subtype] = mimetype.split(';')[0].trim().toLowerCase().split('/');
	return allowed.some((entry) => {
		const [t, s] = entry.trim().toLowerCase().split('/');
		return t === type && (s === '*' || s === subtype);
	});
}

/** `LIKE` pattern text that matches `text` literally. */
export function likeLiteral(text: string): string {
	return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
