/**
 * Questions per event, in Chromium against the production build with the demo data: the youth
 * centre's staff add questions (two presets and one of their own), a parent answers them when
 * registering (a missing required answer is refused without JavaScript, in words), and the staff
 * read the answers and the note on the attendee list and in the CSV.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type BrowserContext, type Page, type TestInfo } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { signIn } from './support';

const STAFF = 'staff@youth.demo.gongyu.local';
const PARENT = 'parent1@demo.gongyu.local';
const SLUG = 'parent-child-basketball';

async function axe(page: Page) {
	const results = await new AxeBuilder({ page }).analyze();
	expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
}

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

test.describe.configure({ mode: 'serial', timeout: 180_000 });

let eventPath = '';
// Each person signs in once (a code by email each time is slow, and limited per address).
type State = Awaited<ReturnType<BrowserContext['storageState']>>;
let staffState: State;
let parentState: State;

test('staff add questions to an event: presets and their own', async ({ page }, testInfo) => {
	await signIn(page, STAFF);
	await page.goto('/staff/events');
	await page
		.getByRole('link', { name: /亲子篮球/ })
		.first()
		.click();
	await page.waitForURL(/\/staff\/events\/[0-9a-f-]{36}$/);
	eventPath = new URL(page.url()).pathname;
	await page.getByRole('link', { name: '报名问题' }).click();
	await expect(page.getByRole('heading', { name: '报名问题', level: 1 })).toBeVisible();

	await page.getByRole('button', { name: '添加“过敏与饮食”' }).click();
	await expect(page.getByRole('status')).toHaveText('问题已添加。');
	await page.getByRole('button', { name: '添加“年级”' }).click();
	await expect(page.getByTestId('question-list').locator('li')).toHaveCount(2);
	// A used preset is not offered again.
	await expect(page.getByRole('button', { name: '添加“过敏与饮食”' })).toHaveCount(0);

	await page.getByLabel('问题（中文）').fill('孩子会运球吗');
	await page.getByLabel('问题（英文，选填）').fill('Can the child dribble?');
	await page.getByLabel('回答方式').selectOption('yes_no');
	await page.getByLabel('问谁').selectOption('children');
	await page.getByLabel('必答').check();
	await page.getByRole('button', { name: '添加问题' }).click();
	await expect(page.getByTestId('question-list').locator('li')).toHaveCount(3);
	await expect(page.getByTestId('question-list')).toContainText('孩子会运球吗');
	await expect(page.getByTestId('question-list')).toContainText('是 / 否 · 每个孩子 · 必答');

	// A choice question without choices is refused in words.
	await page.getByLabel('问题（中文）').fill('交通方式');
	await page.getByLabel('回答方式').selectOption('single_choice');
	await page.getByRole('button', { name: '添加问题' }).click();
	await expect(page.getByRole('alert')).toHaveText('请填写问题，单选和多选题至少要有一个选项。');
	await expect(page.getByTestId('question-list').locator('li')).toHaveCount(3);
	await axe(page);
	await shots(page, testInfo, 'staff-questions');
	staffState = await page.context().storageState();
});

test('without JavaScript a missing required answer is refused and what was typed stays', async ({
	browser
}) => {
	const context = await browser.newContext({ javaScriptEnabled: false });
	const page = await context.newPage();
	await signIn(page, PARENT);
	await page.goto(`/events/${SLUG}`);
	const form = page.getByTestId('register-form');
	await form.getByRole('checkbox', { name: /乐乐/ }).check();
	await form.getByRole('checkbox', { name: /妈妈/ }).check();
	// Without script every person's questions show, none marked required for the browser; the
	// server asks for the child's required answer.
	await form
		.locator('[data-member="c0000000-0000-4000-8000-000000000003"]')
		.getByLabel(/过敏与饮食/)
		.fill('花生');
	await form.getByRole('button', { name: /报名/ }).click();
	await expect(page.getByTestId('form-error')).toHaveText('请回答：孩子会运球吗');
	await expect(
		page.locator('[data-member="c0000000-0000-4000-8000-000000000003"]').getByLabel(/过敏与饮食/)
	).toHaveValue('花生');
	parentState = await context.storageState();
	await context.close();
});

test('a parent answers the questions and leaves a note when registering', async ({
	browser
}, testInfo) => {
	const page = await (await browser.newContext({ storageState: parentState })).newPage();
	await page.goto(`/events/${SLUG}`, { waitUntil: 'networkidle' });
	const form = page.getByTestId('register-form');
	await expect(form.getByText('请回答主办方的问题')).toBeVisible();
	await form.getByRole('checkbox', { name: /乐乐/ }).check();
	await form.getByRole('checkbox', { name: /妈妈/ }).check();
	const lele = form.locator('[data-member="c0000000-0000-4000-8000-000000000003"]');
	const mum = form.locator('[data-member="c0000000-0000-4000-8000-000000000001"]');
	// The grade is asked only of the child.
	await expect(mum.getByLabel('年级')).toHaveCount(0);
	await lele.getByLabel(/过敏与饮食/).fill('花生过敏');
	await lele.getByLabel('年级').selectOption({ label: '二年级' });
	await mum.getByLabel(/过敏与饮食/).fill('无');
	await lele.getByRole('radio', { name: '否' }).check();
	await form.getByLabel('给主办方的留言（选填）').fill('乐乐第一次打篮球');
	await axe(page);
	await shots(page, testInfo, 'parent-questions');
	await form.getByRole('button', { name: /报名/ }).click();
	await expect(page).toHaveURL(/done=confirmed/);
});

test('staff read the answers and the note on the attendee list and in the CSV', async ({
	browser
}, testInfo) => {
	const page = await (await browser.newContext({ storageState: staffState })).newPage();
	await page.goto(`${eventPath}/attendees`);
	const card = page.getByTestId('attendee-list').locator('li', { hasText: '乐乐' }).filter({
		hasText: '花生过敏'
	});
	await expect(card.getByTestId('answers')).toContainText(
		/过敏与饮食 ⚕：\s?乐乐 花生过敏；妈妈 无/
	);
	await expect(card.getByTestId('answers')).toContainText(/年级：\s?乐乐 二年级/);
	await expect(card.getByTestId('answers')).toContainText(/孩子会运球吗：\s?乐乐 否/);
	await expect(card.getByTestId('note')).toHaveText('乐乐第一次打篮球');
	await axe(page);
	await shots(page, testInfo, 'staff-answers');

	const download = page.waitForEvent('download');
	await page.getByTestId('csv-link').click();
	const csv = await readFile((await (await download).path()) as string, 'utf8');
	const [header, ...lines] = csv.replace(/^\uFEFF/, '').split('\r\n');
	expect(header).toContain('"过敏与饮食","年级","孩子会运球吗","留言"');
	const row = lines.find((line) => line.includes('乐乐第一次打篮球'));
	expect(row).toContain('"乐乐: 花生过敏; 妈妈: 无","乐乐: 二年级","乐乐: 否","乐乐第一次打篮球"');
});
