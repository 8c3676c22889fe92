import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { ORIGIN, enterCode, readLatestMail, requestCode, uniqueEmail } from './support';

test.describe('accessibility', () => {
	for (const path of ['/', '/auth/sign-in']) {
		test(`axe finds no violations on ${path}`, async ({ page }) => {
			await page.goto(path);
			const results = await new AxeBuilder({ page }).analyze();
			expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
		});
	}

	test('axe finds no violations on the code step of signing in', async ({ page }) => {
		await requestCode(page, uniqueEmail('axe'));
		await expect(page.getByLabel('6 位验证码')).toBeVisible();
		const results = await new AxeBuilder({ page }).analyze();
		expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
	});
});

test('the home page and sign-in page are readable on a 360 px phone', async ({
	browser
}, testInfo) => {
	const context = await browser.newContext({
		viewport: { width: 360, height: 740 },
		deviceScaleFactor: 2,
		isMobile: true,
		hasTouch: true,
		locale: 'zh-CN'
	});
	const page = await context.newPage();
	for (const [name, path] of [
		['home-360', '/'],
		['sign-in-360', '/auth/sign-in']
	]) {
		await page.goto(`${ORIGIN}${path}`);
		// Nothing is wider than the screen.
		const overflow = await page.evaluate(
			() => document.documentElement.scrollWidth - document.documentElement.clientWidth
		);
		expect(overflow).toBeLessThanOrEqual(0);
		// Every button and link in the header is a comfortable touch target.
		for (const box of await page
			.locator('header a, header button, header summary')
			.evaluateAll((els) => els.map((el) => el.getBoundingClientRect().height))) {
			expect(box).toBeGreaterThanOrEqual(44);
		}
		const shot = await page.screenshot({
			fullPage: true,
			path: testInfo.outputPath(`${name}.png`)
		});
		await testInfo.attach(name, { body: shot, contentType: 'image/png' });
	}
	await context.close();
});

test('pages carry a strict CSP and the security headers', async ({ request }) => {
	// A page that hydrates allows its own inline start-up script by nonce and nothing inline else.
	const signIn = await request.get('/auth/sign-in');
	const signInCsp = signIn.headers()['content-security-policy'];
	expect(signInCsp).toMatch(/script-src 'self' 'nonce-[^']+'/);
	expect(signInCsp).not.toMatch(/script-src[^;]*unsafe-inline/);
	// A public page hydrates nothing, so it needs no nonce and allows no inline script at all.
	const response = await request.get('/');
	const headers = response.headers();
	const csp = headers['content-security-policy'];
	expect(csp).toMatch(/script-src 'self'(;|$)/);
	expect(await response.text()).not.toMatch(/<script(?![^>]*\bsrc=)/);
	expect(csp).toContain("frame-ancestors 'none'");
	expect(headers['x-content-type-options']).toBe('nosniff');
	expect(headers['x-frame-options']).toBe('DENY');
	expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
	expect(headers['permissions-policy']).toContain('microphone=()');
});

test('a cross-site form post is refused', async ({ request }) => {
	const response = await request.post('/auth/sign-in?/request', {
		form: { email: 'a@example.cn' },
		headers: { origin: 'https://evil.example' }
	});
	expect(response.status()).toBe(403);
});

test('supabase-js calls reach the API on the app origin and are not taken for form posts', async ({
	request
}) => {
	const settings = await request.get('/auth/v1/settings', { headers: { apikey: 'x' } });
	expect(settings.status()).toBeLessThan(500);
	const otp = await request.post('/auth/v1/otp', {
		headers: { 'content-type': 'application/json', origin: 'https://elsewhere.example' },
		data: { email: 'not-an-address' }
	});
	// Answered by the auth API (an auth error, not SvelteKit's CSRF 403 page).
	expect(otp.status()).not.toBe(403);
	expect(otp.headers()['content-type']).toContain('application/json');
});

test('healthz answers ok when the database does', async ({ request }) => {
	const response = await request.get('/healthz');
	expect(response.status()).toBe(200);
	expect(await response.text()).toBe('ok');
});

test('the staff and district pages are closed to a parent', async ({ page, context }) => {
	const email = uniqueEmail('notstaff');
	await page.goto('/staff');
	await expect(page).toHaveURL(/\/auth\/sign-in\?next=%2Fstaff/);
	await page.getByLabel('邮箱地址').fill(email);
	await page.getByRole('button', { name: '发送验证码' }).click();
	const mail = await readLatestMail(context, email);
	await enterCode(page, mail.code);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('没有权限访问此页面');
	const response = await page.goto('/admin');
	expect(response?.status()).toBe(403);
	await expect(page.getByRole('navigation').getByRole('link', { name: '工作台' })).toHaveCount(0);
});

test('the home page lists the next published events of the demo data, in Beijing time', async ({
	page
}) => {
	await page.goto('/');
	const items = page.getByTestId('events').locator('li');
	await expect(items.first()).toBeVisible();
	const count = await items.count();
	expect(count).toBeGreaterThan(0);
	expect(count).toBeLessThanOrEqual(6);
	const instants = await page
		.getByTestId('events')
		.locator('time')
		.evaluateAll((els) => els.map((el) => Date.parse(el.getAttribute('datetime') ?? '')));
	expect(instants.every((t) => t >= Date.now() - 60_000)).toBe(true);
	expect([...instants].sort((a, b) => a - b)).toEqual(instants);
	// The text shows the wall-clock time in Asia/Shanghai.
	const first = new Date(instants[0]);
	const hhmm = new Intl.DateTimeFormat('en-GB', {
		timeZone: 'Asia/Shanghai',
		hour: '2-digit',
		minute: '2-digit',
		hour12: false
	}).format(first);
	await expect(items.first().locator('time')).toContainText(hhmm);
});
