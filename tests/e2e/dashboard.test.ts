/**
 * The district's dashboard in Chromium against the production build with the demo data: an
 * administrator filters a quarter, follows a bar to an organisation and on to one of its events,
 * downloads a panel's CSV and the monthly report (the PDF rendered to PNG and looked at); the
 * page works without JavaScript and at 360 px, and axe finds nothing. An organisation's staff see
 * the same panels for their organisation only.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { PNG } from 'pngjs';
import { ORIGIN, signIn } from './support';

const ADMIN = 'admin@district.demo.gongyu.local';
const STAFF = 'staff@youth.demo.gongyu.local';
const YOUTH = 'a0000000-0000-4000-8000-000000000001';
const SCHOOL4 = 'a0000000-0000-4000-8000-000000000004';

async function axe(page: Page) {
	const results = await new AxeBuilder({ page }).analyze();
	expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
}

async function shot(page: Page, testInfo: TestInfo, name: string) {
	const body = await page.screenshot({ fullPage: true, path: testInfo.outputPath(`${name}.png`) });
	await testInfo.attach(name, { body, contentType: 'image/png' });
}

async function noHorizontalScroll(page: Page) {
	const overflow = await page.evaluate(
		() => document.documentElement.scrollWidth - document.documentElement.clientWidth
	);
	expect(overflow).toBeLessThanOrEqual(0);
}

/** This quarter in Asia/Shanghai: its first and last day. */
function thisQuarter(): { from: string; to: string } {
	const local = new Date(Date.now() + 8 * 3600_000);
	const y = local.getUTCFullYear();
	const q = Math.floor(local.getUTCMonth() / 3);
	const day = (m: number, d: number) => new Date(Date.UTC(y, m, d)).toISOString().slice(0, 10);
	return { from: day(q * 3, 1), to: day(q * 3 + 3, 0) };
}

test('signed-out visitors and parents get no figures, CSV or report', async ({ request }) => {
	for (const path of ['/admin/figures.csv?panel=by_org', '/admin/report.pdf?month=2026-11']) {
		const response = await request.get(`${ORIGIN}${path}`, { maxRedirects: 0 });
		expect(response.status()).toBe(303);
		expect(response.headers().location).toContain('/auth/sign-in');
	}
});

test('an administrator filters a quarter, drills down to an event and downloads the CSV and the report', async ({
	page,
	browser
}, testInfo) => {
	test.setTimeout(180_000);
	await signIn(page, ADMIN);
	await page.goto(`${ORIGIN}/admin`);
	await expect(page.getByTestId('dashboard')).toBeVisible();

	// The quarter, typed into the filter.
	const quarter = thisQuarter();
	await page.getByLabel('开始日期').fill(quarter.from);
	await page.getByLabel('结束日期').fill(quarter.to);
	await page.getByLabel('时间粒度').selectOption('week');
	await page.getByRole('button', { name: '查看' }).click();
	await expect(page).toHaveURL(new RegExp(`from=${quarter.from}&to=${quarter.to}.*grain=week`));
	await expect(page.getByTestId('dashboard-scope')).toContainText(
		`${quarter.from} 至 ${quarter.to} · 全区所有机构`
	);
	const people = Number(await page.getByTestId('figure-people').locator('dd').textContent());
	expect(people).toBeGreaterThan(0);
	// Every chart is an SVG drawn on the server, with its table beside it.
	for (const id of ['over_time', 'by_org', 'by_category', 'by_town', 'by_age_band']) {
		const panel = page.getByTestId(`panel-${id}`);
		await expect(panel.locator('svg')).toHaveCount(1);
		await expect(panel.getByTestId(`table-${id}`)).toBeVisible();
	}
	await expect(page.getByTestId('table-by_town')).toContainText('八里店镇');
	// The weeks of the quarter, one row each.
	expect(await page.getByTestId('table-over_time').locator('tbody tr').count()).toBeGreaterThan(12);
	// Counts only: no guardian or child of the demo data.
	await expect(page.locator('main')).not.toContainText('王芳');
	await axe(page);
	await shot(page, testInfo, 'dashboard-quarter-1280');
	mkdirSync('/tmp/shots-22', { recursive: true });
	await page.screenshot({ fullPage: true, path: '/tmp/shots-22/dashboard-1280.png' });

	// The panel's CSV: the same rows as its table.
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByTestId('csv-by_org').click()
	]);
	const bytes = await readFile((await download.path())!);
	expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
	const lines = bytes.subarray(3).toString('utf8').trim().split('\r\n');
	expect(lines[0]).toBe(
		'"机构","乡镇（街道）","活动场次","提供名额","参与家庭（去重）","参与人次","签到人次","未到人次","候补","名额使用率"'
	);
	expect(lines).toHaveLength(
		1 + (await page.getByTestId('table-by_org').locator('tbody tr').count())
	);
	expect(lines.some((l) => l.startsWith('"吴兴区青少年活动中心","八里店镇"'))).toBe(true);

	// From the organisation's bar to the organisation…
	const bar = page.locator(`[data-testid="panel-by_org"] svg a[href*="org=${YOUTH}"]`);
	await expect(bar).toHaveCount(1);
	await bar.dispatchEvent('click');
	await expect(page).toHaveURL(new RegExp(`org=${YOUTH}`));
	await expect(page.getByTestId('dashboard-scope')).toContainText('吴兴区青少年活动中心');
	await expect(page.getByTestId('filter-org')).toHaveValue(YOUTH);
	// The district's tables below the dashboard are neither drawn nor computed for one organisation.
	await expect(page.getByTestId('download-csv')).toHaveCount(0);
	await expect(page.getByTestId('channels')).toHaveCount(0);
	const events = page.getByTestId('table-events');
	await expect(events).toBeVisible();
	// …and from the organisation to one of its events.
	const first = events.locator('tbody a').first();
	const title = (await first.textContent())!.trim();
	await first.click();
	await expect(page).toHaveURL(/\/admin\/events\/[0-9a-f-]{36}\?/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
	await expect(page.getByTestId('figure-capacity')).toBeVisible();
	await expect(page.getByTestId('table-by_age_band')).toBeVisible();
	await expect(page.locator('main')).not.toContainText('王芳');
	await axe(page);
	await page.screenshot({ fullPage: true, path: '/tmp/shots-22/event-1280.png' });
	await page.getByTestId('back').click();
	await expect(page).toHaveURL(new RegExp(`org=${YOUTH}`));

	// The monthly report of the district, as a PDF, looked at as a picture.
	await page.goto(`${ORIGIN}/admin`);
	const [pdf] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('button', { name: '生成月报 PDF' }).click()
	]);
	expect(pdf.suggestedFilename()).toMatch(/^月报-\d{4}-\d{2}-全区\.pdf$/);
	const file = testInfo.outputPath('report.pdf');
	await pdf.saveAs(file);
	expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
	const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
	expect(info).toMatch(/\(A4\)/);
	const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
	expect(text.replace(/\s+/g, '')).toContain('本月小结');
	expect(text).not.toContain('王芳');
	execFileSync('pdftoppm', [
		'-r',
		'50',
		'-png',
		'-f',
		'1',
		'-l',
		'1',
		file,
		testInfo.outputPath('report')
	]);
	const png = PNG.sync.read(readFileSync(testInfo.outputPath('report-1.png')));
	let dark = 0;
	for (let i = 0; i < png.data.length; i += 4) if (png.data[i] < 128) dark++;
	// A page with text and a chart on it: neither blank nor black.
	expect(dark / (png.width * png.height)).toBeGreaterThan(0.005);
	expect(dark / (png.width * png.height)).toBeLessThan(0.3);
	execFileSync('cp', [testInfo.outputPath('report-1.png'), '/tmp/shots-22/report-1.png']);

	// At 360 px nothing scrolls sideways.
	await page.goto(`${ORIGIN}/admin?from=${quarter.from}&to=${quarter.to}`);
	await page.setViewportSize({ width: 360, height: 800 });
	await noHorizontalScroll(page);
	await page.screenshot({ fullPage: true, path: '/tmp/shots-22/dashboard-360.png' });
	await page.setViewportSize({ width: 1280, height: 900 });

	// Without JavaScript: the filter, the charts and the drill-down are plain pages and links.
	const context = await browser.newContext({
		javaScriptEnabled: false,
		storageState: await page.context().storageState(),
		locale: 'zh-CN',
		timezoneId: 'Asia/Shanghai'
	});
	const plain = await context.newPage();
	await plain.goto(`${ORIGIN}/admin`);
	await plain.getByLabel('开始日期').fill(quarter.from);
	await plain.getByLabel('结束日期').fill(quarter.to);
	await plain.getByTestId('filter-org').selectOption(SCHOOL4);
	await plain.getByRole('button', { name: '查看' }).click();
	await expect(plain.getByTestId('dashboard-scope')).toContainText('湖州四中教育集团');
	await expect(plain.locator('[data-testid="panel-over_time"] svg')).toHaveCount(1);
	await plain.getByRole('link', { name: '返回全区' }).click();
	await expect(plain.getByTestId('dashboard-scope')).toContainText('全区所有机构');
	await plain
		.getByTestId('table-by_org')
		.getByRole('link', { name: '吴兴区青少年活动中心' })
		.click();
	await expect(plain.getByTestId('table-events')).toBeVisible();
	await context.close();
});

test('an organisation’s staff see their own figures, not another organisation’s', async ({
	page,
	request
}, testInfo) => {
	test.setTimeout(120_000);
	await signIn(page, STAFF);
	await page.goto(`${ORIGIN}/staff/figures`);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('本机构数据');
	await expect(page.getByTestId('table-by_org')).toContainText('吴兴区青少年活动中心');
	await expect(page.getByTestId('table-by_org').locator('tbody tr')).toHaveCount(1);
	await expect(page.getByTestId('filter-org')).toHaveCount(0);
	await expect(page.getByTestId('panel-events')).toBeVisible();
	await axe(page);
	await shot(page, testInfo, 'staff-figures');
	await page.screenshot({ fullPage: true, path: '/tmp/shots-22/staff-1280.png' });
	const event = page.getByTestId('table-events').locator('tbody a').first();
	await event.click();
	await expect(page).toHaveURL(/\/staff\/figures\/events\/[0-9a-f-]{36}/);
	await expect(page.getByTestId('figure-people')).toBeVisible();
	await axe(page);

	// The district's pages and another organisation's figures are refused.
	const cookies = {
		headers: {
			cookie: (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ')
		}
	};
	for (const path of [
		'/admin',
		'/admin/figures.csv?panel=by_org',
		'/admin/report.pdf?month=2026-11'
	]) {
		const response = await request.get(`${ORIGIN}${path}`, { ...cookies, maxRedirects: 0 });
		expect(response.status(), path).toBe(403);
	}
	// ?org= of an organisation they do not work for falls back to their own.
	const other = await request.get(
		`${ORIGIN}/staff/figures/figures.csv?panel=by_org&org=${SCHOOL4}`,
		cookies
	);
	expect(other.status()).toBe(200);
	const csv = await other.text();
	expect(csv).toContain('吴兴区青少年活动中心');
	expect(csv).not.toContain('湖州四中');
	const report = await request.get(`${ORIGIN}/staff/figures/report.pdf?month=2026-13`, cookies);
	expect(report.status()).toBe(400);
});
