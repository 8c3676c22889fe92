/**
 * `/bucket`: list, get, create, update, empty and delete buckets, as the caller (RLS on
 * `storage.buckets` decides: with no policy only service_role may, as on Supabase).
 */
import type { Caller } from '../caller';
import { storageErrors } from './errors';
import { json, readJson, type Ctx } from './context';
import { mustBeValidBucketName } from './names';
import { bucketJson, callerId, likeLiteral } from './objects';

const units: Record<string, number> = {
	b: 1,
	kb: 1000,
	mb: 1000 ** 2,
	gb: 1000 ** 3,
	kib: 1024,
	mib: 1024 ** 2,
	gib: 1024 ** 3
};

/** A bucket's `file_size_limit`: bytes as a number, or a string such as `5MB` or `50MiB`. */
export function parseFileSize(value: unknown): number | null {
	if (value === undefined || value === null || value === '') return null;
	if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
	const match = typeof value === 'string' ? /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(value) : null;
	const unit = match ? units[(match[2] || 'b').toLowerCase()] : undefined;
	if (!match || !unit) throw storageErrors.invalidRequest('file_size_limit is not a size');
	return Number(match[1]) * unit;
}

const mimePattern = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/([a-z0-9][a-z0-9!#$&^_.+-]*|\*)$/i;

export function parseMimeTypes(value: unknown): string[] | null {
	if (value === undefined || value === null) return null;
	if (!Array.isArray(value) || value.some((t) => typeof t !== 'string' || !mimePattern.test(t))) {
		throw storageErrors.invalidRequest(
			'allowed_mime_types must be a list of types such as image/*'
		);
	}
	return value as string[];
}

const sortColumns = new Set(['id', 'name', 'created_at', 'updated_at']);

export async function bucketRoutes(ctx: Ctx, caller: Caller, path: string): Promise<Response> {
	const method = ctx.request.method;
	const parts = path.split('/').slice(2).map(decodeURIComponent);
	const tx = <T>(fn: Parameters<typeof ctx.access.asCaller<T>>[1]) =>
		ctx.access.asCaller(caller, fn);

	if (parts.length === 0 && method === 'GET') {
		const q = ctx.url.searchParams;
		const column = sortColumns.has(q.get('sortColumn') ?? '') ? q.get('sortColumn') : 'name';
		const order = q.get('sortOrder') === 'desc' ? 'desc' : 'asc';
		const limit = Math.min(Math.max(Number(q.get('limit') ?? 1000) || 0, 0), 1000);
		const offset = Math.max(Number(q.get('offset') ?? 0) || 0, 0);
		const search = q.get('search') ?? '';
		const list = await tx(async (t) => {
			const { rows } = await t.query<{ j: string }>(
				`select coalesce(json_agg(${bucketJson} order by b.${column} ${order}), '[]')::text as j
				from (select * from storage.buckets where name ilike $1 escape '\\'
					order by ${column} ${order} limit $2 offset $3) b`,
				[`%${likeLiteral(search)}%`, limit, offset]
			);
			return rows[0]?.j ?? '[]';
		});
		return new Response(list, { headers: { 'content-type': 'application/json' } });
	}

	if (parts.length === 0 && method === 'POST') {
		const body = await readJson(ctx);
		const id = mustBeValidBucketName(body.id ?? body.name);
		const name = body.name === undefined ? id : mustBeValidBucketName(body.name);
		const owner = callerId(caller);
		await tx((t) =>
			t.query(
				`insert into storage.buckets (id, name, owner, owner_id, public, file_size_limit, allowed_mime_types)
				values ($1, $2, $3::uuid, $4, $5, $6, case when $7::jsonb is null then null else array(select jsonb_array_elements_text($7::jsonb)) end)`,
				[
					id,
					name,
					owner && /^[0-9a-f-]{36}$/i.test(owner) ? owner : null,
					owner,
					body.public === true,
					parseFileSize(body.file_size_limit),
					(() => {
						const types = parseMimeTypes(body.allowed_mime_types);
						return types ? JSON.stringify(types) : null;
					})()
				]
			)
		);
		return json({ name: id });
	}

	if (parts.length !== 1 && !(parts.length === 2 && parts[1] === 'empty')) {
		throw storageErrors.notFound();
	}
	const id = mustBeValidBucketName(parts[0]);

	if (parts.length === 2) {
		if (method !== 'POST') throw storageErrors.notFound();
		const versions = await tx(async (t) => {
			await mustExist(t, id);
			const { rows } = await t.query<{ version: string | null }>(
				'delete from storage.objects where bucket_id = $1 returning version',
				[id]
			);
			return rows.map((r) => r.version);
		});
		await ctx.blobs.remove(versions).catch(() => {});
		return json({ message: 'Successfully emptied' });
	}
	if (method === 'GET') {
		const found = await tx(async (t) => {
			const { rows } = await t.query<{ j: string }>(
				`select ${bucketJson}::text as j from storage.buckets b where b.id = $1`,
				[id]
			);
			return rows[0]?.j;
		});
		if (!found) throw storageErrors.noSuchBucket();
		return new Response(found, { headers: { 'content-type': 'application/json' } });
	}
	if (method === 'PUT') {
		const body = await readJson(ctx);
		const sets: string[] = ['updated_at = now()'];
		const values: unknown[] = [id];
		if (body.public !== undefined) {
			values.push(body.public === true);
			sets.push(`public = $${values.length}`);
		}
		if (body.file_size_limit !== undefined) {
			values.push(parseFileSize(body.file_size_limit));
			sets.push(`file_size_limit = $${values.length}`);
		}
		if (body.allowed_mime_types !== undefined) {
			const types = parseMimeTypes(body.allowed_mime_types);
			values.push(types ? JSON.stringify(types) : null);
			const at = `$${values.length}::jsonb`;
			sets.push(
				`allowed_mime_types = case when ${at} is null then null else array(select jsonb_array_elements_text(${at})) end`
			);
		}
		const { rowCount } = await tx((t) =>
			t.query(`update storage.buckets set ${sets.join(', ')} where id = $1`, values)
		);
		if (rowCount === 0) throw storageErrors.noSuchBucket();
		return json({ message: 'Successfully updated' });
	}
	if (method === 'DELETE') {
		await tx(async (t) => {
			await mustExist(t, id);
			const { rows } = await t.query('select 1 from storage.objects where bucket_id = $1 limit 1', [
				id
			]);
			if (rows.length) throw storageErrors.bucketNotEmpty();
			const { rowCount } = await t.query('delete from storage.buckets where id = $1', [id]);
			if (rowCount === 0) throw storageErrors.noSuchBucket();
		});
		return json({ message: 'Successfully deleted' });
	}
	throw storageErrors.notFound();
}

async function mustExist(
	t: Parameters<Parameters<Ctx['access']['asCaller']>[1]>[0],
	id: string
): Promise<void> {
	const { rows } = await t.query('select 1 from storage.buckets where id = $1', [id]);
	if (!rows.length) throw storageErrors.noSuchBucket();
}
