/**
 * An email change confirmed from both addresses (`[auth.email] double_confirm_changes`), as GoTrue
 * does it: `updateUser({ email })` sends a code to the current address and one to the new one;
 * the first confirmation changes nothing but says so, the second makes the change; the admin API's
 * email change links work the same way — on PGlite and on the PostgreSQL server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	serverAvailable,
	startEmbedded,
	uniqueEmail,
	type TestSupabase
} from '../support/embedded';

const server = await serverAvailable();

describe.each(server ? (['pglite', 'postgres'] as const) : (['pglite'] as const))(
	'double-confirmed email change (%s)',
	(backend) => {
		let t: TestSupabase;

		beforeAll(async () => {
			t = await startEmbedded({ backend, auth: { secureEmailChange: true } });
		});
		afterAll(async () => {
			await t?.close();
		});

		const mailTo = (email: string) => t.mail.filter((m) => m.email === email).at(-1);
		const emailOf = async (id: string) =>
			(
				await t.db.query<{ email: string }>('select email from auth.users where id = $1::uuid', [
					id
				])
			).rows[0].email;

		it('needs the codes of both addresses, in either order', async () => {
			const email = uniqueEmail('old');
			const next = uniqueEmail('new');
			const client = await t.userClient(email, { password: 'change my email' });
			const { data, error } = await client.auth.updateUser({ email: next });
			expect(error).toBeNull();
			expect(data.user?.new_email).toBe(next);
			const toOld = mailTo(email);
			const toNew = mailTo(next);
			expect(toOld?.type).toBe('email_change');
			expect(toNew?.type).toBe('email_change');
			expect(toOld?.token).not.toBe(toNew?.token);
			// The new address first: accepted, nothing changed yet.
			const first = await client.auth.verifyOtp({
				email: next,
				token: toNew!.token,
				type: 'email_change'
			});
			expect(first.error).toBeNull();
			expect(first.data.session).toBeNull();
			expect(await emailOf(data.user!.id)).toBe(email);
			// A wrong code from the old address changes nothing either.
			const wrong = await client.auth.verifyOtp({
				email,
				token: String((Number(toOld!.token) + 1) % 1_000_000).padStart(6, '0'),
				type: 'email_change'
			});
			expect(wrong.error?.code).toBe('otp_expired');
			expect(await emailOf(data.user!.id)).toBe(email);
			const second = await client.auth.verifyOtp({
				email,
				token: toOld!.token,
				type: 'email_change'
			});
			expect(second.error).toBeNull();
			expect(second.data.user?.email).toBe(next);
			expect(await emailOf(data.user!.id)).toBe(next);
		});

		it("the answer to the first confirmation is GoTrue's", async () => {
			const email = uniqueEmail('old');
			const next = uniqueEmail('new');
			const client = await t.userClient(email, { password: 'change my email' });
			await client.auth.updateUser({ email: next });
			const res = await t.embedded.fetch('http://localhost:54321/auth/v1/verify', {
				method: 'POST',
				headers: { apikey: t.embedded.keys.publishable, 'content-type': 'application/json' },
				body: JSON.stringify({ email, token: mailTo(email)!.token, type: 'email_change' })
			});
			expect(res.status).toBe(200);
			expect(await res.json()).toEqual({
				msg: 'Confirmation link accepted. Please proceed to confirm link sent to the other email',
				code: '200'
			});
		});

		it('generateLink answers a link for either address of the change', async () => {
			const email = uniqueEmail('old');
			const next = uniqueEmail('new');
			await t.userClient(email, { password: 'change my email' });
			const { data, error } = await t.admin().auth.admin.generateLink({
				type: 'email_change_current',
				email,
				newEmail: next
			});
			expect(error).toBeNull();
			expect(data.user?.new_email).toBe(next);
			expect(data.properties?.action_link).toMatch(/\?token=.+&type=email_change&redirect_to=/);
			const verified = await t
				.anon()
				.auth.verifyOtp({ token_hash: data.properties!.hashed_token, type: 'email_change' });
			expect(verified.error).toBeNull();
			expect(await emailOf(data.user!.id)).toBe(email);
			const unknown = await t.admin().auth.admin.generateLink({
				type: 'email_change_new',
				email: next,
				newEmail: email
			});
			expect(unknown.error?.status).toBe(404);
		});
	}
);
