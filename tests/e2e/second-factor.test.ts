/**
 * Two-step verification in Chromium against the production build: a manager of a new
 * organisation turns TOTP on (the code computed here from the key the page shows, with the same
 * library as an authenticator app's algorithm), requires it of the organisation, signs out, and
 * signs in again with the emailed code and then the TOTP code; a wrong TOTP code is refused.
 */
import { createClient } from '@supabase/supabase-js';
import { expect, test, type Page } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import * as OTPAuth from 'otpauth';
import WebSocket from 'ws';
import { ORIGIN, expectAxeClean, signIn, uniqueEmail } from './support';

const SECRET_KEY = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz';
const SHOTS = '/tmp/shots-24';

/** What an authenticator app shows for this key now. */
const totpCode = (secret: string) =>
	new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate();

/** A manager of an organisation of their own, so that nothing here touches the demo accounts. */
async function newManager(): Promise<string> {
	const admin = createClient(ORIGIN, SECRET_KEY, {
		auth: { persistSession: false, autoRefreshToken: false },
		realtime: { transport: WebSocket as never }
	});
	const email = uniqueEmail('mfa-manager');
	const created = await admin.auth.admin.createUser({ email, email_confirm: true });
	if (created.error) throw created.error;
	const slug = `mfa-${randomUUID().slice(0, 8)}`;
	const org = await admin
		.from('organisations')
		.insert({
			kind: 'community_parent_school',
			slug,
			name_zh: '两步验证社区家长学校',
			name_en: 'MFA community school'
		})
		.select('id')
		.single();
	if (org.error) throw org.error;
	const member = await admin
		.from('org_members')
		.insert({ org_id: org.data.id, user_id: created.data.user.id, role: 'manager' });
	if (member.error) throw member.error;
	return email;
}

async function shoot(page: Page, name: string) {
	await mkdir(SHOTS, { recursive: true });
	await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

test('a manager turns on TOTP, requires it, and signs in again with the email code and TOTP', async ({
	page
}) => {
	test.setTimeout(180_000);
	const email = await newManager();
	await signIn(page, email);

	await page.goto(`${ORIGIN}/staff/security`);
	await expect(page.getByTestId('second-factor-off')).toBeVisible();
	// Requiring it before having it is refused with a sentence.
	await page.getByRole('button', { name: '设为必须' }).click();
	await expect(page.getByTestId('rule-message')).toContainText('请先为自己开启两步验证');
	await expect(page.getByTestId('rule-state')).toContainText('目前不要求');

	await page.getByRole('button', { name: '开启两步验证' }).click();
	await expect(page.getByTestId('second-factor-qr').locator('svg')).toBeVisible();
	const secret = (await page.getByTestId('second-factor-secret').textContent())!.trim();
	expect(secret).toMatch(/^[A-Z2-7]{32}$/);
	await page.setViewportSize({ width: 360, height: 800 });
	await shoot(page, 'security-scan-360');
	await page.setViewportSize({ width: 1280, height: 900 });
	await shoot(page, 'security-scan-desktop');
	await expectAxeClean(page);

	// A wrong code first: refused, nothing turned on.
	const wrong = String((Number(totpCode(secret)) + 500_000) % 1_000_000).padStart(6, '0');
	await page.getByLabel('应用显示的 6 位数字').fill(wrong);
	await page.getByRole('button', { name: '确认开启' }).click();
	await expect(page.getByTestId('security-message')).toContainText('验证码不对');
	await page.getByLabel('应用显示的 6 位数字').fill(totpCode(secret));
	await page.getByRole('button', { name: '确认开启' }).click();
	await expect(page.getByTestId('security-message')).toContainText('两步验证已开启');
	await expect(page.getByTestId('second-factor-on')).toBeVisible();

	// Now the manager may require it of everyone at the organisation.
	await page.getByRole('button', { name: '设为必须' }).click();
	await expect(page.getByTestId('rule-state')).toContainText('本机构要求所有员工开启两步验证');
	await shoot(page, 'security-on-desktop');

	await page.goto(`${ORIGIN}/auth/sign-out`);
	await page.getByRole('button', { name: '退出登录' }).click();
	await expect(page).toHaveURL(`${ORIGIN}/`);

	// The email code alone is not enough: the TOTP step comes next.
	await signIn(page, email);
	await expect(page).toHaveURL(/\/auth\/second-factor\?next=/);
	await page.setViewportSize({ width: 360, height: 800 });
	await shoot(page, 'second-factor-360');
	await expectAxeClean(page);
	// The staff area waits for the code too.
	await page.goto(`${ORIGIN}/staff/security`);
	await expect(page).toHaveURL(/\/auth\/second-factor\?next=%2Fstaff%2Fsecurity/);
	await page.getByLabel('应用显示的 6 位数字').fill(wrong);
	await page.getByRole('button', { name: '验证' }).click();
	await expect(page.getByRole('alert')).toContainText('验证码不对');
	await page.getByLabel('应用显示的 6 位数字').fill(totpCode(secret));
	await page.getByRole('button', { name: '验证' }).click();
	await expect(page).toHaveURL(`${ORIGIN}/staff/security`);
	await expect(page.getByTestId('second-factor-on')).toBeVisible();
});

test('the second-factor step works without JavaScript', async ({ browser }) => {
	test.setTimeout(180_000);
	const context = await browser.newContext({ javaScriptEnabled: false });
	const page = await context.newPage();
	const email = await newManager();
	await signIn(page, email);
	await page.goto(`${ORIGIN}/staff/security`);
	await page.getByRole('button', { name: '开启两步验证' }).click();
	const secret = (await page.getByTestId('second-factor-secret').textContent())!.trim();
	await page.getByLabel('应用显示的 6 位数字').fill(totpCode(secret));
	await page.getByRole('button', { name: '确认开启' }).click();
	await expect(page.getByTestId('second-factor-on')).toBeVisible();
	await context.clearCookies();
	await signIn(page, email);
	await expect(page).toHaveURL(/\/auth\/second-factor/);
	await page.getByLabel('应用显示的 6 位数字').fill(totpCode(secret));
	await page.getByRole('button', { name: '验证' }).click();
	await expect(page).not.toHaveURL(/\/auth\/second-factor/);
	await context.close();
});
