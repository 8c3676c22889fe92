/**
 * The OAuth 2.1 server's client administration, as GoTrue answers `/admin/oauth/clients`
 * (supabase-js's `auth.admin.oauth`): register, list, read, update, delete (softly) and give a
 * confidential client a new secret. Secret key only; off unless `[auth.oauth_server] enabled`.
 * A secret is shown once, when made; only its SHA-256 is kept.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from '../database';
import { pagination, paginationHeaders } from './admin';
import { inTx, type Ctx } from './context';
import { badRequest, notFound } from './errors';
import { json, noContent, readJsonBody, type Json } from './http';
import { isUuid } from './users';

const AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post'];
const GRANT_TYPES = ['authorization_code', 'refresh_token'];

const invalid = (message: string) => badRequest('validation_failed', message);

export function requireOAuthServer(ctx: Ctx): void {
	if (!ctx.settings.oauthServer) throw notFound('feature_disabled', 'OAuth server is disabled');
}

/** GoTrue's `validateRedirectURI` (RFC 6749 3.1.2, RFC 6819 5.1.1). */
function redirectUriProblem(uri: unknown): string | null {
	if (typeof uri !== 'string' || uri === '') return 'redirect URI cannot be empty';
	let url: URL;
	try {
		url = new URL(uri);
	} catch {
		return 'invalid URL format';
	}
	const scheme = url.protocol.slice(0, -1).toLowerCase();
	if (!url.host) return 'must have scheme and host';
	if (['javascript', 'data', 'file', 'vbscript', 'about', 'blob'].includes(scheme)) {
		return `scheme '${scheme}' is not allowed for security reasons`;
	}
	if (scheme === 'http' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
		return 'HTTP scheme only allowed for localhost';
	}
	if (url.hash) return 'fragment not allowed in redirect URI';
	return null;
}

function checkRedirectUris(value: unknown, required: boolean): string[] {
	if (value !== undefined && value !== null && !Array.isArray(value)) {
		throw badRequest('bad_json', 'Invalid JSON body');
	}
	const uris = (value ?? []) as unknown[];
	if (required && uris.length === 0) throw invalid('redirect_uris is required');
	if (uris.length === 0) throw invalid('redirect_uris cannot be empty');
	if (uris.length > 10) throw invalid('redirect_uris cannot exceed 10 items');
	for (const uri of uris) {
		const problem = redirectUriProblem(uri);
		if (problem) throw invalid(`invalid redirect_uri '${String(uri)}': ${problem}`);
	}
	return uris as string[];
}

function checkGrantTypes(value: unknown): string[] {
	if (!Array.isArray(value) || value.length === 0) throw invalid('grant_types cannot be empty');
	if (value.some((g) => !GRANT_TYPES.includes(g))) {
		throw invalid("grant_types must only contain 'authorization_code' and/or 'refresh_token'");
	}
	return value as string[];
}

/** An optional string field; `undefined` when absent. */
function text(body: Json, key: string): string | undefined {
	const value = body[key];
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'string') throw badRequest('bad_json', 'Invalid JSON body');
	return value;
}

function checkUri(value: string | undefined, key: string): void {
	if (!value) return;
	if (value.length > 2048) throw invalid(`${key} cannot exceed 2048 characters`);
	try {
		new URL(value);
	} catch {
		throw invalid(`${key} must be a valid URL`);
	}
}

/** The fields that describe a client to the user (each optional), checked as GoTrue does. */
function describing(body: Json) {
	const name = text(body, 'client_name');
	const clientUri = text(body, 'client_uri');
	const logoUri = text(body, 'logo_uri');
	if (name && name.length > 1024) throw invalid('client_name cannot exceed 1024 characters');
	checkUri(clientUri, 'client_uri');
	checkUri(logoUri, 'logo_uri');
	return { name, clientUri, logoUri };
}

const typeOfMethod = (method: string) => (method === 'none' ? 'public' : 'confidential');

function newSecret(): { secret: string; hash: string } {
	const secret = randomBytes(32).toString('base64url');
	return { secret, hash: createHash('sha256').update(secret).digest('base64url') };
}

interface ClientRow {
	id: string;
	client_type: string;
	token_endpoint_auth_method: string;
	redirect_uris: string;
	grant_types: string;
	client_name: string | null;
	client_uri: string | null;
	logo_uri: string | null;
	registration_type: string;
	created_at: string;
	updated_at: string;
}

const clientColumns = `id::text, client_type::text, token_endpoint_auth_method, redirect_uris,
	grant_types, client_name, client_uri, logo_uri, registration_type::text,
	to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_at,
	to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as updated_at`;

const list = (joined: string) => joined.split(',').filter(Boolean);

/** GoTrue's `OAuthServerClientResponse` (empty fields left out; `response_types` always code). */
function clientJson(row: ClientRow, secret?: string): Json {
	const optional = (key: string, value: string | null) => (value ? { [key]: value } : {});
	return {
		client_id: row.id,
		...(secret ? { client_secret: secret } : {}),
		client_type: row.client_type,
		redirect_uris: list(row.redirect_uris),
		token_endpoint_auth_method: row.token_endpoint_auth_method,
		grant_types: list(row.grant_types),
		response_types: ['code'],
		...optional('client_name', row.client_name),
		...optional('client_uri', row.client_uri),
		...optional('logo_uri', row.logo_uri),
		registration_type: row.registration_type,
		created_at: row.created_at,
		updated_at: row.updated_at
	};
}

async function findClient(tx: Queryable, id: string, lock = false): Promise<ClientRow> {
	if (!isUuid(id)) throw invalid('invalid client_id format');
	const { rows } = await tx.query<ClientRow>(
		`select ${clientColumns} from auth.oauth_clients where id = $1::uuid and deleted_at is null
		${lock ? 'for update' : ''}`,
		[id]
	);
	if (!rows[0]) throw notFound('oauth_client_not_found', 'OAuth client not found');
	return rows[0];
}

/** `POST /admin/oauth/clients`: a client registered by the project (201, with its secret). */
export async function createClient(ctx: Ctx): Promise<Response> {
	requireOAuthServer(ctx);
	const body = await readJsonBody(ctx.request, ctx.env);
	const redirectUris = checkRedirectUris(body.redirect_uris, true);
	const grantTypes =
		body.grant_types === undefined || (Array.isArray(body.grant_types) && !body.grant_types.length)
			? GRANT_TYPES
			: checkGrantTypes(body.grant_types);
	const { name, clientUri, logoUri } = describing(body);
	const explicitType = text(body, 'client_type');
	const explicitMethod = text(body, 'token_endpoint_auth_method');
	if (explicitType && explicitType !== 'public' && explicitType !== 'confidential') {
		throw invalid("client_type must be 'public' or 'confidential'");
	}
	if (explicitMethod && !AUTH_METHODS.includes(explicitMethod)) {
		throw invalid(`token_endpoint_auth_method must be one of: [${AUTH_METHODS.join(' ')}]`);
	}
	if (explicitType && explicitMethod && typeOfMethod(explicitMethod) !== explicitType) {
		throw invalid(
			`client_type '${explicitType}' is inconsistent with token_endpoint_auth_method '${explicitMethod}' (expected client_type '${typeOfMethod(explicitMethod)}')`
		);
	}
	const clientType =
		explicitType || (explicitMethod ? typeOfMethod(explicitMethod) : 'confidential');
	const method = explicitMethod || (clientType === 'public' ? 'none' : 'client_secret_basic');
	const secret = clientType === 'confidential' ? newSecret() : null;
	const row = await inTx(ctx, async (tx) => {
		const { rows } = await tx.query<ClientRow>(
			`insert into auth.oauth_clients (id, client_secret_hash, registration_type, redirect_uris,
				grant_types, client_name, client_uri, logo_uri, client_type, token_endpoint_auth_method)
			values ($1::uuid, $2, 'manual', $3, $4, $5, $6, $7, $8::auth.oauth_client_type, $9)
			returning ${clientColumns}`,
			[
				randomUUID(),
				secret?.hash ?? null,
				redirectUris.join(','),
				grantTypes.join(','),
				name || null,
				clientUri || null,
				logoUri || null,
				clientType,
				method
			]
		);
		return rows[0];
	});
	return json(clientJson(row, secret?.secret), 201);
}

/** `GET /admin/oauth/clients`: newest first, `page`/`per_page` as `/admin/users`. */
export async function listClients(ctx: Ctx): Promise<Response> {
	requireOAuthServer(ctx);
	const { page, perPage } = pagination(ctx);
	const { rows, total } = await inTx(ctx, async (tx) => {
		const { rows: count } = await tx.query<{ n: string }>(
			'select count(*)::text as n from auth.oauth_clients where deleted_at is null'
		);
		const { rows } = await tx.query<ClientRow>(
			`select ${clientColumns} from auth.oauth_clients where deleted_at is null
			order by created_at desc, id limit $1 offset $2`,
			[perPage, (page - 1) * perPage]
		);
		return { rows, total: Number(count[0].n) };
	});
	return json(
		{ clients: rows.map((r) => clientJson(r)) },
		200,
		paginationHeaders('/auth/v1/admin/oauth/clients', page, perPage, total)
	);
}

export async function getClient(ctx: Ctx, id: string): Promise<Response> {
	requireOAuthServer(ctx);
	return json(clientJson(await inTx(ctx, (tx) => findClient(tx, id))));
}

/** `PUT /admin/oauth/clients/<id>`: only the fields given change. */
export async function updateClient(ctx: Ctx, id: string): Promise<Response> {
	requireOAuthServer(ctx);
	const body = await readJsonBody(ctx.request, ctx.env);
	const fields = [
		'redirect_uris',
		'grant_types',
		'client_name',
		'client_uri',
		'logo_uri',
		'token_endpoint_auth_method'
	];
	if (!fields.some((f) => body[f] !== undefined && body[f] !== null)) {
		throw invalid('No fields provided for update');
	}
	const redirectUris =
		body.redirect_uris == null ? undefined : checkRedirectUris(body.redirect_uris, false);
	const grantTypes = body.grant_types == null ? undefined : checkGrantTypes(body.grant_types);
	const { name, clientUri, logoUri } = describing(body);
	const method = text(body, 'token_endpoint_auth_method');
	if (method !== undefined && !AUTH_METHODS.includes(method)) {
		throw invalid(`invalid token_endpoint_auth_method: must be one of [${AUTH_METHODS.join(' ')}]`);
	}
	const row = await inTx(ctx, async (tx) => {
		const client = await findClient(tx, id, true);
		if (method !== undefined && typeOfMethod(method) !== client.client_type) {
			const valid = AUTH_METHODS.filter((m) => typeOfMethod(m) === client.client_type);
			throw invalid(
				`token_endpoint_auth_method '${method}' is not valid for client_type '${client.client_type}'; valid methods: [${valid.join(' ')}]`
			);
		}
		const { rows } = await tx.query<ClientRow>(
			`update auth.oauth_clients set
				redirect_uris = coalesce($2, redirect_uris), grant_types = coalesce($3, grant_types),
				client_name = case when $4::boolean then nullif($5, '') else client_name end,
				client_uri = case when $6::boolean then nullif($7, '') else client_uri end,
				logo_uri = case when $8::boolean then nullif($9, '') else logo_uri end,
				token_endpoint_auth_method = coalesce($10, token_endpoint_auth_method),
				updated_at = now()
			where id = $1::uuid returning ${clientColumns}`,
			[
				client.id,
				redirectUris?.join(',') ?? null,
				grantTypes?.join(',') ?? null,
				name !== undefined,
				name ?? null,
				clientUri !== undefined,
				clientUri ?? null,
				logoUri !== undefined,
				logoUri ?? null,
				method ?? null
			]
		);
		return rows[0];
	});
	return json(clientJson(row));
}

/** `DELETE /admin/oauth/clients/<id>`: soft, as GoTrue (the row stays, `deleted_at` set). */
export async function deleteClient(ctx: Ctx, id: string): Promise<Response> {
	requireOAuthServer(ctx);
	await inTx(ctx, async (tx) => {
		const client = await findClient(tx, id, true);
		await tx.query(
			'update auth.oauth_clients set deleted_at = now(), updated_at = now() where id = $1::uuid',
			[client.id]
		);
	});
	return noContent();
}

/** `POST /admin/oauth/clients/<id>/regenerate_secret`: a new secret; the old one stops working. */
export async function regenerateSecret(ctx: Ctx, id: string): Promise<Response> {
	requireOAuthServer(ctx);
	const secret = newSecret();
	const row = await inTx(ctx, async (tx) => {
		const client = await findClient(tx, id, true);
		if (client.client_type !== 'confidential') {
			throw invalid('Cannot regenerate secret for public client');
		}
		const { rows } = await tx.query<ClientRow>(
			`update auth.oauth_clients set client_secret_hash = $2, updated_at = now()
			where id = $1::uuid returning ${clientColumns}`,
			[client.id, secret.hash]
		);
		return rows[0];
	});
	return json(clientJson(row, secret.secret));
}
