import AxeBuilder from '@axe-core/playwright';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 4173);
export const ORIGIN = `http://localhost:${port}`;
/** The server with an 8-second code expiry (long enough for a slow machine to use a code at once) and one code request per address. */
export const STRICT_ORIGIN = `http://localhost:${port + 1}`;

export function uniqueEmail(label: string): string {
	return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.cn`;
}

export interface Mail {
	subject: string;
	text: string;
	code: string;
	link: string;
}

/** Opens the dev mailbox in a page of its own and reads the newest email to `email`. */
export async function readLatestMail(
	context: BrowserContext,
	email: string,
	origin = ORIGIN
): Promise<Mail> {
	const page = await context.newPage();
	try {
		const item = page.locator(`a[data-to="${email}"]`).first();
		await expect(async () => {
			await page.goto(`${origin}/dev/mailbox`);
			await expect(item).toBeVisible({ timeout: 1000 });
		}).toPass({ timeout: 15_000 });
		await item.click();
		await expect(page.getByTestId('mail-to')).toHaveText(email);
		const text = (await page.getByTestId('mail-text').textContent()) ?? '';
		const subject = await page.locator('h1').textContent();
		const code = /\b(\d{6})\b/.exec(text)?.[1];
		const link = /(https?:\/\/\S+\/auth\/confirm\?\S+)/.exec(text)?.[1];
		if (!code || !link) throw new Error(`no code or link in the email:\n${text}`);
		return { subject: subject ?? '', text, code, link };
	} finally {
		await page.close();
	}
}

/** Step 1 of signing in: ask for a code. */
export async function requestCode(page: Page, email: string, origin = ORIGIN) {
	await page.goto(`${origin}/auth/sign-in`);
	await page.getByLabel('邮箱地址').fill(email);
	await page.getByRole('button', { name: '发送验证码' }).click();
}

export async function enterCode(page: Page, code: string) {
	await page.getByLabel('6 位验证码').fill(code);
	await page.getByRole('button', { name: '登录', exact: true }).click();
}

/** Opens the account menu (a <details>, so it works without JavaScript) and reads who is in. */
export async function expectSignedInAs(page: Page, email: string) {
	const summary = page.getByLabel(/我的账户|My account/);
	await expect(summary).toBeVisible();
	if (!(await page.locator('details[open]').count())) await summary.click();
	await expect(page.getByTestId('signed-in-as')).toContainText(email);
}

export function otherCode(code: string): string {
	return String((Number(code) + 1) % 1_000_000).padStart(6, '0');
}

/**
 * The newest email to `email` in the dev mailbox (its link), or null. The mailbox lists the latest
 * 100 emails only, so a count would stand still once older ones drop out: compare the newest.
 */
async function newestMail(page: Page, email: string): Promise<string | null> {
	const mailbox = await page.context().newPage();
	await mailbox.goto(`${ORIGIN}/dev/mailbox`);
	const first = mailbox.locator(`a[data-to="${email}"]`).first();
	const href = (await first.count()) ? await first.getAttribute('href') : null;
	await mailbox.close();
	return href;
}

/** Signs in with a code from the dev mailbox — a new code, even when earlier ones are there. */
export async function signIn(page: Page, email: string) {
	const before = await newestMail(page, email);
	await requestCode(page, email);
	// The same address signed in less than a minute ago (another test): Auth sends one email a
	// minute, and the page says when the next may be asked for. Wait for it, then ask again.
	await expect(page.getByLabel('6 位验证码')).toBeVisible();
	const wait = page.getByTestId('resend-wait');
	if (await wait.isVisible()) {
		const seconds = Number(/\d+/.exec((await wait.textContent()) ?? '')?.[0] ?? 60);
		test.info().setTimeout(test.info().timeout + (seconds + 30) * 1000);
		await page.waitForTimeout((seconds + 1) * 1000);
		await page.getByRole('button', { name: '重新发送验证码' }).click();
	}
	await expect.poll(() => newestMail(page, email), { timeout: 15_000 }).not.toBe(before);
	const mail = await readLatestMail(page.context(), email);
	await enterCode(page, mail.code);
	await expect(page).not.toHaveURL(/\/auth\/sign-in/);
}

/** A new family's first step on /family: the guardian's name and phone. */
export async function createFamily(page: Page, name: string) {
	await page.goto('/family');
	await page.getByLabel('监护人称呼').fill(name);
	await page.getByLabel('手机号码（选填）').fill('13900001234');
	await page.getByRole('button', { name: '保存，下一步' }).click();
	await expect(page.getByRole('heading', { name: '家庭成员' })).toBeVisible();
}

/** Adds a child on /family (the guardian's consent already given). */
export async function addChild(page: Page, nickname: string, year: number, month: number) {
	const form = page.getByTestId('add-child');
	await form.getByLabel('孩子的昵称或小名').fill(nickname);
	await form.getByLabel('出生年份').selectOption(String(year));
	await form.getByLabel('出生月份').selectOption(String(month));
	await form.getByRole('button', { name: '添加这个孩子' }).click();
	await expect(page.getByTestId('member').filter({ hasText: nickname })).toBeVisible();
}

/**
 * Words of the elements matching `selector` that a line break cuts in two (a Chinese run without
 * spaces counts as one word): headings and narrow cells must break between words only.
 */
export async function brokenWords(page: Page, selector: string): Promise<string[]> {
	return page.evaluate((selector) => {
		const broken: string[] = [];
		for (const element of document.querySelectorAll(selector)) {
			const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
			for (let node = walker.nextNode(); node; node = walker.nextNode()) {
				for (const match of (node.textContent ?? '').matchAll(/[^\s·]+/g)) {
					const range = document.createRange();
					range.setStart(node, match.index);
					range.setEnd(node, match.index + match[0].length);
					const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
					if (tops.size > 1) broken.push(match[0]);
				}
			}
		}
		return broken;
	}, selector);
}

/** Fails with each accessibility rule axe finds broken on the page, and where. */
export async function expectAxeClean(page: Page) {
	const results = await new AxeBuilder({ page }).analyze();
	expect(
		results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(' ')})`)
	).toEqual([]);
}
