/**
 * Parent-school courses end to end against the production build: a grandmother enrols on a 360 px
 * phone without JavaScript, is checked in at six of eight sessions (written through the secret-key
 * API, as the door would), the school's staff issue the certificates from the register and export
 * it as CSV, she downloads her certificate (rendered to PNG to look at), and its QR code's page shows
 * only her initials; a changed serial is not valid, and another organisation's staff are refused.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { expect, test, type Browser } from '@playwright/test';
import { ORIGIN, expectAxeClean, signIn, uniqueEmail } from './support';

const SECRET = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz';
const tag = Date.now().toString(36);
const SCHOOL4 = 'a0000000-0000-4000-8000-000000000004';
// Screenshots and the certificate to look at, kept whether the tests pass or fail.
const OUT = `${process.env.E2E_OUTPUT ?? 'test-results/e2e'}-courses`;

async function api<T = unknown>(path: string, method = 'GET', body?: unknown): Promise<T> {
	const response = await fetch(`${ORIGIN}/rest/v1/${path}`, {
		method,
		headers: {
			apikey: SECRET,
			authorization: `Bearer ${SECRET}`,
			'content-type': 'application/json',
			prefer: 'return=representation'
		},
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
	return (text ? JSON.parse(text) : null) as T;
}

const inDays = (days: number, hour = 19) => {
	const d = new Date(Date.now() + days * 86_400_000);
	d.setUTCHours(hour - 8, 0, 0, 0);
	return d.toISOString();
};

let course: { id: string; slug: string; events: string[] };

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
	const events: string[] = [];
	for (let n = 1; n <= 8; n++) {
		const [row] = await api<{ id: string }[]>('events', 'POST', {
			org_id: SCHOOL4,
			slug: `course-e2e-${tag}-${n}`,
			category: 'parent_class',
			status: 'published',
			title_zh: `隔代教育第${n}讲`,
			title_en: `Grandparents' course, session ${n}`,
			starts_at: inDays(n + 1),
			ends_at: inDays(n + 1, 20) /* 19:00–20:30 */
				.replace(':00:00', ':30:00'),
			address_zh: '湖州市吴兴区 湖州四中 报告厅',
			capacity: 30
		});
		events.push(row.id);
	}
	const [row] = await api<{ id: string; slug: string }[]>('courses', 'POST', {
		org_id: SCHOOL4,
		slug: `grandparents-e2e-${tag}`,
		kind: 'grandparents',
		status: 'published',
		title_zh: `隔代教育课程 ${tag}`,
		title_en: `Grandparents' course ${tag}`,
		summary_zh: '八次课，出席六次可结业。',
		capacity: 20,
		sessions_required: 6,
		excused_allowed: 1
	});
	await api(
		'course_sessions',
		'POST',
		events.map((event_id) => ({ course_id: row.id, event_id }))
	);
	course = { id: row.id, slug: row.slug, events };
});

async function phone(browser: Browser, javaScriptEnabled: boolean) {
	const context = await browser.newContext({
		locale: 'zh-CN',
		timezoneId: 'Asia/Shanghai',
		viewport: { width: 360, height: 740 },
		javaScriptEnabled
	});
	return { context, page: await context.newPage() };
}

test('the course page at desktop width, in English, before anyone enrolled, and axe-clean', async ({
	browser
}) => {
	const context = await browser.newContext({
		locale: 'en',
		viewport: { width: 1280, height: 900 }
	});
	await context.addCookies([{ name: 'PARAGLIDE_LOCALE', value: 'en', url: ORIGIN }]);
	const page = await context.newPage();
	await page.goto(`/courses/${course.slug}`);
	await expect(page.locator('h1')).toHaveText(`Grandparents' course ${tag}`);
	await expect(page.getByTestId('gate-sign_in')).toHaveText(
		'Sign in to enrol: one enrolment covers every session.'
	);
	await expectAxeClean(page);
	await page.screenshot({ path: `${OUT}/course-page-desktop-en.png`, fullPage: true });
	await context.close();
});

test('a grandmother enrols without JavaScript, completes six sessions and gets a certificate that verifies', async ({
	browser
}) => {
	test.setTimeout(300_000);
	const email = uniqueEmail('grandma');
	const { context, page } = await phone(browser, false);
	await signIn(page, email);
	await page.goto('/family');
	await page.getByLabel('监护人称呼').fill('李奶奶');
	await page.getByLabel('手机号码（选填）').fill('13900005678');
	await page.getByRole('button', { name: '保存，下一步' }).click();
	await expect(page.getByRole('heading', { name: '家庭成员' })).toBeVisible();
	const [family] = await api<{ id: string }[]>(
		`families?email=eq.${encodeURIComponent(email)}&select=id`
	);
	const [grandma] = await api<{ id: string }[]>('family_members', 'POST', {
		family_id: family.id,
		kind: 'grandparent',
		nickname: '李奶奶'
	});

	// The course page: sessions, the rule, places, and the enrol form.
	await page.goto(`/courses/${course.slug}`);
	await expect(page.locator('h1')).toHaveText(`隔代教育课程 ${tag}`);
	await expect(page.getByTestId('course-sessions').locator('li')).toHaveCount(8);
	await expect(page.getByTestId('course-rule')).toContainText('共 8 次课，出席至少 6 次');
	await expect(page.getByTestId('course-places')).toContainText('还剩 20 个名额');
	// Nobody ticked: a sentence, nothing enrolled.
	await page.getByRole('button', { name: '报名', exact: true }).click();
	await expect(page.getByTestId('form-error')).toHaveText('请勾选来上课的人。');
	await page.getByLabel('李奶奶（祖辈）').check();
	await page.getByRole('button', { name: '报名', exact: true }).click();
	await expect(page.getByTestId('done')).toContainText('报名成功');
	await expect(page.getByTestId('my-enrolment')).toContainText('已报名（1 人）');
	await expect(page.getByTestId('course-places')).toContainText('还剩 19 个名额');
	mkdirSync(OUT, { recursive: true });
	await page.screenshot({ path: `${OUT}/course-page-360.png`, fullPage: true });
	const width = await page.evaluate(() => document.documentElement.scrollWidth);
	expect(width).toBeLessThanOrEqual(360);

	// Registered at every session; six of them took place and she was checked in at the door.
	const registrations = await api<{ id: string; event_id: string }[]>(
		`registrations?family_id=eq.${family.id}&status=eq.confirmed&select=id,event_id`
	);
	expect(registrations).toHaveLength(8);
	for (let i = 0; i < 6; i++) {
		await api(`events?id=eq.${course.events[i]}`, 'PATCH', {
			starts_at: inDays(-20 + i),
			ends_at: inDays(-20 + i, 20).replace(':00:00', ':30:00')
		});
		await api(`registrations?event_id=eq.${course.events[i]}&family_id=eq.${family.id}`, 'PATCH', {
			status: 'attended',
			checked_in_at: new Date().toISOString()
		});
	}
	await page.goto('/family/courses');
	await expect(page.getByTestId('course-progress')).toContainText('已出席 6 次（要求 6 次）');
	await expect(page.getByTestId('course-progress')).toContainText('9 学时');
	await expect(page.getByTestId('course-progress')).toContainText('已达到结业要求');

	// The school's staff issue the certificates from the register, and export it.
	const staff = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	const staffPage = await staff.newPage();
	await signIn(staffPage, 'staff@school4.demo.gongyu.local');
	await staffPage.goto('/staff/courses');
	await staffPage.getByRole('link', { name: `隔代教育课程 ${tag}` }).click();
	const grid = staffPage.getByTestId('course-register');
	await expect(grid.locator('tbody tr')).toHaveCount(1);
	await expect(grid.locator('td[data-cell="attended"]')).toHaveCount(6);
	await expect(grid.locator('td[data-cell="registered"]')).toHaveCount(2);
	// An excused absence marked ahead of a session, and undone.
	await grid
		.locator('td[data-cell="registered"]')
		.first()
		.getByRole('button', { name: '记为请假' })
		.click();
	await expect(staffPage.getByTestId('done')).toHaveText('已保存。');
	await expect(grid.locator('td[data-cell="excused"]')).toHaveCount(1);
	const excusedCell = `${course.events[6]}:${grandma.id}`;
	await grid.locator('td[data-cell="excused"]').getByRole('button', { name: '取消请假' }).click();
	await expect(grid.locator('td[data-cell="excused"]')).toHaveCount(0);
	await expect(grid.locator('td[data-cell="registered"]')).toHaveCount(2);
	await expectAxeClean(staffPage);
	await staffPage.getByTestId('issue-certificates').click();
	await expect(staffPage.getByTestId('done')).toHaveText('已发放 1 张证书。');
	await staffPage.screenshot({ path: `${OUT}/course-register.png`, fullPage: true });
	const csv = await staffPage.request.get(`/staff/courses/${course.id}/register.csv`);
	expect(csv.status()).toBe(200);
	expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
	const bytes = Buffer.from(await csv.body());
	expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
	const lines = bytes.toString('utf8').slice(1).split('\r\n');
	expect(lines[0]).toContain('"家长","学员","身份","报名"');
	expect(lines[1]).toMatch(
		/^"李奶奶","李奶奶","祖辈","是",("出席",){6}("已登记",){2}"6","0","9","是","GY\d{2}(-[0-9A-F]{4}){5}"$/
	);
	expect(lines[2]).toBe('');

	// Another organisation's staff see neither the register nor its CSV.
	const other = await browser.newContext({ locale: 'zh-CN' });
	const otherPage = await other.newPage();
	await signIn(otherPage, 'staff@youth.demo.gongyu.local');
	expect((await otherPage.goto(`/staff/courses/${course.id}`))?.status()).toBe(404);
	expect((await otherPage.request.get(`/staff/courses/${course.id}/register.csv`)).status()).toBe(
		404
	);
	const refused = await otherPage.request.post(`/staff/courses/${course.id}?/excuse`, {
		form: { cell: excusedCell },
		headers: { origin: ORIGIN, accept: 'application/json' }
	});
	// SvelteKit answers a form action asked for JSON with the action's result.
	expect(await refused.json()).toMatchObject({ type: 'failure', status: 400 });
	expect(
		await api<unknown[]>(`course_excused_absences?event_id=eq.${course.events[6]}&select=member_id`)
	).toEqual([]);
	await otherPage.goto('/staff/courses');
	await expect(otherPage.getByRole('link', { name: `隔代教育课程 ${tag}` })).toHaveCount(0);
	await other.close();
	await staff.close();

	// Her certificate: a PDF, rendered to PNG to look at.
	await page.goto('/family/courses');
	const link = page.getByTestId('certificate-link');
	await expect(link).toHaveText('下载结业证书（PDF）');
	const href = (await link.getAttribute('href')) ?? '';
	const serial = href.split('/').pop() ?? '';
	expect(serial).toMatch(/^GY\d{2}(-[0-9A-F]{4}){5}$/);
	const pdf = await page.request.get(href);
	expect(pdf.status()).toBe(200);
	expect(pdf.headers()['content-type']).toBe('application/pdf');
	const file = `${OUT}/course-certificate-e2e.pdf`;
	writeFileSync(file, Buffer.from(await pdf.body()));
	const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
	expect(text).toContain('李奶奶');
	expect(text).toContain('湖州四中教育集团家长学校');
	expect(text).toContain(serial);
	execFileSync('pdftoppm', [
		'-r',
		'80',
		'-png',
		'-singlefile',
		file,
		`${OUT}/course-certificate-e2e`
	]);
	// Another family cannot download it.
	const stranger = await phone(browser, true);
	await signIn(stranger.page, 'parent2@demo.gongyu.local');
	expect((await stranger.page.request.get(href)).status()).toBe(404);
	await stranger.context.close();

	// Anyone with the QR code sees validity, the course and her initials only.
	const visitor = await phone(browser, false);
	const verify = await visitor.page.goto(`/certificates/${serial}`);
	expect(verify?.status()).toBe(200);
	await expect(visitor.page.getByTestId('certificate-valid')).toContainText('证书有效');
	await expect(visitor.page.getByTestId('holder-initials')).toHaveText('李**');
	await expect(visitor.page.locator('body')).not.toContainText('李奶奶');
	await expect(visitor.page.locator('body')).not.toContainText('13900005678');
	await visitor.page.screenshot({ path: `${OUT}/certificate-verify-360.png`, fullPage: true });
	const tampered = serial.slice(0, -1) + (serial.endsWith('A') ? 'B' : 'A');
	const bad = await visitor.page.goto(`/certificates/${tampered}`);
	expect(bad?.status()).toBe(404);
	await expect(visitor.page.locator('h1')).toHaveText('证书无效');
	await expect(visitor.page.getByTestId('error-detail')).toContainText('没有这个编号的有效证书');
	await visitor.context.close();

	// Leaving the course from "my courses" frees her places for the sessions still ahead.
	await page.goto('/family/courses');
	await page.getByTestId('cancel-enrolment').locator('summary').click();
	await page.getByRole('button', { name: '确定退出' }).click();
	await expect(page.getByTestId('done')).toHaveText('已退出课程。');
	expect(grandma.id).toBeTruthy();
	await context.close();
});

test('staff put a course together from their events on a phone without JavaScript, and another organisation cannot edit it', async ({
	browser
}) => {
	test.setTimeout(240_000);
	const sessions: string[] = [];
	for (let n = 1; n <= 3; n++) {
		const [row] = await api<{ id: string }[]>('events', 'POST', {
			org_id: SCHOOL4,
			slug: `course-form-${tag}-${n}`,
			category: 'parent_class',
			status: 'draft',
			title_zh: `新手父母课堂第${n}讲 ${tag}`,
			starts_at: inDays(n + 20),
			ends_at: inDays(n + 20, 21),
			address_zh: '湖州市吴兴区 湖州四中 报告厅',
			capacity: 25
		});
		sessions.push(row.id);
	}
	const { context, page } = await phone(browser, false);
	await signIn(page, 'staff@school4.demo.gongyu.local');
	await page.goto('/staff/courses');
	await page.getByTestId('new-course').click();
	await page.getByLabel('课程名称').fill(`新手父母课程 ${tag}`);
	await page.getByLabel('课程类别').selectOption('new_parents');
	for (let n = 1; n <= 3; n++) await page.getByLabel(`新手父母课堂第${n}讲 ${tag}`).check();
	await page.getByLabel('课程名额（人）').fill('40');
	await page.getByLabel('至少出席几次').fill('4');
	await page.getByTestId('save-course').click();
	// Checked on the server before the database: more sessions to attend than there are.
	await expect(page.getByTestId('form-error')).toHaveText('至少出席次数不能多于课次数。');
	await expect(page.getByLabel('课程名称')).toHaveValue(`新手父母课程 ${tag}`);
	await expect(page.getByLabel(`新手父母课堂第2讲 ${tag}`)).toBeChecked();
	await expect(page.getByLabel('至少出席几次')).toHaveAttribute('aria-invalid', 'true');
	await page.screenshot({ path: `${OUT}/course-form-refused-360.png`, fullPage: true });

	// The database's rules: each session needs the course's places; published sessions to publish.
	await page.getByLabel('至少出席几次').fill('2');
	await page.getByTestId('save-course').click();
	await expect(page.getByTestId('form-error')).toContainText('有的课次活动名额少于课程名额');
	await page.getByLabel('课程名额（人）').fill('25');
	await page.getByLabel('状态').selectOption('published');
	await page.getByTestId('save-course').click();
	await expect(page.getByTestId('form-error')).toContainText('请先发布所有课次的活动');
	expect(
		await api<unknown[]>(`courses?title_zh=eq.${encodeURIComponent(`新手父母课程 ${tag}`)}`)
	).toEqual([]);

	await page.getByLabel('状态').selectOption('draft');
	await page.getByTestId('save-course').click();
	await expect(page.getByTestId('done')).toHaveText('课程已保存。');
	const [saved] = await api<{ id: string; slug: string; status: string; capacity: number }[]>(
		`courses?title_zh=eq.${encodeURIComponent(`新手父母课程 ${tag}`)}&select=id,slug,status,capacity,sessions_required,kind`
	);
	expect(saved).toMatchObject({ status: 'draft', capacity: 25, sessions_required: 2 });
	expect(
		(await api<{ event_id: string }[]>(`course_sessions?course_id=eq.${saved.id}&select=event_id`))
			.map((s) => s.event_id)
			.sort()
	).toEqual([...sessions].sort());
	// A draft is not public (asked as an anonymous visitor, without the staff's cookies).
	expect((await fetch(`${ORIGIN}/courses/${saved.slug}`)).status).toBe(404);

	// Once the sessions are published, the course is published from its edit page.
	for (const id of sessions) await api(`events?id=eq.${id}`, 'PATCH', { status: 'published' });
	await page.getByTestId('edit-course').click();
	await expect(page.getByLabel('课程名称')).toHaveValue(`新手父母课程 ${tag}`);
	await page.getByLabel('状态').selectOption('published');
	await page.getByTestId('save-course').click();
	await expect(page.getByTestId('done')).toHaveText('课程已保存。');
	const visitor = await fetch(`${ORIGIN}/courses/${saved.slug}`);
	expect(visitor.status).toBe(200);
	expect(await visitor.text()).toContain(`新手父母课程 ${tag}`);
	await context.close();

	// Another organisation's staff: no edit page, and a post changes nothing.
	const other = await browser.newContext({ locale: 'zh-CN' });
	const otherPage = await other.newPage();
	await signIn(otherPage, 'staff@youth.demo.gongyu.local');
	expect((await otherPage.goto(`/staff/courses/${saved.id}/edit`))?.status()).toBe(404);
	const refused = await otherPage.request.post(`/staff/courses/${saved.id}/edit`, {
		form: {
			kind: 'other',
			status: 'draft',
			title_zh: '改掉',
			capacity: '5',
			sessions_required: '1',
			event_ids: sessions[0]
		},
		headers: { origin: ORIGIN, accept: 'application/json' }
	});
	expect(await refused.json()).toMatchObject({ type: 'error' });
	expect(refused.status()).toBe(404);
	const [after] = await api<{ title_zh: string; status: string }[]>(
		`courses?id=eq.${saved.id}&select=title_zh,status`
	);
	expect(after).toEqual({ title_zh: `新手父母课程 ${tag}`, status: 'published' });
	await other.close();
});
