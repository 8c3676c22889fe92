/**
 * The embedded Auth on a public install: sign-up by password off unless turned on, a password set
 * before the address is proven does not survive the proof, a code is spent after five wrong tries,
 * rate limits kept in the database (shared by every app process), and answers that do not tell a
 * stranger whether an address has an account.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	createEmbeddedSupabase,
	type AuthEmail,
	type EmbeddedSupabase
} from '../../src/lib/server/embedded-supabase';
import { authOptionsFromConfig } from '../../src/lib/server/embedded-supabase/auth/settings';
import { parseToml, readSupabaseConfig } from '../../src/lib/server/embedded-supabase/config';
import { openPostgres, type Database } from '../../src/lib/server/embedded-supabase/database';
import { applyBootstrap } from '../../src/lib/server/embedded-supabase/migrate';
import {
	API_URL,
	availableBackends,
	freshServerDatabase,
	makeClient,
	uniqueEmail as unique,
	startEmbedded,
	type TestSupabase
} from '../support/embedded';

const backends = await availableBackends();
const PASSWORD = 'correct horse battery';
const STRANGER = '198.51.100.9';
const PARENT = '192.0.2.10';

/** One POST to `/auth/v1<path>` as it arrives over HTTP from `clientAddress`. */
async function post(
	e: EmbeddedSupabase,
	path: string,
	body: Record<string, unknown>,
	clientAddress: string | null,
	headers: Record<string, string> = {}
): Promise<Response> {
	const request = new Request(`${API_URL}/auth/v1${path}`, {
		method: 'POST',
		headers: {
			apikey: e.keys.publishable,
			authorization: `Bearer ${e.keys.publishable}`,
			'content-type': 'application/json',
			'x-supabase-api-version': '2024-01-01',
			...headers
		},
		body: JSON.stringify(body)
	});
	return (await e.handle(request, { clientAddress }))!;
}

/** Status, error-code header and body text: what a stranger can compare. */
async function seen(response: Response): Promise<string> {
	return `${response.status} ${response.headers.get('x-sb-error-code')} ${await response.text()}`;
}

/** A code that is not `code`. */
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

async function instance(
	t: TestSupabase,
	auth: Parameters<typeof createEmbeddedSupabase>[0]['auth'],
	mail: AuthEmail[]
): Promise<EmbeddedSupabase> {
	return createEmbeddedSupabase({
		db: t.db,
		apiUrl: API_URL,
		auth,
		mailer: { send: async (email) => void mail.push(email) }
	});
}

describe('auth settings from supabase/config.toml', () => {
	it("reads the project's file: confirmations on, Supabase's rate limits, password sign-up off", async () => {
		const options = authOptionsFromConfig(await readSupabaseConfig('supabase'), {});
		expect(options).toMatchObject({
			autoConfirm: false,
			disableSignup: false,
			emailSignup: true,
			otpLength: 6,
			otpExpiry: 3600,
			rateLimits: { emailSent: 30, tokenRefresh: 150, signInSignUps: 30, tokenVerifications: 30 }
		});
		expect(options.passwordSignup).toBeUndefined();
		// The app answers `/otp` with `create_user: false` alike for known and unknown addresses,
		// and offers no passkeys, WebAuthn factors or OAuth clients unless the file turns them on.
		expect(options.otpUnknownAddressError).toBeUndefined();
		expect(options.passkeys).toBeUndefined();
		expect(options.oauthServer).toBeUndefined();
	});

	it('reads passkeys, WebAuthn and the OAuth server under the keys the Supabase CLI uses', () => {
		const config = parseToml(
			'[auth.mfa.web_authn]\nenroll_enabled = true\nverify_enabled = false\n' +
				'[auth.passkey]\nenabled = true\n[auth.webauthn]\nrp_display_name = "Tests"\n' +
				'rp_id = "localhost"\nrp_origins = ["http://localhost:5173"]\n' +
				'[auth.oauth_server]\nenabled = true\n'
		);
		expect(authOptionsFromConfig(config, { GONGYU_AUTH_RATE_PASSKEYS: '5' })).toMatchObject({
			passkeys: true,
			webauthnMfaEnroll: true,
			webauthnMfaVerify: false,
			webauthn: { rpId: 'localhost', rpDisplayName: 'Tests', rpOrigins: ['http://localhost:5173'] },
			oauthServer: true,
			rateLimits: { passkeys: 5 }
		});
	});

	it('reads comments, quoted # signs and arrays over several lines as the Supabase CLI does', () => {
		expect(
			parseToml('[api]\nname = "a # b" # why\nschemas = [\n  "public", # first\n  \'x\'\n]\n')
		).toEqual({ api: { name: 'a # b', schemas: ['public', 'x'] } });
	});

	it('takes the environment over the file, and refuses a value it cannot read', () => {
		const config = parseToml(
			'[auth]\nenable_signup = false\n[auth.email]\nenable_signup = false # none by email\n' +
				'[auth.rate_limit]\ntoken_verifications = 7\n'
		);
		expect(
			authOptionsFromConfig(config, {
				GONGYU_PASSWORD_SIGNUP: 'on',
				GONGYU_OTP_MAX_ATTEMPTS: '3',
				GONGYU_AUTH_RATE_TOKEN_REFRESH: '9'
			})
		).toMatchObject({
			disableSignup: true,
			emailSignup: false,
			passwordSignup: true,
			otpMaxAttempts: 3,
			rateLimits: { tokenVerifications: 7, tokenRefresh: 9 }
		});
		expect(() => authOptionsFromConfig({}, { GONGYU_PASSWORD_SIGNUP: 'maybe' })).toThrow();
		expect(() => authOptionsFromConfig({}, { GONGYU_AUTH_RATE_EMAIL_SENT: '-1' })).toThrow();
		expect(() => parseToml('[auth]\nenable_signup = {}\n')).toThrow(/line 2/);
	});
});

describe.each(backends)('auth on a public install, on %s', (backend) => {
	let t: TestSupabase;
	const lastCode = (email: string) => {
		const found = t.mail.filter((m) => m.email === email).at(-1);
		if (!found) throw new Error(`no email to ${email}`);
		return found.token;
	};

	beforeAll(async () => {
		t = await startEmbedded({ backend });
	});
	afterAll(async () => {
		await t?.close();
	});

	describe('sign-up', () => {
		it('refuses sign-up with a password by default, and creates nobody', async () => {
			const email = unique('pw-signup');
			const { data, error } = await t.anon().auth.signUp({ email, password: PASSWORD });
			expect(error?.status).toBe(422);
			expect(error?.code).toBe('signup_disabled');
			expect(data.user).toBeNull();
			const { rows } = await t.db.query('select 1 from auth.users where email = $1', [email]);
			expect(rows).toHaveLength(0);
		});

		it('allows sign-up with a password when the instance turns it on', async () => {
			const mail: AuthEmail[] = [];
			const open = await instance(t, { passwordSignup: true }, mail);
			const email = unique('pw-allowed');
			const client = makeClient(API_URL, open.keys.publishable, open.fetch);
			const { data, error } = await client.auth.signUp({ email, password: PASSWORD });
			expect(error).toBeNull();
			expect(data.session?.access_token).toBeTruthy();
		});

		it("still creates a parent's account by sign-in code while password sign-up is off", async () => {
			const email = unique('new-parent');
			const client = t.anon(PARENT);
			expect((await client.auth.signInWithOtp({ email })).error).toBeNull();
			const { data, error } = await client.auth.verifyOtp({
				email,
				token: lastCode(email),
				type: 'email'
			});
			expect(error).toBeNull();
			expect(data.user?.email).toBe(email);
		});

		it('with [auth] enable_signup off, creates nobody by code either, answering as for a known address', async () => {
			const mail: AuthEmail[] = [];
			const closed = await instance(
				t,
				authOptionsFromConfig(parseToml('[auth]\nenable_signup = false\n'), {}),
				mail
			);
			const known = unique('known-closed');
			await t.admin().auth.admin.createUser({ email: known, email_confirm: true });
			const unknown = unique('unknown-closed');
			const forKnown = await post(closed, '/otp', { email: known }, PARENT);
			const forUnknown = await post(closed, '/otp', { email: unknown }, PARENT);
			expect(await seen(forUnknown)).toBe(await seen(forKnown));
			expect(forKnown.status).toBe(200);
			expect(mail.map((m) => m.email)).toEqual([known]);
			const { rows } = await t.db.query('select 1 from auth.users where email = $1', [unknown]);
			expect(rows).toHaveLength(0);
		});
	});

	describe('an address is proven before a password on it works', () => {
		it("a stranger's password set before the parent proves the address stops working, and the stranger's session ends", async () => {
			// An instance where sign-up signs in at once: the stranger even holds a session.
			const open = await instance(t, { passwordSignup: true, autoConfirm: true }, t.mail);
			const email = unique('taken-over');
			const stranger = makeClient(API_URL, open.keys.publishable, open.fetchFor(STRANGER));
			const signedUp = await stranger.auth.signUp({ email, password: PASSWORD });
			expect(signedUp.error).toBeNull();
			expect((await stranger.auth.getUser()).error).toBeNull();

			const parent = t.anon(PARENT);
			await parent.auth.signInWithOtp({ email });
			const proven = await parent.auth.verifyOtp({ email, token: lastCode(email), type: 'email' });
			expect(proven.error).toBeNull();
			expect(proven.data.user?.id).toBe(signedUp.data.user?.id);

			const again = await t.anon(STRANGER).auth.signInWithPassword({ email, password: PASSWORD });
			expect(again.error?.code).toBe('invalid_credentials');
			// supabase-js reports GoTrue's 403 session_not_found as a missing session.
			const gone = await stranger.auth.getUser();
			expect(gone.error?.name).toBe('AuthSessionMissingError');
			const asked = await open.fetch(`${API_URL}/auth/v1/user`, {
				headers: {
					apikey: open.keys.publishable,
					authorization: `Bearer ${signedUp.data.session!.access_token}`
				}
			});
			expect(asked.status).toBe(403);
			expect(asked.headers.get('x-sb-error-code')).toBe('session_not_found');
			const refreshed = await stranger.auth.refreshSession();
			expect(refreshed.error).not.toBeNull();
			expect((await parent.auth.getUser()).data.user?.email).toBe(email);
		});

		it('refuses the password of an unconfirmed sign-up, and the parent signing in by code never inherits it', async () => {
			const confirming = await instance(t, { passwordSignup: true, autoConfirm: false }, t.mail);
			const email = unique('unconfirmed');
			const stranger = makeClient(API_URL, confirming.keys.publishable, confirming.fetch);
			expect((await stranger.auth.signUp({ email, password: PASSWORD })).error).toBeNull();
			const early = await stranger.auth.signInWithPassword({ email, password: PASSWORD });
			expect(early.error?.code).toBe('email_not_confirmed');

			const parent = makeClient(API_URL, confirming.keys.publishable, confirming.fetch);
			await parent.auth.signInWithOtp({ email });
			const code = lastCode(email);
			expect((await parent.auth.verifyOtp({ email, token: code, type: 'email' })).error).toBeNull();
			const after = await stranger.auth.signInWithPassword({ email, password: PASSWORD });
			expect(after.error?.code).toBe('invalid_credentials');
		});

		it('an admin-created, confirmed user keeps the password and the other sessions after a code', async () => {
			const email = unique('admin-made');
			await t.admin().auth.admin.createUser({ email, password: PASSWORD, email_confirm: true });
			const laptop = t.anon(PARENT);
			expect(
				(await laptop.auth.signInWithPassword({ email, password: PASSWORD })).error
			).toBeNull();
			const phone = t.anon(PARENT);
			await phone.auth.signInWithOtp({ email });
			expect(
				(await phone.auth.verifyOtp({ email, token: lastCode(email), type: 'email' })).error
			).toBeNull();
			expect((await laptop.auth.getUser()).error).toBeNull();
			const again = await t.anon(PARENT).auth.signInWithPassword({ email, password: PASSWORD });
			expect(again.error).toBeNull();
		});
	});

	describe('a code survives five wrong tries, not six', () => {
		it('the sixth try fails even with the right code, and a new code works at once', async () => {
			const email = unique('guessed');
			await t.admin().auth.admin.createUser({ email, email_confirm: true });
			const client = t.anon(STRANGER);
			await client.auth.signInWithOtp({ email });
			const code = lastCode(email);
			for (let i = 0; i < 5; i++) {
				const { error } = await client.auth.verifyOtp({ email, token: wrong(code), type: 'email' });
				expect(error?.code).toBe('otp_expired');
			}
			const right = await client.auth.verifyOtp({ email, token: code, type: 'email' });
			expect(right.error?.code).toBe('otp_expired');

			expect((await client.auth.signInWithOtp({ email })).error).toBeNull();
			const fresh = lastCode(email);
			const signedIn = await client.auth.verifyOtp({ email, token: fresh, type: 'email' });
			expect(signedIn.error).toBeNull();
		});

		it('four wrong tries leave the right code working', async () => {
			const email = unique('typo');
			const client = t.anon(PARENT);
			await client.auth.signInWithOtp({ email });
			const code = lastCode(email);
			for (let i = 0; i < 4; i++) {
				await client.auth.verifyOtp({ email, token: wrong(code), type: 'email' });
			}
			expect((await client.auth.verifyOtp({ email, token: code, type: 'email' })).error).toBeNull();
		});
	});

	describe('answers that do not tell a stranger whether an address has an account', () => {
		it('answers /otp without creating, /recover, and a wrong password alike for known and unknown addresses', async () => {
			const knownUser = async () => {
				const email = unique('known');
				await t.admin().auth.admin.createUser({ email, password: PASSWORD, email_confirm: true });
				return email;
			};
			const [knownOtp, knownRecover, known] = [
				await knownUser(),
				await knownUser(),
				await knownUser()
			];
			const [unknownOtp, unknownRecover, unknown] = [
				unique('unknown'),
				unique('unknown'),
				unique('unknown')
			];
			const otp = (email: string) =>
				post(t.embedded, '/otp', { email, create_user: false }, STRANGER);
			expect(await seen(await otp(unknownOtp))).toBe(await seen(await otp(knownOtp)));
			const recover = (email: string) => post(t.embedded, '/recover', { email }, STRANGER);
			expect(await seen(await recover(unknownRecover))).toBe(
				await seen(await recover(knownRecover))
			);
			// Asking again within the send interval: the same refusal (the seconds left may differ).
			const refusal = async (response: Response) =>
				(await seen(response)).replace(/after \d+ seconds/g, 'after N seconds');
			expect(await refusal(await otp(unknownOtp))).toBe(await refusal(await otp(knownOtp)));
			expect(await refusal(await recover(unknownOtp))).toMatch(/^429 over_email_send_rate_limit/);
			expect(t.mail.filter((m) => m.email === unknownOtp || m.email === unknownRecover)).toEqual(
				[]
			);
			const password = (email: string) =>
				post(
					t.embedded,
					'/token?grant_type=password',
					{ email, password: 'not the password' },
					STRANGER
				);
			const forKnown = await seen(await password(known));
			expect(forKnown).toMatch(/^400 invalid_credentials/);
			expect(await seen(await password(unknown))).toBe(forKnown);
			const signup = (email: string) =>
				post(t.embedded, '/signup', { email, password: PASSWORD }, STRANGER);
			expect(await seen(await signup(unknown))).toBe(await seen(await signup(known)));
		});

		it('answers a password sign-up of a known and of a new address in the same shape when it is on', async () => {
			const open = await instance(t, { passwordSignup: true, autoConfirm: false }, []);
			const known = unique('known-signup');
			await t.admin().auth.admin.createUser({ email: known, email_confirm: true });
			const fresh = unique('new-signup');
			// Only the random id and the clock differ; they are masked, nothing else is.
			const masked = async (email: string) =>
				(await seen(await post(open, '/signup', { email, password: PASSWORD }, STRANGER)))
					.replaceAll(email, '<email>')
					.replace(/"id":"[0-9a-f-]{36}"/, '"id":"<id>"')
					.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>');
			expect(await masked(fresh)).toBe(await masked(known));
		});
	});

	describe('rate limits', () => {
		it('a parent still signs in while a stranger hammers their address from another client address', async () => {
			const email = unique('hammered');
			await t.admin().auth.admin.createUser({ email, email_confirm: true });
			const stranger = t.anon(STRANGER);
			let lastOtp: number | undefined;
			let lastVerify: string | undefined;
			for (let i = 0; i < 40; i++) {
				lastOtp = (await stranger.auth.signInWithOtp({ email })).error?.status;
				const { error } = await stranger.auth.verifyOtp({ email, token: '000000', type: 'email' });
				lastVerify = error?.code;
			}
			expect(lastOtp).toBe(429);
			expect(lastVerify).toBe('over_request_rate_limit');

			const parent = t.anon(PARENT);
			const asked = await parent.auth.signInWithOtp({ email });
			// Within the send interval after the stranger's last request, the newest code is
			// already in the parent's inbox; either way that code works.
			if (asked.error) expect(asked.error.code).toBe('over_email_send_rate_limit');
			const { error } = await parent.auth.verifyOtp({
				email,
				token: lastCode(email),
				type: 'email'
			});
			expect(error).toBeNull();
		});

		it('counts calls from one client address together, whatever forwarding headers they carry', async () => {
			const limited = await instance(t, { rateLimits: { signInSignUps: 2 } }, []);
			const from = '203.0.113.40';
			const statuses: number[] = [];
			for (let i = 0; i < 3; i++) {
				const response = await post(
					limited,
					'/token?grant_type=password',
					{ email: unique('xff'), password: PASSWORD },
					from,
					{ 'x-forwarded-for': `10.0.0.${i}`, 'x-real-ip': `10.0.1.${i}` }
				);
				statuses.push(response.status);
			}
			expect(statuses).toEqual([400, 400, 429]);
			const elsewhere = await post(
				limited,
				'/token?grant_type=password',
				{ email: unique('xff'), password: PASSWORD },
				'203.0.113.41'
			);
			expect(elsewhere.status).toBe(400);
		});

		it('sweeps windows that have ended when a new one starts', async () => {
			await t.db.query(
				`insert into auth.rate_limits (rule, key, window_start, expires_at, hits)
				values ('email_sent', 'old', now() - interval '3 hours', now() - interval '2 hours', 3)`
			);
			await post(t.embedded, '/recover', { email: unique('sweep') }, '203.0.113.50');
			const { rows } = await t.db.query(`select 1 from auth.rate_limits where key = 'old'`);
			expect(rows).toHaveLength(0);
		});
	});
});

describe.each(backends.filter((b) => b === 'postgres'))(
	'rate limits shared by two app processes on one %s database',
	() => {
		let dbs: Database[] = [];
		let drop: () => Promise<void>;
		let a: EmbeddedSupabase;
		let b: EmbeddedSupabase;

		beforeAll(async () => {
			const fresh = await freshServerDatabase();
			drop = fresh.drop;
			dbs = [
				await openPostgres({ connectionString: fresh.url, max: 4 }),
				await openPostgres({ connectionString: fresh.url, max: 4 })
			];
			await applyBootstrap(dbs[0]);
			const auth = {
				emailMaxFrequency: 0,
				rateLimits: { tokenVerifications: 4, emailSent: 3, tokenRefresh: 2 }
			};
			[a, b] = await Promise.all(
				dbs.map((db) =>
					createEmbeddedSupabase({ db, apiUrl: API_URL, auth, mailer: { send: async () => {} } })
				)
			);
		});
		afterAll(async () => {
			await a?.close();
			await b?.close();
			for (const db of dbs) await db.close();
			await drop?.();
		});

		it('answers 429 with Retry-After once both processes together reach the limit', async () => {
			const from = '203.0.113.7';
			const verify = (e: EmbeddedSupabase) =>
				post(e, '/verify', { type: 'email', email: unique('shared'), token: '123456' }, from);
			const statuses = [];
			for (const e of [a, b, a, b]) statuses.push((await verify(e)).status);
			expect(statuses).toEqual([403, 403, 403, 403]);
			const refused = await verify(a);
			expect(refused.status).toBe(429);
			const retryAfter = Number(refused.headers.get('retry-after'));
			expect(retryAfter).toBeGreaterThan(0);
			expect(retryAfter).toBeLessThanOrEqual(300);
			expect(await refused.json()).toMatchObject({
				code: 'over_request_rate_limit',
				message: 'Request rate limit reached'
			});
			expect((await verify(b)).status).toBe(429);
			const other = await post(
				b,
				'/verify',
				{ type: 'email', email: unique('shared'), token: '123456' },
				'203.0.113.8'
			);
			expect(other.status).toBe(403);
		});

		it('limits the emails to one address from many client addresses at twice the per-client figure', async () => {
			const email = unique('many-clients');
			const statuses = [];
			for (let i = 0; i < 7; i++) {
				const e = i % 2 ? a : b;
				statuses.push((await post(e, '/recover', { email }, `203.0.113.${100 + i}`)).status);
			}
			expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429]);
		});

		it('counts refresh-token grants per client address across both processes', async () => {
			const email = unique('refresher');
			const admin = makeClient(API_URL, a.keys.secret, a.fetch);
			await admin.auth.admin.createUser({ email, password: PASSWORD, email_confirm: true });
			const signIn = await post(
				a,
				'/token?grant_type=password',
				{ email, password: PASSWORD },
				'203.0.113.60'
			);
			let token = (await signIn.json()).refresh_token as string;
			const refresh = (e: EmbeddedSupabase) =>
				post(e, '/token?grant_type=refresh_token', { refresh_token: token }, '203.0.113.9');
			for (const e of [a, b]) {
				const response = await refresh(e);
				expect(response.status).toBe(200);
				token = (await response.json()).refresh_token;
			}
			const refused = await refresh(a);
			expect(refused.status).toBe(429);
			expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
		});
	}
);
