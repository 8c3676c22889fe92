/**
 * The embedded Supabase alone, over HTTP, for any `supabase/` folder — a `supabase start` without
 * Docker. Usage: npm run supabase:local -- [--dir supabase] [--port 54321] [--host 127.0.0.1]
 *   [--memory | --data-dir DIR | --db-url URL] [--no-seed] [--init-only] [--json] [--schemas public,other]
 *   [--max-rows N] [--signup on|off] [--auto-confirm on|off] [--anonymous on|off]
 *   [--jwt-alg HS256|ES256|RS256] [--signing-keys FILE]
 *   [--send-email-hook URI] [--trusted-proxy ADDRESS[,ADDRESS]]
 * `--trusted-proxy` names the app servers that call it on their visitors' behalf (Supabase mode):
 * their requests count as the app's own do in embedded mode, Auth's limits by the visitor's address
 * (the last of X-Forwarded-For) and no /rest/v1 database-time budget, instead of the whole app
 * being one client over its budget. X-Forwarded-For from anyone else is ignored.
 * `[api] schemas` and `max_rows` and the `[auth]` settings of the folder's config.toml apply;
 * the flags override them. `--jwt-alg ES256` signs access tokens with the key of `[auth]
 * signing_keys_path` (or `--signing-keys`), or a new key pair for this run when none is named.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { resolve, join } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebStream } from 'node:stream/web';
import { parseArgs } from 'node:util';
import { createEmbeddedSupabase, type AuthEmail } from '../src/lib/server/embedded-supabase';
import { openPglite, openPostgres } from '../src/lib/server/embedded-supabase/database';
import { authOptionsFromConfig } from '../src/lib/server/embedded-supabase/auth/settings';
import {
	readSupabaseConfig,
	schemasFromConfig,
	signingKeyFromConfig
} from '../src/lib/server/embedded-supabase/config';
import {
	hookMailer,
	sendEmailHookFromConfig
} from '../src/lib/server/embedded-supabase/auth/send-email-hook';
import { newSigningKey } from '../src/lib/server/embedded-supabase/jwt';
import { configuredLimits } from '../src/lib/server/embedded-supabase/limits';
import { applyBootstrap, migrate } from '../src/lib/server/embedded-supabase/migrate';
import { callerOf, trustedProxies } from '../src/lib/server/embedded-supabase/trusted-proxy';
import {
	fileSizeLimitFromConfig,
	storageDirName
} from '../src/lib/server/embedded-supabase/storage';

const { values: args } = parseArgs({
	options: {
		dir: { type: 'string', default: 'supabase' },
		port: { type: 'string', default: '54321' },
		host: { type: 'string', default: '127.0.0.1' },
		memory: { type: 'boolean', default: false },
		'data-dir': { type: 'string' },
		'db-url': { type: 'string' },
		'no-seed': { type: 'boolean', default: false },
		'init-only': { type: 'boolean', default: false },
		json: { type: 'boolean', default: false },
		schemas: { type: 'string' },
		'max-rows': { type: 'string' },
		signup: { type: 'string' },
		'auto-confirm': { type: 'string' },
		anonymous: { type: 'string' },
		'jwt-alg': { type: 'string' },
		'signing-keys': { type: 'string' },
		'send-email-hook': { type: 'string' },
		'trusted-proxy': { type: 'string' },
		help: { type: 'boolean', default: false }
	}
});

if (args.help) {
	console.log(
		'npm run supabase:local -- [--dir supabase] [--port 54321] [--host 127.0.0.1] [--memory | --data-dir DIR | --db-url URL] [--no-seed] [--init-only] [--json] [--schemas public,other] [--max-rows N] [--signup on|off] [--auto-confirm on|off] [--anonymous on|off] [--jwt-alg HS256|ES256|RS256] [--signing-keys FILE] [--send-email-hook URI] [--trusted-proxy ADDRESS[,ADDRESS]]'
	);
	process.exit(0);
}

const dir = resolve(args.dir!);
const config = await readSupabaseConfig(dir);

/** `on`/`off` of a flag, or undefined when not given. */
function onOff(name: string, value: string | undefined): boolean | undefined {
	if (value === undefined) return undefined;
	if (/^(on|true|yes|1)$/i.test(value)) return true;
	if (/^(off|false|no|0)$/i.test(value)) return false;
	console.error(`--${name} takes on or off, not "${value}"`);
	process.exit(2);
}
const schemas = args.schemas
	? args.schemas
			.split(',')
			.map((s) => s.trim())
			.filter(Boolean)
	: schemasFromConfig(config);
const limits = configuredLimits(process.env, config);
if (args['max-rows'] !== undefined) {
	const maxRows = Number(args['max-rows']);
	if (!Number.isInteger(maxRows) || maxRows < 1) {
		console.error(`--max-rows takes a whole number, not "${args['max-rows']}"`);
		process.exit(2);
	}
	limits.maxRows = maxRows;
}
const signup = onOff('signup', args.signup);
const autoConfirm = onOff('auto-confirm', args['auto-confirm']);
const anonymous = onOff('anonymous', args.anonymous);
const jwtAlg = (args['jwt-alg'] ?? '').toUpperCase();
if (jwtAlg && jwtAlg !== 'HS256' && jwtAlg !== 'ES256' && jwtAlg !== 'RS256') {
	console.error(`--jwt-alg takes HS256, ES256 or RS256, not "${args['jwt-alg']}"`);
	process.exit(2);
}
// The configured key (or --signing-keys) as config.toml names it; with --jwt-alg ES256 and no
// key, a key pair of this run; --jwt-alg HS256: the secret alone, whatever the config names.
let signingKey =
	jwtAlg === 'HS256'
		? null
		: await signingKeyFromConfig(
				dir,
				config,
				args['signing-keys'] ?? process.env.GONGYU_JWT_SIGNING_KEYS
			);
if ((jwtAlg === 'ES256' || jwtAlg === 'RS256') && !signingKey) {
	signingKey = (await newSigningKey(jwtAlg)).privateJwk;
}
const dbUrl = args['db-url'] ?? process.env.DATABASE_URL;
const log = (line: string) => {
	if (!args.json) console.error(line);
};

let db;
// Storage's bytes: a temporary directory with --memory, else under the folder's .temp (one
// directory per database).
let storageDir = resolve(dir, '.temp', 'storage');
let removeStorageDir = false;
if (dbUrl) {
	db = await openPostgres({ connectionString: dbUrl });
	storageDir = resolve(dir, '.temp', storageDirName(dbUrl));
} else if (args.memory) {
	db = await openPglite();
	storageDir = await mkdtemp(join(tmpdir(), 'supabase-local-storage-'));
	removeStorageDir = true;
} else {
	const dataDir = resolve(args['data-dir'] ?? resolve(dir, '.temp', 'pglite'));
	await mkdir(dataDir, { recursive: true });
	db = await openPglite({ dataDir });
}
await applyBootstrap(db);
if (args['init-only']) {
	// What a new Supabase project has before its first `supabase db push`: roles, the auth schema,
	// auth.uid() and the default grants; the migrations are then the CLI's to apply.
	await db.close();
	log('roles and the auth schema are in place; apply the migrations with supabase db push');
	process.exit(0);
}
await migrate(db, { dir, seed: !args['no-seed'], log });

const apiUrl = `http://${args.host === '0.0.0.0' ? '127.0.0.1' : args.host}:${args.port}`;
const emails: AuthEmail[] = [];
// [auth.hook.send_email] of config.toml, or --send-email-hook URI with SEND_EMAIL_HOOK_SECRET.
const sendEmailHook = args['send-email-hook']
	? { uri: args['send-email-hook'], secret: process.env.SEND_EMAIL_HOOK_SECRET ?? '' }
	: sendEmailHookFromConfig(config);
if (sendEmailHook && !sendEmailHook.secret.includes('whsec_')) {
	console.error('--send-email-hook needs SEND_EMAIL_HOOK_SECRET=v1,whsec_…');
	process.exit(2);
}
const localMailer = {
	async send(email: AuthEmail) {
		emails.push(email);
		// Always on stderr (also with --json, whose status line is stdout's): the local
		// stand-in for a project's mail, as Inbucket is for `supabase start`.
		console.error(
			`[auth email] ${email.type} to ${email.email}: code ${email.token}, link ${email.actionLink}`
		);
	}
};
const embedded = await createEmbeddedSupabase({
	db,
	apiUrl,
	jwtSecret: process.env.JWT_SECRET,
	signingKey,
	redirectAllowList: ['http://localhost:**', 'http://127.0.0.1:**'],
	// As `supabase start`: the folder's config.toml; sign-up by password is on unless
	// GONGYU_PASSWORD_SIGNUP=off (a local tool, unlike the app on a public origin).
	auth: {
		passwordSignup: true,
		// As GoTrue: `/otp` with `create_user: false` tells an unknown address apart (the app,
		// on a public origin, answers both alike).
		otpUnknownAddressError: true,
		...authOptionsFromConfig(config),
		...(signup === undefined ? {} : { disableSignup: !signup }),
		...(autoConfirm === undefined ? {} : { autoConfirm }),
		...(anonymous === undefined ? {} : { anonymousSignIns: anonymous })
	},
	restSchemas: schemas,
	limits,
	storage: { dir: storageDir, fileSizeLimit: fileSizeLimitFromConfig(config) },
	mailer: sendEmailHook ? hookMailer(sendEmailHook) : localMailer
});

/** The request as a fetch Request whose body streams (each API part enforces its own limits). */
function toRequest(req: IncomingMessage): Request {
	const headers = new Headers();
	for (const [name, value] of Object.entries(req.headers)) {
		if (Array.isArray(value)) value.forEach((v) => headers.append(name, v));
		else if (value !== undefined) headers.set(name, value);
	}
	const method = req.method ?? 'GET';
	const hasBody = method !== 'GET' && method !== 'HEAD';
	return new Request(new URL(req.url ?? '/', apiUrl), {
		method,
		headers,
		body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
		...(hasBody ? { duplex: 'half' } : {})
	} as RequestInit);
}

/** Sends the answer, streaming its body (a download is never gathered in memory). */
async function send(res: ServerResponse, response: Response) {
	res.writeHead(response.status, Object.fromEntries(response.headers));
	if (!response.body) return void res.end();
	await new Promise<void>((done) => {
		const body = Readable.fromWeb(response.body as unknown as NodeWebStream<Uint8Array>);
		body.on('error', () => res.destroy());
		res.on('close', () => {
			body.destroy();
			done();
		});
		body.pipe(res);
	});
}

/** The app servers whose X-Forwarded-For names the visitor (--trusted-proxy). */
const trusted = trustedProxies(args['trusted-proxy']);

const server = createServer(async (req, res) => {
	try {
		const request = toRequest(req);
		const response = await embedded.handle(
			request,
			callerOf(req.socket.remoteAddress, req.headers['x-forwarded-for'], trusted)
		);
		await send(
			res,
			response ?? Response.json({ message: 'no Route matched with those values' }, { status: 404 })
		);
	} catch (error) {
		console.error(error);
		if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ message: 'internal error' }));
	}
});

// Longer than clients keep an idle connection (undici: 4 s), so the server never closes one
// just as a client sends its next request on it ("other side closed" under load).
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(Number(args.port), args.host, () => {
	const status = {
		API_URL: apiUrl,
		REST_URL: `${apiUrl}/rest/v1`,
		AUTH_URL: `${apiUrl}/auth/v1`,
		STORAGE_URL: `${apiUrl}/storage/v1`,
		DB: dbUrl ? 'postgres' : args.memory ? 'pglite (memory)' : 'pglite',
		PUBLISHABLE_KEY: embedded.keys.publishable,
		SECRET_KEY: embedded.keys.secret,
		ANON_KEY: embedded.keys.anonJwt,
		SERVICE_ROLE_KEY: embedded.keys.serviceRoleJwt,
		JWT_SECRET: embedded.env.jwtSecret,
		JWT_ALG: embedded.env.signingKey?.alg ?? 'HS256',
		JWKS_URL: `${apiUrl}/auth/v1/.well-known/jwks.json`
	};
	if (args.json) {
		console.log(JSON.stringify(status));
	} else {
		console.log(`Embedded Supabase is running (${status.DB}).

         API URL: ${status.API_URL}
        REST URL: ${status.REST_URL}
        Auth URL: ${status.AUTH_URL}
     Storage URL: ${status.STORAGE_URL}
 Publishable key: ${status.PUBLISHABLE_KEY}
      Secret key: ${status.SECRET_KEY}
        anon key: ${status.ANON_KEY}
service_role key: ${status.SERVICE_ROLE_KEY}
      JWT secret: ${status.JWT_SECRET}
  Access tokens: ${status.JWT_ALG}${embedded.env.signingKey ? ` (public key: ${status.JWKS_URL})` : ''}`);
	}
});

async function shutdown() {
	server.close();
	await embedded.close();
	await db.close();
	if (removeStorageDir) await rm(storageDir, { recursive: true, force: true });
	process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
