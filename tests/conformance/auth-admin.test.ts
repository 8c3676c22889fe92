/**
 * Supabase Auth admin API conformance, through supabase-js's `auth.admin` with the secret key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	API_URL,
	availableBackends,
	uniqueEmail as unique,
	startEmbedded,
	type TestSupabase
} from '../support/embedded';

const backends = await availableBackends();

describe.each(backends)('auth admin API on %s', (backend) => {
	let t: TestSupabase;
	beforeAll(async () => {
		t = await startEmbedded({ backend });
	});
	afterAll(async () => {
		await t?.close();
	});

	it('creates a user with metadata, a chosen id, and its email identity', async () => {
		const email = unique('staff');
		const id = '5a0c9a4e-57b8-4c55-9d9c-0d5b7e7f1a01';
		const { data, error } = await t.admin().auth.admin.createUser({
			id,
			email,
			password: 'staff password',
			email_confirm: true,
			user_metadata: { name: '李老师' },
			app_metadata: { district_admin: true }
		});
		expect(error).toBeNull();
		expect(data.user).toMatchObject({
			id,
			aud: 'authenticated',
			role: 'authenticated',
			email,
			phone: '',
			app_metadata: { provider: 'email', providers: ['email'], district_admin: true },
			user_metadata: { name: '李老师' },
			is_anonymous: false
		});
		expect(data.user?.email_confirmed_at).toBeTruthy();
		expect(data.user?.confirmed_at).toBe(data.user?.email_confirmed_at);
		expect(data.user?.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
		expect(data.user?.identities).toHaveLength(1);
		expect(data.user?.identities?.[0]).toMatchObject({
			identity_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
			id,
			user_id: id,
			provider: 'email',
			email,
			identity_data: { sub: id, email, email_verified: true, phone_verified: false }
		});
		const { rows } = await t.db.query<{ encrypted_password: string }>(
			'select encrypted_password from auth.users where id = $1',
			[id]
		);
		expect(rows[0].encrypted_password).toMatch(/^\$2a\$10\$/);

		const duplicate = await t.admin().auth.admin.createUser({ email: email.toUpperCase() });
		expect(duplicate.error?.status).toBe(422);
		expect(duplicate.error?.code).toBe('email_exists');
	});

	it('keeps an unconfirmed user from signing in until confirmed', async () => {
		const email = unique('unconfirmed');
		const { data } = await t.admin().auth.admin.createUser({ email, password: 'pending pw' });
		expect(data.user?.email_confirmed_at).toBeUndefined();
		const early = await t.anon().auth.signInWithPassword({ email, password: 'pending pw' });
		expect(early.error?.code).toBe('email_not_confirmed');
		await t.admin().auth.admin.updateUserById(data.user!.id, { email_confirm: true });
		expect(
			(await t.anon().auth.signInWithPassword({ email, password: 'pending pw' })).error
		).toBeNull();
	});

	it('signs in a user seeded the Supabase way (pgcrypto bcrypt)', async () => {
		const email = unique('seeded');
		await t.db.query(
			`insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
				raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
			values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
				$1, extensions.crypt('seed password', extensions.gen_salt('bf')), now(),
				'{"provider":"email","providers":["email"]}', '{}', now(), now())`,
			[email]
		);
		const { data, error } = await t
			.anon()
			.auth.signInWithPassword({ email, password: 'seed password' });
		expect(error).toBeNull();
		expect(data.user?.email).toBe(email);
	});

	it('gets a user by id, and answers an unknown or malformed id with 404', async () => {
		const email = unique('get');
		const created = await t.admin().auth.admin.createUser({ email });
		const { data, error } = await t.admin().auth.admin.getUserById(created.data.user!.id);
		expect(error).toBeNull();
		expect(data.user?.email).toBe(email);
		const missing = await t.admin().auth.admin.getUserById('9b2e61d4-1111-4222-8333-944455556666');
		expect(missing.error?.status).toBe(404);
		expect(missing.error?.code).toBe('user_not_found');
		const res = await t.embedded.fetch(`${API_URL}/auth/v1/admin/users/not-a-uuid`, {
			headers: { apikey: t.embedded.keys.secret, authorization: `Bearer ${t.embedded.keys.secret}` }
		});
		expect(res.status).toBe(404);
	});

	it('lists users page by page, newest first, with the total', async () => {
		const before = await t.admin().auth.admin.listUsers({ page: 1, perPage: 1000 });
		const existing = before.data.users.length;
		for (let i = 0; i < 3; i++)
			await t.admin().auth.admin.createUser({ email: unique(`list${i}`) });
		const total = existing + 3;
		const page1 = await t.admin().auth.admin.listUsers({ page: 1, perPage: 2 });
		expect(page1.error).toBeNull();
		if (!('aud' in page1.data)) throw new Error('listUsers answered no page');
		expect(page1.data.users).toHaveLength(2);
		expect(page1.data.aud).toBe('authenticated');
		expect(page1.data.total).toBe(total);
		expect(page1.data.nextPage).toBe(2);
		expect(page1.data.lastPage).toBe(Math.ceil(total / 2));
		expect(page1.data.users[0].email).toMatch(/^list2-/);
		expect(page1.data.users[1].email).toMatch(/^list1-/);
		const page2 = await t.admin().auth.admin.listUsers({ page: 2, perPage: 2 });
		expect(page2.data.users[0].email).toMatch(/^list0-/);
		const all = await t.admin().auth.admin.listUsers();
		expect(all.data.users).toHaveLength(total);
	});

	it('updates email, metadata, role data and password; a new password ends every session', async () => {
		const email = unique('update');
		const created = await t.admin().auth.admin.createUser({
			email,
			password: 'first password',
			email_confirm: true,
			user_metadata: { a: 1, b: 2 },
			app_metadata: { orgs: ['x'] }
		});
		const id = created.data.user!.id;
		const client = t.anon();
		await client.auth.signInWithPassword({ email, password: 'first password' });
		const next = unique('updated');
		const { data, error } = await t.admin().auth.admin.updateUserById(id, {
			email: next,
			user_metadata: { b: null, c: 3 },
			app_metadata: { orgs: ['x', 'y'] },
			password: 'second password'
		});
		expect(error).toBeNull();
		expect(data.user?.email).toBe(next);
		expect(data.user?.user_metadata).toEqual({ a: 1, c: 3 });
		expect(data.user?.app_metadata).toEqual({
			provider: 'email',
			providers: ['email'],
			orgs: ['x', 'y']
		});
		expect(data.user?.identities?.[0].identity_data?.email).toBe(next);
		expect((await client.auth.getUser()).error?.name).toBe('AuthSessionMissingError');
		expect(
			(await t.anon().auth.signInWithPassword({ email: next, password: 'second password' })).error
		).toBeNull();
		const weak = await t.admin().auth.admin.updateUserById(id, { password: '1' });
		expect(weak.error?.code).toBe('weak_password');
		const taken = await t.admin().auth.admin.createUser({ email: unique('taken') });
		const clash = await t.admin().auth.admin.updateUserById(id, { email: taken.data.user!.email });
		expect(clash.error?.code).toBe('email_exists');
	});

	it('bans a user from signing in and refreshing, and lifts the ban', async () => {
		const email = unique('banned');
		const created = await t
			.admin()
			.auth.admin.createUser({ email, password: 'ban me pw', email_confirm: true });
		const client = t.anon();
		await client.auth.signInWithPassword({ email, password: 'ban me pw' });
		const banned = await t
			.admin()
			.auth.admin.updateUserById(created.data.user!.id, { ban_duration: '24h' });
		expect(banned.data.user?.banned_until).toBeTruthy();
		const signIn = await t.anon().auth.signInWithPassword({ email, password: 'ban me pw' });
		expect(signIn.error?.code).toBe('user_banned');
		expect((await client.auth.refreshSession()).error?.code).toBe('user_banned');
		const bad = await t
			.admin()
			.auth.admin.updateUserById(created.data.user!.id, { ban_duration: 'forever' });
		expect(bad.error?.status).toBe(400);
		await t.admin().auth.admin.updateUserById(created.data.user!.id, { ban_duration: 'none' });
		expect(
			(await t.anon().auth.signInWithPassword({ email, password: 'ban me pw' })).error
		).toBeNull();
	});

	it('deletes a user with their sessions and identities', async () => {
		const email = unique('delete');
		const created = await t
			.admin()
			.auth.admin.createUser({ email, password: 'delete me', email_confirm: true });
		const client = t.anon();
		await client.auth.signInWithPassword({ email, password: 'delete me' });
		const session = (await client.auth.getSession()).data.session!;
		const { data, error } = await t.admin().auth.admin.deleteUser(created.data.user!.id);
		expect(error).toBeNull();
		expect(data.user).toEqual({});
		expect((await t.admin().auth.admin.getUserById(created.data.user!.id)).error?.status).toBe(404);
		expect(
			(await t.anon().auth.signInWithPassword({ email, password: 'delete me' })).error?.code
		).toBe('invalid_credentials');
		expect(
			(await t.anon().auth.refreshSession({ refresh_token: session.refresh_token })).error?.code
		).toBe('refresh_token_not_found');
		const { rows } = await t.db.query('select 1 from auth.identities where user_id = $1', [
			created.data.user!.id
		]);
		expect(rows).toHaveLength(0);
	});

	it('soft-deletes a user: kept, but unable to sign in', async () => {
		const email = unique('soft');
		const created = await t
			.admin()
			.auth.admin.createUser({ email, password: 'soft delete', email_confirm: true });
		const { error } = await t.admin().auth.admin.deleteUser(created.data.user!.id, true);
		expect(error).toBeNull();
		const kept = await t.admin().auth.admin.getUserById(created.data.user!.id);
		expect(kept.data.user?.deleted_at).toBeTruthy();
		expect(
			(await t.anon().auth.signInWithPassword({ email, password: 'soft delete' })).error?.code
		).toBe('invalid_credentials');
	});

	it('refuses admin calls with the publishable key or a user token', async () => {
		const email = unique('nosy');
		await t.admin().auth.admin.createUser({ email, password: 'nosy parent', email_confirm: true });
		const parent = t.anon();
		await parent.auth.signInWithPassword({ email, password: 'nosy parent' });
		const token = (await parent.auth.getSession()).data.session!.access_token;
		const res = await t.embedded.fetch(`${API_URL}/auth/v1/admin/users`, {
			headers: {
				apikey: t.embedded.keys.publishable,
				authorization: `Bearer ${token}`,
				'x-supabase-api-version': '2024-01-01'
			}
		});
		expect(res.status).toBe(403);
		expect(await res.json()).toMatchObject({ code: 'not_admin', msg: 'User not allowed' });
		const viaAnon = await t
			.anon()
			.auth.admin.deleteUser((await parent.auth.getUser()).data.user!.id);
		expect(viaAnon.error?.code).toBe('not_admin');
		expect((await parent.auth.getUser()).error).toBeNull();
	});
});
