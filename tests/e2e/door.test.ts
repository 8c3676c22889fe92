/**
 * The door (签到) on the production build: a family that did not register is registered and
 * checked in at the door (a refusal first, which changes nothing), a QR code is read from Chromium's
 * fake camera and the family is checked in, the sign-in sheet is downloaded as a PDF (read back and
 * rendered to PNG) and shown as a print view, the walk-in's parent claims the family by signing in
 * with the email given at the door, people outside the organising organisation get no sheet, and
 * the walk-in form works without JavaScript.
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { chromium, expect, test, type Page, type TestInfo } from '@playwright/test';
import WebSocket from 'ws';
import { fakeCameraArgs, writeQrY4m } from './fake-camera';
import { ORIGIN, expectAxeClean, signIn, uniqueEmail } from './support';

const STAFF = 'staff@youth.demo.gongyu.local';
const SCHOOL_STAFF = 'staff@school4.demo.gongyu.local';
const PARENT = 'parent1@demo.gongyu.local';
const PASSWORD = 'gongyu-demo';
const PUBLISHABLE_KEY = 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH';
const LELE = 'c0000000-0000-4000-8000-000000000003';
const MUM = 'c0000000-0000-4000-8000-000000000001';
const YOUTH_CENTRE = 'a0000000-0000-4000-8000-000000000001';

const clientOptions = {
	auth: { persistSession: false, autoRefreshToken: false },
	realtime: { transport: WebSocket as never }
};

async function apiClient(email: string): Promise<SupabaseClient> {
	const client = createClient(ORIGIN, PUBLISHABLE_KEY, clientOptions);
	const { error } = await client.auth.signInWithPassword({ email, password: PASSWORD });
	if (error) throw error;
	return client;
}

async function shot(page: Page, testInfo: TestInfo, name: string) {
	const body = await page.screenshot({ fullPage: true, path: testInfo.outputPath(`${name}.png`) });
	await testInfo.attach(name, { body, contentType: 'image/png' });
}

const beijingDay = (at: number) => new Date(at + 8 * 3600_000).toISOString().slice(0, 10);
/** Five to ten minutes from now, on a 5-minute step. */
const soon = () => Math.ceil((Date.now() + 5 * 60_000) / 300_000) * 300_000;

/** An event of the youth centre starting in a few minutes today (Beijing), published, with places. */
async function todaysEvent(staff: SupabaseClient, capacity: number): Promise<string> {
	const startsAt = new Date(soon());
	const saved = await staff.rpc('save_event', {
		p_org_id: YOUTH_CENTRE,
		p_event: {
			category: 'parent_class',
			title_zh: `现场签到测试 ${Date.now().toString(36)}`,
			summary_zh: '和孩子一起读书。',
			description_zh: '请带一本书。',
			capacity,
			min_child_age: 3,
			max_child_age: 12,
			max_seats_per_family: 4,
			address_zh: '活动中心一楼大厅',
			starts_at: startsAt.toISOString(),
			ends_at: new Date(startsAt.getTime() + 3600_000).toISOString()
		}
	});
	expect(saved.error).toBeNull();
	const id = (saved.data as { event_id: string }).event_id;
	expect((await staff.rpc('publish_event', { p_event_id: id })).error).toBeNull();
	return id;
}

test('a walk-in is registered and checked in, a QR code is scanned from the camera, the sheet prints', async ({
	page
}, testInfo) => {
	test.setTimeout(300_000);
	// The door opens on the event's day in Beijing: just before midnight, wait for the next day.
	if (beijingDay(Date.now()) !== beijingDay(soon())) {
		const wait = soon() - Date.now() + 5_000;
		test.setTimeout(test.info().timeout + wait);
		await page.waitForTimeout(wait);
	}

	const staffApi = await apiClient(STAFF);
	const eventId = await todaysEvent(staffApi, 6);
	const parent = await apiClient(PARENT);
	const registered = await parent.rpc('register_family', {
		p_event_id: eventId,
		p_member_ids: [LELE, MUM]
	});
	expect(registered.error).toBeNull();
	const { data: reg } = await parent
		.from('registrations')
		.select('check_in_code')
		.eq('id', (registered.data as { registration_id: string }).registration_id)
		.single();
	const code = (reg as { check_in_code: string }).check_in_code;

	await signIn(page, STAFF);
	await page.goto(`/staff/events/${eventId}/check-in`);
	await expect(page.getByTestId('checkin-count')).toContainText('已签到 0 / 1 户');

	// A walk-in with a phone nobody can call back is refused, with the form kept as typed.
	const walkIn = page.getByTestId('walk-in');
	await walkIn.getByText('没有报名的家庭：现场登记并签到（还有 4 个名额）').click();
	const email = uniqueEmail('walkin');
	await walkIn.getByLabel('家长姓名').fill('赵先生');
	await walkIn.getByLabel('手机号').fill('12345');
	await walkIn.getByLabel('邮箱（选填）').fill(email);
	const first = walkIn.getByRole('group', { name: '第 1 位' });
	await first.getByLabel('身份').selectOption('parent');
	await first.getByLabel('称呼').fill('爸爸');
	const second = walkIn.getByRole('group', { name: '第 2 位' });
	await second.getByLabel('身份').selectOption('child');
	await second.getByLabel('称呼').fill('小雨');
	await second.getByLabel('年龄').fill('7');
	await walkIn.getByRole('checkbox').check();
	await walkIn.getByRole('button', { name: '登记并签到' }).click();
	await expect(page.getByTestId('checkin-result')).toContainText(
		'请填写能回拨的手机号或带区号的座机号。'
	);
	await expect(page.getByTestId('checkin-count')).toContainText('已签到 0 / 1 户');
	await expect(walkIn.getByLabel('家长姓名')).toHaveValue('赵先生');
	await expect(walkIn.getByLabel('手机号')).toHaveAttribute('aria-invalid', 'true');

	await walkIn.getByLabel('手机号').fill('139 1234 5678');
	await walkIn.getByRole('button', { name: '登记并签到' }).click();
	await expect(page.getByTestId('checkin-result')).toContainText(
		/赵先生 现场报名并签到成功（2 人），签到码 [0-9A-Z]{6}/
	);
	await expect(page.getByTestId('checkin-result')).toContainText('小雨（7 岁）');
	await expect(page.getByTestId('checkin-count')).toContainText('已签到 1 / 2 户');
	await expect(page.getByText('没有报名的家庭：现场登记并签到（还有 2 个名额）')).toBeVisible();
	await expectAxeClean(page);
	await page.setViewportSize({ width: 360, height: 800 });
	await page.getByTestId('walk-in').locator('summary').first().click();
	await shot(page, testInfo, 'door-check-in-360');
	await page.setViewportSize({ width: 1280, height: 900 });

	// The family's QR code in front of the camera of a phone: a browser of its own with a fake camera.
	const video = testInfo.outputPath('code.y4m');
	writeQrY4m(video, code);
	const camera = await chromium.launch({
		executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		args: ['--headless', '--no-sandbox', '--disable-gpu', ...fakeCameraArgs(video)]
	});
	try {
		const context = await camera.newContext({
			baseURL: ORIGIN,
			locale: 'zh-CN',
			timezoneId: 'Asia/Shanghai',
			permissions: ['camera'],
			storageState: await page.context().storageState(),
			viewport: { width: 390, height: 844 },
			isMobile: true,
			hasTouch: true
		});
		const phone = await context.newPage();
		const scripts: string[] = [];
		phone.on('response', (r) => {
			if (r.url().endsWith('.js')) scripts.push(r.url());
		});
		await phone.goto(`/staff/events/${eventId}/check-in`);
		await phone.waitForLoadState('networkidle');
		const beforeCamera = scripts.length;
		await phone.getByRole('button', { name: '用摄像头扫码' }).click();
		await expect(phone.getByTestId('checkin-result')).toContainText('王芳 签到成功（2 人）', {
			timeout: 20_000
		});
		await expect(phone.getByTestId('checkin-count')).toContainText('已签到 2 / 2 户');
		await expect(phone.getByLabel('摄像头画面')).toBeVisible();
		await shot(phone, testInfo, 'door-camera-phone');
		// The decoder came with the camera, as a script of its own.
		expect(scripts.length).toBeGreaterThan(beforeCamera);
		await context.close();
	} finally {
		await camera.close();
	}

	// The sign-in sheet, from the attendee list: a PDF with both families, read back and rendered.
	await page.goto(`/staff/events/${eventId}/attendees`);
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByTestId('sheet-pdf-link').click()
	]);
	expect(download.suggestedFilename()).toMatch(/\.pdf$/);
	const pdf = testInfo.outputPath('sign-in-sheet.pdf');
	await download.saveAs(pdf);
	expect((await readFile(pdf)).subarray(0, 5).toString()).toBe('%PDF-');
	const text = execFileSync('pdftotext', ['-enc', 'UTF-8', '-layout', pdf, '-'], {
		encoding: 'utf8'
	});
	expect(text).toContain('签到表');
	expect(text).toMatch(/序号\s+监护人\s+人数\s+参加成员\s+电话\s+签名/);
	expect(text).toContain('王芳');
	expect(text).toContain('赵先生');
	expect(text).toContain('139****5678');
	expect(text).toContain('第 1 页，共 1 页');
	expect(execFileSync('pdffonts', [pdf], { encoding: 'utf8' })).toMatch(/[A-Z]{6}\+NotoSansSC/);
	execFileSync('pdftoppm', ['-r', '70', '-png', '-singlefile', pdf, testInfo.outputPath('sheet')]);
	await testInfo.attach('sign-in-sheet', {
		body: await readFile(testInfo.outputPath('sheet.png')),
		contentType: 'image/png'
	});

	// The print view.
	await page.goto(`/staff/events/${eventId}/sign-in-sheet`);
	const sheet = page.getByTestId('sign-in-sheet');
	await expect(sheet).toContainText('王芳');
	await expect(sheet).toContainText('赵先生');
	await expect(sheet.locator('svg')).toHaveCount(1);
	await expectAxeClean(page);
	await shot(page, testInfo, 'sign-in-sheet-desktop');
	await page.emulateMedia({ media: 'print' });
	await expect(page.getByRole('button', { name: '打印' })).toBeHidden();
	await shot(page, testInfo, 'sign-in-sheet-print');
	await page.emulateMedia({ media: 'screen' });
	await page.setViewportSize({ width: 360, height: 800 });
	await shot(page, testInfo, 'sign-in-sheet-360');

	// Nobody outside the centre gets the sheet: not signed in, a parent, another organisation's staff.
	const pdfUrl = `${ORIGIN}/staff/events/${eventId}/sign-in-sheet.pdf`;
	const browser = page.context().browser()!;
	const anonymous = await browser.newContext();
	const anon = await anonymous.request.get(pdfUrl, { maxRedirects: 0 });
	expect(anon.status()).toBe(303);
	expect(anon.headers()['location']).toContain('/auth/sign-in');
	await anonymous.close();
	for (const [who, status] of [
		[PARENT, 403],
		[SCHOOL_STAFF, 404]
	] as const) {
		const context = await browser.newContext({ locale: 'zh-CN' });
		const other = await context.newPage();
		await signIn(other, who);
		const response = await other.request.get(pdfUrl, { maxRedirects: 0 });
		expect(response.status(), who).toBe(status);
		expect(response.headers()['content-type'] ?? '').not.toContain('pdf');
		await context.close();
	}

	// The walk-in's parent signs in with the email given at the door: the family is theirs.
	const claimContext = await browser.newContext({ locale: 'zh-CN' });
	const claimer = await claimContext.newPage();
	await signIn(claimer, email);
	await claimer.goto('/family/registrations');
	await expect(claimer.getByText('现场签到测试').first()).toBeVisible();
	await claimContext.close();

	// Without JavaScript the walk-in form still works: a refusal draws it again, open, as typed.
	const plain = await browser.newContext({
		locale: 'zh-CN',
		javaScriptEnabled: false,
		storageState: await page.context().storageState()
	});
	const noScript = await plain.newPage();
	await noScript.goto(`${ORIGIN}/staff/events/${eventId}/check-in`);
	const form = noScript.getByTestId('walk-in');
	await form.locator('summary').first().click();
	await form.getByLabel('家长姓名').fill('钱奶奶');
	await form.getByLabel('手机号').fill('0572-2345678');
	await form.getByRole('button', { name: '登记并签到' }).click();
	await expect(noScript.getByTestId('checkin-result')).toContainText('请至少填写一位参加的成员。');
	await expect(noScript.getByTestId('walk-in')).toHaveAttribute('open', '');
	await expect(noScript.getByTestId('walk-in').getByLabel('家长姓名')).toHaveValue('钱奶奶');
	const grandma = noScript.getByTestId('walk-in').getByRole('group', { name: '第 1 位' });
	await grandma.getByLabel('身份').selectOption('grandparent');
	await grandma.getByLabel('称呼').fill('奶奶');
	await noScript.getByRole('button', { name: '登记并签到' }).click();
	await expect(noScript.getByTestId('checkin-result')).toContainText(
		/钱奶奶 现场报名并签到成功（1 人），签到码 [0-9A-Z]{6}/
	);
	await expect(noScript.getByTestId('checkin-count')).toContainText('已签到 3 / 3 户');
	await plain.close();
});
