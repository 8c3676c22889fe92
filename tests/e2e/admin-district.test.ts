/**
 * A district administrator's journey, in Chromium against the production build with the demo
 * data: the participation overview (figures from the seed, a refused period), the CSV export,
 * and then — with JavaScript switched off, to prove the forms work without it — creating an
 * organisation (a taken slug refused first), adding a staff member (an email without an account
 * refused first) and removing them again.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { ORIGIN, brokenWords, signIn } from './support';

const ADMIN = 'admin@district.demo.gongyu.local';
const PARENT = 'parent2@demo.gongyu.local';

async function axe(page: Page) {
	const results = await new AxeBuilder({ page }).analyze();
	expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
}

async function shot(page: Page, testInfo: TestInfo, name: string) {
	const body = await page.screenshot({ fullPage: true, path: testInfo.outputPath(`${name}.png`) });
	await testInfo.attach(name, { body, contentType: 'image/png' });
}

async function figure(page: Page, id: string): Promise<number> {
	const text = await page.getByTestId(`total-${id}`).locator('dd').textContent();
	return Number(text?.replace('%', '').trim());
}

async function noHorizontalScroll(page: Page) {
	const overflow = await page.evaluate(
		() => document.documentElement.scrollWidth - document.documentElement.clientWidth
	);
	expect(overflow).toBeLessThanOrEqual(0);
}

test('signed-out visitors are sent to sign in, not given the district figures', async ({
	request
}) => {
	const response = await request.get(`${ORIGIN}/admin/participation.csv`, { maxRedirects: 0 });
	expect(response.status()).toBe(303);
	expect(response.headers().location).toContain('/auth/sign-in');
});

test('a district administrator reviews participation and manages an organisation', async ({
	page,
	browser
}, testInfo) => {
	test.setTimeout(120_000);
	await signIn(page, ADMIN);
	// Signed in from nowhere in particular, the administrator lands on the district's figures.
	await expect(page).toHaveURL(/\/admin$/);

	// The overview: last 90 days and upcoming, with the seed's events and registrations.
	await page.goto(`${ORIGIN}/admin`);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('全区参与情况');
	expect(await figure(page, 'published')).toBeGreaterThan(0);
	expect(await figure(page, 'held')).toBeGreaterThan(0);
	expect(await figure(page, 'people')).toBeGreaterThan(0);
	expect(await figure(page, 'attended')).toBeGreaterThan(0);
	expect(await figure(page, 'places')).toBeGreaterThanOrEqual(await figure(page, 'people'));
	// Organisations and kinds of event in the dashboard's panels (the table per kind of
	// organisation repeated them; its breakdown by organisation and kind is the CSV below).
	await expect(page.getByTestId('table-by_org')).toContainText('吴兴区青少年活动中心');
	await expect(page.getByTestId('table-by_category')).toContainText('亲子阅读');
	await expect(page.getByTestId('kind-youth_centre')).toHaveCount(0);
	await expect(page.getByTestId('channels').locator('tbody tr').first()).toBeVisible();
	// Counts only: no guardian's name from the seed appears anywhere.
	await expect(page.locator('main')).not.toContainText('王芳');
	await axe(page);

	// On a desktop nothing scrolls sideways, and no heading is broken inside a word.
	await page.setViewportSize({ width: 1440, height: 900 });
	await noHorizontalScroll(page);
	expect(await brokenWords(page, 'main th')).toEqual([]);
	await shot(page, testInfo, 'admin-overview-1440');

	await page.setViewportSize({ width: 360, height: 800 });
	await noHorizontalScroll(page);
	expect(await brokenWords(page, 'main th')).toEqual([]);
	await shot(page, testInfo, 'admin-overview-360');
	await page.setViewportSize({ width: 1280, height: 900 });

	// The same table as a spreadsheet Excel opens in Chinese.
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByTestId('download-csv').click()
	]);
	const bytes = await readFile((await download.path())!);
	expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
	const lines = bytes.subarray(3).toString('utf8').split('\r\n');
	expect(lines[0]).toBe(
		'"机构类型","机构","活动类别","已发布活动","已举办","已取消","提供名额","报名家庭","报名人数","签到人数","未到人数","候补家庭","名额使用率"'
	);
	expect(lines.some((l) => l.startsWith('"青少年活动中心","吴兴区青少年活动中心"'))).toBe(true);
	const totalLine = lines.find((l) => l.startsWith('"合计"'));
	expect(totalLine).toContain(`"${await figure(page, 'people')}"`);

	// A period that ends before it starts is explained, and the default shown instead.
	await page.getByLabel('开始日期').fill('2026-06-01');
	await page.getByLabel('结束日期').fill('2026-01-01');
	await page.getByRole('button', { name: '查看' }).click();
	await expect(page.getByRole('alert')).toHaveText('结束日期不能早于开始日期。');

	// The rest without JavaScript: plain form posts.
	const context = await browser.newContext({
		javaScriptEnabled: false,
		storageState: await page.context().storageState(),
		locale: 'zh-CN',
		timezoneId: 'Asia/Shanghai'
	});
	const plain = await context.newPage();
	await plain.goto(`${ORIGIN}/admin/orgs`);
	await expect(plain.getByTestId('org-list')).toContainText('吴兴区青少年活动中心');
	await plain.getByRole('link', { name: '添加机构' }).click();
	await expect(plain).toHaveURL(/\/admin\/orgs\/new$/);
	const slug = `e2e-parent-school-${Date.now().toString(36)}`;
	await plain.getByLabel('机构类型').selectOption('community_parent_school');
	await plain.getByLabel('网址标识').fill('wuxing-youth-centre');
	await plain.getByLabel('中文名称').fill('爱山街道社区家长学校');
	await plain.getByLabel('英文名称').fill('Aishan Community Parent School');
	await plain.getByLabel(/^中文地址/).fill('吴兴区爱山街道');
	await plain.getByLabel(/^联系邮箱/).fill('aishan@example.cn');
	await plain.getByRole('button', { name: '添加机构' }).click();
	await expect(plain.getByRole('alert')).toHaveText('这个网址标识已被其他机构使用，请换一个。');
	await expect(plain.getByLabel('中文名称')).toHaveValue('爱山街道社区家长学校');
	await plain.getByLabel('网址标识').fill(slug);
	await plain.getByRole('button', { name: '添加机构' }).click();
	await expect(plain).toHaveURL(/\/admin\/orgs\/[0-9a-f-]{36}\?created=1$/);
	await expect(plain.getByRole('heading', { level: 1 })).toHaveText('爱山街道社区家长学校');
	await expect(plain.getByRole('status')).toHaveText('机构已添加。现在可以添加它的工作人员。');
	await expect(plain.getByText('这个机构还没有工作人员。')).toBeVisible();

	// An email nobody has signed in with yet: explained, nothing added.
	const add = plain.getByTestId('add-staff');
	await add.getByLabel('邮箱').fill('nobody-yet@example.cn');
	await add.getByRole('button', { name: '添加' }).click();
	await expect(plain.getByRole('alert')).toHaveText(
		'这个邮箱还没有账户。请对方先用这个邮箱在共育登录一次，然后再添加。'
	);
	await expect(plain.getByText('这个机构还没有工作人员。')).toBeVisible();

	await add.getByLabel('邮箱').fill(PARENT);
	await add.getByLabel('角色').selectOption('manager');
	await add.getByRole('button', { name: '添加' }).click();
	await expect(plain.getByTestId('staff-status')).toHaveText(`${PARENT} 已添加为负责人。`);
	await expect(plain.getByTestId('staff-list')).toContainText(PARENT);
	await expect(plain.getByTestId('staff-list')).toContainText('负责人');

	// Editing the profile.
	await plain.getByLabel('联系人').fill('李老师');
	await plain.getByRole('button', { name: '保存' }).click();
	await expect(plain.getByRole('status')).toHaveText('机构资料已保存。');
	await expect(plain.getByLabel('联系人')).toHaveValue('李老师');
	await plain.close();

	// The organisation's page with JavaScript, at phone width.
	await page.goto(`${ORIGIN}/admin/orgs`);
	await page.getByRole('link', { name: '爱山街道社区家长学校' }).click();
	await expect(page.getByTestId('staff-list')).toContainText(PARENT);
	await axe(page);
	await page.setViewportSize({ width: 360, height: 800 });
	await noHorizontalScroll(page);
	await shot(page, testInfo, 'admin-org-360');

	await page.getByRole('button', { name: `移除 ${PARENT}` }).click();
	await expect(page.getByTestId('staff-status')).toHaveText(
		`${PARENT} 已不再是这个机构的工作人员。`
	);
	await expect(page.getByText('这个机构还没有工作人员。')).toBeVisible();
	await context.close();
});
