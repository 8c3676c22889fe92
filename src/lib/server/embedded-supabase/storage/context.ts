/** What every storage route is handed, and the JSON in and out of them. */
import { BodyLimitError, readLimitedBody } from '../body';
import type { Caller } from '../caller';
import type { EmbeddedEnv } from '../env';
import type { BlobStore } from './blobs';
import { storageErrors } from './errors';
import type { Access } from './objects';

/** A request as the handlers see it. */
export interface Ctx {
	request: Request;
	url: URL;
	caller: Caller | null;
	access: Access;
	env: EmbeddedEnv;
	blobs: BlobStore;
	fileSizeLimit: number;
	/** Adds work done outside the database (rendering) to what the request is charged. */
	spend(ms: number): void;
}

export async function readJson(ctx: Ctx): Promise<Record<string, unknown>> {
	let text: string | undefined;
	try {
		text = await readLimitedBody(ctx.request, ctx.env.limits);
	} catch (error) {
		if (error instanceof BodyLimitError) {
			throw error.kind === 'too_large'
				? storageErrors.entityTooLarge()
				: storageErrors.invalidRequest(error.message);
		}
		throw error;
	}
	if (!text || !text.trim()) return {};
	try {
		const value = JSON.parse(text);
		if (value && typeof value === 'object' && !Array.isArray(value)) return value;
	} catch {
		// refused below
	}
	throw storageErrors.invalidRequest('The body must be a JSON object');
}

export const json = (body: unknown, status = 200) => Response.json(body, { status });
