import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page, type TestInfo } from '@playwright/test';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import ICAL from 'ical.js';
import QRCode from 'qrcode';
import WebSocket from 'ws';
import { LOCAL_SECRET_KEY } from '../../src/lib/server/embedded-supabase/keys';
import { ORIGIN, uniqueEmail, signIn } from './support';

/**
 * Promotion, end to end: organisation pages, feeds, the embeddable widget, the A4 poster with its
 * QR code, the share panel, and a registration through a tagged link counted for its channel.
 * Fixtures are made through the app's own API with the secret key (service role).
 */

const run = Math.random().toString(36).slice(2, 8);
const ORG_SLUG = `promote-e2e-${run}`;
const DAY = 86_400_000;

interface Fixture {
	admin: SupabaseClient;
	orgId: string;
	open: { id: string; slug: string; title: string };
	cancelled: { id: string; slug: string };
	past: { id: string; slug: string };
	draft: { id: string; slug: string };
	staffEmail: string;
	parentEmail: string;
}

let fx: Fixture;

function adminClient(): SupabaseClient {
	return createClient(ORIGIN, LOCAL_SECRET_KEY, {
		auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
		realtime: { transport: WebSocket as never }
	});
}

async function must<T>(promise: PromiseLike<{ data: T; error: unknown }>): Promise<NonNullable<T>> {
	const { data, error } = await promise;
	if (error) throw new Error(JSON.stringify(error));
	return data as NonNullable<T>;
}

test.beforeAll(async () => {
	const admin = adminClient();
	const org = await must(
		admin
			.from('organisations')
			.insert({
				kind: 'community_parent_school',
				slug: ORG_SLUG,
				name_zh: `飞英社区家长学校${run}`,
				name_en: `Feiying Community Parent School ${run}`,
				description_zh: '社区里的家长课堂和亲子活动。',
				address_zh: '吴兴区飞英街道社区服务中心 2 楼',
				address_en: 'Feiying Community Service Centre, 2F',
				contact_name: '李老师',
				contact_phone: '0572-1234567',
				contact_email: `${run}@community.example.cn`
			})
			.select('id')
			.single()
	);
	const at = (days: number, hours = 0) =>
		new Date(Date.now() + days * DAY + hours * 3_600_000).toISOString();
	const base = {
		org_id: org.id,
		capacity: 20,
		address_zh: '社区活动室',
		address_en: 'Community room'
	};
	const rows = await must(
		admin
			.from('events')
			.insert(
				[
					{
						...base,
						slug: `promote-open-${run}`,
						category: 'parent_class',
						status: 'published',
						title_zh: `家长课堂：陪伴孩子读书 ${run}`,
						title_en: `Parent class: reading together ${run}`,
						summary_zh: '怎样在家里和孩子一起读书，<b>不</b>是负担。',
						min_child_age: 3,
						max_child_age: 8,
						starts_at: at(5),
						ends_at: at(5, 2)
					},
					{
						...base,
						slug: `promote-cancelled-${run}`,
						category: 'parent_class',
						status: 'published',
						title_zh: `家长课堂：取消的一期 ${run}`,
						starts_at: at(6),
						ends_at: at(6, 2)
					},
					{
						...base,
						slug: `promote-past-${run}`,
						category: 'sports_day',
						status: 'published',
						title_zh: `趣味运动会（已结束）${run}`,
						starts_at: at(-10),
						ends_at: at(-10, 3)
					},
					{
						...base,
						// Cancelled before it was held: not counted among the events held (and older
						// than the feeds' 30 days of history).
						slug: `promote-called-off-${run}`,
						category: 'sports_day',
						status: 'cancelled',
						title_zh: `取消的运动会 ${run}`,
						starts_at: at(-60),
						ends_at: at(-60, 3)
					},
					{
						...base,
						slug: `promote-draft-${run}`,
						category: 'sports_day',
						status: 'draft',
						title_zh: `草稿活动 ${run}`,
						starts_at: at(7),
						ends_at: at(7, 1)
					}
				],
				{ defaultToNull: false }
			)
			.select('id, slug, title_zh')
	);
	const bySlug = (prefix: string) => rows.find((r) => r.slug.startsWith(prefix))!;
	await must(
		admin
			.from('events')
			.update({ status: 'cancelled', cancelled_reason: '讲师临时有事' })
			.eq('id', bySlug('promote-cancelled').id)
			.select('id')
	);

	const staffEmail = uniqueEmail('promote-staff');
	const staff = await admin.auth.admin.createUser({ email: staffEmail, email_confirm: true });
	if (staff.error) throw staff.error;
	await must(
		admin
			.from('org_members')
			.insert({ org_id: org.id, user_id: staff.data.user.id, role: 'staff' })
			.select()
	);

	const parentEmail = uniqueEmail('promote-parent');
	const parent = await admin.auth.admin.createUser({ email: parentEmail, email_confirm: true });
	if (parent.error) throw parent.error;
	const family = await must(
		admin
			.from('families')
			.insert({ guardian_id: parent.data.user.id, guardian_name: `王${run}`, email: parentEmail })
			.select('id')
			.single()
	);
	await must(
		admin
			.from('family_members')
			.insert({ family_id: family.id, kind: 'parent', nickname: '妈妈' })
			.select()
	);

	const open = bySlug('promote-open');
	fx = {
		admin,
		orgId: org.id,
		open: { id: open.id, slug: open.slug, title: open.title_zh },
		cancelled: bySlug('promote-cancelled'),
		past: bySlug('promote-past'),
		draft: bySlug('promote-draft'),
		staffEmail,
		parentEmail
	};
});

async function axe(page: Page) {
	const results = await new AxeBuilder({ page }).analyze();
	expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

async function phoneShot(browser: Browser, testInfo: TestInfo, name: string, url: string) {
	const context = await browser.newContext({
		viewport: { width: 360, height: 740 },
		deviceScaleFactor: 2,
		isMobile: true,
		hasTouch: true,
		locale: 'zh-CN'
	});
	const page = await context.newPage();
	await page.goto(url);
	const overflow = await page.evaluate(
		() => document.documentElement.scrollWidth - document.documentElement.clientWidth
	);
	expect(overflow, `${name} scrolls sideways`).toBeLessThanOrEqual(0);
	const shot = await page.screenshot({ fullPage: true, path: testInfo.outputPath(`${name}.png`) });
	await testInfo.attach(name, { body: shot, contentType: 'image/png' });
	await context.close();
}

function parseFeed(text: string) {
	const calendar = new ICAL.Component(ICAL.parse(text));
	for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
	return calendar.getAllSubcomponents('vevent').map((vevent) => ({
		uid: String(vevent.getFirstPropertyValue('uid')),
		status: String(vevent.getFirstPropertyValue('status')),
		sequence: Number(vevent.getFirstPropertyValue('sequence')),
		summary: String(vevent.getFirstPropertyValue('summary')),
		url: String(vevent.getFirstPropertyValue('url')),
		start: new ICAL.Event(vevent).startDate.toJSDate().toISOString()
	}));
}

test('the district and organisation pages show who an organisation is and what is coming', async ({
	page,
	request,
	browser
}, testInfo) => {
	await page.goto('/');
	await page
		.getByRole('navigation', { name: '主导航' })
		.getByRole('link', { name: '机构' })
		.click();
	await expect(page).toHaveURL('/orgs');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('机构');
	const group = page.getByTestId('orgs-community_parent_school');
	await expect(page.getByRole('heading', { level: 2, name: '社区家长学校' })).toBeVisible();
	await group.getByRole('link', { name: `飞英社区家长学校${run}` }).click();

	await expect(page).toHaveURL(`/orgs/${ORG_SLUG}`);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(`飞英社区家长学校${run}`);
	await expect(page.getByText('吴兴区飞英街道社区服务中心 2 楼')).toBeVisible();
	await expect(page.getByRole('link', { name: '0572-1234567' })).toHaveAttribute(
		'href',
		'tel:05721234567'
	);
	await expect(page.getByTestId('org-past-count')).toHaveText('已举办活动：1 场');
	const events = page.getByTestId('promote-events');
	await expect(events.getByRole('link', { name: fx.open.title })).toHaveAttribute(
		'href',
		`/events/${fx.open.slug}`
	);
	await expect(events.getByText('3–8 岁', { exact: true })).toBeVisible();
	// The page's own link and QR code, tagged "share" unless it was opened from a channel.
	await expect(page.getByTestId('org-share-link')).toHaveValue(
		`${ORIGIN}/orgs/${ORG_SLUG}?src=share`
	);
	await expect(page.getByTestId('org-share').locator('svg[role="img"]')).toBeVisible();
	const png = await request.get(
		(await page.getByTestId('org-qr-png').getAttribute('href')) ?? 'missing'
	);
	expect(png.headers()['content-type']).toBe('image/png');
	expect(png.headers()['content-disposition']).toContain(`${ORG_SLUG}-share.png`);
	await expect(events.locator('li', { hasText: '取消的一期' })).toContainText('已取消');
	await expect(events).not.toContainText('草稿活动');
	await expect(events).not.toContainText('已结束');
	await expect(page.getByTestId('org-feed-link')).toHaveAttribute(
		'href',
		`${ORIGIN}/feeds/orgs/${ORG_SLUG}.ics`
	);
	// Organisation JSON-LD is valid JSON.
	const ld = JSON.parse(
		(await page.locator('script[type="application/ld+json"]').first().textContent()) ?? ''
	);
	expect(ld).toMatchObject({ '@type': 'Organization', telephone: '0572-1234567' });
	await axe(page);

	// Ordinary pages may not be framed.
	const headers = (await request.get(`/orgs/${ORG_SLUG}`)).headers();
	expect(headers['x-frame-options']).toBe('DENY');
	expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");

	const sitemap = await request.get('/sitemap.xml');
	expect(sitemap.headers()['content-type']).toContain('application/xml');
	const xml = await sitemap.text();
	expect(xml).toContain(`<loc>${ORIGIN}/orgs/${ORG_SLUG}</loc>`);
	expect(xml).toContain(`<loc>${ORIGIN}/events/${fx.open.slug}</loc>`);
	expect(xml).not.toContain(fx.cancelled.slug);
	expect(xml).not.toContain(fx.draft.slug);
	const robots = await (await request.get('/robots.txt')).text();
	expect(robots).toContain(`Sitemap: ${ORIGIN}/sitemap.xml`);
	expect(robots).toMatch(/^Disallow: \/staff$/m);

	expect((await request.get('/orgs/no-such-org')).status()).toBe(404);
	expect((await request.get('/orgs/no-such-org/qr.png')).status()).toBe(404);

	// Opened from a WeChat post, the page passes the channel on to its events and its share link.
	await page.goto(`/orgs/${ORG_SLUG}?src=wechat`);
	await expect(
		page.getByTestId('promote-events').getByRole('link', { name: fx.open.title })
	).toHaveAttribute('href', `/events/${fx.open.slug}?src=wechat`);
	await expect(page.getByTestId('org-share-link')).toHaveValue(
		`${ORIGIN}/orgs/${ORG_SLUG}?src=wechat`
	);
	// A tag the database would refuse is dropped, not passed on.
	await page.goto(`/orgs/${ORG_SLUG}?src=${encodeURIComponent('<bad tag>')}`);
	await expect(
		page.getByTestId('promote-events').getByRole('link', { name: fx.open.title })
	).toHaveAttribute('href', `/events/${fx.open.slug}`);

	await phoneShot(browser, testInfo, 'promote-orgs-360', '/orgs');
	await phoneShot(browser, testInfo, 'promote-org-360', `/orgs/${ORG_SLUG}`);
});

test('calendar feeds carry the right events, mark cancellations and answer 304 when unchanged', async ({
	request
}) => {
	const path = `/feeds/orgs/${ORG_SLUG}.ics`;
	const first = await request.get(path);
	expect(first.status()).toBe(200);
	expect(first.headers()['content-type']).toBe('text/calendar; charset=utf-8');
	expect(first.headers()['cache-control']).toBe('public, max-age=900');
	const etag = first.headers()['etag'];
	const lastModified = first.headers()['last-modified'];
	expect(etag).toMatch(/^"[^"]+"$/);
	expect(lastModified).toBeTruthy();

	const events = parseFeed(await first.text());
	const byUid = new Map(events.map((e) => [e.uid, e]));
	expect([...byUid.keys()].sort()).toEqual(
		[fx.open.id, fx.cancelled.id, fx.past.id].map((id) => `event-${id}@gongyu`).sort()
	);
	expect(byUid.get(`event-${fx.cancelled.id}@gongyu`)?.status).toBe('CANCELLED');
	expect(byUid.get(`event-${fx.cancelled.id}@gongyu`)?.summary).toMatch(/^【已取消】/);
	const open = byUid.get(`event-${fx.open.id}@gongyu`)!;
	expect(open.status).toBe('CONFIRMED');
	expect(open.url).toBe(`${ORIGIN}/events/${fx.open.slug}?src=calendar`);

	expect((await request.get(path, { headers: { 'if-none-match': etag } })).status()).toBe(304);
	expect(
		(await request.get(path, { headers: { 'if-modified-since': lastModified } })).status()
	).toBe(304);

	// A change of time reaches subscribers: new bytes, new ETag, higher SEQUENCE.
	const moved = new Date(Date.parse(open.start) + 3_600_000);
	await must(
		fx.admin
			.from('events')
			.update({ starts_at: moved.toISOString() })
			.eq('id', fx.open.id)
			.select('id')
	);
	const after = await request.get(path, { headers: { 'if-none-match': etag } });
	expect(after.status()).toBe(200);
	expect(after.headers()['etag']).not.toBe(etag);
	const updated = parseFeed(await after.text()).find((e) => e.uid === open.uid)!;
	expect(updated.sequence).toBe(open.sequence + 1);
	expect(updated.start).toBe(moved.toISOString());

	const category = parseFeed(
		await (await request.get('/feeds/categories/parent-class.ics')).text()
	);
	expect(category.map((e) => e.uid)).toContain(`event-${fx.open.id}@gongyu`);
	expect(category.map((e) => e.uid)).not.toContain(`event-${fx.past.id}@gongyu`);
	const district = parseFeed(await (await request.get('/feeds/district.ics')).text());
	expect(district.map((e) => e.uid)).toContain(`event-${fx.open.id}@gongyu`);
	expect(district.map((e) => e.uid)).not.toContain(`event-${fx.draft.id}@gongyu`);
	const english = await (await request.get(`${path}?lang=en`)).text();
	expect(english).toContain('X-WR-CALNAME:Feiying Community Parent School');

	expect((await request.get('/feeds/orgs/no-such-org.ics')).status()).toBe(404);
	expect((await request.get('/feeds/categories/nothing.ics')).status()).toBe(404);
});

test('the embed widget can be framed by another site, has no app chrome and no JavaScript', async ({
	page,
	request,
	browser
}, testInfo) => {
	const embedPath = `/embed/orgs/${ORG_SLUG}`;
	const response = await request.get(embedPath);
	expect(response.status()).toBe(200);
	const headers = response.headers();
	expect(headers['x-frame-options']).toBeUndefined();
	expect(headers['content-security-policy']).toContain('frame-ancestors *');
	expect(headers['content-security-policy']).toContain("default-src 'none'");
	const html = await response.text();
	expect(html).not.toMatch(/<script/i);
	expect(html).not.toContain('_app/immutable');

	// A school's website (another origin, served here) with two iframes: the widget shows, an
	// ordinary page of the app is refused.
	const school = createServer((_req, res) => {
		res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
		res.end(`<!doctype html><title>学校</title>
			<iframe id="widget" src="${ORIGIN}${embedPath}" width="600" height="500"></iframe>
			<iframe id="page" src="${ORIGIN}/orgs/${ORG_SLUG}" width="600" height="300"></iframe>`);
	});
	await new Promise<void>((done) => school.listen(0, '127.0.0.1', done));
	const { port } = school.address() as AddressInfo;
	const blocked: string[] = [];
	page.on('requestfailed', (r) => blocked.push(`${r.url()} ${r.failure()?.errorText}`));
	await page.goto(`http://127.0.0.1:${port}/`);
	const widget = page.frameLocator('#widget');
	await expect(widget.getByRole('heading', { level: 1 })).toHaveText(
		`飞英社区家长学校${run} · 近期活动`
	);
	const link = widget.getByRole('link', { name: new RegExp(fx.open.title) });
	await expect(link).toHaveAttribute('target', '_blank');
	await expect(link).toHaveAttribute('href', `${ORIGIN}/events/${fx.open.slug}?src=embed`);
	await expect(widget.locator('header, footer, nav')).toHaveCount(0);
	await expect(widget.getByText('已取消')).toBeVisible();
	await expect
		.poll(() => blocked.join('\n'))
		.toContain(`${ORIGIN}/orgs/${ORG_SLUG} net::ERR_BLOCKED_BY_RESPONSE`);
	expect(page.frames().some((f) => f.url() === `${ORIGIN}/orgs/${ORG_SLUG}`)).toBe(false);
	school.close();

	const english = await (await request.get(`${embedPath}?lang=en&limit=1&src=school-site`)).text();
	expect(english).toContain('upcoming events');
	expect(english).toContain(`?src=school-site`);
	expect(english.match(/<li/g)).toHaveLength(1);
	const category = await (await request.get('/embed/categories/parent-class')).text();
	expect(category).toContain('家长课堂 · 近期活动');
	expect((await request.get('/embed/orgs/no-such-org')).status()).toBe(404);

	await page.goto(embedPath);
	await axe(page);
	await phoneShot(browser, testInfo, 'promote-embed-360', embedPath);
});

/** Rasterises the page's QR SVG in the browser and reads one bit per module. */
async function readQrModules(page: Page, selector: string): Promise<boolean[][]> {
	return page.evaluate(async (sel) => {
		const svg = document.querySelector(`${sel} svg`) as SVGSVGElement;
		const [, , w] = (svg.getAttribute('viewBox') ?? '').split(/\s+/).map(Number);
		const scale = 10;
		const source = new XMLSerializer().serializeToString(svg);
		const img = new Image();
		img.src = `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(source)))}`;
		await img.decode();
		const canvas = document.createElement('canvas');
		canvas.width = canvas.height = w * scale;
		const ctx = canvas.getContext('2d')!;
		ctx.fillStyle = '#fff';
		ctx.fillRect(0, 0, canvas.width, canvas.height);
		ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
		const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
		const rows: boolean[][] = [];
		for (let y = 0; y < w; y++) {
			const row: boolean[] = [];
			for (let x = 0; x < w; x++) {
				const i = ((y * scale + scale / 2) * canvas.width + (x * scale + scale / 2)) * 4;
				row.push(pixels[i] < 128);
			}
			rows.push(row);
		}
		return rows;
	}, selector);
}

function expectedModules(url: string): boolean[][] {
	const qr = QRCode.create(url, { errorCorrectionLevel: 'M' });
	const size = qr.modules.size;
	const margin = 2;
	const rows: boolean[][] = [];
	for (let y = -margin; y < size + margin; y++) {
		const row: boolean[] = [];
		for (let x = -margin; x < size + margin; x++) {
			row.push(x >= 0 && y >= 0 && x < size && y < size && Boolean(qr.modules.get(y, x)));
		}
		rows.push(row);
	}
	return rows;
}

test('the A4 poster prints on one page and its QR code leads to the event, tagged poster', async ({
	page,
	request,
	browser
}, testInfo) => {
	await page.goto(`/events/${fx.open.slug}/poster`);
	const poster = page.getByTestId('poster');
	await expect(poster.getByRole('heading', { level: 1 })).toHaveText(fx.open.title);
	await expect(poster).toContainText(`飞英社区家长学校${run}`);
	await expect(poster.locator('dd', { hasText: '3–8 岁' })).toHaveText('3–8 岁');
	await expect(poster).toContainText('社区活动室');
	await expect(page.getByTestId('poster-short-url')).toHaveText(
		`${new URL(ORIGIN).host}/events/${fx.open.slug}`
	);

	// The QR code as drawn equals the QR code of the tagged event URL.
	const target = `${ORIGIN}/events/${fx.open.slug}?src=poster`;
	await expect(page.getByTestId('poster-qr')).toHaveAttribute('data-url', target);
	expect(await readQrModules(page, '[data-testid="poster-qr"]')).toEqual(expectedModules(target));
	expect(await readQrModules(page, '[data-testid="poster-qr"]')).not.toEqual(
		expectedModules(`${ORIGIN}/events/${fx.open.slug}?src=wechat`)
	);

	// OpenGraph, Twitter card and schema.org Event (JSON-LD) from promote-event-seo.
	await expect(page.locator('meta[property="og:title"]')).toHaveAttribute('content', fx.open.title);
	await expect(page.locator('meta[property="og:url"]')).toHaveAttribute(
		'content',
		`${ORIGIN}/events/${fx.open.slug}`
	);
	await expect(page.locator('meta[name="twitter:card"]')).toHaveAttribute('content', 'summary');
	const ldText = (await page.locator('script[type="application/ld+json"]').textContent()) ?? '';
	expect(ldText).not.toContain('<');
	const ld = JSON.parse(ldText);
	expect(ld).toMatchObject({
		'@context': 'https://schema.org',
		'@type': 'Event',
		name: fx.open.title,
		eventStatus: 'https://schema.org/EventScheduled',
		typicalAgeRange: '3-8',
		description: '怎样在家里和孩子一起读书，<b>不</b>是负担。',
		organizer: { '@type': 'Organization', name: `飞英社区家长学校${run}` }
	});
	expect(ld.startDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
	await axe(page);

	// Printed: one A4 page, without the site's header and footer.
	await page.emulateMedia({ media: 'print' });
	await expect(page.locator('body > div header').first()).toBeHidden();
	await expect(page.getByRole('button', { name: '打印海报' })).toBeHidden();
	const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
	const text = pdf.toString('latin1');
	expect(text.match(/\/Type\s*\/Page[^s]/g)).toHaveLength(1);
	const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(text);
	// A4 is 595.3 × 841.9 points.
	expect(Math.abs(Number(box?.[1]) - 595.3)).toBeLessThan(1.5);
	expect(Math.abs(Number(box?.[2]) - 841.9)).toBeLessThan(1.5);
	await testInfo.attach('promote-poster.pdf', { body: pdf, contentType: 'application/pdf' });
	if (existsSync('/usr/bin/pdftoppm')) {
		const dir = mkdtempSync(join(tmpdir(), 'promote-poster-'));
		writeFileSync(join(dir, 'poster.pdf'), pdf);
		execFileSync('pdftoppm', [
			'-png',
			'-r',
			'60',
			'-singlefile',
			join(dir, 'poster.pdf'),
			join(dir, 'poster')
		]);
		const png = readFileSync(join(dir, 'poster.png'));
		writeFileSync(testInfo.outputPath('promote-poster-pdf.png'), png);
		await testInfo.attach('promote-poster-pdf', { body: png, contentType: 'image/png' });
	} else {
		const shot = await page.screenshot({
			fullPage: true,
			path: testInfo.outputPath('promote-poster-print.png')
		});
		await testInfo.attach('promote-poster-print', { body: shot, contentType: 'image/png' });
	}
	await page.emulateMedia({ media: 'screen' });

	const png = await request.get(`/events/${fx.open.slug}/qr.png?src=wechat&download`);
	expect(png.headers()['content-type']).toBe('image/png');
	expect(png.headers()['content-disposition']).toBe(
		`attachment; filename="${fx.open.slug}-wechat.png"`
	);
	expect((await png.body()).subarray(1, 4).toString()).toBe('PNG');
	const svg = await request.get(`/events/${fx.open.slug}/qr.svg?src=poster`);
	expect(svg.headers()['content-type']).toContain('image/svg+xml');
	expect(await svg.text()).toMatch(/^<svg /);
	expect((await request.get(`/events/${fx.draft.slug}/poster`)).status()).toBe(404);
	expect((await request.get(`/events/${fx.draft.slug}/qr.png`)).status()).toBe(404);

	await phoneShot(browser, testInfo, 'promote-poster-360', `/events/${fx.open.slug}/poster`);
});

test('the event page carries OpenGraph tags and a schema.org Event', async ({ page }) => {
	await page.goto(`/events/${fx.open.slug}`);
	await expect(page.locator('meta[property="og:title"]')).toHaveAttribute('content', fx.open.title);
	await expect(page.locator('meta[property="og:url"]')).toHaveAttribute(
		'content',
		`${ORIGIN}/events/${fx.open.slug}`
	);
	const ld = JSON.parse(
		(await page.locator('script[type="application/ld+json"]').first().textContent()) ?? ''
	);
	expect(ld).toMatchObject({ '@type': 'Event', name: fx.open.title });
});

test('an organiser shares a tagged link and sees the registration it brought, counted by channel', async ({
	browser
}, testInfo) => {
	const staffContext = await browser.newContext({ locale: 'zh-CN' });
	const staff = await staffContext.newPage();
	await signIn(staff, fx.staffEmail);
	await staff.goto(`/staff/share?event=${fx.open.slug}&src=poster`);
	await expect(staff.getByTestId('share-link')).toHaveValue(
		`${ORIGIN}/events/${fx.open.slug}?src=poster`
	);
	await expect(staff.getByTestId('share-event-title')).toHaveText(fx.open.title);
	const panel = staff.getByTestId('promote-share-panel');
	await panel.getByRole('link', { name: '微信' }).click();
	await expect(panel.getByRole('link', { name: '微信' })).toHaveAttribute('aria-current', 'true');
	const link = `${ORIGIN}/events/${fx.open.slug}?src=wechat`;
	await expect(staff.getByTestId('share-link')).toHaveValue(link);
	await expect(staff.getByTestId('share-qr')).toHaveAttribute('data-url', link);
	expect(await readQrModules(staff, '[data-testid="share-qr"]')).toEqual(expectedModules(link));
	await expect(panel.getByRole('link', { name: '下载二维码（PNG）' })).toHaveAttribute(
		'href',
		`/events/${fx.open.slug}/qr.png?src=wechat&download`
	);
	await expect(staff.getByTestId('embed-snippet')).toHaveValue(
		new RegExp(`<iframe src="${ORIGIN}/embed/orgs/${ORG_SLUG}"`)
	);
	await axe(staff);
	const shareShot = await staff.screenshot({
		fullPage: true,
		path: testInfo.outputPath('promote-share.png')
	});
	await testInfo.attach('promote-share', { body: shareShot, contentType: 'image/png' });

	// A parent opens the WeChat link and registers.
	const parentContext = await browser.newContext({ locale: 'zh-CN' });
	const parent = await parentContext.newPage();
	await signIn(parent, fx.parentEmail);
	await parent.goto(link);
	const form = parent.getByTestId('register-form');
	await expect(form.locator('input[name="src"]')).toHaveValue('wechat');
	await form.getByRole('checkbox').first().check();
	await form.locator('button[type="submit"]').click();
	await expect(parent).toHaveURL(/done=confirmed/);
	await parentContext.close();

	await staff.goto('/staff/channels');
	const table = staff.getByTestId(`channels-${fx.open.slug}`);
	const wechat = table.getByRole('row', { name: /微信/ });
	await expect(wechat.getByRole('cell')).toHaveText(['1', '1', '0']);
	// Counts only: nothing that names the family.
	await expect(staff.locator('main')).not.toContainText(`王${run}`);
	await expect(staff.locator('main')).not.toContainText(fx.parentEmail);
	await axe(staff);
	const channelsShot = await staff.screenshot({
		fullPage: true,
		path: testInfo.outputPath('promote-channels.png')
	});
	await testInfo.attach('promote-channels', { body: channelsShot, contentType: 'image/png' });
	await staffContext.close();

	await phoneShotSignedIn(browser, testInfo, fx.staffEmail, [
		['promote-share-360', `/staff/share?event=${fx.open.slug}&src=poster`],
		['promote-channels-360', '/staff/channels']
	]);
});

async function phoneShotSignedIn(
	browser: Browser,
	testInfo: TestInfo,
	email: string,
	pages: Array<[string, string]>
) {
	const context = await browser.newContext({
		viewport: { width: 360, height: 740 },
		deviceScaleFactor: 2,
		isMobile: true,
		hasTouch: true,
		locale: 'zh-CN'
	});
	const page = await context.newPage();
	await signIn(page, email);
	for (const [name, path] of pages) {
		await page.goto(path);
		const overflow = await page.evaluate(
			() => document.documentElement.scrollWidth - document.documentElement.clientWidth
		);
		expect(overflow, `${name} scrolls sideways`).toBeLessThanOrEqual(0);
		const shot = await page.screenshot({
			fullPage: true,
			path: testInfo.outputPath(`${name}.png`)
		});
		await testInfo.attach(name, { body: shot, contentType: 'image/png' });
	}
	await context.close();
}

test("the demo community's staff signs in to the workbench of its parent school and shares its page", async ({
	page
}) => {
	await signIn(page, 'staff@community.demo.gongyu.local');
	await expect(page).toHaveURL(/\/staff$/);
	await expect(page.getByRole('main')).toContainText('飞英街道社区家长学校');
	await page.goto('/orgs/feiying-community');
	await expect(page.getByTestId('org-share-link')).toHaveValue(
		`${ORIGIN}/orgs/feiying-community?src=share`
	);
});
