/**
 * Supabase Auth conformance for one-time codes and links, through supabase-js and @supabase/ssr:
 * email codes, magic links (implicit and PKCE), recovery, invitations, email change and
 * `generate_link`.
 */
import { createServerClient } from '@supabase/ssr';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AuthEmail } from '../../src/lib/server/embedded-supabase';
import {
	API_URL,
	availableBackends,
	decodeJwt as decode,
	uniqueEmail as unique,
	startEmbedded,
	type TestSupabase
} from '../support/embedded';

const backends = await availableBackends();

const APP = 'http://localhost:5173';

function memoryStorage() {
	const items = new Map<string, string>();
	return {
		getItem: (k: string) => items.get(k) ?? null,
		setItem: (k: string, v: string) => void items.set(k, v),
		removeItem: (k: string) => void items.delete(k)
	};
}

describe.each(backends)('auth one-time codes and links on %s', (backend) => {
	let t: TestSupabase;
	beforeAll(async () => {
		t = await startEmbedded({ backend });
		t.embedded.env.siteUrl = APP;
		t.embedded.env.redirectAllowList = [`${APP}/**`, 'https://partner.example.org/auth/callback'];
	});
	afterAll(async () => {
		await t?.close();
	});

	const lastMail = (email: string): AuthEmail => {
		const found = t.mail.filter((m) => m.email === email).at(-1);
		if (!found) throw new Error(`no email to ${email}`);
		return found;
	};

	function pkceClient(storage = memoryStorage()): SupabaseClient {
		return createClient(API_URL, t.embedded.keys.publishable, {
			auth: {
				flowType: 'pkce',
				storage,
				persistSession: true,
				autoRefreshToken: false,
				detectSessionInUrl: false
			},
			realtime: { transport: WebSocket as never },
			global: { fetch: t.embedded.fetch }
		});
	}

	async function follow(link: string): Promise<URL> {
		const res = await t.embedded.fetch(link, { redirect: 'manual' });
		expect(res.status).toBe(303);
		return new URL(res.headers.get('location')!);
	}

	it('signs a new user in with the emailed code, keeping the sign-up data', async () => {
		const email = unique('otp');
		const client = t.anon();
		const sent = await client.auth.signInWithOtp({
			email,
			options: { data: { locale: 'zh-CN' }, emailRedirectTo: `${APP}/account` }
		});
		expect(sent.error).toBeNull();
		const mail = lastMail(email);
		expect(mail.type).toBe('magiclink');
		expect(mail.token).toMatch(/^\d{6}$/);
		expect(mail.redirectTo).toBe(`${APP}/account`);
		expect(mail.actionLink).toBe(
			`${API_URL}/auth/v1/verify?token=${mail.tokenHash}&type=magiclink&redirect_to=${encodeURIComponent(`${APP}/account`)}`
		);
		const { rows } = await t.db.query<{ recovery_token: string; token_hash: string }>(
			`select u.recovery_token, t.token_hash from auth.users u
			join auth.one_time_tokens t on t.user_id = u.id and t.token_type = 'recovery_token'
			where u.email = $1`,
			[email]
		);
		expect(rows[0]).toEqual({ recovery_token: mail.tokenHash, token_hash: mail.tokenHash });

		const { data, error } = await client.auth.verifyOtp({
			email,
			token: mail.token,
			type: 'email'
		});
		expect(error).toBeNull();
		expect(data.user?.email).toBe(email);
		expect(data.user?.user_metadata).toEqual({ locale: 'zh-CN' });
		expect(data.user?.email_confirmed_at).toBeTruthy();
		expect(decode(data.session!.access_token).amr).toEqual([
			{ method: 'otp', timestamp: expect.any(Number) }
		]);
		expect((await client.auth.getUser()).data.user?.id).toBe(data.user?.id);
	});

	it('refuses a wrong, a used and an expired code with otp_expired', async () => {
		const email = unique('codes');
		await t.anon().auth.signInWithOtp({ email });
		const code = lastMail(email).token;
		const wrongCode = code === '000000' ? '111111' : '000000';
		const wrong = await t.anon().auth.verifyOtp({ email, token: wrongCode, type: 'email' });
		expect(wrong.error?.status).toBe(403);
		expect(wrong.error?.code).toBe('otp_expired');
		expect(wrong.error?.message).toBe('Token has expired or is invalid');

		expect((await t.anon().auth.verifyOtp({ email, token: code, type: 'email' })).error).toBeNull();
		const used = await t.anon().auth.verifyOtp({ email, token: code, type: 'email' });
		expect(used.error?.code).toBe('otp_expired');

		t.embedded.env.auth = {
			...t.embedded.env.auth,
			emailMaxFrequency: 0
		} as typeof t.embedded.env.auth;
		try {
			await t.anon().auth.signInWithOtp({ email });
			const fresh = lastMail(email).token;
			await t.db.query(
				`update auth.one_time_tokens set created_at = created_at - interval '2 hours'
				where relates_to = $1`,
				[email]
			);
			const expired = await t.anon().auth.verifyOtp({ email, token: fresh, type: 'email' });
			expect(expired.error?.code).toBe('otp_expired');
		} finally {
			delete (t.embedded.env.auth as { emailMaxFrequency?: number }).emailMaxFrequency;
		}
	});

	it('limits how often one address is sent a code', async () => {
		const email = unique('often');
		expect((await t.anon().auth.signInWithOtp({ email })).error).toBeNull();
		const again = await t.anon().auth.signInWithOtp({ email });
		expect(again.error?.status).toBe(429);
		expect(again.error?.code).toBe('over_email_send_rate_limit');
		expect(again.error?.message).toMatch(/after \d+ seconds/);
		expect(t.mail.filter((m) => m.email === email)).toHaveLength(1);
	});

	it('creates no user and sends nothing when create_user is false, answering as for a known address', async () => {
		const email = unique('nocreate');
		const { error } = await t
			.anon()
			.auth.signInWithOtp({ email, options: { shouldCreateUser: false } });
		expect(error).toBeNull();
		const { rows } = await t.db.query('select 1 from auth.users where email = $1', [email]);
		expect(rows).toHaveLength(0);
		expect(t.mail.filter((m) => m.email === email)).toHaveLength(0);
	});

	it("answers GoTrue's 422 otp_disabled for an unknown address when told to, still creating and sending nothing", async () => {
		const email = unique('nocreate-gotrue');
		t.embedded.env.auth.otpUnknownAddressError = true;
		try {
			const { error } = await t
				.anon()
				.auth.signInWithOtp({ email, options: { shouldCreateUser: false } });
			expect([error?.status, error?.code]).toEqual([422, 'otp_disabled']);
			const { rows } = await t.db.query('select 1 from auth.users where email = $1', [email]);
			expect(rows).toHaveLength(0);
			expect(t.mail.filter((m) => m.email === email)).toHaveLength(0);
			// A known address is sent its code as before.
			const known = unique('known-gotrue');
			await t.admin().auth.admin.createUser({ email: known, email_confirm: true });
			const sent = await t
				.anon()
				.auth.signInWithOtp({ email: known, options: { shouldCreateUser: false } });
			expect(sent.error).toBeNull();
			expect(t.mail.filter((m) => m.email === known)).toHaveLength(1);
		} finally {
			t.embedded.env.auth.otpUnknownAddressError = false;
		}
	});

	it('follows a magic link to the allowed redirect with the session in the fragment', async () => {
		const email = unique('link');
		await t.anon().auth.signInWithOtp({ email, options: { emailRedirectTo: `${APP}/welcome` } });
		const location = await follow(lastMail(email).actionLink);
		expect(`${location.origin}${location.pathname}`).toBe(`${APP}/welcome`);
		const fragment = new URLSearchParams(location.hash.slice(1));
		expect([...fragment.keys()]).toEqual([
			'access_token',
			'expires_at',
			'expires_in',
			'refresh_token',
			'sb',
			'token_type',
			'type'
		]);
		expect(fragment.get('token_type')).toBe('bearer');
		expect(fragment.get('type')).toBe('magiclink');
		expect(fragment.get('expires_in')).toBe('3600');
		const user = await t.anon().auth.getUser(fragment.get('access_token')!);
		expect(user.data.user?.email).toBe(email);
		const refreshed = await t
			.anon()
			.auth.refreshSession({ refresh_token: fragment.get('refresh_token')! });
		expect(refreshed.error).toBeNull();

		const reused = await follow(lastMail(email).actionLink);
		const error = new URLSearchParams(reused.hash.slice(1));
		expect(error.get('error')).toBe('access_denied');
		expect(error.get('error_code')).toBe('otp_expired');
		expect(error.get('error_description')).toBe('Email link is invalid or has expired');
	});

	it('redirects an expired magic link with otp_expired', async () => {
		const email = unique('stale');
		await t.anon().auth.signInWithOtp({ email, options: { emailRedirectTo: `${APP}/welcome` } });
		await t.db.query(
			`update auth.users set recovery_sent_at = now() - interval '2 hours' where email = $1`,
			[email]
		);
		const location = await follow(lastMail(email).actionLink);
		expect(`${location.origin}${location.pathname}`).toBe(`${APP}/welcome`);
		const error = new URLSearchParams(location.hash.slice(1));
		expect(error.get('error_code')).toBe('otp_expired');
		expect(error.has('access_token')).toBe(false);
	});

	it('sends links only to allowed redirect targets, else to the site', async () => {
		const evil = unique('evil');
		await t.anon().auth.signInWithOtp({
			email: evil,
			options: { emailRedirectTo: 'https://evil.example/steal' }
		});
		expect(lastMail(evil).redirectTo).toBe(APP);
		const lookalike = unique('lookalike');
		await t.anon().auth.signInWithOtp({
			email: lookalike,
			options: { emailRedirectTo: 'http://localhost:5173.evil.example/x' }
		});
		expect(lastMail(lookalike).redirectTo).toBe(APP);
		const partner = unique('partner');
		await t.anon().auth.signInWithOtp({
			email: partner,
			options: { emailRedirectTo: 'https://partner.example.org/auth/callback' }
		});
		expect(lastMail(partner).redirectTo).toBe('https://partner.example.org/auth/callback');
		// A tampered link is checked again when followed.
		const link = lastMail(partner).actionLink.replace(
			encodeURIComponent('https://partner.example.org/auth/callback'),
			encodeURIComponent('https://evil.example/x')
		);
		const location = await follow(link);
		expect(location.origin).toBe(APP);
	});

	it('signs in through a PKCE magic link and exchanges the code once', async () => {
		const email = unique('pkce');
		const client = pkceClient();
		const sent = await client.auth.signInWithOtp({
			email,
			options: { emailRedirectTo: `${APP}/auth/callback` }
		});
		expect(sent.error).toBeNull();
		const mail = lastMail(email);
		expect(mail.tokenHash.startsWith('pkce_')).toBe(true);
		const location = await follow(mail.actionLink);
		expect(`${location.origin}${location.pathname}`).toBe(`${APP}/auth/callback`);
		const code = location.searchParams.get('code')!;
		expect(code).toMatch(/^[0-9a-f-]{36}$/);
		expect(location.hash).toBe('');

		const { data, error } = await client.auth.exchangeCodeForSession(code);
		expect(error).toBeNull();
		expect(data.user?.email).toBe(email);
		expect(decode(data.session!.access_token).amr).toEqual([
			{ method: 'magiclink', timestamp: expect.any(Number) }
		]);
		expect((await client.auth.getUser()).data.user?.email).toBe(email);

		const twice = await t.embedded.fetch(`${API_URL}/auth/v1/token?grant_type=pkce`, {
			method: 'POST',
			headers: { apikey: t.embedded.keys.publishable, 'content-type': 'application/json' },
			body: JSON.stringify({ auth_code: code, code_verifier: 'x'.repeat(43) })
		});
		expect(twice.status).toBe(404);
		expect((await twice.json()).error_code).toBe('flow_state_not_found');
	});

	it('refuses a PKCE exchange with the wrong verifier or after the flow expired', async () => {
		const email = unique('pkce-bad');
		const client = pkceClient();
		await client.auth.signInWithOtp({
			email,
			options: { emailRedirectTo: `${APP}/auth/callback` }
		});
		const code = (await follow(lastMail(email).actionLink)).searchParams.get('code')!;
		const post = (verifier: string) =>
			t.embedded.fetch(`${API_URL}/auth/v1/token?grant_type=pkce`, {
				method: 'POST',
				headers: {
					apikey: t.embedded.keys.publishable,
					'content-type': 'application/json',
					'x-supabase-api-version': '2024-01-01'
				},
				body: JSON.stringify({ auth_code: code, code_verifier: verifier })
			});
		const wrong = await post('w'.repeat(50));
		expect(wrong.status).toBe(400);
		expect((await wrong.json()).code).toBe('bad_code_verifier');
		await t.db.query(
			`update auth.flow_state set auth_code_issued_at = now() - interval '10 minutes' where auth_code = $1`,
			[code]
		);
		const { error } = await client.auth.exchangeCodeForSession(code);
		expect(error?.status).toBe(422);
		expect(error?.code).toBe('flow_state_expired');
	});

	it('signs in on the server with @supabase/ssr cookies, as the app does', async () => {
		const email = unique('ssr');
		const jar = new Map<string, string>();
		const server = () =>
			createServerClient(API_URL, t.embedded.keys.publishable, {
				cookies: {
					getAll: () => [...jar].map(([name, value]) => ({ name, value })),
					setAll: (cookies) => {
						for (const { name, value, options } of cookies) {
							if (options?.maxAge === 0 || value === '') jar.delete(name);
							else jar.set(name, value);
						}
					}
				},
				global: { fetch: t.embedded.fetch },
				realtime: { transport: WebSocket as never }
			});
		const sent = await server().auth.signInWithOtp({
			email,
			options: { emailRedirectTo: `${APP}/auth/callback?next=/me` }
		});
		expect(sent.error).toBeNull();
		expect([...jar.keys()].some((k) => k.endsWith('-code-verifier'))).toBe(true);
		const location = await follow(lastMail(email).actionLink);
		expect(location.searchParams.get('next')).toBe('/me');
		const exchanged = await server().auth.exchangeCodeForSession(
			location.searchParams.get('code')!
		);
		expect(exchanged.error).toBeNull();
		const { data } = await server().auth.getUser();
		expect(data.user?.email).toBe(email);
	});

	it('recovers a password with the emailed code, silently for unknown addresses', async () => {
		const email = unique('recover');
		await t.admin().auth.admin.createUser({ email, password: 'forgotten pw', email_confirm: true });
		const client = t.anon();
		const sent = await client.auth.resetPasswordForEmail(email, { redirectTo: `${APP}/reset` });
		expect(sent.error).toBeNull();
		const mail = lastMail(email);
		expect(mail.type).toBe('recovery');
		expect(mail.actionLink).toContain('type=recovery');
		const verified = await client.auth.verifyOtp({ email, token: mail.token, type: 'recovery' });
		expect(verified.error).toBeNull();
		expect((await client.auth.updateUser({ password: 'remembered pw' })).error).toBeNull();
		const signIn = await t.anon().auth.signInWithPassword({ email, password: 'remembered pw' });
		expect(signIn.error).toBeNull();

		const before = t.mail.length;
		const unknown = await t.anon().auth.resetPasswordForEmail(unique('nobody'));
		expect(unknown.error).toBeNull();
		expect(t.mail.length).toBe(before);
	});

	it('recovers through a PKCE link, signalling the recovery to the client', async () => {
		const email = unique('pkce-recover');
		await t
			.admin()
			.auth.admin.createUser({ email, password: 'lost password', email_confirm: true });
		const client = pkceClient();
		const events: string[] = [];
		client.auth.onAuthStateChange((event) => void events.push(event));
		await client.auth.resetPasswordForEmail(email, { redirectTo: `${APP}/auth/callback` });
		const mail = lastMail(email);
		expect(mail.type).toBe('recovery');
		expect(mail.tokenHash.startsWith('pkce_')).toBe(true);
		const code = (await follow(mail.actionLink)).searchParams.get('code')!;
		const { data, error } = await client.auth.exchangeCodeForSession(code);
		expect(error).toBeNull();
		expect((data as { redirectType?: string | null }).redirectType).toBe('recovery');
		expect(decode(data.session!.access_token).amr).toEqual([
			{ method: 'recovery', timestamp: expect.any(Number) }
		]);
		await new Promise((resolve) => setTimeout(resolve, 10));
		expect(events).toContain('PASSWORD_RECOVERY');
		expect((await client.auth.updateUser({ password: 'found password' })).error).toBeNull();
		expect(
			(await t.anon().auth.signInWithPassword({ email, password: 'found password' })).error
		).toBeNull();
	});

	it('generates links an admin can hand out: token_hash and email_otp both verify', async () => {
		const email = unique('generated');
		await t.admin().auth.admin.createUser({ email, email_confirm: true });
		const before = t.mail.length;
		const { data, error } = await t.admin().auth.admin.generateLink({
			type: 'magiclink',
			email,
			options: { redirectTo: `${APP}/events` }
		});
		expect(error).toBeNull();
		expect(t.mail.length).toBe(before);
		expect(data.user?.email).toBe(email);
		expect(data.properties).toEqual({
			action_link: `${API_URL}/auth/v1/verify?token=${data.properties!.hashed_token}&type=magiclink&redirect_to=${encodeURIComponent(`${APP}/events`)}`,
			email_otp: expect.stringMatching(/^\d{6}$/),
			hashed_token: expect.stringMatching(/^[0-9a-f]{56}$/),
			redirect_to: `${APP}/events`,
			verification_type: 'magiclink'
		});
		const byHash = await t.anon().auth.verifyOtp({
			token_hash: data.properties!.hashed_token,
			type: 'magiclink'
		});
		expect(byHash.error).toBeNull();
		expect(byHash.data.user?.email).toBe(email);

		const second = await t.admin().auth.admin.generateLink({ type: 'magiclink', email });
		const byCode = await t.anon().auth.verifyOtp({
			email,
			token: second.data.properties!.email_otp,
			type: 'email'
		});
		expect(byCode.error).toBeNull();

		const missing = await t
			.admin()
			.auth.admin.generateLink({ type: 'recovery', email: unique('none') });
		expect(missing.error?.status).toBe(404);
		expect(missing.error?.code).toBe('user_not_found');
		const anonTry = await t.anon().auth.admin.generateLink({ type: 'magiclink', email });
		expect(anonTry.error?.status).toBe(403);
	});

	it('generates a sign-up link for a new address and confirms it', async () => {
		const email = unique('gensignup');
		const { data, error } = await t.admin().auth.admin.generateLink({
			type: 'signup',
			email,
			password: 'signup password'
		});
		expect(error).toBeNull();
		expect(data.properties?.verification_type).toBe('signup');
		expect(data.user?.email_confirmed_at).toBeUndefined();
		const location = await follow(data.properties!.action_link);
		expect(location.origin).toBe(APP);
		expect(new URLSearchParams(location.hash.slice(1)).get('type')).toBe('signup');
		const signIn = await t.anon().auth.signInWithPassword({ email, password: 'signup password' });
		expect(signIn.error).toBeNull();
	});

	it('invites a user who then signs in with the invitation code', async () => {
		const email = unique('invitee');
		const invited = await t.admin().auth.admin.inviteUserByEmail(email, {
			data: { org: 'youth_centre' },
			redirectTo: `${APP}/welcome`
		});
		expect(invited.error).toBeNull();
		expect(invited.data.user?.invited_at).toBeTruthy();
		const mail = lastMail(email);
		expect(mail.type).toBe('invite');
		const { data, error } = await t
			.anon()
			.auth.verifyOtp({ email, token: mail.token, type: 'invite' });
		expect(error).toBeNull();
		expect(data.user?.user_metadata).toEqual({ org: 'youth_centre' });
	});

	it('changes the email address once the new address confirms it', async () => {
		const email = unique('old');
		const next = unique('new');
		await t
			.admin()
			.auth.admin.createUser({ email, password: 'change my email', email_confirm: true });
		const client = t.anon();
		await client.auth.signInWithPassword({ email, password: 'change my email' });
		const { data, error } = await client.auth.updateUser({ email: next });
		expect(error).toBeNull();
		expect(data.user?.email).toBe(email);
		expect(data.user?.new_email).toBe(next);
		const mail = lastMail(next);
		expect(mail.type).toBe('email_change');
		const verified = await client.auth.verifyOtp({
			email: next,
			token: mail.token,
			type: 'email_change'
		});
		expect(verified.error).toBeNull();
		expect(verified.data.user?.email).toBe(next);
		expect(verified.data.user?.new_email).toBeUndefined();
		const signIn = await t
			.anon()
			.auth.signInWithPassword({ email: next, password: 'change my email' });
		expect(signIn.error).toBeNull();
	});

	it('answers a malformed verify request with 400, not a redirect or a 500', async () => {
		const res = await t.embedded.fetch(`${API_URL}/auth/v1/verify`, {
			method: 'POST',
			headers: { apikey: t.embedded.keys.publishable, 'content-type': 'application/json' },
			body: JSON.stringify({ type: 'email', token: '123456', token_hash: 'abc' })
		});
		expect(res.status).toBe(400);
		const get = await t.embedded.fetch(`${API_URL}/auth/v1/verify?type=magiclink`);
		expect(get.status).toBe(400);
		const unknownHash = await t
			.anon()
			.auth.verifyOtp({ token_hash: 'f'.repeat(56), type: 'magiclink' });
		expect(unknownHash.error?.status).toBe(403);
		expect(unknownHash.error?.code).toBe('otp_expired');
	});
});
