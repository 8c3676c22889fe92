/**
 * A slow phone shows the page well before its script arrives, and a parent starts typing at once.
 * When the script arrives the page hydrates: what was typed must still be there, and the form must
 * still send it. (Svelte writes an input's `value={…}` when it hydrates, so a field drawn from a
 * value is wiped; the family's forms draw theirs as `defaultValue`.)
 */
import { expect, test, type Page } from '@playwright/test';
import { readLatestMail, uniqueEmail } from './support';

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
