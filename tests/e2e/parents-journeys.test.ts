/**
 * Parents and grandparents, end to end against the production build: find an event for a
 * seven-year-old, register the family (consent first), fill the last places and the waitlist with
 * the demo families, cancel and see the waitlisted family promoted, add the event to a calendar,
 * do it all again without JavaScript, and read every refusal as a sentence. Fixtures (a small
 * event, rule cases) are written through the secret-key API, like any server job would.
 */
import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import {
	expect,
	test,
	type Browser,
	type BrowserContext,
	type Page,
	type TestInfo
} from '@playwright/test';
import ICAL from 'ical.js';
import {
	ORIGIN,
	addChild,
	createFamily,
	enterCode,
	readLatestMail,
	requestCode,
	uniqueEmail
} from './support';

const SECRET = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz';
const tag = Date.now().toString(36);
const WORD = `星空绘本${tag.slice(-4)}`;

async function api<T = unknown>(
	path: string,
	init: { method?: string; body?: unknown } = {}
): Promise<T> {
	const response = await fetch(`${ORIGIN}/rest/v1/${path}`, {
		method: init.method ?? 'GET',
		headers: {
			apikey: SECRET,
			authorization: `Bearer ${SECRET}`,
			'content-type': 'application/json',
			prefer: 'return=representation'
		},
		body: init.body === undefined ? undefined : JSON.stringify(init.body)
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${text}`);
	return (text ? JSON.parse(text) : null) as T;
}

const inDays = (days: number, hour = 9) => {
	const d = new Date(Date.now() + days * 86_400_000);
	d.setUTCHours(hour - 8, 30, 0, 0);
	return d.toISOString();
};

interface Fixture {
	orgId: string;
	main: string;
	rules: string;
	window: string;
	full: string;
	nojs: string;
	ended: string;
	cancelled: string;
	closedFull: string;
	waiting: string;
	startYear: number;
}

let fx: Fixture;

async function createEvent(slug: string, fields: Record<string, unknown>): Promise<string> {
	const [row] = await api<{ slug: string }[]>('events', {
		method: 'POST',
		body: {
			org_id: fx.orgId,
			slug,
			category: 'parent_child_reading',
			status: 'published',
			title_zh: `测试活动 ${slug}`,
			title_en: `Test event ${slug}`,
			starts_at: inDays(10),
			ends_at: inDays(10, 11),
			address_zh: '湖州市吴兴区西山漾丝绸小镇 1 号',
			address_en: 'No. 1 Xishanyang Silk Town, Wuxing, Huzhou',
			capacity: 20,
			...fields
		}
	});
	return row.slug;
}

async function patchEvent(slug: string, fields: Record<string, unknown>) {
	await api(`events?slug=eq.${slug}`, { method: 'PATCH', body: fields });
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
	const [org] = await api<{ id: string }[]>('organisations', {
		method: 'POST',
		body: {
			kind: 'community_parent_school',
			slug: `parents-e2e-${tag}`,
			name_zh: '测试社区家长学校',
			name_en: 'Test community parent school',
			contact_phone: '0572-2000099'
		}
	});
	fx = { orgId: org.id } as Fixture;
	fx.startYear = Number(
		new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(
			new Date(inDays(10))
		)
	);
	fx.main = await createEvent(`parents-main-${tag}`, {
		title_zh: `${WORD}亲子阅读会`,
		title_en: `Starry picture-book reading ${tag}`,
		summary_zh: '和孩子一起读绘本、画星空。',
		description_zh:
			'活动安排：\n- 绘本共读\n- 亲子画星空\n\n请带上：\n1. 水杯\n2. 彩笔\n\n<script>alert("x")</script> 原样显示',
		capacity: 4,
		min_child_age: 6,
		max_child_age: 9,
		max_seats_per_family: 4
	});
	fx.rules = await createEvent(`parents-rules-${tag}`, {
		min_child_age: 10,
		max_child_age: 12,
		max_seats_per_family: 1
	});
	fx.window = await createEvent(`parents-window-${tag}`, {});
	fx.full = await createEvent(`parents-full-${tag}`, { capacity: 5, waitlist_enabled: false });
	fx.nojs = await createEvent(`parents-nojs-${tag}`, {
		capacity: 10,
		min_child_age: 3,
		max_child_age: 12
	});
	fx.ended = await createEvent(`parents-ended-${tag}`, {
		starts_at: inDays(-3),
		ends_at: inDays(-3, 11)
	});
	fx.cancelled = await createEvent(`parents-cancelled-${tag}`, { status: 'cancelled' });
	fx.closedFull = await createEvent(`parents-closed-full-${tag}`, {
		capacity: 2,
		waitlist_enabled: false
	});
	await patchEvent(fx.closedFull, { seats_taken: 2 });
	fx.waiting = await createEvent(`parents-waiting-${tag}`, { capacity: 1 });
	await patchEvent(fx.waiting, { seats_taken: 1 });
});

async function signIn(page: Page, context: BrowserContext, email: string, next = '/family') {
	await requestCode(page, email);
	const mail = await readLatestMail(context, email);
	await page.goto(`/auth/sign-in?next=${encodeURIComponent(next)}`);
	await enterCode(page, mail.code);
	await expect(page).toHaveURL(new RegExp(`${next.replace(/[/?]/g, '\\$&')}$`));
}

async function newParent(browser: Browser, options: { javaScriptEnabled?: boolean } = {}) {
	const context = await browser.newContext({
		locale: 'zh-CN',
		timezoneId: 'Asia/Shanghai',
		...options
	});
	return { context, page: await context.newPage() };
}

async function axe(page: Page) {
	const results = await new AxeBuilder({ page }).analyze();
	expect(
		results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(' ')})`)
	).toEqual([]);
}

/** A 360 px wide screenshot, attached; nothing may be wider than the screen. */
async function phoneShot(
	browser: Browser,
	storage: BrowserContext | null,
	path: string,
	name: string,
	info: TestInfo,
	options: { largeText?: boolean } = {}
) {
	const context = await browser.newContext({
		viewport: { width: 360, height: 740 },
		deviceScaleFactor: 2,
		isMobile: true,
		hasTouch: true,
		locale: 'zh-CN',
		timezoneId: 'Asia/Shanghai',
		storageState: storage ? await storage.storageState() : undefined
	});
	if (options.largeText)
		await context.addCookies([{ name: 'gongyu_text', value: 'large', url: ORIGIN }]);
	const page = await context.newPage();
	await page.goto(path);
	await page.waitForLoadState('networkidle');
	if (options.largeText) await expect(page.locator('html')).toHaveClass(/text-large/);
	const overflow = await page.evaluate(
		() => document.documentElement.scrollWidth - document.documentElement.clientWidth
	);
	expect(overflow, `${path} scrolls sideways at 360 px`).toBeLessThanOrEqual(0);
	const shot = await page.screenshot({ fullPage: true, path: info.outputPath(`${name}.png`) });
	await info.attach(name, { body: shot, contentType: 'image/png' });
	await context.close();
}

async function download(page: Page, trigger: () => Promise<void>): Promise<string> {
	const [file] = await Promise.all([page.waitForEvent('download'), trigger()]);
	return readFile((await file.path())!, 'utf8');
}

function parseIcs(text: string) {
	const vevent = new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vevent')!;
	const start = (vevent.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate();
	return {
		uid: String(vevent.getFirstPropertyValue('uid')),
		summary: String(vevent.getFirstPropertyValue('summary')),
		status: String(vevent.getFirstPropertyValue('status')),
		start,
		beijing: new Intl.DateTimeFormat('zh-CN', {
			timeZone: 'Asia/Shanghai',
			hour: '2-digit',
			minute: '2-digit',
			hour12: false
		}).format(start)
	};
}

let parentA: { context: BrowserContext; page: Page; email: string };

test('a parent finds an event for a 7-year-old, consents, adds two children and registers both', async ({
	browser
}, info) => {
	test.setTimeout(120_000);
	const { context, page } = await newParent(browser);
	parentA = { context, page, email: uniqueEmail('parent-a') };
	await signIn(page, context, parentA.email);
	await createFamily(page, '测试妈妈');

	// A child needs the guardian's separate consent first: no child form until then.
	const addChildCard = page.getByTestId('add-child');
	await expect(addChildCard.getByTestId('consent')).toContainText('儿童个人信息处理知情同意书');
	await expect(addChildCard.getByLabel('孩子的昵称或小名')).toHaveCount(0);
	await addChildCard.getByRole('button', { name: '我是孩子的监护人，我同意' }).click();
	await expect(page.getByTestId('consent-record')).toContainText('2026-12');
	await addChild(page, '小星', fx.startYear - 7, 1);
	await addChild(page, '小月', fx.startYear - 8, 1);
	await expect(page.getByTestId('member')).toHaveCount(2);
	await axe(page);

	// Find it: "my child is 7" and a Chinese word.
	await page.goto('/events');
	await page.getByLabel('孩子几岁？').selectOption('7');
	await page.getByLabel('搜索活动').fill(WORD);
	await page.getByRole('button', { name: '查找', exact: true }).click();
	await expect(page).toHaveURL(/age=7/);
	await expect(page.getByTestId('events-total')).toHaveText('共找到 1 个活动');
	const card = page.getByTestId('event-card');
	await expect(card).toContainText('6–9 岁');
	await expect(card).toContainText('测试社区家长学校');
	await expect(card.getByTestId('seats')).toHaveText('剩余 4 个名额（共 4 个）。');
	// The same search for a 12-year-old finds nothing.
	await page.goto(`/events?age=12&q=${encodeURIComponent(WORD)}`);
	await expect(page.getByTestId('events-empty')).toBeVisible();
	await page.goto(`/events?age=7&q=${encodeURIComponent(WORD)}`);
	await page.getByRole('link', { name: `${WORD}亲子阅读会` }).click();
	await expect(page).toHaveURL(new RegExp(`/events/${fx.main}$`));

	// The description is text: lists kept, HTML shown as typed.
	const description = page.getByTestId('event-description');
	await expect(description.locator('ul li')).toHaveText(['绘本共读', '亲子画星空']);
	await expect(description.locator('ol li')).toHaveText(['水杯', '彩笔']);
	await expect(description).toContainText('<script>alert("x")</script> 原样显示');
	await expect(page.locator('time').first()).toContainText('09:30');

	// Choosing: the form counts as the boxes are ticked.
	const form = page.getByTestId('register-form');
	await form.getByLabel(/小星/).check();
	await form.getByLabel(/小月/).check();
	await expect(page.getByTestId('register-summary')).toContainText('已选 2 人');
	await expect(page.getByTestId('register-summary')).toContainText('目前剩余 4 个名额');
	await axe(page);
	await form.getByRole('button', { name: '提交报名' }).click();
	await expect(page.getByTestId('done')).toContainText('报名成功');
	await expect(page.getByTestId('my-status')).toContainText('报名成功');
	await expect(page.getByTestId('my-status')).toContainText(/签到码：\s*[0-9A-Z]{6}/);
	await expect(page.getByTestId('seats')).toHaveText('剩余 2 个名额（共 4 个）。');

	// Add to calendar from the event page: valid iCalendar, the event's UID, Beijing time.
	const eventIcs = parseIcs(await download(page, () => page.getByTestId('event-ics').click()));
	expect(eventIcs.summary).toBe(`${WORD}亲子阅读会`);
	expect(eventIcs.uid).toMatch(/^event-[0-9a-f-]{36}@gongyu$/);
	expect(eventIcs.beijing).toBe('09:30');
	expect(eventIcs.start.toISOString()).toBe(inDays(10));

	// My registrations: the QR code holds the check-in code; the .ics has the registration's UID.
	await page.goto('/family/registrations');
	const mine = page.getByTestId('registration-card').filter({ hasText: WORD });
	await expect(mine.getByTestId('registration-status')).toHaveText('报名成功');
	await expect(mine.getByTestId('check-in-qr').locator('svg')).toBeVisible();
	await expect(mine.getByTestId('check-in-code')).toHaveText(/^[0-9A-Z]{6}$/);
	const registrationIcs = parseIcs(
		await download(page, () => mine.getByTestId('registration-ics').click())
	);
	expect(registrationIcs.uid).not.toBe(eventIcs.uid);
	expect(registrationIcs.beijing).toBe('09:30');
	await axe(page);

	await phoneShot(browser, context, `/events?age=7`, 'parents-events-360', info);
	await phoneShot(browser, context, `/events/${fx.main}`, 'parents-event-360', info);
	await phoneShot(browser, context, '/family', 'parents-family-360', info);
	await phoneShot(browser, context, '/family/registrations', 'parents-registrations-360', info);
	await phoneShot(browser, context, `/events/${fx.main}`, 'parents-event-360-large-text', info, {
		largeText: true
	});
	await phoneShot(browser, context, '/family', 'parents-family-360-large-text', info, {
		largeText: true
	});
});

test('a demo family takes the last places, the next is waitlisted and is promoted when the first cancels', async ({
	browser
}) => {
	test.setTimeout(120_000);
	// 王芳 (parent1) brings herself and the grandmother: the last two places.
	const one = await newParent(browser);
	await signIn(one.page, one.context, 'parent1@demo.gongyu.local', `/events/${fx.main}`);
	const oneForm = one.page.getByTestId('register-form');
	await oneForm.getByLabel(/妈妈/).check();
	await oneForm.getByLabel(/外婆/).check();
	await oneForm.getByRole('button', { name: '提交报名' }).click();
	await expect(one.page.getByTestId('done')).toContainText('报名成功');
	await expect(one.page.getByTestId('seats')).toHaveText('名额已满，可候补（已有 0 户候补）。');

	// Li Qiang (parent2) comes alone: the event is full, so the waitlist, first in line.
	const two = await newParent(browser);
	// … who came from a WeChat link: the channel tag travels through sign-in to the registration.
	await signIn(two.page, two.context, 'parent2@demo.gongyu.local', `/events/${fx.main}?src=wechat`);
	const twoForm = two.page.getByTestId('register-form');
	await expect(twoForm.getByRole('button', { name: '报名候补' })).toBeVisible();
	await twoForm.getByLabel(/Dad/).check();
	await expect(two.page.getByTestId('register-summary')).toContainText('提交后将进入候补');
	await twoForm.getByRole('button', { name: '报名候补' }).click();
	await expect(two.page.getByTestId('done')).toContainText('目前排第 1 位');
	await expect(two.page.getByTestId('my-status')).toContainText('候补第 1 位');
	const [main] = await api<{ id: string }[]>(`events?slug=eq.${fx.main}&select=id`);
	const sources = await api<{ source: string | null; status: string }[]>(
		`registrations?event_id=eq.${main.id}&select=source,status&order=created_at`
	);
	expect(sources.map((r) => `${r.status}:${r.source}`)).toEqual([
		'confirmed:null',
		'confirmed:null',
		'waitlisted:wechat'
	]);

	// The first family cancels from "my registrations".
	const a = parentA.page;
	await a.goto('/family/registrations');
	const card = a.getByTestId('registration-card').filter({ hasText: WORD });
	await card.getByText('取消报名', { exact: true }).click();
	await card.getByRole('button', { name: '确定取消报名' }).click();
	await expect(a.getByTestId('done')).toHaveText(`已取消「${WORD}亲子阅读会」的报名。`);
	await expect(
		a.getByTestId('past-registrations').getByTestId('registration-card').filter({ hasText: WORD })
	).toHaveAttribute('data-status', 'cancelled');

	// The waitlisted family now holds a place, and its family page says so.
	await two.page.goto('/family');
	const upcoming = two.page.getByTestId('family-upcoming').locator('li').filter({ hasText: WORD });
	await expect(upcoming).toContainText('报名成功');
	await expect(upcoming.getByTestId('promoted')).toBeVisible();
	await two.page.goto(`/events/${fx.main}`);
	await expect(two.page.getByTestId('my-status')).toContainText('从候补转为正式报名');
	await one.context.close();
	await two.context.close();
});

test('each refused rule is said in a sentence', async () => {
	test.setTimeout(90_000);
	const page = parentA.page;
	const error = page.getByTestId('form-error');

	// Ages 10–12, one person per family: the page warns before sending, the server refuses.
	await page.goto(`/events/${fx.rules}`);
	await expect(page.getByTestId('age-warning')).toHaveCount(2);
	const form = page.getByTestId('register-form');
	await form.getByRole('button', { name: '提交报名' }).click();
	await expect(error).toHaveText('请至少勾选一位参加的家庭成员。');
	await form.getByLabel(/小星/).check();
	await form.getByLabel(/小月/).check();
	await expect(page.getByTestId('register-summary')).toContainText('每个家庭最多可以报 1 人');
	await form.getByRole('button', { name: '提交报名' }).click();
	await expect(error).toHaveText('每个家庭最多可以报 1 人，请减少参加人数。');
	await form.getByLabel(/小月/).uncheck();
	await form.getByRole('button', { name: '提交报名' }).click();
	await expect(error).toHaveText(
		'有孩子不在本活动的年龄范围（10–12 岁）内，请只勾选符合年龄的孩子。'
	);

	// The window moves while the page is open.
	await page.goto(`/events/${fx.window}`);
	await page.getByTestId('register-form').getByLabel(/小星/).check();
	await patchEvent(fx.window, { registration_opens_at: inDays(3) });
	await page.getByTestId('register-form').getByRole('button', { name: '提交报名' }).click();
	await expect(error).toContainText('报名还没有开始，将于');
	// The page is drawn on the server: the refusal shows the window as it is now, without the form.
	await patchEvent(fx.window, { registration_opens_at: null });
	await page.goto(`/events/${fx.window}`);
	await page.getByTestId('register-form').getByLabel(/小星/).check();
	await patchEvent(fx.window, { registration_closes_at: inDays(-1) });
	await page.getByTestId('register-form').getByRole('button', { name: '提交报名' }).click();
	await expect(error).toHaveText('报名已截止。');
	await page.reload();
	await expect(page.getByTestId('window-closed')).toHaveText('报名已截止。');

	// Full without a waitlist.
	await page.goto(`/events/${fx.full}`);
	await page.getByTestId('register-form').getByLabel(/小星/).check();
	await patchEvent(fx.full, { seats_taken: 5 });
	await page.getByTestId('register-form').getByRole('button', { name: '提交报名' }).click();
	await expect(error).toHaveText('名额已满，这个活动不设候补。');
	// Opened again, the page no longer offers the form.
	await page.reload();
	await expect(page.getByTestId('window-full')).toHaveText(
		'名额已满。这个活动不设候补，不能再报名。'
	);
	await expect(page.getByTestId('register-form')).toHaveCount(0);

	// A member registered for an event ahead cannot be removed.
	await page.goto(`/events/${fx.nojs}`);
	await page.getByTestId('register-form').getByLabel(/小星/).check();
	await page.getByTestId('register-form').getByRole('button', { name: '提交报名' }).click();
	await expect(page.getByTestId('done')).toContainText('报名成功');
	await page.goto('/family');
	const member = page.getByTestId('member').filter({ hasText: '小星' });
	await member.getByText('删除', { exact: true }).click();
	await member.getByRole('button', { name: '确定删除' }).click();
	await expect(member.getByTestId('form-error')).toHaveText(
		'这位家人报名了尚未结束的活动。请先取消那次报名，再删除。'
	);
	await expect(page.getByTestId('member')).toHaveCount(2);
});

test('the list view ships no FullCalendar; the calendar view loads it and shows the month', async ({
	page
}) => {
	const scripts: string[] = [];
	page.on('response', async (response) => {
		if (response.request().resourceType() === 'script')
			scripts.push(await response.text().catch(() => ''));
	});
	await page.goto('/events');
	await page.waitForLoadState('networkidle');
	// Public pages are drawn on the server and hydrate nothing: the list loads no script at all.
	expect(scripts).toEqual([]);
	await axe(page);

	const month = new Intl.DateTimeFormat('en-CA', {
		timeZone: 'Asia/Shanghai',
		year: 'numeric',
		month: '2-digit'
	})
		.format(new Date(inDays(10)))
		.slice(0, 7);
	await page.getByRole('link', { name: '日历' }).click();
	await expect(page).toHaveURL(/view=calendar/);
	await page.goto(`/events?view=calendar&month=${month}`);
	await expect(page.locator('.fc')).toBeVisible();
	await expect(page.locator('.fc').getByText(`${WORD}亲子阅读会`)).toBeVisible();
	expect(scripts.some((body) => body.includes('fc-daygrid'))).toBe(true);
	await axe(page);
});

test('registering, a double submit and cancelling all work without JavaScript', async ({
	browser
}, info) => {
	test.setTimeout(120_000);
	const { context, page } = await newParent(browser, { javaScriptEnabled: false });
	const email = uniqueEmail('nojs');
	await signIn(page, context, email);
	await createFamily(page, '李奶奶');
	await page
		.getByTestId('add-child')
		.getByRole('button', { name: '我是孩子的监护人，我同意' })
		.click();
	await addChild(page, '豆豆', fx.startYear - 5, 6);
	const adult = page.getByTestId('add-adult');
	await adult.getByLabel('身份').selectOption('grandparent');
	await adult.getByLabel('称呼').fill('奶奶');
	await adult.getByRole('button', { name: '添加这位家人' }).click();
	await expect(page.getByTestId('member')).toHaveCount(2);

	// Filters are a plain GET form.
	await page.goto('/events');
	await page.getByLabel('搜索活动').fill(`parents-nojs-${tag}`);
	await page.getByRole('button', { name: '查找', exact: true }).click();
	await expect(page.getByTestId('event-card')).toHaveCount(1);
	await page.getByTestId('event-card').getByRole('link').click();
	await expect(page).toHaveURL(new RegExp(`/events/${fx.nojs}$`));

	const form = page.getByTestId('register-form');
	// On a phone, sent with nobody ticked: the new page opens at the form, its sentence in view.
	await page.setViewportSize({ width: 360, height: 740 });
	await form.getByRole('button', { name: '提交报名' }).click();
	await expect(page).toHaveURL(/#register-form$/);
	await expect(page.getByTestId('form-error')).toHaveText('请至少勾选一位参加的家庭成员。');
	await expect(page.getByTestId('form-error')).toBeInViewport();
	await form.getByLabel(/豆豆/).check();
	await form.getByLabel(/奶奶/).check();
	// What the browser sends, kept to send it a second time below.
	const sent = new URLSearchParams({
		event_id: await form.locator('input[name=event_id]').inputValue()
	});
	for (const box of await form.locator('input[name=member]').all())
		sent.append('member', await box.inputValue());
	await form.getByRole('button', { name: '提交报名' }).click();
	await expect(page.getByTestId('done')).toContainText('报名成功');
	await expect(page.getByTestId('my-status')).toContainText('豆豆');

	// The same form arrives again (a double tap, a resend after a timeout): still one registration.
	const again = await context.request.post(`/events/${fx.nojs}?/register`, {
		headers: {
			origin: ORIGIN,
			accept: 'text/html',
			'content-type': 'application/x-www-form-urlencoded'
		},
		data: sent.toString(),
		maxRedirects: 0
	});
	expect(again.status()).toBe(303);
	expect(again.headers()['location']).toBe(`/events/${fx.nojs}?done=repeated`);
	await page.goto(again.headers()['location']);
	await expect(page.getByTestId('done')).toHaveText('您家已经报名了这个活动，无需重复提交。');
	await page.goto('/family/registrations');
	await expect(
		page.getByTestId('registration-card').filter({ hasText: `parents-nojs-${tag}` })
	).toHaveCount(1);

	// Cancel (the confirmation is a <details>); the same cancel again is refused politely.
	await page.goto(`/events/${fx.nojs}`);
	const registrationId = await page
		.getByTestId('cancel-registration')
		.locator('input[name=registration_id]')
		.inputValue();
	await page.getByText('取消报名', { exact: true }).click();
	await page.getByRole('button', { name: '确定取消报名' }).click();
	await expect(page.getByTestId('done')).toHaveText(`已取消「测试活动 ${fx.nojs}」的报名。`);
	await expect(page.getByTestId('register-form')).toBeVisible();
	const twice = await context.request.post(`/events/${fx.nojs}?/cancel`, {
		headers: {
			origin: ORIGIN,
			accept: 'text/html',
			'content-type': 'application/x-www-form-urlencoded'
		},
		data: new URLSearchParams({ registration_id: registrationId }).toString(),
		maxRedirects: 0
	});
	expect(twice.status()).toBe(400);
	expect(await twice.text()).toContain('这条报名已经取消或已签到，无需再取消。');

	// The cancellation email, read in the dev mailbox, carries the file that cancels the calendar
	// entry the confirmation made.
	const mailbox = await context.newPage();
	const cancelledMail = mailbox.locator(`a[data-to="${email}"]`, { hasText: '已取消报名' }).first();
	await expect(async () => {
		await mailbox.goto('/dev/mailbox');
		await expect(cancelledMail).toBeVisible({ timeout: 1000 });
	}).toPass({ timeout: 30_000 });
	await cancelledMail.click();
	const file = mailbox.getByTestId('mail-attachments').getByRole('link', { name: 'event.ics' });
	const ics = await context.request.get((await file.getAttribute('href'))!);
	expect(ics.headers()['content-type']).toBe('text/calendar; charset=utf-8; method=CANCEL');
	expect(ics.headers()['content-disposition']).toContain("filename*=UTF-8''event.ics");
	const calendar = await ics.text();
	expect(calendar).toContain('METHOD:CANCEL');
	expect(calendar).toContain('STATUS:CANCELLED');
	expect(calendar).toContain(`UID:${registrationId}@gongyu`);
	await mailbox.close();

	await phoneShot(browser, null, `/events?view=calendar`, 'parents-calendar-360', info);
	await context.close();
});

test('a guardian downloads the family data and deletes the account', async ({ browser }) => {
	const { context, page } = await newParent(browser);
	await signIn(page, context, uniqueEmail('leaver'));
	await createFamily(page, '要走的家长');
	const exported = JSON.parse(await download(page, () => page.getByTestId('export').click()));
	expect(exported.family.guardian_name).toBe('要走的家长');
	expect(exported.format).toBe('gongyu-family-export/2');

	await page.getByText('删除账户和全部家庭信息').click();
	await page.getByLabel('我明白，确定要删除').check();
	await page.getByRole('button', { name: '永久删除我的账户' }).click();
	await expect(page.getByTestId('account-deleted')).toBeVisible();
	await page.goto('/family');
	await expect(page).toHaveURL(/\/auth\/sign-in/);
	await context.close();
	await parentA?.context.close();
});

/** A signed-in parent whose family has given consent and has one child of 7. */
async function familyWithChild(browser: Browser, label: string, guardian = '测试家长') {
	const parent = await newParent(browser);
	const email = uniqueEmail(label);
	await signIn(parent.page, parent.context, email);
	await createFamily(parent.page, guardian);
	await parent.page
		.getByTestId('add-child')
		.getByRole('button', { name: '我是孩子的监护人，我同意' })
		.click();
	await addChild(parent.page, '小宝', fx.startYear - 7, 3);
	return { ...parent, email };
}

test('an event that is over, called off or full without a waitlist says so and offers no form', async ({
	browser
}, info) => {
	test.setTimeout(120_000);
	const { context, page } = await familyWithChild(browser, 'states');

	await page.goto(`/events/${fx.closedFull}`);
	await expect(page.getByTestId('seats')).toHaveText('名额已满。');
	await expect(page.getByTestId('window-full')).toHaveText(
		'名额已满。这个活动不设候补，不能再报名。'
	);
	await expect(page.getByTestId('register-form')).toHaveCount(0);

	await page.goto(`/events/${fx.ended}`);
	await expect(page.getByTestId('event-over')).toHaveText('活动已结束。');
	await expect(page.getByTestId('window-ended')).toHaveText('活动已结束。');
	await expect(page.getByTestId('seats')).toHaveCount(0);
	await expect(page.getByTestId('event-ics')).toHaveCount(0);
	await expect(page.getByTestId('register-form')).toHaveCount(0);

	await page.goto(`/events/${fx.cancelled}`);
	await expect(page.getByTestId('event-over')).toHaveText('已取消。');
	await expect(page.getByTestId('seats')).toHaveCount(0);
	await expect(page.getByTestId('event-ics')).toHaveCount(0);
	await expect(page.getByTestId('register-form')).toHaveCount(0);

	// In English too.
	await context.addCookies([{ name: 'PARAGLIDE_LOCALE', value: 'en', url: ORIGIN }]);
	await page.goto(`/events/${fx.ended}`);
	await expect(page.getByTestId('event-over')).toHaveText('This event has ended.');
	await page.goto(`/events/${fx.cancelled}`);
	await expect(page.getByTestId('event-over')).toHaveText('Cancelled.');
	await page.goto(`/events/${fx.closedFull}`);
	await expect(page.getByTestId('seats')).toHaveText('Full.');
	await context.addCookies([{ name: 'PARAGLIDE_LOCALE', value: 'zh-CN', url: ORIGIN }]);

	// A registration whose event is over: the card says so and offers no calendar file.
	const past = await createEvent(`parents-past-registration-${tag}`, {});
	await page.goto(`/events/${past}`);
	await page.getByTestId('register-form').getByLabel(/小宝/).check();
	await page.getByTestId('register-form').getByRole('button', { name: '提交报名' }).click();
	await expect(page.getByTestId('done')).toContainText('报名成功');
	await patchEvent(past, { starts_at: inDays(-2), ends_at: inDays(-2, 11) });
	await page.goto('/family/registrations');
	const over = page.getByTestId('registration-card').filter({ hasText: past });
	await expect(over.getByTestId('event-over')).toHaveText('活动已结束。');
	await expect(over.getByTestId('registration-ics')).toHaveCount(0);

	await phoneShot(browser, context, `/events/${fx.closedFull}`, 'parents-event-full-360', info);
	await phoneShot(
		browser,
		context,
		'/family/registrations',
		'parents-registrations-over-360',
		info
	);
	await phoneShot(browser, context, `/events/${fx.ended}`, 'parents-event-ended-360', info);
	await context.close();
});

test('leaving a waitlist says so, naming the event', async ({ browser }) => {
	test.setTimeout(120_000);
	const { context, page } = await familyWithChild(browser, 'waiter');
	await page.goto(`/events/${fx.waiting}`);
	const form = page.getByTestId('register-form');
	await form.getByLabel(/小宝/).check();
	await form.getByRole('button', { name: '报名候补' }).click();
	await expect(page.getByTestId('my-status')).toContainText('候补第 1 位');
	await page.getByText('取消报名', { exact: true }).click();
	await page.getByRole('button', { name: '确定取消报名' }).click();
	await expect(page.getByTestId('done')).toHaveText(`已退出「测试活动 ${fx.waiting}」的候补。`);
	await context.close();
});

test('search finds organisers, addresses, traditional characters and synonyms; empty filters leave the address', async ({
	page
}) => {
	// The filter form sends every field; the address kept has only those chosen.
	await page.goto('/events?q=&age=&category=&org=&from=&to=');
	await expect(page).toHaveURL(`${ORIGIN}/events`);
	await page.getByLabel('孩子几岁？').selectOption('7');
	await page.getByRole('button', { name: '查找', exact: true }).click();
	await expect(page).toHaveURL(`${ORIGIN}/events?age=7`);

	const found = async (q: string) => {
		await page.goto(`/events?q=${encodeURIComponent(q)}`);
		return page.getByTestId('event-card').filter({ hasText: WORD });
	};
	// The organiser's name, in traditional characters; the address; a synonym.
	await expect(await found(`測試社區家長學校 ${WORD}`)).toHaveCount(1);
	await expect(await found(`西山漾丝绸小镇 ${WORD}`)).toHaveCount(1);
	await expect(await found(`${WORD} 閱讀`)).toHaveCount(1);
	await expect(await found(`${WORD} 读书`)).toHaveCount(1);
	await expect(await found(`${WORD} 运动会`)).toHaveCount(0);
});

test('without JavaScript the way back to the event survives every /family form; bad phone numbers are refused in words', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const { context, page } = await newParent(browser, { javaScriptEnabled: false });
	await signIn(page, context, uniqueEmail('nojs-next'));
	const next = `/events/${fx.nojs}`;
	await page.goto(`/family?next=${encodeURIComponent(next)}`);
	await page.getByLabel('监护人称呼').fill('张爷爷');
	await page.getByLabel('手机号码（选填）').fill('12345');
	await page.getByRole('button', { name: '保存，下一步' }).click();
	await expect(page.getByTestId('form-error')).toHaveText(
		'手机号码格式不对：请填写 11 位手机号（如 13912345678），或带区号的固定电话（如 0572-1234567）。'
	);
	await expect(page.getByLabel('手机号码（选填）')).toHaveAttribute('aria-invalid', 'true');
	expect(new URL(page.url()).searchParams.get('next')).toBe(next);
	await page.getByLabel('监护人称呼').fill('张爷爷');
	await page.getByLabel('手机号码（选填）').fill('0572-1234567');
	await page.getByRole('button', { name: '保存，下一步' }).click();
	await expect(page.getByRole('heading', { name: '家庭成员' })).toBeVisible();
	expect(new URL(page.url()).searchParams.get('next')).toBe(next);

	// Consent, then a child: each answer opens at its confirmation, the way back still offered.
	await page.setViewportSize({ width: 360, height: 740 });
	await page
		.getByTestId('add-child')
		.getByRole('button', { name: '我是孩子的监护人，我同意' })
		.click();
	await expect(page).toHaveURL(/#consent-done$/);
	await expect(page.getByTestId('consent-done')).toBeInViewport();
	expect(new URL(page.url()).searchParams.get('next')).toBe(next);
	await addChild(page, '壮壮', fx.startYear - 6, 2);
	await expect(page).toHaveURL(/#member-done$/);
	const done = page.getByTestId('member-done');
	await expect(done).toContainText('已保存：壮壮。');
	await expect(done).toBeInViewport();
	await done.getByRole('link', { name: '返回刚才的活动继续报名' }).click();
	await expect(page).toHaveURL(`${ORIGIN}${next}`);
	await expect(page.getByTestId('register-form').getByLabel(/壮壮/)).toBeVisible();
	await context.close();
});

test('with JavaScript, adding a family member on a phone brings its confirmation into view', async ({
	browser
}, info) => {
	const context = await browser.newContext({
		viewport: { width: 360, height: 740 },
		isMobile: true,
		hasTouch: true,
		locale: 'zh-CN',
		timezoneId: 'Asia/Shanghai'
	});
	const page = await context.newPage();
	await signIn(page, context, uniqueEmail('js-member'));
	await page.goto(`/family?next=${encodeURIComponent(`/events/${fx.nojs}`)}`);
	await page.getByLabel('监护人称呼').fill('刘妈妈');
	await page.getByRole('button', { name: '保存，下一步' }).click();
	const adult = page.getByTestId('add-adult');
	await adult.getByLabel('身份').selectOption('parent');
	await adult.getByLabel('称呼').fill('爸爸');
	await adult.getByRole('button', { name: '添加这位家人' }).click();
	const done = page.getByTestId('member-done');
	await expect(done).toContainText('已保存：爸爸。');
	await expect(done).toBeFocused();
	await expect(done).toBeInViewport();
	const shot = await page.screenshot({ path: info.outputPath('parents-member-done-360.png') });
	await info.attach('parents-member-done-360', { body: shot, contentType: 'image/png' });
	await context.close();
});

test('the first visit follows Accept-Language, and the language chosen is remembered', async ({
	browser
}) => {
	const visit = async (locale: string) => {
		const context = await browser.newContext({ locale, timezoneId: 'Asia/Shanghai' });
		const page = await context.newPage();
		await page.goto('/events');
		return { context, page };
	};
	const english = await visit('en-GB');
	await expect(english.page.getByRole('heading', { level: 1 })).toHaveText('Find an event');
	// Choosing Chinese is kept in the cookie, over the browser's English.
	await english.page.getByRole('button', { name: '切换到中文' }).click();
	await expect(english.page.getByRole('heading', { level: 1 })).toHaveText('找活动');
	const cookies = await english.context.cookies();
	expect(cookies.find((c) => c.name === 'PARAGLIDE_LOCALE')?.value).toBe('zh-CN');
	await english.page.goto('/events');
	await expect(english.page.getByRole('heading', { level: 1 })).toHaveText('找活动');
	await english.context.close();

	for (const locale of ['zh-CN', 'de-DE']) {
		const other = await visit(locale);
		await expect(other.page.getByRole('heading', { level: 1 })).toHaveText('找活动');
		await other.context.close();
	}
});

test('sign-in emails come in the family’s language, else in the page’s', async ({ browser }) => {
	const admin = async (path: string, body: unknown) => {
		const response = await fetch(`${ORIGIN}/auth/v1/admin/${path}`, {
			method: 'POST',
			headers: {
				apikey: SECRET,
				authorization: `Bearer ${SECRET}`,
				'content-type': 'application/json'
			},
			body: JSON.stringify(body)
		});
		expect(response.ok).toBe(true);
		return (await response.json()) as { id: string };
	};
	// An account made on a Chinese page, whose family reads English.
	const withFamily = uniqueEmail('family-en');
	const user = await admin('users', {
		email: withFamily,
		email_confirm: true,
		user_metadata: { locale: 'zh-CN' }
	});
	await api('families', {
		method: 'POST',
		body: { guardian_id: user.id, guardian_name: 'Ms Li', email: withFamily, locale: 'en' }
	});
	// An account made on a Chinese page, with no family yet.
	const noFamily = uniqueEmail('no-family');
	await admin('users', {
		email: noFamily,
		email_confirm: true,
		user_metadata: { locale: 'zh-CN' }
	});

	const { context, page } = await newParent(browser);
	await requestCode(page, withFamily);
	expect((await readLatestMail(context, withFamily)).subject).toMatch(
		/^Your Gongyu sign-in code: \d{6}$/
	);
	// A fresh visit (no address waiting for its code) on the English page.
	await context.clearCookies();
	await context.addCookies([{ name: 'PARAGLIDE_LOCALE', value: 'en', url: ORIGIN }]);
	await page.goto('/auth/sign-in');
	await page.getByLabel('Email address').fill(noFamily);
	await page.getByRole('button', { name: 'Send code' }).click();
	expect((await readLatestMail(context, noFamily)).subject).toMatch(
		/^Your Gongyu sign-in code: \d{6}$/
	);
	await context.close();
});

for (const javaScriptEnabled of [true, false]) {
	test(`asking for a new code too soon stays on the code step and says when (${javaScriptEnabled ? 'with' : 'without'} JavaScript)`, async ({
		browser
	}, info) => {
		const context = await browser.newContext({
			viewport: { width: 360, height: 740 },
			locale: 'zh-CN',
			timezoneId: 'Asia/Shanghai',
			javaScriptEnabled
		});
		const page = await context.newPage();
		const email = uniqueEmail('resend-wait');
		await requestCode(page, email);
		await readLatestMail(context, email);
		await page.getByRole('button', { name: '重新发送验证码' }).click();
		const wait = page.getByTestId('resend-wait');
		await expect(wait).toHaveText(/^\d{1,2} 秒后可重新发送。$/);
		await expect(page.getByLabel('6 位验证码')).toBeVisible();
		const resend = page.getByRole('button', { name: '重新发送验证码' });
		if (javaScriptEnabled) {
			// Counting down, the button waits with it.
			const first = Number((await wait.textContent())!.split(' ')[0]);
			await expect(wait).not.toHaveText(`${first} 秒后可重新发送。`, { timeout: 3000 });
			await expect(resend).toBeDisabled();
		} else {
			await expect(resend).toBeEnabled();
		}
		const shot = await page.screenshot({
			path: info.outputPath(`sign-in-resend-wait-${javaScriptEnabled ? 'js' : 'nojs'}-360.png`)
		});
		await info.attach('sign-in-resend-wait-360', { body: shot, contentType: 'image/png' });
		await context.close();
	});
}
