/**
 * Request bodies for `/rest/v1` and `/auth/v1`, read under the same guard: a body over the size
 * limit is refused without being read whole (a chunked body is counted as it streams), and JSON
 * nested deeper than the limit is refused before `JSON.parse` or anything after it walks it.
 */

export class BodyLimitError extends Error {
	constructor(
		readonly kind: 'too_large' | 'too_deep',
		readonly limit: number
	) {
		super(
			kind === 'too_large'
				? `The request body is larger than ${limit} bytes`
				: `The JSON body is nested deeper than ${limit} levels`
		);
		this.name = 'BodyLimitError';
	}
}

export interface BodyLimits {
	maxBodyBytes: number;
	maxJsonDepth: number;
}

/**
 * How much of a refused body whose length was declared is read and dropped so that its refusal
 * reaches the client: a client still sending when the connection closes gets a reset, not the 413
 * (nginx's lingering close does the same). A longer one, or a chunked body past the limit, has its
 * connection closed at once.
 */
const DISCARD_BYTES = 8 * 1024 * 1024;

/** The body as text (undefined when there is none); throws `BodyLimitError`. */
export async function readLimitedBody(
	request: Request,
	limits: BodyLimits
): Promise<string | undefined> {
	const limit = limits.maxBodyBytes;
	const declared = Number(request.headers.get('content-length') ?? NaN);
	const reader = request.body?.getReader();
	if (Number.isFinite(declared) && declared > limit) {
		if (reader) await discardRest(reader, declared > DISCARD_BYTES ? DISCARD_BYTES + 1 : 0);
		throw new BodyLimitError('too_large', limit);
	}
	if (!reader) return undefined;
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > limit) {
			// A chunked body has no end it announced: stop reading at once.
			await reader.cancel().catch(() => {});
			throw new BodyLimitError('too_large', limit);
		}
		chunks.push(value);
	}
	const text = new TextDecoder().decode(Buffer.concat(chunks));
	if (jsonDeeperThan(text, limits.maxJsonDepth)) {
		throw new BodyLimitError('too_deep', limits.maxJsonDepth);
	}
	return text;
}

/** Reads the rest of a refused body without keeping it, up to `DISCARD_BYTES` in all. */
async function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>, seen: number) {
	try {
		while (seen <= DISCARD_BYTES) {
			const { done, value } = await reader.read();
			if (done) return;
			seen += value.byteLength;
		}
		await reader.cancel();
	} catch {
		// The client went away, or the stream was cut at the server's own body limit.
	}
}

/** Whether brackets outside strings nest deeper than `max`: one pass, no parsing. */
export function jsonDeeperThan(text: string, max: number): boolean {
	let depth = 0;
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const ch = text.charCodeAt(i);
		if (inString) {
			if (ch === 0x5c) i++;
			else if (ch === 0x22) inString = false;
		} else if (ch === 0x22) inString = true;
		else if (ch === 0x5b || ch === 0x7b) {
			if (++depth > max) return true;
		} else if (ch === 0x5d || ch === 0x7d) depth--;
	}
	return false;
}
