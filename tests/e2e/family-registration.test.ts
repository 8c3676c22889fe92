/**
 * The family's side of a registration, in Chromium against the production build with the demo
 * data: a parent changes who comes without JavaScript (adds one, takes one off, is refused when the
 * places are gone) while the seats move and a waitlisted family is promoted; the registration's
 * calendar links (and WeChat's hint); the organiser's staff reveal a family's number on the day;
 * the family reads all of it in its readable export and PDF, which nobody else can open.
 */
import { expect, test, type BrowserContext, type Page, type TestInfo } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { expectAxeClean, signIn } from './support';

const STAFF = 'staff@youth.demo.gongyu.local';
const PARENT = 'parent1@demo.gongyu.local';
const OTHER = 'parent2@demo.gongyu.local';
// Sixty places, four left in the demo data, up to four people per family, ages 4 to 12.
const SLUG = 'winter-solstice-tangyuan';
const LELE = 'c0000000-0000-4000-8000-000000000003';
const WECHAT_UA =
	'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN';

type State = Awaited<ReturnType<BrowserContext['storageState']>>;
let staffState: State;
let parentState: State;
let otherState: State;

test.describe.configure({ mode: 'serial', timeout: 180_000 });

async function shots(page: Page, testInfo: TestInfo, name: string) {
	for (const width of [1280, 360]) {
		await page.setViewportSize({ width, height: 900 });
		const body = await page.screenshot({
			fullPage: true,
			path: testInfo.outputPath(`${name}-${width}.png`)
		});
		await testInfo.attach(`${name}-${width}`, { body, contentType: 'image/png' });
		const overflow = await page.evaluate(
			() => document.documentElement.scrollWidth > document.documentElement.clientWidth
		);
		expect(overflow, `${name} at ${width}px scrolls sideways`).toBe(false);
	}
	await page.setViewportSize({ width: 1280, height: 900 });
}

/** Places left as the event page says it ("剩余 4 个名额"); 0 when it says the event is full. */
async function placesLeft(page: Page): Promise<number> {
	const text = (await page.getByTestId('seats').textContent()) ?? '';
	return Number(/剩余 (\d+) 个名额/.exec(text)?.[1] ?? 0);
}

/** A context without JavaScript, signed in as the demo parent. */
async function parentWithoutScript(browser: import('@playwright/test').Browser) {
	return browser.newContext({ javaScriptEnabled: false, storageState: parentState });
}

test('staff ask about allergies for the tangyuan day', async ({ page }) => {
	await signIn(page, STAFF);
	await page.goto('/staff/events');
	await page
		.getByRole('link', { name: /冬至包汤圆/ })
		.first()
		.click();
	await page.waitForURL(/\/staff\/events\/[0-9a-f-]{36}$/);
	await page.getByRole('link', { name: '报名问题' }).click();
	await page.getByRole('button', { name: '添加“过敏与饮食”' }).click();
	await expect(page.getByRole('status')).toHaveText('问题已添加。');
	staffState = await page.context().storageState();
});

test('without JavaScript a parent registers, then adds grandma: the places go down', async ({
	browser
}) => {
	const signing = await browser.newContext({ javaScriptEnabled: false });
	await signIn(await signing.newPage(), PARENT);
	parentState = await signing.storageState();
	await signing.close();

	const context = await parentWithoutScript(browser);
	const page = await context.newPage();
	await page.goto(`/events/${SLUG}`);
	const before = await placesLeft(page);
	expect(before).toBeGreaterThanOrEqual(3);
	const form = page.getByTestId('register-form');
	await form.getByRole('checkbox', { name: /乐乐/ }).check();
	await form.getByRole('checkbox', { name: /妈妈/ }).check();
	await form
		.locator(`[data-member="${LELE}"]`)
		.getByLabel(/过敏与饮食/)
		.fill('花生过敏');
	await form.getByLabel('给主办方的留言（选填）').fill('乐乐第一次包汤圆');
	await form.getByRole('button', { name: /报名/ }).click();
	await expect(page).toHaveURL(/done=confirmed/);
	expect(await placesLeft(page)).toBe(before - 2);

	const change = page.getByTestId('change-members');
	await change.locator('summary').click();
	const edit = page.locator('form#change-members');
	await expect(edit).toBeVisible();
	// Who comes now is ticked, as the server drew it.
	await expect(edit.getByRole('checkbox', { name: /乐乐/ })).toBeChecked();
	await expect(edit.getByRole('checkbox', { name: /外婆/ })).not.toBeChecked();
	await edit.getByRole('checkbox', { name: /外婆/ }).check();
	await edit.getByRole('button', { name: '保存修改' }).click();
	await expect(page).toHaveURL(/done=changed/);
	await expect(page.getByTestId('done')).toHaveText('已修改参加人员。');
	await expect(page.getByTestId('my-status')).toContainText('外婆');
	await expect(page.getByTestId('my-status')).toContainText('乐乐');
	expect(await placesLeft(page)).toBe(before - 3);
	await context.close();
});

test('another family who needs two of the places left waits; when grandma stays home it is promoted', async ({
	browser
}) => {
	const other = await (await browser.newContext()).newPage();
	await signIn(other, OTHER);
	otherState = await other.context().storageState();
	await other.goto(`/events/${SLUG}`, { waitUntil: 'networkidle' });
	const left = await placesLeft(other);
	expect(left).toBe(1);
	const form = other.getByTestId('register-form');
	await form.getByRole('checkbox', { name: /小宇/ }).check();
	await form.getByRole('checkbox', { name: /爸爸/ }).check();
	await form.getByRole('button', { name: /报名|候补/ }).click();
	await expect(other).toHaveURL(/done=waitlisted/);
	await expect(other.getByTestId('my-status')).toContainText('候补');

	const context = await parentWithoutScript(browser);
	const page = await context.newPage();
	await page.goto(`/events/${SLUG}`);
	await page.getByTestId('change-members').locator('summary').click();
	await page.getByRole('button', { name: '取消外婆' }).click();
	await expect(page).toHaveURL(/done=changed/);
	await expect(page.getByTestId('my-status')).not.toContainText('外婆');
	await expect(page.getByTestId('my-status')).toContainText('妈妈');
	// The freed place and the one left make two: the waiting family has them now.
	expect(await placesLeft(page)).toBe(0);
	await other.reload();
	await expect(other.getByTestId('my-status')).toContainText('报名成功');
	await expect(other.getByTestId('my-status')).toContainText('已从候补转为正式报名');

	// Grandma again: no place is free, said in words, and nothing changes.
	await page.getByTestId('change-members').locator('summary').click();
	await page.locator('form#change-members').getByRole('checkbox', { name: /外婆/ }).check();
	await page.locator('form#change-members').getByRole('button', { name: '保存修改' }).click();
	await expect(page.getByTestId('change-error')).toHaveText('名额不够，不能再加这么多人。');
	await page.goto(`/events/${SLUG}`);
	await expect(page.getByTestId('my-status')).not.toContainText('外婆');
	await context.close();
	await other.context().close();
});

test('the registration links to Google, Outlook and Apple calendars; WeChat is told to open a browser', async ({
	browser
}, testInfo) => {
	const context = await browser.newContext({ storageState: parentState });
	const page = await context.newPage();
	await page.goto(`/events/${SLUG}`);
	const links = page.getByTestId('calendar-links');
	const startsAt = await page.locator('time[datetime]').first().getAttribute('datetime');
	const utc = new Date(startsAt ?? '').toISOString().replace(/[-:]|\.\d{3}/g, '');
	const google = new URL((await links.getByTestId('calendar-google').getAttribute('href')) ?? '');
	expect(google.origin + google.pathname).toBe('https://calendar.google.com/calendar/render');
	expect(google.searchParams.get('text')).toBe('传统文化体验日：冬至包汤圆');
	expect(google.searchParams.get('dates')).toMatch(new RegExp(`^${utc}/\\d{8}T\\d{6}Z$`));
	for (const [id, origin] of [
		['calendar-outlook', 'https://outlook.live.com'],
		['calendar-office', 'https://outlook.office.com']
	]) {
		const url = new URL((await links.getByTestId(id).getAttribute('href')) ?? '');
		expect(url.origin).toBe(origin);
		expect(url.searchParams.get('subject')).toBe('传统文化体验日：冬至包汤圆');
		expect(url.searchParams.get('startdt')).toBe(
			new Date(startsAt ?? '').toISOString().replace(/\.\d{3}Z$/, 'Z')
		);
	}
	const apple = (await links.getByTestId('calendar-apple').getAttribute('href')) ?? '';
	expect(apple).toMatch(/\/family\/registrations\/[0-9a-f-]{36}\/ics$/);
	const ics = await page.request.get(apple);
	expect(ics.headers()['content-type']).toContain('text/calendar');
	expect(await ics.text()).toContain('SUMMARY:传统文化体验日：冬至包汤圆');
	await expect(links.getByTestId('wechat-hint')).toHaveCount(0);

	// The panel, open, as a phone shows it (axe and the width check need the page's script).
	await page.getByTestId('change-members').locator('summary').click();
	await expect(page.locator('form#change-members')).toBeVisible();
	await expectAxeClean(page);
	await shots(page, testInfo, 'change-members');

	await page.goto('/family/registrations');
	const card = page.getByTestId('registration-card').filter({ hasText: '冬至包汤圆' });
	await expect(card.getByTestId('calendar-google')).toHaveAttribute('href', google.href);
	await expect(card.getByTestId('registration-ics')).toBeVisible();
	await context.close();

	const wechat = await browser.newContext({
		storageState: parentState,
		userAgent: WECHAT_UA
	});
	const inWeChat = await wechat.newPage();
	await inWeChat.goto(`/events/${SLUG}`);
	await expect(inWeChat.getByTestId('wechat-hint')).toContainText('点击右上角 ··· 在浏览器打开');
	await expectAxeClean(inWeChat);
	await shots(inWeChat, testInfo, 'calendar-wechat');
	await wechat.close();
});

test("the organiser's staff reveal a family's number on the day of the event, once asked", async ({
	browser
}, testInfo) => {
	const page = await (await browser.newContext({ storageState: staffState })).newPage();
	await page.goto('/staff/events');
	await page
		.getByRole('link', { name: /今晚聊聊亲子沟通/ })
		.first()
		.click();
	await page.waitForURL(/\/staff\/events\/[0-9a-f-]{36}$/);
	await page.goto(`${new URL(page.url()).pathname}/attendees`);
	const card = page.getByTestId('attendee-list').locator('li', { hasText: '王芳' });
	// Masked until asked.
	await expect(card).toContainText('138****0001');
	await expect(card).not.toContainText('13800000001');
	await expect(page.getByTestId('contact-hint')).toContainText('每次查看都会记录');
	await card.getByTestId('reveal-phone').click();
	await expect(card.getByTestId('revealed-phone')).toContainText('王芳的手机号：13800000001');
	await expect(card.getByRole('link', { name: /13800000001/ })).toHaveAttribute(
		'href',
		'tel:13800000001'
	);
	await expectAxeClean(page);
	await shots(page, testInfo, 'staff-reveal');
	await page.context().close();
});

test('the family reads its answers, its note and the reveal in its readable export and PDF', async ({
	browser
}, testInfo) => {
	const context = await parentWithoutScript(browser);
	const page = await context.newPage();
	await page.goto('/family');
	await page.getByTestId('export-readable').click();
	await expect(page).toHaveURL(/\/family\/export\/print$/);
	const registrations = page.getByTestId('export-registrations');
	await expect(registrations).toContainText('传统文化体验日：冬至包汤圆');
	await expect(registrations).toContainText('过敏与饮食');
	await expect(registrations).toContainText('乐乐 花生过敏');
	await expect(registrations).toContainText('乐乐第一次包汤圆');
	await expect(page.getByTestId('export-reveals')).toContainText('家长课堂：今晚聊聊亲子沟通');
	await expect(page.getByTestId('export-preferences')).toContainText('活动提醒');
	await expect(page.getByTestId('export-consents')).toContainText('2026-12');
	const shown = await (await browser.newContext({ storageState: parentState })).newPage();
	await shown.goto('/family/export/print');
	await expectAxeClean(shown);
	await shots(shown, testInfo, 'readable-export');
	await shown.context().close();

	const response = await page.request.get('/family/export.pdf');
	expect(response.status()).toBe(200);
	expect(response.headers()['content-type']).toBe('application/pdf');
	const file = testInfo.outputPath('family-export.pdf');
	await writeFile(file, await response.body());
	const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
	expect(text).toContain('乐乐 花生过敏');
	expect(text).toContain('乐乐第一次包汤圆');
	expect(text).toContain('家长课堂：今晚聊聊亲子沟通');
	execFileSync('pdftoppm', ['-r', '70', '-png', file, testInfo.outputPath('family-export')]);
	await context.close();

	// Nobody signed in: sent to sign in, and no PDF.
	const anon = await (await browser.newContext()).newPage();
	await anon.goto('/family/export/print');
	await expect(anon).toHaveURL(/\/auth\/sign-in\?next=%2Ffamily%2Fexport%2Fprint/);
	const pdf = await anon.request.get('/family/export.pdf', { maxRedirects: 0 });
	expect(pdf.status()).toBe(303);
	expect(pdf.headers()['content-type'] ?? '').not.toContain('pdf');
	// Another family's export holds none of it.
	const other = await (await browser.newContext({ storageState: otherState })).newPage();
	await other.goto('/family/export/print');
	await expect(other.getByTestId('readable-export')).toContainText('Li Qiang 李强');
	await expect(other.getByTestId('readable-export')).not.toContainText('花生过敏');
	await expect(other.getByTestId('readable-export')).not.toContainText('13800000001');
	await anon.context().close();
	await other.context().close();
});
