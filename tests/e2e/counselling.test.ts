/**
 * The counselling centre in Chromium against the production build with the demo data: a parent on a
 * 360 px phone WITHOUT JavaScript books a session for her child with 王老师 (who accepts each
 * booking), 王老师 accepts it and writes a session note, the parent moves it to another time. The
 * emails in the dev mailbox and their calendar files never name the child, the topic or the note;
 * another counsellor, another organisation's staff and another family see none of it; the manager's
 * busy view shows times only; every page keeps the crisis hotline; axe finds nothing.
 */
import AxeBuilder from '@axe-core/playwright';
import {
	expect,
	test,
	type Browser,
	type BrowserContext,
	type Page,
	type TestInfo
} from '@playwright/test';
import { addDays, shanghaiToday, weekStart } from '../../src/lib/components/calendar-time';
import { signIn } from './support';

const PARENT = 'parent1@demo.gongyu.local';
const OTHER_PARENT = 'parent2@demo.gongyu.local';
const WANG = 'wang@counselling.demo.gongyu.local';
const WANG_ID = 'd0000000-0000-4000-8000-000000000201';
const LI = 'li@counselling.demo.gongyu.local';
const YOUTH_STAFF = 'staff@youth.demo.gongyu.local';
const CENTRE = '/orgs/wuxing-counselling-centre/counselling';
const CHILD = '乐乐';
const TOPIC = '情绪与睡眠';
const NOTE = '最近晚上睡不着 e2e-private-note';
const SESSION_NOTE = '第一次谈话 e2e-session-note';
const WEEK = weekStart(addDays(shanghaiToday(), 7));

type State = Awaited<ReturnType<BrowserContext['storageState']>>;
let parentState: State;
let appointmentId = '';

async function axe(page: Page) {
	const results = await new AxeBuilder({ page }).analyze();
	expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
}

async function shots(page: Page, testInfo: TestInfo, name: string, widths = [360, 1280]) {
	for (const width of widths) {
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
}

/** A phone without JavaScript, as the parent. */
async function phone(browser: Browser, state?: State) {
	const context = await browser.newContext({
		locale: 'zh-CN',
		timezoneId: 'Asia/Shanghai',
		javaScriptEnabled: false,
		viewport: { width: 360, height: 800 },
		isMobile: true,
		hasTouch: true,
		storageState: state
	});
	return { context, page: await context.newPage() };
}

async function desk(browser: Browser, state?: State) {
	const context = await browser.newContext({
		locale: 'zh-CN',
		timezoneId: 'Asia/Shanghai',
		storageState: state
	});
	return { context, page: await context.newPage() };
}

async function expectCrisisNotice(page: Page) {
	const notice = page.getByTestId('crisis-notice').first();
	await expect(notice).toContainText('不用于紧急情况');
	await expect(notice).toContainText('0572-12355');
}

test.describe.configure({ mode: 'serial', timeout: 180_000 });

test('a parent on a phone without JavaScript books a session for her child', async ({
	browser
}, testInfo) => {
	const { context, page } = await phone(browser);
	await signIn(page, PARENT);
	parentState = await context.storageState();

	await page.goto(CENTRE);
	await expect(page.getByRole('heading', { name: '心理咨询预约', level: 1 })).toBeVisible();
	await expectCrisisNotice(page);
	await expect(page.getByTestId('counsellors')).toContainText('王老师');
	await expect(page.getByTestId('counsellors')).toContainText('李老师');
	// Any counsellor: each time names its counsellor; the pager goes a week on.
	await page.getByRole('link', { name: /下一周/ }).click();
	await expect(page.getByTestId('slot').first()).toContainText(/王老师|李老师/);

	// 王老师's free times next week (the filter is a plain GET form).
	await page.getByTestId('counsellor-filter').selectOption(WANG_ID);
	await page.getByRole('button', { name: '显示' }).click();
	await expect(page).toHaveURL(new RegExp(`c=${WANG_ID}`));
	await page.goto(`${CENTRE}?week=${WEEK}&c=${WANG_ID}`);
	const slot = page.getByTestId('slot').first();
	await expect(slot).toBeVisible();
	await shots(page, testInfo, 'centre');
	await slot.click();

	await expect(page.getByRole('heading', { name: '预约咨询', level: 1 })).toBeVisible();
	await expectCrisisNotice(page);
	await page.getByLabel(`孩子：${CHILD}`).check();
	await page.getByLabel('主题').selectOption({ label: TOPIC });
	await page.getByLabel('想先告诉咨询师的话（可不填）').fill(NOTE);
	await page.getByLabel('电话', { exact: true }).check();
	await shots(page, testInfo, 'request');
	await page.getByRole('button', { name: '提交预约' }).click();

	await expect(page).toHaveURL(/\/family\/counselling\?done=requested/);
	await expect(page.getByTestId('done')).toHaveText('预约已提交，咨询师确认后会邮件通知您。');
	await expectCrisisNotice(page);
	const card = page.locator('[data-testid="appointment"][data-status="requested"]');
	await expect(card).toHaveCount(1);
	await expect(card).toContainText(CHILD);
	await expect(card).toContainText(TOPIC);
	await expect(card).toContainText(NOTE);
	await expect(card).toContainText('王老师');
	const href = await card.getByRole('link', { name: '改约时间' }).getAttribute('href');
	appointmentId = /\/family\/counselling\/([0-9a-f-]{36})\/reschedule/.exec(href ?? '')?.[1] ?? '';
	expect(appointmentId).not.toBe('');
	await shots(page, testInfo, 'mine');
	await context.close();
});

test('the family pages pass axe', async ({ browser }) => {
	const { context, page } = await desk(browser, parentState);
	for (const path of [
		'/counselling',
		`${CENTRE}?week=${WEEK}`,
		'/family/counselling',
		`/family/counselling/${appointmentId}/reschedule?week=${WEEK}`
	]) {
		await page.goto(path);
		await expectCrisisNotice(page);
		await axe(page);
	}
	await context.close();
});

test('王老师 accepts the request, reads what it is about and writes a note', async ({
	browser
}, testInfo) => {
	const { context, page } = await desk(browser);
	await signIn(page, WANG);

	await page.goto(`/staff/counselling?week=${WEEK}`);
	const entry = page.locator(`[data-testid="diary-entry"][data-status="requested"]`);
	await expect(entry).toHaveCount(1);
	await expect(entry).toContainText(CHILD);
	await expect(entry).toContainText(TOPIC);
	// FullCalendar draws the week over the list.
	await expect(page.getByTestId('diary-calendar')).toHaveAttribute('data-loaded', 'true');
	await expect(page.locator('.gy-cal .fc-event')).toHaveCount(1);
	await axe(page);
	await shots(page, testInfo, 'diary', [1280, 360]);

	await entry.getByRole('button', { name: '接受' }).click();
	await expect(page).toHaveURL(new RegExp(`/staff/counselling/${appointmentId}\\?done=accepted`));
	await expect(page.getByTestId('appointment-status')).toHaveText('已确认');
	await expect(page.getByTestId('appointment-topic')).toHaveText(TOPIC);
	await expect(page.getByTestId('appointment-note')).toHaveText(NOTE);
	await page.getByLabel('新的记录').fill(SESSION_NOTE);
	await page.getByRole('button', { name: '保存记录' }).click();
	await expect(page.getByTestId('notes')).toContainText(SESSION_NOTE);
	await axe(page);
	await shots(page, testInfo, 'appointment', [1280, 360]);

	// The manager's busy view: when, not who or why.
	await page.goto(`/staff/counselling/busy?week=${WEEK}`);
	await expect(page.getByTestId('busy-days')).toContainText('忙碌');
	const busy = (await page.locator('main').textContent()) ?? '';
	for (const secret of [CHILD, TOPIC, NOTE, SESSION_NOTE]) expect(busy).not.toContain(secret);
	await axe(page);

	// The settings page works and shows 王老师's hours.
	await page.goto('/staff/counselling/settings');
	await expect(page.getByTestId('hours')).toContainText('09:00–12:00');
	await axe(page);
	await context.close();
});

test('another counsellor, another organisation and another family see nothing of it', async ({
	browser
}) => {
	for (const email of [LI, YOUTH_STAFF]) {
		const { context, page } = await desk(browser);
		await signIn(page, email);
		const detail = await page.goto(`/staff/counselling/${appointmentId}`);
		expect(detail?.status(), email).toBe(404);
		const feed = await page.request.get(
			`/staff/counselling/feed?from=${WEEK}&to=${addDays(WEEK, 7)}`
		);
		const feedText = await feed.text();
		for (const secret of [NOTE, SESSION_NOTE, appointmentId])
			expect(feedText).not.toContain(secret);
		const diary = await page.goto(`/staff/counselling?week=${WEEK}`);
		if (diary?.ok()) {
			// 李老师 sees her own appointments (the demo family's, for 乐乐), never 王老师's.
			const text = (await page.locator('main').innerHTML()) ?? '';
			for (const secret of [TOPIC, NOTE, SESSION_NOTE, appointmentId])
				expect(text).not.toContain(secret);
		}
		const busy = await page.goto(`/staff/counselling/busy?week=${WEEK}`);
		expect(busy?.status(), email).toBe(403);
		await context.close();
	}
	const { context, page } = await phone(browser);
	await signIn(page, OTHER_PARENT);
	const other = await page.goto(`/family/counselling/${appointmentId}/reschedule`);
	expect(other?.status()).toBe(404);
	await page.goto('/family/counselling');
	expect((await page.locator('main').textContent()) ?? '').not.toContain(NOTE);
	await context.close();
});

test('the parent, still without JavaScript, moves the session to another time, then cancels it', async ({
	browser
}, testInfo) => {
	const { context, page } = await phone(browser, parentState);
	await page.goto('/family/counselling');
	const card = page.locator('[data-testid="appointment"]', {
		has: page.locator(`a[href="/family/counselling/${appointmentId}/reschedule"]`)
	});
	await expect(card.getByTestId('appointment-status')).toHaveText('已确认');
	await card.getByRole('link', { name: '改约时间' }).click();
	await expect(page.getByRole('heading', { name: '改约时间', level: 1 })).toBeVisible();
	await expectCrisisNotice(page);
	await page.goto(`/family/counselling/${appointmentId}/reschedule?week=${WEEK}&c=${WANG_ID}`);
	const before = await page.getByTestId('current-time').textContent();
	await page.getByRole('radio').nth(1).check();
	await shots(page, testInfo, 'reschedule');
	await page.getByRole('button', { name: '选这个时间' }).click();
	await expect(page).toHaveURL(/\/family\/counselling\?done=rescheduled/);
	await expect(page.getByTestId('done')).toHaveText('时间已更改。');
	// 王老师 accepts each booking: the new time waits for her again.
	const moved = page.locator('[data-testid="appointment"]', {
		has: page.locator(`a[href="/family/counselling/${appointmentId}/reschedule"]`)
	});
	await expect(moved.getByTestId('appointment-status')).toHaveText('等待咨询师确认');
	await expect(moved.locator('h3')).not.toHaveText(
		(before ?? '').replace('现在的时间：', '').trim()
	);

	// Plans change: the parent cancels (well before the cut-off, so not late).
	await moved.getByRole('button', { name: '取消预约' }).click();
	await expect(page).toHaveURL(/\/family\/counselling\?done=cancelled$/);
	await expect(page.getByTestId('done')).toHaveText('预约已取消。');
	await expect(
		page
			.locator('[data-testid="appointment"][data-status="cancelled"]')
			.getByTestId('appointment-status')
	).toHaveText('已取消');
	await context.close();
});

test('the emails and calendar files never name the child, the topic or the note', async ({
	browser
}) => {
	const { context, page } = await desk(browser);
	const secrets = [CHILD, TOPIC, NOTE, SESSION_NOTE, 'emotions_sleep'];
	// Requested, confirmed, changed and cancelled to the parent; new, changed and cancelled to 王老师.
	const expected = {
		[PARENT]: [
			'咨询预约已提交，等待确认',
			'咨询预约已确认',
			'咨询预约时间已更改',
			'咨询预约已取消'
		],
		[WANG]: ['新的咨询预约', '咨询预约已改期', '咨询预约已取消']
	};
	await expect(async () => {
		await page.goto('/dev/mailbox');
		for (const [to, subjects] of Object.entries(expected)) {
			const list = (await page.locator(`a[data-to="${to}"]`).allTextContents()).join('\n');
			for (const subject of subjects) expect(list).toContain(subject);
		}
	}).toPass({ timeout: 30_000 });

	// The mailbox's list: no subject says anything private.
	const listing = (await page.getByTestId('mailbox').textContent()) ?? '';
	for (const secret of secrets) expect(listing).not.toContain(secret);

	let calendars = 0;
	for (const to of [PARENT, WANG]) {
		const links = page.locator(`a[data-to="${to}"]`, { hasText: '咨询预约' });
		const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
		for (const href of hrefs) {
			await page.goto(href);
			const text = (await page.getByTestId('mail-text').textContent()) ?? '';
			const subject = (await page.locator('h1').textContent()) ?? '';
			for (const secret of secrets) {
				expect(text, `${to}: ${subject}`).not.toContain(secret);
				expect(subject).not.toContain(secret);
			}
			if (to === PARENT) expect(text).toContain('0572-12355');
			const files = page.getByTestId('mail-attachments').locator('a');
			for (const file of await files.evaluateAll((as) => as.map((a) => a.getAttribute('href')!))) {
				const ics = await (await page.request.get(file)).text();
				expect(ics).toContain('BEGIN:VCALENDAR');
				expect(ics.replace(/\r?\n[ \t]/g, '')).toContain(
					'SUMMARY:咨询预约 / Counselling appointment'
				);
				for (const secret of secrets) expect(ics).not.toContain(secret);
				calendars++;
			}
			await page.goto('/dev/mailbox');
		}
	}
	// The confirmation's calendar file, and the cancellation's.
	expect(calendars).toBeGreaterThanOrEqual(2);
	await context.close();
});

test('a time taken a moment earlier by another family: a clear message and the fresh times', async ({
	browser
}, testInfo) => {
	const LI_ID = 'd0000000-0000-4000-8000-000000000202';
	const first = await phone(browser, parentState);
	await first.page.goto(`${CENTRE}?week=${WEEK}&c=${LI_ID}`);
	const slot = first.page.getByTestId('slot').first();
	const slotHref = (await slot.getAttribute('href')) ?? '';
	await slot.click();
	await expect(first.page.getByTestId('request-form')).toBeVisible();

	// Another family books the same time while the first is still filling in the form.
	const second = await phone(browser);
	await signIn(second.page, OTHER_PARENT);
	await second.page.goto(slotHref);
	await second.page.getByLabel('全家一起').check();
	await second.page.getByRole('button', { name: '提交预约' }).click();
	await expect(second.page).toHaveURL(/\/family\/counselling\?done=booked/);
	await second.context.close();

	await first.page.getByLabel('家长本人').check();
	await first.page.getByRole('button', { name: '提交预约' }).click();
	await expect(first.page.getByTestId('form-error')).toHaveText(
		'这个时间刚刚被别人约走了，请选择其他时间。'
	);
	await expectCrisisNotice(first.page);
	const fresh = first.page.getByTestId('slot');
	await expect(fresh.first()).toBeVisible();
	// The taken time is not among the fresh ones.
	const hrefs = await fresh.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
	expect(hrefs).not.toContain(slotHref);
	await shots(first.page, testInfo, 'lost-race', [360]);
	await first.context.close();
});
