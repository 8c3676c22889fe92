/**
 * A slow phone shows the page well before its script arrives, and a parent starts typing at once.
 * When the script arrives the page hydrates: what was typed must still be there, and the form must
 * still send it. (Svelte writes an input's `value={…}` and `checked={…}` when it hydrates, which
 * would wipe them: src/lib/keep-typed.ts notes what was changed before and gives it back after.)
 */
import { expect, test, type Page } from '@playwright/test';
import { createFamily, readLatestMail, signIn, uniqueEmail } from './support';

/** Holds the page's JavaScript until `release` is called, as a slow connection would. */
async function holdScripts(page: Page): Promise<() => void> {
	let release!: () => void;
	const held = new Promise<void>((resolve) => (release = resolve));
	await page.route('**/_app/immutable/**/*.js', async (route) => {
		await held;
		await route.continue();
	});
	return release;
}

/** Lets the held scripts through and waits until they have loaded. */
async function letScriptsThrough(page: Page, release: () => void) {
	release();
	await page.waitForLoadState('networkidle');
}

test('an email typed before the sign-in page hydrates stays, and the code is sent to it', async ({
	page
}) => {
	const email = uniqueEmail('slow-phone');
	const release = await holdScripts(page);
	await page.goto('/auth/sign-in', { waitUntil: 'domcontentloaded' });
	await page.getByLabel('邮箱地址').fill(email);
	await letScriptsThrough(page, release);
	await expect(page.getByLabel('邮箱地址')).toHaveValue(email);
	// The form goes out through SvelteKit's enhance (only a hydrated page sends this header): so
	// the page had hydrated, and what was typed was still there when it did.
	const enhanced = page.waitForRequest(
		(r) => r.method() === 'POST' && r.headers()['x-sveltekit-action'] === 'true'
	);
	await page.getByRole('button', { name: '发送验证码' }).click();
	await enhanced;
	await expect(page.getByLabel('6 位验证码')).toBeVisible();
	expect((await readLatestMail(page.context(), email)).code).toMatch(/^\d{6}$/);
});

test('a child typed into /family before it hydrates stays, notes too, and is saved', async ({
	page
}) => {
	test.setTimeout(120_000);
	await signIn(page, uniqueEmail('slow-child'));
	await createFamily(page, '慢网家长');
	const card = page.getByTestId('add-child');
	await card.getByRole('button', { name: '我是孩子的监护人，我同意' }).click();
	await expect(card.getByLabel('孩子的昵称或小名')).toBeVisible();

	const release = await holdScripts(page);
	await page.reload({ waitUntil: 'domcontentloaded' });
	await card.getByLabel('孩子的昵称或小名').fill('小慢');
	await card.getByLabel('出生年份').selectOption('2018');
	await card.getByLabel('出生月份').selectOption('3');
	await card.getByLabel('年级（选填）').fill('二年级');
	// Every field here is drawn from value={…}: hydrating writes each back unless it is kept.
	await card.getByLabel('备注（选填）').fill('对花生过敏');
	await letScriptsThrough(page, release);
	const enhanced = page.waitForRequest(
		(r) => r.method() === 'POST' && r.headers()['x-sveltekit-action'] === 'true'
	);
	await card.getByRole('button', { name: '添加这个孩子' }).click();
	// Only a hydrated page sends this; what it sends is what was on the page after hydrating.
	const sent = new URLSearchParams((await enhanced).postData() ?? '');
	expect(sent.get('nickname')).toBe('小慢');
	expect(sent.get('grade')).toBe('二年级');
	expect(sent.get('notes')).toBe('对花生过敏');
	await expect(page.getByTestId('member').filter({ hasText: '小慢' })).toContainText('对花生过敏');
});
