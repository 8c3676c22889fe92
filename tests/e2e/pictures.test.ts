/**
 * Pictures and files as staff, families and strangers meet them: staff upload a cover with a
 * focal point and see it on the event page, the share card and the poster; a shared link's
 * og:image answers a 1200 × 630 PNG; the posters download as PDF and PNG (A4 and 9:16); a family
 * registered for the event downloads a members-only handout from the event page and from
 * "my registrations", and a stranger cannot.
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { expect, test, type Page } from '@playwright/test';
import sharp, { type Sharp } from 'sharp';
import WebSocket from 'ws';
import { ORIGIN, expectAxeClean, signIn } from './support';

const STAFF = 'staff@youth.demo.gongyu.local';
const PARENT1 = 'parent1@demo.gongyu.local';
const PARENT1_FAMILY = 'f0000000-0000-4000-8000-000000000001';
const YOUTH_CENTRE = 'a0000000-0000-4000-8000-000000000001';
const SECRET_KEY = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz';
const run = Date.now().toString(36);

function admin(): SupabaseClient {
	return createClient(ORIGIN, SECRET_KEY, {
		auth: { persistSession: false, autoRefreshToken: false },
		realtime: { transport: WebSocket as never }
	});
}

let eventId = '';
const slug = `pictures-e2e-${run}`;

test.beforeAll(async () => {
	const starts = new Date(Date.now() + 5 * 86_400_000);
	const { data, error } = await admin()
		.from('events')
		.insert({
			org_id: YOUTH_CENTRE,
			slug,
			category: 'parent_child_reading',
			status: 'published',
			title_zh: `绘本共读 ${run}`,
			title_en: `Picture books ${run}`,
			summary_zh: '和孩子一起读一本好书',
			starts_at: starts.toISOString(),
			ends_at: new Date(starts.getTime() + 2 * 3600_000).toISOString(),
			capacity: 30,
			min_child_age: 4,
			max_child_age: 10,
			address_zh: '吴兴区青少年宫 2 楼'
		})
		.select('id')
		.single();
	expect(error).toBeNull();
	eventId = (data as { id: string }).id;
});

/**
 * A 3200 × 1000 panorama: orange on the left half, blue on the right. Cut to 16:9 around the
 * middle it is half and half; around a focal point at 90 % across it is nearly all blue.
 */
async function photo(): Promise<Buffer> {
	const half = (colour: string) =>
		sharp({ create: { width: 1600, height: 1000, channels: 3, background: colour } })
			.png()
			.toBuffer();
	return sharp({ create: { width: 3200, height: 1000, channels: 3, background: '#ffffff' } })
		.composite([
			{ input: await half('#f97316'), left: 0, top: 0 },
			{ input: await half('#1d4ed8'), left: 1600, top: 0 }
		])
		.jpeg()
		.toBuffer();
}

/** Mean red and blue of a picture (or a part of it). */
async function redAndBlue(image: Sharp): Promise<{ red: number; blue: number }> {
	const { channels } = await image.stats();
	return { red: channels[0].mean, blue: channels[2].mean };
}

async function ogImage(page: Page): Promise<string> {
	const content = await page.locator('meta[property="og:image"]').getAttribute('content');
	expect(content).toBeTruthy();
	return content!;
}

async function size(bytes: Buffer) {
	const meta = await sharp(bytes).metadata();
	return { format: meta.format, width: meta.width, height: meta.height };
}

test('staff upload a cover and see it on the event, its share card and the poster', async ({
	page
}) => {
	test.setTimeout(180_000);
	// Before: the category's default cover, and a card drawn from it.
	await page.goto(`/events/${slug}`);
	await expect(page.getByTestId('event-cover')).toHaveAttribute(
		'src',
		'/covers/parent_child_reading.svg'
	);
	const before = await ogImage(page);
	const beforeCard = await page.request.get(before);
	expect(beforeCard.status()).toBe(200);
	expect(beforeCard.headers()['content-type']).toBe('image/png');
	expect(await size(await beforeCard.body())).toEqual({ format: 'png', width: 1200, height: 630 });

	await signIn(page, STAFF);
	await page.goto(`/staff/events/${eventId}/pictures`);
	await expectAxeClean(page);

	// Not a picture: refused with a sentence, nothing changes.
	const form = page.getByTestId('cover-form');
	await form.locator('input[type=file]').setInputFiles({
		name: 'notes.jpg',
		mimeType: 'image/jpeg',
		buffer: Buffer.from('not a picture at all')
	});
	await form.getByRole('button', { name: '上传封面' }).click();
	await expect(page.getByTestId('cover-feedback')).toHaveText(/不是可以读取的图片/);

	// Children shown without the guardians' consent: refused.
	await form.locator('input[type=file]').setInputFiles({
		name: 'class.jpg',
		mimeType: 'image/jpeg',
		buffer: await photo()
	});
	await form.getByLabel('图片中有儿童').check();
	await form.getByRole('button', { name: '上传封面' }).click();
	await expect(page.getByTestId('cover-feedback')).toHaveText(/必须确认已征得监护人同意/);

	// A photo with its focal point on the blue right half, consent confirmed.
	await form.locator('input[type=file]').setInputFiles({
		name: 'class.jpg',
		mimeType: 'image/jpeg',
		buffer: await photo()
	});
	await form.getByLabel('焦点横向位置').fill('90');
	await form.getByLabel('焦点纵向位置').fill('50');
	await form.getByLabel('图片中有儿童').check();
	await form.getByLabel(/我确认已征得/).check();
	await form.getByRole('button', { name: '上传封面' }).click();
	await expect(page.getByTestId('cover-feedback')).toHaveText('封面已更新。');

	// The event page: the uploaded cover, from Storage's transform, with its size set.
	await page.goto(`/events/${slug}`);
	const cover = page.getByTestId('event-cover');
	await expect(cover).toHaveAttribute('src', /\/storage\/v1\/render\/image\/public\/covers\//);
	await expect(cover).toHaveAttribute('srcset', /480w.*800w.*1200w.*1600w/);
	await expect(cover).toHaveAttribute('width', '1778');
	await expect(cover).toHaveAttribute('height', '1000');
	await expect
		.poll(() => cover.evaluate((img: HTMLImageElement) => img.naturalWidth))
		.toBeGreaterThan(0);
	// Cropped around the focal point: the cover is the blue half, not the orange one.
	const src = await cover.evaluate((img: HTMLImageElement) => img.currentSrc);
	const shown = await redAndBlue(sharp(await (await page.request.get(src)).body()));
	expect(shown.blue).toBeGreaterThan(shown.red * 2);

	// The share card: a new URL (the key changed), 1200 × 630, drawn from the blue cover.
	const after = await ogImage(page);
	expect(after).not.toBe(before);
	const card = await page.request.get(after);
	expect(card.status()).toBe(200);
	const cardBytes = await card.body();
	expect(await size(cardBytes)).toEqual({ format: 'png', width: 1200, height: 630 });
	const right = await redAndBlue(
		sharp(cardBytes).extract({ left: 700, top: 20, width: 200, height: 200 })
	);
	expect(right.blue).toBeGreaterThan(right.red * 2);
	await expect(page.locator('meta[name="twitter:card"]')).toHaveAttribute(
		'content',
		'summary_large_image'
	);
	await expect(page.locator('meta[name="twitter:image"]')).toHaveAttribute('content', after);

	// The poster: the cover on the page, and the drawn PDF and PNGs.
	await page.goto(`/events/${slug}/poster`);
	await expect(page.getByTestId('poster-cover')).toHaveAttribute('src', /\/covers\//);
	const pdf = await page.request.get(`/events/${slug}/poster.pdf`);
	expect(pdf.headers()['content-type']).toBe('application/pdf');
	expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
	const a4 = await page.request.get(`/events/${slug}/poster.png`);
	expect(await size(await a4.body())).toEqual({ format: 'png', width: 1240, height: 1754 });
	const phone = await page.request.get(`/events/${slug}/poster.png?format=phone`);
	expect(await size(await phone.body())).toEqual({ format: 'png', width: 1080, height: 1920 });
	await page.screenshot({ path: test.info().outputPath('poster.png'), fullPage: true });
});

test('a shared link’s og:image answers a 1200 × 630 image to a crawler without cookies', async ({
	browser
}) => {
	const context = await browser.newContext({ javaScriptEnabled: false });
	const page = await context.newPage();
	await page.goto(`/events/${slug}?src=wechat`);
	const image = await ogImage(page);
	await expect(page.locator('meta[property="og:image:width"]')).toHaveAttribute('content', '1200');
	await expect(page.locator('meta[property="og:image:height"]')).toHaveAttribute('content', '630');
	const response = await fetch(image, { headers: { 'user-agent': 'MicroMessenger' } });
	expect(response.status).toBe(200);
	expect(await size(Buffer.from(await response.arrayBuffer()))).toEqual({
		format: 'png',
		width: 1200,
		height: 630
	});
	// A draft has no card, poster or material for anyone outside its organisation.
	const draft = `pictures-draft-${run}`;
	const { error } = await admin()
		.from('events')
		.insert({
			org_id: YOUTH_CENTRE,
			slug: draft,
			category: 'parent_class',
			status: 'draft',
			title_zh: `草稿 ${run}`,
			starts_at: new Date(Date.now() + 9 * 86_400_000).toISOString(),
			ends_at: new Date(Date.now() + 9 * 86_400_000 + 3_600_000).toISOString(),
			capacity: 10
		});
	expect(error).toBeNull();
	for (const path of ['card.png', 'poster.png', 'poster.pdf', 'poster']) {
		expect((await page.request.get(`/events/${draft}/${path}`)).status(), path).toBe(404);
	}
	// The organisation's page has one too.
	await page.goto('/orgs/wuxing-youth-centre');
	const orgCard = await fetch(await ogImage(page));
	expect(await size(Buffer.from(await orgCard.arrayBuffer()))).toEqual({
		format: 'png',
		width: 1200,
		height: 630
	});
	await context.close();
});

test('a registered family downloads a members-only handout; a stranger cannot', async ({
	page,
	browser
}) => {
	test.setTimeout(180_000);
	const handout = Buffer.from(`%PDF-1.4\n% handout ${run}\n%%EOF\n`);
	await signIn(page, STAFF);
	await page.goto(`/staff/events/${eventId}/pictures`);
	const form = page.getByTestId('material-form');
	// A file type that is not accepted: refused with a sentence.
	await form.getByLabel('资料名称').fill('讲义');
	await form.locator('input[type=file]').setInputFiles({
		name: 'page.html',
		mimeType: 'text/html',
		buffer: Buffer.from('<p>hi</p>')
	});
	await form.getByRole('button', { name: '上传资料' }).click();
	await expect(page.getByTestId('material-feedback')).toHaveText(/不支持这种文件/);
	await form.getByLabel('资料名称').fill(`家长讲义 ${run}`);
	await form.locator('input[type=file]').setInputFiles({
		name: '讲义.pdf',
		mimeType: 'application/pdf',
		buffer: handout
	});
	await form.getByLabel('仅限已报名家庭').check();
	await form.getByRole('button', { name: '上传资料' }).click();
	await expect(page.getByTestId('material-feedback')).toHaveText('资料已上传。');
	await expect(page.getByTestId('staff-materials')).toContainText(`家长讲义 ${run}`);
	const { data: material } = await admin()
		.from('event_materials')
		.select('id, object_path')
		.eq('event_id', eventId)
		.single();
	const download = `/events/${slug}/materials/${material!.id}`;

	// A stranger: no link on the page, 404 for the address, and Storage refuses the object.
	const stranger = await browser.newContext();
	const anon = await stranger.newPage();
	await anon.goto(`/events/${slug}`);
	await expect(anon.getByTestId('material-link')).toHaveCount(0);
	expect((await anon.request.get(download, { maxRedirects: 0 })).status()).toBe(404);
	const direct = await anon.request.get(
		`/storage/v1/object/public/materials/${material!.object_path}`
	);
	expect(direct.status()).toBeGreaterThanOrEqual(400);
	await stranger.close();

	// The family, once registered: the link on the event page and in my registrations.
	const { error } = await admin()
		.from('registrations')
		.insert({
			event_id: eventId,
			family_id: PARENT1_FAMILY,
			status: 'confirmed',
			seats: 1,
			check_in_code: run.slice(-6).toUpperCase().padStart(6, 'Q'),
			confirmed_at: new Date().toISOString()
		});
	expect(error).toBeNull();
	const family = await browser.newContext();
	const parent = await family.newPage();
	await signIn(parent, PARENT1);
	await parent.goto(`/events/${slug}`);
	await expect(parent.getByTestId('material-link')).toContainText(`家长讲义 ${run}`);
	const got = await parent.request.get(download);
	expect(got.status()).toBe(200);
	expect(await got.body()).toEqual(handout);
	await parent.goto('/family/registrations');
	await expect(
		parent
			.getByTestId('registration-card')
			.filter({ hasText: `绘本共读 ${run}` })
			.getByTestId('material-link')
	).toHaveCount(1);
	await expectAxeClean(parent);
	await family.close();

	// Another organisation's staff: neither the page nor its forms.
	const school = await browser.newContext();
	const other = await school.newPage();
	await signIn(other, 'staff@school4.demo.gongyu.local');
	const foreign = await other.goto(`/staff/events/${eventId}/pictures`);
	expect(foreign?.status()).toBe(404);
	const posted = await other.request.post(`/staff/events/${eventId}/pictures?/removeMaterial`, {
		headers: { origin: ORIGIN },
		multipart: { material_id: material!.id }
	});
	expect(posted.status()).toBe(404);
	const { data: still } = await admin().from('event_materials').select('id').eq('id', material!.id);
	expect(still).toHaveLength(1);
	await school.close();
});
