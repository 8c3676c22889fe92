/**
 * Public pages send only the JavaScript something on them needs: every public page type is listed
 * here with the island scripts it may load, and a page under src/routes/(public) that is not listed
 * fails the first test. Each works with JavaScript off and on (filters, the calendar toggle,
 * registering and cancelling), and a page kept for anonymous visitors follows the database.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
	expect,
	test,
	type Browser,
	type BrowserContextOptions,
	type Page,
	type TestInfo
} from '@playwright/test';
import { ORIGIN, expectAxeClean as axe, signIn } from './support';

const SECRET = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz';
const tag = Date.now().toString(36);

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

const inDays = (days: number, hour = 9) => {
	const d = new Date(Date.now() + days * 86_400_000);
	d.setUTCHours(hour - 8, 30, 0, 0);
	return d.toISOString();
};

/** Ages 6–9, three places, two per family: 乐乐 (8) fits, 朵朵 (5) does not. */
async function createEvent(slug: string) {
	const [org] = await api<{ id: string }[]>('organisations?slug=eq.wuxing-youth-centre&select=id');
	await api('events', 'POST', {
		org_id: org.id,
		slug,
		category: 'parent_child_reading',
		status: 'published',
		title_zh: `岛屿测试 ${slug}`,
		title_en: `Island test ${slug}`,
		summary_zh: '测试用的活动',
		starts_at: inDays(12),
		ends_at: inDays(12, 11),
		address_zh: '湖州市吴兴区西山漾丝绸小镇 1 号',
		capacity: 3,
		max_seats_per_family: 2,
		min_child_age: 6,
		max_child_age: 9
	});
	return slug;
}

/** Every request for a script while `run` runs. */
async function scriptsDuring(page: Page, run: () => Promise<unknown>): Promise<string[]> {
	const scripts: string[] = [];
	const listen = (request: { resourceType(): string; url(): string }) => {
		if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
	};
	page.on('request', listen);
	try {
		await run();
		await page.waitForLoadState('networkidle');
	} finally {
		page.off('request', listen);
	}
	return scripts;
}

async function open(
	browser: Browser,
	javaScriptEnabled: boolean,
	more: BrowserContextOptions = {}
) {
	const context = await browser.newContext({
		locale: 'zh-CN',
		timezoneId: 'Asia/Shanghai',
		javaScriptEnabled,
		...more
	});
	return { context, page: await context.newPage() };
}

async function shot(page: Page, info: TestInfo, name: string) {
	const body = await page.screenshot({ fullPage: true, path: info.outputPath(`${name}.png`) });
	await info.attach(name, { body, contentType: 'image/png' });
}

let eventSlug = '';
let orgSlug = '';

/**
 * Every page route under (public): the address to try, and the island scripts an anonymous
 * visitor's copy may load (none, for a page that only shows things). A page that needs SvelteKit's
 * client (csr = true) says why.
 */
const PAGES: Record<
	string,
	{ path: () => string; islands?: string[]; hydrates?: string; status?: number }
> = {
	'/(public)': { path: () => '/' },
	'/(public)/events': { path: () => '/events' },
	'/(public)/events/[slug]': { path: () => `/events/${eventSlug}` },
	'/(public)/orgs': { path: () => '/orgs' },
	'/(public)/orgs/[slug]': { path: () => `/orgs/${orgSlug}` },
	'/(public)/counselling': { path: () => '/counselling' },
	'/(public)/orgs/[slug]/counselling': {
		path: () => '/orgs/wuxing-counselling-centre/counselling'
	},
	// The seed's course; a serial no certificate has is "not valid" (404), with no script either.
	'/(public)/courses/[slug]': { path: () => '/courses/no4-talking-with-teenagers' },
	'/(public)/certificates/[serial]': {
		path: () => '/certificates/GY26-0000-0000-0000-0000-0000',
		status: 404
	},
	// A one-time link that is not one: the refusal, with no script either.
	'/(public)/notices/[token]': { path: () => `/notices/not-a-link-${tag}` },
	'/(public)/feedback/[token]': { path: () => `/feedback/not-a-link-${tag}` },
	'/(public)/email/feedback': { path: () => '/email/feedback' },
	'/(public)/events/[slug]/poster': {
		path: () => `/events/${eventSlug}/poster`,
		hydrates: 'its print button'
	},
	'/(public)/email/preferences': {
		path: () => '/email/preferences',
		hydrates: 'forms that change a subscription'
	}
};

function publicRoutes(dir = 'src/routes/(public)'): string[] {
	const found: string[] = [];
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) found.push(...publicRoutes(path));
		else if (name === '+page.svelte')
			found.push(`/${relative('src/routes', dir)}`.replace(/\\/g, '/'));
	}
	return found;
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
	eventSlug = await createEvent(`island-${tag}`);
	orgSlug = 'wuxing-youth-centre';
});

test('every public page type is listed, and those that only show things load no script, with or without JavaScript', async ({
	browser
}) => {
	test.setTimeout(480_000);
	expect(
		publicRoutes().filter((route) => !(route in PAGES)),
		'a new public page: list it in PAGES with the islands it needs'
	).toEqual([]);

	const on = await open(browser, true);
	const off = await open(browser, false);
	for (const [route, page] of Object.entries(PAGES)) {
		if (page.hydrates) continue;
		const path = page.path();
		let status = 0;
		const scripts = await scriptsDuring(on.page, async () => {
			status = (await on.page.goto(path))?.status() ?? 0;
		});
		expect(status, path).toBe(page.status ?? 200);
		expect(scripts, `${route} (${path}) loads`).toEqual(page.islands ?? []);
		// The same page without JavaScript: the same heading, nothing missing.
		const heading = await on.page.locator('h1').first().textContent();
		await off.page.goto(path);
		await expect(off.page.locator('h1').first()).toHaveText(heading ?? '');
		await axe(on.page);
	}
	await on.context.close();
	await off.context.close();
});

test('the event list filters with JavaScript off and on, and loads no script', async ({
	browser
}) => {
	test.setTimeout(120_000);
	for (const javaScriptEnabled of [false, true]) {
		const { context, page } = await open(browser, javaScriptEnabled);
		await page.goto('/events');
		const filters = page.getByTestId('event-filters');
		const scripts = await scriptsDuring(page, async () => {
			// The demo data has more events for a 7-year-old than one page holds: the search narrows
			// the list to this test's event.
			await filters.getByLabel('搜索活动').fill(`island-${tag}`);
			await filters.getByLabel('孩子几岁？').selectOption('7');
			await filters.getByRole('button', { name: '查找' }).click();
			await expect(page).toHaveURL(new RegExp(`/events\\?q=island-${tag}&age=7$`));
		});
		expect(scripts).toEqual([]);
		await expect(filters.getByLabel('孩子几岁？')).toHaveValue('7');
		await expect(page.getByRole('link', { name: `岛屿测试 island-${tag}` })).toBeVisible();
		await context.close();
	}
});

test('the calendar toggle: a plain month without JavaScript and on a phone, FullCalendar from one island on wider screens', async ({
	browser
}, info) => {
	test.setTimeout(240_000);
	const plain = await open(browser, false);
	await plain.page.goto('/events');
	await plain.page.getByRole('link', { name: '日历' }).click();
	await expect(plain.page).toHaveURL(/view=calendar/);
	await expect(plain.page.getByTestId('calendar-month')).toBeVisible();
	const title = await plain.page.locator('h2').first().textContent();
	await plain.page.getByRole('link', { name: '下个月' }).click();
	await expect(plain.page.locator('h2').first()).not.toHaveText(title ?? '');
	await plain.page.getByRole('link', { name: '列表' }).click();
	await expect(plain.page.getByTestId('events')).toBeVisible();
	await plain.context.close();

	// A phone with JavaScript: only the few-hundred-byte loader, which finds the screen too narrow
	// for FullCalendar; the plain month stays, and its links work.
	{
		const { context, page } = await open(browser, true, {
			viewport: { width: 360, height: 800 },
			isMobile: true,
			hasTouch: true
		});
		await page.goto('/events');
		const scripts = await scriptsDuring(page, async () => {
			await page.getByRole('link', { name: '日历' }).click();
			await expect(page.getByTestId('calendar-month')).toBeVisible();
			await page.waitForLoadState('networkidle');
		});
		expect(scripts).toHaveLength(1);
		expect(scripts[0]).toMatch(/^\/_app\/immutable\/workers\/media-[\w-]+\.js$/);
		const loader = await (await fetch(`${ORIGIN}${scripts[0]}`)).arrayBuffer();
		expect(loader.byteLength).toBeLessThan(1024);
		await expect(page.locator('.fc')).toHaveCount(0);
		const title = await page.locator('h2').first().textContent();
		await page.getByRole('link', { name: '下个月' }).click();
		await expect(page.locator('h2').first()).not.toHaveText(title ?? '');
		await axe(page);
		await shot(page, info, 'public-calendar-360');
		await context.close();
	}

	for (const [width, name] of [
		[1280, 'public-calendar-desktop'],
		[700, 'public-calendar-tablet']
	] as const) {
		const { context, page } = await open(browser, true, { viewport: { width, height: 800 } });
		await page.goto('/events');
		const scripts = await scriptsDuring(page, async () => {
			await page.getByRole('link', { name: '日历' }).click();
			await expect(page.locator('.fc')).toBeVisible();
		});
		// The loader, then FullCalendar's island.
		expect(scripts).toHaveLength(2);
		expect(scripts[0]).toMatch(/^\/_app\/immutable\/workers\/media-[\w-]+\.js$/);
		expect(scripts[1]).toMatch(/^\/_app\/immutable\/workers\/event-calendar-[\w-]+\.js$/);
		// The plain month is hidden once FullCalendar shows it.
		await expect(page.getByTestId('calendar-month')).toBeHidden();
		const body = await (await fetch(`${ORIGIN}${scripts[1]}`)).arrayBuffer();
		info.annotations.push({
			type: 'calendar island',
			description: `${(gzipSync(Buffer.from(body)).length / 1024).toFixed(1)} KB gzip`
		});
		const month = new URL(page.url()).searchParams.get('month');
		await page.locator('.fc').getByRole('button', { name: '下个月' }).click();
		await expect(page).toHaveURL(/month=\d{4}-\d{2}/);
		expect(new URL(page.url()).searchParams.get('month')).not.toBe(month);
		await expect(page.locator('.fc')).toBeVisible();
		const overflow = await page.evaluate(
			() => document.documentElement.scrollWidth - document.documentElement.clientWidth
		);
		expect(overflow).toBeLessThanOrEqual(0);
		await axe(page);
		await shot(page, info, name);
		await context.close();
	}
});

test('a family registers and cancels with JavaScript off and on; only a signed-in family gets the registration island', async ({
	browser
}, info) => {
	test.setTimeout(300_000);
	const slug = await createEvent(`island-register-${tag}`);

	// An anonymous visitor: a sign-in link, no script.
	const visitor = await open(browser, true);
	const anonymous = await scriptsDuring(visitor.page, () => visitor.page.goto(`/events/${slug}`));
	expect(anonymous).toEqual([]);
	await expect(visitor.page.getByRole('link', { name: '登录后报名' })).toBeVisible();
	await visitor.context.close();

	const withJs = await open(browser, true, { viewport: { width: 360, height: 740 } });
	await signIn(withJs.page, 'parent1@demo.gongyu.local');
	const storageState = await withJs.context.storageState();
	const withoutJs = await open(browser, false, { storageState });

	for (const { page, js } of [
		{ page: withJs.page, js: true },
		{ page: withoutJs.page, js: false }
	]) {
		const scripts = await scriptsDuring(page, () => page.goto(`/events/${slug}`));
		if (js) {
			expect(scripts).toHaveLength(1);
			expect(scripts[0]).toMatch(/^\/_app\/immutable\/workers\/event-registration-[\w-]+\.js$/);
		}
		const form = page.getByTestId('register-form');
		const summary = page.getByTestId('register-summary');
		await expect(page.getByTestId('age-warning')).toHaveCount(1);
		await form.getByLabel(/乐乐/).check();
		await form.getByLabel(/朵朵/).check();
		await form.getByLabel(/妈妈/).check();
		if (js) {
			// Counted as the boxes are ticked.
			await expect(summary).toContainText('已选 3 人');
			await expect(summary).toContainText('朵朵 不在本活动的年龄范围（6–9 岁）内');
			await expect(summary).toContainText('每个家庭最多可以报 2 人');
			await axe(page);
			await shot(page, info, 'public-register-island-360');
		}
		await form.getByRole('button', { name: '提交报名' }).click();
		// The server refuses; the choice comes back ticked, the summary not repeating the refusal.
		await expect(page.getByTestId('form-error')).toHaveText(
			'每个家庭最多可以报 2 人，请减少参加人数。'
		);
		await expect(form.getByLabel(/朵朵/)).toBeChecked();
		await expect(summary.getByText('每个家庭最多可以报 2 人，请减少')).toBeHidden();
		await form.getByLabel(/朵朵/).uncheck();
		if (js) await expect(summary).toContainText('已选 2 人');
		await form.getByRole('button', { name: '提交报名' }).click();
		await expect(page.getByTestId('done')).toContainText('报名成功');
		await expect(page.getByTestId('seats')).toContainText('剩余 1 个名额');

		await page.getByTestId('cancel-registration').locator('summary').click();
		await page.getByRole('button', { name: '确定取消报名' }).click();
		await expect(page.getByTestId('done')).toContainText('已取消');
		await expect(page.getByTestId('seats')).toContainText('剩余 3 个名额');
	}
	await withJs.context.close();
	await withoutJs.context.close();
});

test('a page kept for anonymous visitors is served again until the database changes what it shows', async ({
	request
}) => {
	const slug = await createEvent(`island-cache-${tag}`);
	const read = async () => {
		const response = await request.get(`/events/${slug}`);
		expect(response.status()).toBe(200);
		const seats = /data-testid="seats"[^>]*>\s*([^<]*?)\s*</.exec(await response.text())?.[1];
		return { cache: response.headers()['x-gongyu-page-cache'], seats };
	};
	expect(await read()).toEqual({ cache: 'miss', seats: '剩余 3 个名额（共 3 个）。' });
	expect(await read()).toEqual({ cache: 'hit', seats: '剩余 3 个名额（共 3 个）。' });
	await api(`events?slug=eq.${slug}`, 'PATCH', { seats_taken: 2 });
	expect(await read()).toEqual({ cache: 'miss', seats: '剩余 1 个名额（共 3 个）。' });
	expect(await read()).toEqual({ cache: 'hit', seats: '剩余 1 个名额（共 3 个）。' });

	// Signed in, or with any cookie but the language and text size: never from the cache.
	const other = await request.get(`/events/${slug}`, { headers: { cookie: 'sb-x-auth-token=1' } });
	expect(other.headers()['x-gongyu-page-cache']).toBeUndefined();
	const english = await request.get(`/events/${slug}`, {
		headers: { cookie: 'PARAGLIDE_LOCALE=en' }
	});
	expect(english.headers()['x-gongyu-page-cache']).toBe('miss');
	expect(await english.text()).toContain('Places left: 1 of 3.');
});
