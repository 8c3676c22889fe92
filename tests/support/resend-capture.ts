/**
 * A local stand-in for the Resend API, for tests and benchmarks: `POST /emails` and
 * `POST /emails/batch` with Resend's request and response shapes, driven by the official SDK through
 * `new Resend(key, { baseUrl })`. It records every request (with its Idempotency-Key), delivers each
 * accepted email once, and — like Resend — answers a repeated Idempotency-Key with the first
 * answer instead of sending again (a different body under the same key is a 409).
 *
 * Faults can be queued: a 429 with `retry-after`, a 500, a 422, a request that hangs, or an
 * "accepted but the answer is lost" (the provider sends, the client sees a dropped connection).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface CapturedAttachment {
	filename?: string;
	content?: string;
	content_type?: string;
	content_id?: string;
}

/** One email as the API received it (snake_case, as the SDK sends it). */
export interface CapturedEmail {
	id: string;
	from: string;
	to: string[];
	subject: string;
	html?: string;
	text?: string;
	headers?: Record<string, string>;
	attachments?: CapturedAttachment[];
	tags?: { name: string; value: string }[];
	reply_to?: string | string[];
	/** The Idempotency-Key of the request that delivered it. */
	idempotencyKey: string | null;
	endpoint: '/emails' | '/emails/batch';
	at: number;
}

export interface CapturedRequest {
	method: string;
	path: string;
	idempotencyKey: string | null;
	authorization: string | null;
	batchValidation: string | null;
	body: unknown;
	/** When the request arrived (ms since epoch). */
	at: number;
	status: number;
	/** Why it got that answer: 'delivered', 'replayed', 'fault:429', 'invalid', … */
	outcome: string;
}

export type Fault =
	| { status: 429; retryAfter: number }
	| { status: 500 | 502 | 503 }
	| { status: 422; message?: string }
	| { hang: true }
	| { acceptThenDrop: true };

export interface CaptureOptions {
	/** Answer 429 when more than this many requests arrive within one second (off by default). */
	rateLimitPerSecond?: number;
	/** Emails to these recipients are refused as invalid (422 in strict mode, `errors` in permissive). */
	rejectRecipient?: (address: string) => string | null;
	/** Added to every answer (ms), like network and API latency. */
	latencyMs?: number;
	apiKey?: string;
}

export interface ResendCapture {
	url: string;
	requests: CapturedRequest[];
	/** Every email delivered, once each, in order. */
	emails: CapturedEmail[];
	/** Queue faults for the next matching requests, in order. */
	inject(...faults: Fault[]): void;
	pendingFaults(): number;
	reset(): void;
	close(): Promise<void>;
}

interface StoredAnswer {
	bodyHash: string;
	status: number;
	body: unknown;
}

const emailPattern = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

function addressOf(value: string): string {
	const match = /<([^>]+)>\s*$/.exec(value);
	return (match ? match[1] : value).trim();
}

function validate(
	email: Record<string, unknown>,
	endpoint: string,
	options: CaptureOptions
): string | null {
	if (typeof email !== 'object' || email === null) return 'Invalid email object.';
	if (typeof email.from !== 'string' || !emailPattern.test(addressOf(email.from)))
		return 'Invalid `from` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.';
	const to = typeof email.to === 'string' ? [email.to] : email.to;
	if (!Array.isArray(to) || to.length === 0) return 'Missing `to` field.';
	if (to.length > 50) return 'Too many recipients in `to` (maximum 50).';
	for (const address of to) {
		if (typeof address !== 'string' || !emailPattern.test(addressOf(address)))
			return `Invalid \`to\` field. The email address needs to follow the \`email@example.com\` or \`Name <email@example.com>\` format.`;
		const refused = options.rejectRecipient?.(addressOf(address));
		if (refused) return refused;
	}
	if (typeof email.subject !== 'string' || email.subject.length === 0)
		return 'Missing `subject` field.';
	if (typeof email.html !== 'string' && typeof email.text !== 'string')
		return 'Missing `html` or `text` field.';
	if (endpoint === '/emails/batch' && Array.isArray(email.attachments) && email.attachments.length)
		return 'Attachments are not supported in batch emails.';
	if (email.headers !== undefined) {
		if (typeof email.headers !== 'object' || email.headers === null)
			return 'Invalid `headers` field.';
		for (const value of Object.values(email.headers)) {
			if (typeof value !== 'string') return 'Invalid `headers` field: values must be strings.';
		}
	}
	return null;
}

function readBody(request: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		request.on('error', reject);
	});
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startResendCapture(options: CaptureOptions = {}): Promise<ResendCapture> {
	const requests: CapturedRequest[] = [];
	const emails: CapturedEmail[] = [];
	const faults: Fault[] = [];
	const answers = new Map<string, StoredAnswer>();
	const inFlight = new Set<string>();
	const recent: number[] = [];
	const sockets = new Set<Socket>();
	const hung: ServerResponse[] = [];

	function send(
		response: ServerResponse,
		status: number,
		body: unknown,
		headers: Record<string, string> = {}
	) {
		response.writeHead(status, { 'content-type': 'application/json', ...headers });
		response.end(JSON.stringify(body));
	}

	async function handle(request: IncomingMessage, response: ServerResponse) {
		const at = Date.now();
		const path = (request.url ?? '/').split('?')[0];
		const raw = await readBody(request);
		const header = (name: string) => {
			const value = request.headers[name];
			return Array.isArray(value) ? value[0] : (value ?? null);
		};
		const idempotencyKey = header('idempotency-key');
		let body: unknown = null;
		const record = (status: number, outcome: string): CapturedRequest => {
			const entry: CapturedRequest = {
				method: request.method ?? 'GET',
				path,
				idempotencyKey,
				authorization: header('authorization'),
				batchValidation: header('x-batch-validation'),
				body,
				at,
				status,
				outcome
			};
			requests.push(entry);
			return entry;
		};
		if (options.latencyMs) await sleep(options.latencyMs);

		if (request.method !== 'POST' || (path !== '/emails' && path !== '/emails/batch')) {
			record(404, 'not_found');
			return send(response, 404, {
				statusCode: 404,
				message: 'The requested endpoint does not exist.',
				name: 'not_found'
			});
		}
		const expectedKey = options.apiKey ?? null;
		const auth = header('authorization');
		if (!auth || !auth.startsWith('Bearer ') || (expectedKey && auth !== `Bearer ${expectedKey}`)) {
			record(401, 'unauthorised');
			return send(response, 401, {
				statusCode: 401,
				message: 'Missing API key in the authorization header.',
				name: 'missing_api_key'
			});
		}
		try {
			body = JSON.parse(raw);
		} catch {
			record(422, 'invalid_json');
			return send(response, 422, {
				statusCode: 422,
				message: 'Invalid JSON body.',
				name: 'validation_error'
			});
		}

		if (options.rateLimitPerSecond) {
			while (recent.length && recent[0] <= at - 1000) recent.shift();
			if (recent.length >= options.rateLimitPerSecond) {
				const retryAfter = Math.max(1, Math.ceil((recent[0] + 1000 - at) / 1000));
				record(429, 'rate_limited');
				return send(
					response,
					429,
					{
						statusCode: 429,
						message: 'Too many requests. You can only make 2 requests per second.',
						name: 'rate_limit_exceeded'
					},
					{
						'retry-after': String(retryAfter),
						'ratelimit-limit': String(options.rateLimitPerSecond),
						'ratelimit-remaining': '0',
						'ratelimit-reset': String(retryAfter)
					}
				);
			}
			recent.push(at);
		}

		const fault = faults.shift();
		if (fault && 'hang' in fault) {
			record(0, 'fault:hang');
			hung.push(response);
			return;
		}
		if (fault && 'status' in fault) {
			record(fault.status, `fault:${fault.status}`);
			if (fault.status === 429)
				return send(
					response,
					429,
					{
						statusCode: 429,
						message: 'Too many requests. Please limit the number of requests per second.',
						name: 'rate_limit_exceeded'
					},
					{
						'retry-after': String(fault.retryAfter),
						'ratelimit-remaining': '0',
						'ratelimit-reset': String(fault.retryAfter)
					}
				);
			if (fault.status === 422)
				return send(response, 422, {
					statusCode: 422,
					message: fault.message ?? 'Invalid `to` field.',
					name: 'validation_error'
				});
			return send(response, fault.status, {
				statusCode: fault.status,
				message: 'Internal server error.',
				name: 'internal_server_error'
			});
		}

		const bodyHash = JSON.stringify(body);
		if (idempotencyKey) {
			if (idempotencyKey.length > 256) {
				record(400, 'invalid_idempotency_key');
				return send(response, 400, {
					statusCode: 400,
					message: 'Idempotency key must be between 1-256 characters.',
					name: 'invalid_idempotency_key'
				});
			}
			const stored = answers.get(idempotencyKey);
			if (stored) {
				if (stored.bodyHash !== bodyHash) {
					record(409, 'idempotency_mismatch');
					return send(response, 409, {
						statusCode: 409,
						message: 'Same idempotency key used with a different request payload.',
						name: 'invalid_idempotent_request'
					});
				}
				record(stored.status, 'replayed');
				return send(response, stored.status, stored.body);
			}
			if (inFlight.has(idempotencyKey)) {
				record(409, 'concurrent');
				return send(response, 409, {
					statusCode: 409,
					message: 'Same idempotency key used while original request is still in progress.',
					name: 'concurrent_idempotent_requests'
				});
			}
		}

		const batch = path === '/emails/batch';
		const list = batch ? body : [body];
		if (!Array.isArray(list) || (batch && (list.length === 0 || list.length > 100))) {
			record(422, 'invalid');
			return send(response, 422, {
				statusCode: 422,
				message: 'The batch must contain between 1 and 100 emails.',
				name: 'validation_error'
			});
		}
		const permissive = batch && header('x-batch-validation') === 'permissive';
		const problems = list.map((email) => validate(email as Record<string, unknown>, path, options));
		const firstProblem = problems.findIndex((p) => p !== null);
		if (firstProblem >= 0 && !permissive) {
			record(422, 'invalid');
			return send(response, 422, {
				statusCode: 422,
				message: problems[firstProblem],
				name: 'validation_error'
			});
		}

		if (idempotencyKey) inFlight.add(idempotencyKey);
		const ids: { id: string }[] = [];
		const errors: { index: number; message: string }[] = [];
		list.forEach((email, index) => {
			if (problems[index]) {
				errors.push({ index, message: problems[index]! });
				return;
			}
			const e = email as Record<string, unknown>;
			const id = randomUUID();
			ids.push({ id });
			emails.push({
				id,
				from: e.from as string,
				to: typeof e.to === 'string' ? [e.to] : (e.to as string[]),
				subject: e.subject as string,
				html: e.html as string | undefined,
				text: e.text as string | undefined,
				headers: e.headers as Record<string, string> | undefined,
				attachments: e.attachments as CapturedAttachment[] | undefined,
				tags: e.tags as { name: string; value: string }[] | undefined,
				reply_to: e.reply_to as string | string[] | undefined,
				idempotencyKey,
				endpoint: path as CapturedEmail['endpoint'],
				at
			});
		});
		const answer = batch ? (permissive ? { data: ids, errors } : { data: ids }) : ids[0];
		if (idempotencyKey) {
			answers.set(idempotencyKey, { bodyHash, status: 200, body: answer });
			inFlight.delete(idempotencyKey);
		}
		if (fault && 'acceptThenDrop' in fault) {
			record(0, 'fault:accepted_then_dropped');
			request.socket.destroy();
			return;
		}
		record(200, 'delivered');
		send(response, 200, answer);
	}

	const server = createServer((request, response) => {
		handle(request, response).catch((error) => {
			if (!response.headersSent)
				send(response, 500, {
					statusCode: 500,
					message: String(error),
					name: 'internal_server_error'
				});
		});
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;

	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		emails,
		inject: (...more) => void faults.push(...more),
		pendingFaults: () => faults.length,
		reset() {
			requests.length = 0;
			emails.length = 0;
			faults.length = 0;
			answers.clear();
			recent.length = 0;
		},
		async close() {
			for (const response of hung) response.destroy();
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	};
}

/**
 * `npx tsx tests/support/resend-capture.ts` serves a capture server in a process of its own (the
 * benchmark uses it so that the provider's clock is not the dispatcher's event loop). Options from
 * the environment: CAPTURE_RATE_LIMIT, CAPTURE_LATENCY_MS. Prints `listening <url>`; `GET
 * /__capture` answers what it has seen: requests (without bodies) and emails (id, to, subject).
 */
async function serveStandalone() {
	const capture = await startResendCapture({
		rateLimitPerSecond: Number(process.env.CAPTURE_RATE_LIMIT) || undefined,
		latencyMs: Number(process.env.CAPTURE_LATENCY_MS) || undefined
	});
	const summary = createServer((_request, response) => {
		response.writeHead(200, { 'content-type': 'application/json' });
		response.end(
			JSON.stringify({
				requests: capture.requests.map(({ body, ...rest }) => ({
					...rest,
					size: Array.isArray(body) ? body.length : 1
				})),
				emails: capture.emails.map(({ id, to, subject, idempotencyKey }) => ({
					id,
					to,
					subject,
					idempotencyKey
				}))
			})
		);
	});
	await new Promise<void>((resolve) => summary.listen(0, '127.0.0.1', resolve));
	const { port } = summary.address() as AddressInfo;
	console.log(`listening ${capture.url} summary http://127.0.0.1:${port}/__capture`);
	process.on('SIGTERM', () => void capture.close().then(() => process.exit(0)));
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
	void serveStandalone();
}
