/**
 * Priority care (关爱名额) as the people involved meet it: the youth centre's staff hold two places
 * at an event; a referrer of the No. 4 Middle School parent school refers a family by its sign-in
 * email and invites it; the family, on a phone, sees "为您保留的名额" and registers into the held
 * place after the ordinary places are gone; the event's staff see an ordinary attendee (list, CSV,
 * emails); the district's figures show "<5". And the doors that stay shut: anonymous visitors,
 * families, and staff who do not refer.
 */
import { readFile } from 'node:fs/promises';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import WebSocket from 'ws';
import { ORIGIN, expectAxeClean, signIn, uniqueEmail } from './support';

const EVENT_STAFF = 'staff@youth.demo.gongyu.local';
const REFERRER = 'staff@school4.demo.gongyu.local';
const ADMIN = 'admin@district.demo.gongyu.local';
const YOUTH_CENTRE = 'a0000000-0000-4000-8000-000000000001';
const FILLER_FAMILY = 'f0000000-0000-4000-8000-000000000101';
const SECRET_KEY = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz';
/** Words that would say a family is referred, or why. */
const LABELS = /保留|转介|关爱|留守|困境|心理关注|referr|held|priority|left-behind|hardship/i;

function admin(): SupabaseClient {
	return createClient(ORIGIN, SECRET_KEY, {
		auth: { persistSession: false, autoRefreshToken: false },
		realtime: { transport: WebSocket as never }
	});
}

const run = Date.now().toString(36);
const title = `亲子陶艺体验 ${run}`;
const parentEmail = uniqueEmail('care-parent');
let eventId = '';
let slug = '';
let familyId = '';

async function staffPage(
	browser: Browser,
	email: string
): Promise<{ page: Page; context: BrowserContext }> {
	const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	const page = await context.newPage();
	await signIn(page, email);
	return { page, context };
}

/** The newest email to `to` in the dev mailbox: subject and text. */
async function newestMail(context: BrowserContext, to: string) {
	const page = await context.newPage();
	try {
		const item = page.locator(`a[data-to="${to}"]`).first();
		await expect(async () => {
			await page.goto(`${ORIGIN}/dev/mailbox`);
			await expect(item).toBeVisible({ timeout: 1000 });
		}).toPass({ timeout: 20_000 });
		await item.click();
		return {
			subject: (await page.locator('h1').textContent()) ?? '',
			text: (await page.getByTestId('mail-text').textContent()) ?? ''
		};
	} finally {
		await page.close();
	}
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
	const db = admin();
	// The family-to-be: an account with a family of one parent (no child: no consent needed).
	const user = await db.auth.admin.createUser({ email: parentEmail, email_confirm: true });
	expect(user.error).toBeNull();
	const family = await db
		.from('families')
		.insert({
			guardian_id: user.data.user!.id,
			guardian_name: '陈晓',
			phone: '13900001111',
			email: parentEmail
		})
		.select('id')
		.single();
	expect(family.error).toBeNull();
	familyId = family.data!.id;
	const member = await db
		.from('family_members')
		.insert({ family_id: family.data!.id, kind: 'parent', nickname: '晓妈妈' });
	expect(member.error).toBeNull();
	// Three places, no waitlist, a week ahead.
	slug = `care-e2e-${run}`;
	const starts = new Date(Date.now() + 7 * 86_400_000);
	const created = await db
		.from('events')
		.insert({
			org_id: YOUTH_CENTRE,
			slug,
			category: 'traditional_culture',
			status: 'published',
			title_zh: title,
			title_en: `Family pottery ${run}`,
			starts_at: starts.toISOString(),
			ends_at: new Date(starts.getTime() + 2 * 3600_000).toISOString(),
			capacity: 3,
			max_seats_per_family: 2,
			waitlist_enabled: false,
			address_zh: '吴兴区青少年活动中心 3 楼'
		})
		.select('id')
		.single();
	expect(created.error).toBeNull();
	eventId = created.data!.id;
});

test('staff hold places, a referrer refers and invites, the family takes the place on a phone, the staff see an ordinary attendee', async ({
	browser
}) => {
	test.setTimeout(240_000);
	// 1. The event's staff hold two of the three places (release: 48 hours before the start).
	const staff = await staffPage(browser, EVENT_STAFF);
	await staff.page.goto(`/staff/events/${eventId}`);
	const holdForm = staff.page.getByTestId('event-hold');
	await holdForm.getByLabel(/保留人数/).fill('5');
	await holdForm.getByRole('button', { name: '保存保留名额' }).click();
	await expect(holdForm.getByRole('alert')).toContainText('0 到 3');
	await holdForm.getByLabel(/保留人数/).fill('2');
	await holdForm.getByRole('button', { name: '保存保留名额' }).click();
	await expect(holdForm.getByRole('status')).toHaveText('保留名额已保存。');
	await expect(holdForm.getByTestId('hold-state')).toContainText('保留 2 个名额');

	// The one ordinary place goes to a filler family.
	const db = admin();
	const ordinary = await db.from('registrations').insert({
		event_id: eventId,
		family_id: FILLER_FAMILY,
		status: 'confirmed',
		seats: 1,
		check_in_code: `E${run.slice(-5).toUpperCase()}`.padEnd(6, 'X').slice(0, 6),
		confirmed_at: new Date().toISOString()
	});
	expect(ordinary.error).toBeNull();

	// 2. The referrer refers the family by its sign-in email, with a reason, and invites it.
	const referrer = await staffPage(browser, REFERRER);
	await referrer.page.goto('/staff/referrals');
	await expectAxeClean(referrer.page);
	const refer = referrer.page.getByTestId('refer-form');
	await refer.getByLabel('家长的登录邮箱').fill('not-an-email');
	await refer.getByLabel('留守').check();
	await refer.getByRole('button', { name: '转介', exact: true }).click();
	// The browser's own check stops a bad address first; the server says so too without it.
	await expect(referrer.page.getByTestId('referred')).toHaveCount(0);
	await refer.getByLabel('家长的登录邮箱').fill(parentEmail);
	await refer.getByRole('button', { name: '转介', exact: true }).click();
	await expect(referrer.page.getByTestId('referred')).toContainText('已转介');
	const row = referrer.page.getByTestId('referrals').locator('li', { hasText: '陈晓' });
	await expect(row).toContainText('留守');
	// A code for a family whose email is not known: shown large, with how to redeem it.
	await referrer.page.getByTestId('code-form').getByLabel('困境').check();
	await referrer.page.getByRole('button', { name: '生成转介码' }).click();
	await expect(referrer.page.getByTestId('referral-code-value')).toHaveText(
		/^[0-9A-Z]{5} [0-9A-Z]{5}$/
	);
	await expect(referrer.page.getByTestId('referral-code')).toContainText('我的家庭');

	await row.getByRole('link', { name: '帮扶记录' }).click();
	await expect(referrer.page.locator('h1')).toContainText('陈晓');
	const invite = referrer.page.getByTestId('invite-form');
	await invite.getByLabel('活动').selectOption(eventId);
	await invite.getByLabel('人数').fill('1');
	await invite.getByRole('button', { name: '发送邀请' }).click();
	await expect(referrer.page.getByTestId('invited')).toContainText('邀请已发送');
	await expect(referrer.page.getByTestId('invitations')).toContainText('等待回复');
	// A care contact (帮扶); one dated tomorrow is refused.
	const contact = referrer.page.getByTestId('contact-form');
	await contact.getByLabel('方式').selectOption('phone_call');
	await contact.getByLabel(/简要记录/).fill('电话邀请参加陶艺活动');
	await contact.getByRole('button', { name: '记录帮扶' }).click();
	await expect(referrer.page.getByTestId('contacts')).toContainText('电话邀请参加陶艺活动');
	await expectAxeClean(referrer.page);

	// The invitation says a place is kept, and nothing about why.
	const invitation = await newestMail(referrer.context, parentEmail);
	expect(invitation.text).toContain(title);
	expect(`${invitation.subject}\n${invitation.text}`).not.toMatch(/转介|留守|困境|心理|关爱|原因/);

	// 3. The family, on a phone: "为您保留的名额" on /family, in the list and on the event page.
	const phone = await browser.newContext({
		viewport: { width: 360, height: 740 },
		deviceScaleFactor: 2,
		isMobile: true,
		hasTouch: true,
		locale: 'zh-CN',
		timezoneId: 'Asia/Shanghai'
	});
	const page = await phone.newPage();
	await signIn(page, parentEmail);
	await page.goto('/family');
	await expect(page.getByTestId('held-places')).toContainText(title);
	await page.goto(`/events?q=${encodeURIComponent(title)}`);
	await expect(
		page.getByTestId('event-card').filter({ hasText: title }).getByTestId('held-for-you')
	).toHaveText('为您保留的名额');
	await page.goto(`/events/${slug}`);
	await expect(page.getByTestId('held-place')).toContainText('为您保留的名额');
	await expect(page.getByTestId('held-place')).not.toContainText(/转介|留守/);
	const overflow = await page.evaluate(
		() => document.documentElement.scrollWidth - document.documentElement.clientWidth
	);
	expect(overflow).toBeLessThanOrEqual(0);
	await expectAxeClean(page);
	await page.screenshot({ path: test.info().outputPath('held-place-360.png'), fullPage: true });
	const form = page.getByTestId('register-form');
	await form.getByLabel(/晓妈妈/).check();
	await form.getByRole('button', { name: '提交报名' }).click();
	await expect(page.getByTestId('done')).toContainText('报名成功');
	await expect(page.getByTestId('held-place')).toHaveCount(0);
	const confirmation = await newestMail(phone, parentEmail);
	expect(`${confirmation.subject}\n${confirmation.text}`).not.toMatch(LABELS);

	// Another family sees no held place and cannot register: the ordinary places are gone.
	// (The referred family took one of the two held places; one is still kept.)
	const { data: seats } = await db.from('events').select('seats_taken').eq('id', eventId).single();
	expect(seats!.seats_taken).toBe(2);
	// Anyone else is told that some places are set aside and until when — in words that label
	// nobody, and never for whom.
	// (The words a visitor reads: markup such as the cover's fetchpriority is not a label.)
	const visitor = (await fetch(`${ORIGIN}/events/${slug}`).then((r) => r.text()))
		.replace(/<script[\s\S]*?<\/script>/g, ' ')
		.replace(/<[^>]*>/g, ' ');
	expect(visitor).toContain('部分名额由学校和中心预留');
	expect(visitor).not.toMatch(LABELS);
	expect(visitor).not.toContain('陈晓');

	// 4. The event's staff: an ordinary attendee on the list, in the CSV and the staff's emails.
	await staff.page.goto(`/staff/events/${eventId}/attendees`);
	const attendees = staff.page.locator('[data-code]');
	await expect(attendees).toHaveCount(2);
	const [first, second] = await attendees.evaluateAll((rows) =>
		rows.map((row) => ({ text: row.textContent ?? '', html: row.outerHTML }))
	);
	expect(`${first.text}${second.text}`).toContain('陈晓');
	expect(`${first.html}${second.html}`).not.toMatch(LABELS);
	// The same markup for both families, but for the words and their check-in codes.
	const shape = (html: string) => html.replace(/>[^<]*</g, '><').replace(/"[0-9A-Z]{6}"/g, '""');
	expect(shape(first.html)).toBe(shape(second.html));
	const [download] = await Promise.all([
		staff.page.waitForEvent('download'),
		staff.page.getByTestId('csv-link').click()
	]);
	const csv = (await readFile((await download.path())!)).toString('utf8');
	expect(csv).toContain('陈晓');
	expect(csv).not.toMatch(LABELS);
	await staff.page.goto('/staff/emails');
	expect(await staff.page.locator('main').textContent()).not.toMatch(/转介|留守|困境|心理关注/);

	// The referrer's care record shows the participation on a held place.
	await referrer.page.reload();
	await expect(referrer.page.getByTestId('participations')).toContainText(title);
	await expect(referrer.page.getByTestId('participations')).toContainText('保留名额');
	await expect(referrer.page.getByTestId('invitations')).toContainText('已报名');

	await Promise.all([staff.context.close(), referrer.context.close(), phone.close()]);
});

test('the district sees counts with "<5"; only the care staff see the referrals', async ({
	browser
}) => {
	const district = await staffPage(browser, ADMIN);
	await district.page.goto('/admin');
	// The dashboard's panel: one row per figure, the count beside it.
	const figures = district.page.getByTestId('table-referrals');
	await expect(figures.getByRole('row', { name: /预留名额已使用/ }).locator('td')).toHaveText('<5');
	await expect(figures.getByRole('row', { name: /被转介的家庭/ }).locator('td')).toHaveText('<5');
	expect(await figures.textContent()).not.toContain('陈晓');
	await district.page.getByTestId('care-link').click();
	await expect(district.page.getByTestId('care-referrals')).toContainText('陈晓');
	await expectAxeClean(district.page);
	await district.context.close();
});

test('the doors stay shut: anonymous visitors, families, staff who do not refer', async ({
	browser,
	request
}) => {
	const anon = await request.get('/staff/referrals', { maxRedirects: 0 });
	expect(anon.status()).toBe(303);
	expect(anon.headers().location).toContain('/auth/sign-in');
	expect((await request.get('/admin/referrals', { maxRedirects: 0 })).status()).toBe(303);

	const { data: referral } = await admin()
		.from('referrals')
		.select('id')
		.eq('family_id', familyId)
		.single();
	const referralId = referral!.id;

	// The family: no staff pages, no care-staff page.
	const family = await browser.newContext({ locale: 'zh-CN' });
	const familyPage = await family.newPage();
	await signIn(familyPage, parentEmail);
	expect((await familyPage.goto('/staff/referrals'))!.status()).toBe(403);
	expect((await familyPage.goto('/admin/referrals'))!.status()).toBe(403);
	// A wrong referral code is refused with a sentence and changes nothing.
	await familyPage.goto('/family');
	await familyPage.getByRole('textbox', { name: '转介码' }).fill('ZZZZZ ZZZZZ');
	await familyPage.getByRole('button', { name: '确认' }).click();
	await expect(familyPage.locator('#referral-code [role="alert"]')).toHaveText(
		'转介码不正确或已失效。'
	);
	await family.close();

	// The event's staff (a manager of a centre, but no referrer): told so, no list, no record.
	const staff = await staffPage(browser, EVENT_STAFF);
	await staff.page.goto('/staff/referrals');
	await expect(staff.page.getByTestId('not-referrer')).toBeVisible();
	await expect(staff.page.getByTestId('referrals')).toHaveCount(0);
	expect((await staff.page.goto(`/staff/referrals/${referralId}`))!.status()).toBe(404);
	// Posting the form anyway: the database refuses (not_referrer), nothing is written.
	const before = await admin().from('referrals').select('id', { count: 'exact', head: true });
	const posted = await staff.page.request.post('/staff/referrals?/refer', {
		form: {
			email: 'someone@example.cn',
			reason: 'other',
			starts_on: '2026-12-01',
			ends_on: '2026-12-31'
		},
		headers: { origin: ORIGIN, 'x-sveltekit-action': 'true' }
	});
	expect(await posted.text()).toContain('您不是该单位的转介人');
	const after = await admin().from('referrals').select('id', { count: 'exact', head: true });
	expect(after.count).toBe(before.count);

	// As its manager, the staff member marks itself a referrer of the youth centre: it then refers
	// for the youth centre, and the school's referral is still another organisation's (404).
	await staff.page.goto('/staff/referrals');
	const me = staff.page.getByTestId('referrers').locator('li', { hasText: EVENT_STAFF });
	await me.getByRole('button', { name: '设为转介人' }).click();
	await expect(me).toContainText('转介人');
	await expect(staff.page.getByTestId('refer-form')).toBeVisible();
	expect((await staff.page.goto(`/staff/referrals/${referralId}`))!.status()).toBe(404);
	await staff.page.goto('/staff/referrals');
	await me.getByRole('button', { name: '取消转介人' }).click();
	await expect(staff.page.getByTestId('not-referrer')).toBeVisible();
	await staff.context.close();

	// A district administrator who is not the care staff: the counts, not the referrals.
	const plainAdmin = uniqueEmail('district-admin');
	const made = await admin().auth.admin.createUser({
		email: plainAdmin,
		email_confirm: true,
		app_metadata: { role: 'district_admin' }
	});
	expect(made.error).toBeNull();
	const district = await staffPage(browser, plainAdmin);
	await district.page.goto('/admin');
	await expect(
		district.page
			.getByTestId('table-referrals')
			.getByRole('row', { name: /预留名额已使用/ })
			.locator('td')
	).toHaveText('<5');
	await expect(district.page.getByTestId('care-link')).toHaveCount(0);
	expect((await district.page.goto('/admin/referrals'))!.status()).toBe(403);
	await district.context.close();
});
