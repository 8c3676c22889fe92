/**
 * A venue staff member's day, in Chromium against the production build with the demo data: a new
 * room with opening hours, an event made by dragging on the calendar, a drag onto an occupied
 * slot refused and put back, publishing, a family registering (through the API, as the parents'
 * pages would), checking the family in by typed code, the CSV export, messaging the families, and
 * deciding two room requests from a school.
 */
import AxeBuilder from '@axe-core/playwright';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import WebSocket from 'ws';
import { ORIGIN, brokenWords, signIn } from './support';

const STAFF = 'staff@youth.demo.gongyu.local';
const SCHOOL_STAFF = 'staff@school4.demo.gongyu.local';
const PARENT = 'parent1@demo.gongyu.local';
const PASSWORD = 'gongyu-demo';
const PUBLISHABLE_KEY = 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH';
const SECRET_KEY = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz';
const LELE = 'c0000000-0000-4000-8000-000000000003';
const MUM = 'c0000000-0000-4000-8000-000000000001';
const YOUTH_CENTRE = 'a0000000-0000-4000-8000-000000000001';
const SCHOOL = 'a0000000-0000-4000-8000-000000000004';
const SCHOOL_HALL = 'b0000000-0000-4000-8000-000000000008';

/** 'YYYY-MM-DD' in Shanghai, `days` from today. */
function shanghaiDate(days: number): string {
	const now = new Date(Date.now() + 8 * 3600_000);
	return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days))
		.toISOString()
		.slice(0, 10);
}

const clientOptions = {
	auth: { persistSession: false, autoRefreshToken: false },
	realtime: { transport: WebSocket as never }
};

/** The service role, for what the dispatcher would do. */
function admin(): SupabaseClient {
	return createClient(ORIGIN, SECRET_KEY, clientOptions);
}

/** A supabase-js client on the app's own API, signed in with the demo password. */
async function apiClient(email: string): Promise<SupabaseClient> {
	const client = createClient(ORIGIN, PUBLISHABLE_KEY, clientOptions);
	const { error } = await client.auth.signInWithPassword({ email, password: PASSWORD });
	if (error) throw error;
	return client;
}

/** Registers the demo family's Lele and Mum (as the parents' pages do) and returns the code. */
async function registerForCode(parent: SupabaseClient, eventId: string): Promise<string> {
	const registered = await parent.rpc('register_family', {
		p_event_id: eventId,
		p_member_ids: [LELE, MUM]
	});
	expect(registered.error).toBeNull();
	const { data } = await parent
		.from('registrations')
		.select('check_in_code')
		.eq('id', (registered.data as { registration_id: string }).registration_id)
		.single();
	return (data as { check_in_code: string }).check_in_code;
}

async function axe(page: Page) {
	const results = await new AxeBuilder({ page }).analyze();
	expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
}

async function shot(page: Page, testInfo: TestInfo, name: string) {
	const body = await page.screenshot({ fullPage: true, path: testInfo.outputPath(`${name}.png`) });
	await testInfo.attach(name, { body, contentType: 'image/png' });
}

/** The centre of a time slot of a day column in a timeGrid calendar. */
async function slotPoint(page: Page, calendar: string, date: string, time: string, offset = 0.5) {
	await page
		.locator(`${calendar} td.fc-timegrid-slot-lane[data-time="${time}:00"]`)
		.scrollIntoViewIfNeeded();
	const column = await page
		.locator(`${calendar} td.fc-timegrid-col[data-date="${date}"]`)
		.boundingBox();
	const lane = await page
		.locator(`${calendar} td.fc-timegrid-slot-lane[data-time="${time}:00"]`)
		.boundingBox();
	if (!column || !lane) throw new Error(`no slot ${date} ${time}`);
	return { x: column.x + column.width / 2, y: lane.y + lane.height * offset };
}

async function dragSelect(page: Page, calendar: string, date: string, from: string, to: string) {
	const start = await slotPoint(page, calendar, date, from, 0.3);
	const end = await slotPoint(page, calendar, date, to, 0.7);
	await page.mouse.move(start.x, start.y);
	await page.mouse.down();
	await page.mouse.move(end.x, end.y, { steps: 8 });
	await page.mouse.up();
}

test.describe.configure({ mode: 'serial' });

test('a venue staff member runs a room, an event and its door from the calendar', async ({
	page
}, testInfo) => {
	test.setTimeout(180_000);
	const day = shanghaiDate(9);
	const roomName = `亲子活动室 ${Date.now().toString(36)}`;
	const title = `亲子阅读分享会 ${Date.now().toString(36)}`;
	// Tall enough to see the morning and the afternoon at once while dragging.
	await page.setViewportSize({ width: 1280, height: 1200 });

	await signIn(page, STAFF);
	// Signed in from nowhere in particular, staff land at their workbench.
	await expect(page).toHaveURL(/\/staff$/);

	// A new room with opening hours: every day 09:00–12:00 and 13:30–17:00 (lunch break).
	await page.goto('/staff/venues/new');
	await page.getByLabel('场地名称').fill(roomName);
	await page.getByLabel('容纳人数').fill('20');
	await page.getByLabel('两场预约之间的间隔（分钟）').fill('15');
	for (let d = 1; d <= 7; d++) {
		await page.locator(`input[name="h${d}_1_close"]`).fill('12:00');
		await page.locator(`input[name="h${d}_2_open"]`).fill('13:30');
		await page.locator(`input[name="h${d}_2_close"]`).fill('17:00');
	}
	// An interval that closes before it opens is refused, and nothing is created.
	await page.locator('input[name="h3_2_close"]').fill('13:00');
	await page.getByRole('button', { name: '创建场地' }).click();
	await expect(page.getByRole('alert')).toContainText('结束时间要晚于开始时间');
	await page.locator('input[name="h3_2_close"]').fill('17:00');
	await page.getByRole('button', { name: '创建场地' }).click();
	await expect(page.getByRole('status')).toContainText('场地已保存');
	const venueId = /\/staff\/venues\/([0-9a-f-]{36})/.exec(page.url())?.[1];
	expect(venueId).toBeTruthy();

	// The room's calendar on the chosen day; lunch is shaded and cannot be selected.
	await page.goto(`/staff/calendar?venue=${venueId}&date=${day}`);
	const calendar = '[data-testid="staff-calendar"]';
	await expect(page.locator(`${calendar}[data-loaded="true"]`)).toBeVisible();
	await expect(page.locator(`${calendar} td.fc-timegrid-col[data-date="${day}"]`)).toBeVisible();
	await axe(page);

	// Drag-select 10:00–11:00 and make an event there.
	await dragSelect(page, calendar, day, '10:00', '10:30');
	const dialog = page.getByRole('dialog');
	await expect(dialog).toBeVisible();
	await expect(dialog.locator('input[name="start"]')).toHaveValue('10:00');
	await expect(dialog.locator('input[name="end"]')).toHaveValue('11:00');
	await shot(page, testInfo, 'staff-calendar-dialog');
	await dialog.getByLabel('活动名称').fill(title);
	await dialog.getByLabel('名额（人）').fill('10');
	await dialog.getByRole('button', { name: '创建活动' }).click();
	await expect(page.getByTestId('calendar-message')).toContainText('活动草稿已创建');
	const eventEntry = page.locator(`${calendar} .fc-event[data-kind="event"]`, { hasText: title });
	await expect(eventEntry).toBeVisible();
	await expect(eventEntry).toContainText('10:00');

	// Block 14:00–15:00 (an occupied slot), then drag the event onto it.
	await dragSelect(page, calendar, day, '14:00', '14:30');
	await expect(dialog).toBeVisible();
	await dialog.getByText('停用', { exact: true }).click();
	await dialog.getByLabel('原因').fill('设备检修');
	await dialog.getByRole('button', { name: '停用这段时间' }).click();
	await expect(page.locator(`${calendar} .fc-event[data-kind="block"]`)).toBeVisible();

	const box = await eventEntry.boundingBox();
	const target = await slotPoint(page, calendar, day, '14:00', 0.5);
	if (!box) throw new Error('no event box');
	await page.mouse.move(box.x + box.width / 2, box.y + 6);
	await page.mouse.down();
	await page.mouse.move(box.x + box.width / 2, box.y + 20, { steps: 4 });
	await page.mouse.move(target.x, target.y, { steps: 12 });
	await page.mouse.up();
	await expect(page.getByTestId('calendar-message').getByRole('alert')).toContainText(
		'场地已被占用'
	);
	await expect(eventEntry).toContainText('10:00');
	const after = await eventEntry.boundingBox();
	expect(Math.abs((after?.y ?? 0) - box.y)).toBeLessThan(3);
	await shot(page, testInfo, 'staff-calendar-desktop');

	// Publish from the event's page.
	await eventEntry.click();
	await expect(page).toHaveURL(/\/staff\/events\/[0-9a-f-]{36}$/);
	const eventId = page.url().split('/').pop()!;
	// The draft made on the calendar lacks what families need to know: publishing names each item.
	await page.getByRole('button', { name: '发布活动' }).click();
	await expect(page.getByTestId('publish-missing').getByRole('listitem')).toHaveText([
		'一句话简介',
		'活动介绍',
		'适合年龄（最小或最大年龄）'
	]);
	await expect(page.getByLabel('一句话简介')).toHaveAttribute('aria-invalid', 'true');
	await shot(page, testInfo, 'staff-publish-missing');
	await page.getByLabel('一句话简介').fill('亲子共读绘本。');
	await page.getByLabel('活动介绍').fill('请带一本孩子喜欢的绘本。');
	await page.getByLabel('最小年龄').fill('4');
	await page.getByRole('button', { name: '保存', exact: true }).click();
	await expect(page.getByRole('status').filter({ hasText: '已保存' })).toBeVisible();
	await page.getByRole('button', { name: '发布活动' }).click();
	await expect(page.getByRole('status')).toContainText('已发布 1 场活动');
	await axe(page);

	// A family registers (through the API, as the parents' pages do).
	const parent = await apiClient(PARENT);
	const code = await registerForCode(parent, eventId);

	// Dragging the published event asks first, since the family would be emailed; "keep" puts it back.
	await page.goto(`/staff/calendar?venue=${venueId}&date=${day}`);
	await expect(page.locator(`${calendar}[data-loaded="true"]`)).toBeVisible();
	const dragTo = async (time: string) => {
		// The calendar may be drawing the entry again (after a refetch): wait until it has a box.
		const boxes: { x: number; y: number; width: number; height: number }[] = [];
		await expect(async () => {
			const box = await eventEntry.boundingBox();
			expect(box).not.toBeNull();
			boxes.push(box!);
		}).toPass({ timeout: 10_000 });
		const from = boxes[boxes.length - 1];
		const to = await slotPoint(page, calendar, day, time, 0.5);
		await page.mouse.move(from.x + from.width / 2, from.y + 6);
		await page.mouse.down();
		await page.mouse.move(from.x + from.width / 2, from.y + 20, { steps: 4 });
		await page.mouse.move(to.x, to.y, { steps: 12 });
		await page.mouse.up();
	};
	const question = page.getByTestId('move-confirm');
	const toast = page.getByTestId('calendar-message');
	await dragTo('15:30');
	await expect(question).toBeVisible();
	await expect(question).toContainText('已有 1 户家庭报名');
	await question.getByRole('button', { name: '不改了' }).click();
	await expect(toast).toContainText('没有改动');
	await expect(eventEntry).toContainText('10:00');
	const outbox = async () =>
		(
			await admin()
				.from('email_outbox')
				.select('id', { count: 'exact', head: true })
				.eq('event_id', eventId)
				.eq('kind', 'event_changed')
		).count;
	expect(await outbox()).toBe(0);
	// Confirmed, it moves; the message is in view (not at the top of the page), with an undo.
	await dragTo('15:30');
	await question.getByRole('button', { name: '改时间并通知家庭' }).click();
	await expect(toast).toContainText('正在给 1 户家庭发通知邮件');
	await expect(toast.getByRole('status')).toBeInViewport();
	await expect(eventEntry).toContainText(/^15:[0-5]\d–16:/);
	expect(await outbox()).toBe(1);
	await shot(page, testInfo, 'staff-calendar-moved-toast');
	await toast.getByRole('button', { name: '撤销' }).click();
	await expect(toast).toContainText('已撤销');
	await expect(toast).toContainText('1 户家庭发更正邮件');
	await expect(eventEntry).toContainText('10:00');
	expect(await outbox()).toBe(2);

	// The door opens on the event's day: this one is days away, so there is nothing to tap yet.
	await page.goto(`/staff/events/${eventId}/check-in`);
	await expect(page.getByTestId('checkin-not-open')).toContainText('签到将在当天开放');
	await expect(page.getByLabel('签到码')).toHaveCount(0);

	// An event starting in a few minutes, today, at a minute off the form's 5-minute steps (as the
	// API allows), so the form below must still send it (past midnight in Beijing first if that is
	// that close).
	const soon = () => {
		const at = new Date(Math.ceil((Date.now() + 3 * 60_000) / 60_000) * 60_000);
		return at.getUTCMinutes() % 5 === 0 ? new Date(at.getTime() + 60_000) : at;
	};
	const beijingDay = (at: Date) => new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
	if (beijingDay(new Date()) !== beijingDay(soon())) {
		const wait = soon().getTime() - Date.now() + 5_000;
		test.setTimeout(test.info().timeout + wait);
		await page.waitForTimeout(wait);
	}
	const startsAt = soon();
	const staffApi = await apiClient(STAFF);
	const saved = await staffApi.rpc('save_event', {
		p_org_id: YOUTH_CENTRE,
		p_event: {
			category: 'parent_class',
			title_zh: '今天的家长课堂',
			summary_zh: '和孩子一起读书。',
			description_zh: '请带一本书。',
			min_child_age: 6,
			capacity: 10,
			address_zh: '活动中心一楼大厅',
			starts_at: startsAt.toISOString(),
			ends_at: new Date(startsAt.getTime() + 3600_000).toISOString()
		}
	});
	expect(saved.error).toBeNull();
	const todayId = (saved.data as { event_id: string }).event_id;
	expect((await staffApi.rpc('publish_event', { p_event_id: todayId })).error).toBeNull();
	const todayCode = await registerForCode(parent, todayId);

	// Moving it to another hall emails the family, and the page says how many families hear of it;
	// a new description alone emails nobody.
	await page.goto(`/staff/events/${todayId}`);
	await page.getByLabel('地址', { exact: true }).fill('活动中心二楼报告厅');
	await page.getByRole('button', { name: '保存', exact: true }).click();
	await expect(page.getByRole('status').filter({ hasText: '已保存' })).toHaveText(
		'已保存。1 户已报名的家庭会收到变更通知邮件。'
	);
	await page.getByLabel('活动介绍').fill('请穿运动鞋。');
	await page.getByRole('button', { name: '保存', exact: true }).click();
	await expect(page.getByRole('status').filter({ hasText: '已保存' })).toHaveText('已保存。');

	// Check the family in by typing the code (lower case, with a dash, as people type it).
	await page.goto(`/staff/events/${todayId}/check-in`);
	await expect(page.getByTestId('checkin-count')).toContainText('已签到 0 / 1 户');
	await page
		.getByLabel('签到码')
		.fill(`${todayCode.slice(0, 3).toLowerCase()}-${todayCode.slice(3)}`);
	await page.getByLabel('签到码').press('Enter');
	await expect(page.getByTestId('checkin-result')).toContainText('王芳 签到成功（2 人）');
	await expect(page.getByTestId('checkin-result')).toContainText('乐乐（8 岁）');
	await expect(page.getByTestId('checkin-count')).toContainText('已签到 1 / 1 户');
	await expect(page.getByLabel('签到码')).toBeFocused();
	// The family is listed as checked in, with a way to take it back.
	await expect(page.locator(`[data-attended="${todayCode}"]`)).toContainText('王芳');
	await expect(
		page.locator(`[data-attended="${todayCode}"]`).getByRole('button', { name: '撤销签到' })
	).toBeVisible();
	// A code of another event is refused.
	await page.getByLabel('签到码').fill('ZZZZZZ');
	await page.getByLabel('签到码').press('Enter');
	await expect(page.getByTestId('checkin-result')).toContainText('没有找到这个签到码');
	await axe(page);

	// The attendee list and its CSV for Excel.
	await page.goto(`/staff/events/${eventId}/attendees`);
	await expect(page.locator(`[data-code="${code}"]`)).toContainText('乐乐（8 岁）');
	await expect(page.locator(`[data-code="${code}"]`)).not.toContainText('2018');
	await axe(page);
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByTestId('csv-link').click()
	]);
	const bytes = await readFile((await download.path())!);
	expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
	const csv = bytes.subarray(3).toString('utf8');
	const lines = csv.split('\r\n');
	expect(lines[0]).toBe(
		'"序号","状态","候补顺序","监护人","电话","人数","参加成员","签到码","报名时间","来源","留言"'
	);
	expect(lines[1]).toContain('"王芳"');
	expect(lines[1]).toContain('"138****0001"');
	expect(lines[1]).toContain('乐乐（8 岁）');
	expect(lines[1]).toContain(`"${code}"`);
	expect(csv.endsWith('\r\n')).toBe(true);
	expect(csv).not.toMatch(/[^\r]\n/);

	// Message the confirmed families; the progress is counted from the outbox.
	await page.goto(`/staff/events/${eventId}/message`);
	await page.getByLabel('邮件标题').fill('集合地点');
	await page.getByLabel('内容').fill('请到二楼亲子活动室集合。');
	await page.getByRole('button', { name: '发送' }).click();
	await expect(page.getByRole('status')).toContainText('已排队发送 1 封邮件');
	await expect(page.getByTestId('message-progress').first()).toContainText('集合地点');
	// The dispatcher (here: the test, with the secret key) sends it; the page follows by itself.
	const sent = await admin()
		.from('email_outbox')
		.update({ status: 'sent', sent_at: new Date().toISOString() })
		.eq('event_id', eventId)
		.eq('kind', 'staff_message')
		.neq('status', 'sent');
	expect(sent.error).toBeNull();
	await expect(page.getByTestId('progress-sent').first()).toContainText('已发出 1', {
		timeout: 15_000
	});
	await expect(page.getByTestId('progress-queued').first()).toContainText('排队中 0');
	await expect(page.getByTestId('message-progress').first()).toContainText('全部处理完毕');

	// A school asks for two slots of the new room; the centre approves one and rejects the other.
	const school = await apiClient(SCHOOL_STAFF);
	const ask = async (date: string) => {
		const { data, error } = await school.rpc('request_venue_booking', {
			p_venue_id: venueId,
			p_starts_at: `${date}T09:00:00+08:00`,
			p_ends_at: `${date}T11:00:00+08:00`,
			p_purpose: '家长课堂',
			p_org_id: SCHOOL
		});
		expect(error).toBeNull();
		return (data as { booking_id: string }).booking_id;
	};
	// The first through the school organiser's own pages: free/busy only, then the form.
	const schoolContext = await page.context().browser()!.newContext({ locale: 'zh-CN' });
	const schoolPage = await schoolContext.newPage();
	await signIn(schoolPage, SCHOOL_STAFF);
	await schoolPage.goto(`/staff/requests/new?venue=${venueId}&date=${day}`);
	const busyList = schoolPage.getByTestId('busy-list');
	await expect(busyList).toContainText('已占用 10:00–11:15, 14:00–15:00');
	await expect(busyList).not.toContainText(title);
	await expect(busyList).not.toContainText('设备检修');
	await axe(schoolPage);
	const requestForm = schoolPage.locator('form[action="?/request"]');
	await requestForm.getByLabel('日期').fill(shanghaiDate(11));
	await requestForm.getByLabel('开始时间').fill('09:00');
	await requestForm.getByLabel('结束时间').fill('11:00');
	await requestForm.getByLabel('用途').fill('家长课堂');
	await requestForm.getByRole('button', { name: '提交申请' }).click();
	await expect(schoolPage.getByRole('status')).toContainText('申请已提交');
	const firstRow = schoolPage.locator('[data-request]', { hasText: roomName });
	await expect(firstRow).toHaveCount(1);
	await expect(firstRow).toContainText('待审批');
	const first = (await firstRow.getAttribute('data-request'))!;
	await schoolContext.close();
	const second = await ask(shanghaiDate(12));
	await page.goto('/staff');
	await expect(page.getByTestId('pending-requests')).toContainText('待审批');
	await page.getByTestId('pending-requests').click();
	await expect(page.locator(`[data-request="${first}"]`)).toContainText('湖州四中教育集团家长学校');
	await axe(page);
	await page.locator(`[data-request="${first}"]`).getByRole('button', { name: '通过' }).click();
	await expect(page.getByRole('status')).toContainText('已通过');
	const rejecting = page.locator(`[data-request="${second}"]`);
	await rejecting.getByRole('button', { name: '驳回' }).click();
	await expect(rejecting.getByRole('alert')).toContainText('请写明原因');
	await rejecting.getByLabel('驳回原因').fill('当天上午已有活动');
	await rejecting.getByRole('button', { name: '驳回' }).click();
	await expect(page.getByRole('status')).toContainText('已驳回');
	const { data: outgoing } = await school.rpc('staff_room_requests', { p_org_id: SCHOOL });
	const statuses = Object.fromEntries(
		(
			outgoing as { outgoing: { id: string; status: string; reason: string | null }[] }
		).outgoing.map((r) => [r.id, [r.status, r.reason]])
	);
	expect(statuses[first]).toEqual(['approved', null]);
	expect(statuses[second]).toEqual(['rejected', '当天上午已有活动']);
	// The school's staff are told: an email each, queued with the decision.
	const { data: told } = await admin()
		.from('email_outbox')
		.select('kind, to_email')
		.in('idempotency_key', [`room_request_approved:${first}`, `room_request_rejected:${second}`])
		.order('kind');
	expect(told).toEqual([
		{ kind: 'room_request_approved', to_email: SCHOOL_STAFF },
		{ kind: 'room_request_rejected', to_email: SCHOOL_STAFF }
	]);

	// The school's organiser sees only when the centre's room is taken, not what or by whom.
	const { data: busy } = await school.rpc('venue_busy_periods', {
		p_venue_id: venueId,
		p_from: `${day}T00:00:00+08:00`,
		p_to: `${day}T23:59:00+08:00`
	});
	expect((busy as object[]).length).toBe(2);
	expect(JSON.stringify(busy)).not.toContain(title);
	const { data: peek } = await school.from('venue_bookings').select('id').eq('venue_id', venueId!);
	expect((peek as object[]).map((r) => (r as { id: string }).id).sort()).toEqual(
		[first, second].sort()
	);
});

test('rooms side by side, and the phone-sized pages', async ({ browser }, testInfo) => {
	test.setTimeout(120_000);
	const context = await browser.newContext({
		viewport: { width: 360, height: 740 },
		deviceScaleFactor: 2,
		isMobile: true,
		hasTouch: true,
		locale: 'zh-CN',
		timezoneId: 'Asia/Shanghai'
	});
	const page = await context.newPage();
	await signIn(page, STAFF);
	const overflow = () =>
		page.evaluate(
			() => document.documentElement.scrollWidth - document.documentElement.clientWidth
		);

	await page.goto(`/staff/calendar?view=rooms&date=${shanghaiDate(6)}`);
	await expect(page.getByTestId('rooms-grid').locator('.fc-timegrid').first()).toBeVisible();
	expect(
		await page.getByTestId('rooms-grid').locator('section[data-room]').count()
	).toBeGreaterThanOrEqual(4);
	expect(await overflow()).toBeLessThanOrEqual(0);
	await shot(page, testInfo, 'staff-rooms-360');

	await page.goto('/staff/calendar');
	await expect(page.locator('[data-testid="staff-calendar"][data-loaded="true"]')).toBeVisible();
	expect(await overflow()).toBeLessThanOrEqual(0);
	await shot(page, testInfo, 'staff-calendar-360');

	for (const [name, path] of [
		['staff-home-360', '/staff'],
		['staff-events-360', '/staff/events'],
		['staff-venue-new-360', '/staff/venues/new'],
		['staff-requests-new-360', `/staff/requests/new?venue=${SCHOOL_HALL}`]
	] as const) {
		expect((await page.goto(path))?.status(), path).toBe(200);
		expect(await overflow(), path).toBeLessThanOrEqual(0);
		await shot(page, testInfo, name);
	}
	await page.goto('/staff/events');
	// The demo data's fullest event: confirmed families and a waitlist.
	await page
		.locator('section[aria-labelledby="group-upcoming"] li', { hasText: '候补' })
		.first()
		.locator('a[href^="/staff/events/"]')
		.click();
	await page.waitForURL(/\/staff\/events\/[0-9a-f-]{36}$/);
	const eventId = page.url().split('/').pop();
	for (const [name, path] of [
		['staff-event-360', `/staff/events/${eventId}`],
		['staff-checkin-360', `/staff/events/${eventId}/check-in`],
		['staff-attendees-360', `/staff/events/${eventId}/attendees`]
	] as const) {
		expect((await page.goto(path))?.status(), path).toBe(200);
		expect(await overflow(), path).toBeLessThanOrEqual(0);
		await shot(page, testInfo, name);
	}
	await axe(page);
	await context.close();
});

test('without JavaScript the calendar is a list of the week, and forms still work', async ({
	browser
}) => {
	const context = await browser.newContext({ javaScriptEnabled: false, locale: 'zh-CN' });
	const page = await context.newPage();
	await signIn(page, STAFF);
	await page.goto(`/staff/calendar?date=${shanghaiDate(7)}`);
	const list = page.getByTestId('week-list');
	await expect(list).toBeVisible();
	await expect(list.locator('li[data-kind="event"]').first()).toBeVisible();

	// Another organisation's room cannot be opened, let alone edited.
	const other = await page.goto(`/staff/venues/${SCHOOL_HALL}`);
	expect(other?.status()).toBe(404);

	// A new event at an outside address ending before it starts is refused, nothing saved.
	await page.goto('/staff/events/new');
	await page.getByLabel('活动名称').fill('无脚本测试活动');
	await page.getByLabel('日期', { exact: true }).fill(shanghaiDate(15));
	await page.getByLabel('开始时间').fill('15:00');
	await page.getByLabel('结束时间').fill('14:00');
	await page.getByLabel('外部地址').check();
	await page.getByPlaceholder('地址').fill('滨湖公园');
	await page.getByRole('button', { name: '保存活动' }).click();
	await expect(page.getByTestId('form-error')).toContainText('结束时间必须晚于开始时间');
	await page.getByLabel('结束时间').fill('16:30');
	await page.getByRole('button', { name: '保存活动' }).click();
	await expect(page.getByRole('status')).toContainText('活动已保存为草稿');

	// Staff of two organisations switch between them (a form: no JavaScript needed).
	const { data: me } = await (await apiClient(STAFF)).auth.getUser();
	const membership = { org_id: SCHOOL, user_id: me.user!.id, role: 'staff' };
	expect((await admin().from('org_members').insert(membership)).error).toBeNull();
	try {
		await page.goto('/staff/venues');
		await page.getByTestId('org-switcher').selectOption(SCHOOL);
		await page.getByRole('button', { name: '切换单位' }).click();
		await expect(page).toHaveURL(/\/staff\/venues$/);
		await expect(page.getByRole('link', { name: '报告厅' })).toBeVisible();
		await expect(page.getByRole('link', { name: '阅读室' })).toHaveCount(0);
	} finally {
		await admin().from('org_members').delete().match(membership);
	}
	await context.close();
});

test('a weekly series lists the week when the room is taken before saving; "create and publish" publishes only what is complete', async ({
	page
}, testInfo) => {
	await signIn(page, STAFF);
	// A room of its own, open every day, with the second week's slot blocked.
	const staff = await apiClient(STAFF);
	const saved = await staff.rpc('save_venue', {
		p_org_id: YOUTH_CENTRE,
		p_name_zh: `家长课堂教室 ${Date.now().toString(36)}`,
		p_name_en: '',
		p_capacity: 60,
		p_buffer_minutes: 15,
		p_active: true,
		p_opening_hours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
			weekday,
			opens_at: '08:00',
			closes_at: '21:00'
		}))
	});
	expect(saved.error).toBeNull();
	const venueId = (saved.data as { venue_id: string }).venue_id;
	const first = shanghaiDate(10);
	const second = shanghaiDate(17);
	const blocked = await staff.rpc('block_venue', {
		p_venue_id: venueId,
		p_starts_at: `${second}T18:00:00+08:00`,
		p_ends_at: `${second}T20:00:00+08:00`,
		p_reason: '设备检修'
	});
	expect(blocked.error).toBeNull();

	await page.goto('/staff/events/new');
	await page.getByLabel('活动名称').fill('家长课堂（系列）');
	await page.getByLabel('日期', { exact: true }).fill(first);
	await page.getByLabel('开始时间').fill('19:00');
	await page.getByLabel('结束时间').fill('20:30');
	await page.locator('select[name="venue_id"]').selectOption(venueId);
	await page.getByLabel('每周重复（周数）').fill('3');
	await page.getByLabel('一句话简介').fill('每周一次的家长课堂。');
	await page.getByLabel('活动介绍').fill('谈谈孩子的学习习惯。');
	await page.getByLabel('最大年龄').fill('12');
	await page.getByRole('button', { name: '保存活动' }).click();
	const preview = page.getByTestId('series-preview');
	await expect(preview).toBeVisible();
	await expect(preview.locator('[data-conflict="true"]')).toHaveCount(1);
	await expect(preview.locator('[data-conflict="true"]')).toContainText('第 2 周');
	// It says what is in the way: the centre's own block, with its reason, room and time.
	await expect(preview.getByTestId('series-clash')).toContainText(
		'与「设备检修」冲突（家长课堂教室'
	);
	await expect(preview.getByTestId('series-clash')).toContainText('18:00–20:00');
	await shot(page, testInfo, 'staff-series-preview');
	await page.setViewportSize({ width: 360, height: 800 });
	await shot(page, testInfo, 'staff-series-preview-360');
	await page.setViewportSize({ width: 1280, height: 720 });
	await expect(page.getByTestId('form-error')).toContainText('尚未保存');
	const { count } = await staff
		.from('events')
		.select('id', { count: 'exact', head: true })
		.eq('title_zh', '家长课堂（系列）');
	expect(count).toBe(0);
	await axe(page);
	await expect(preview.getByRole('button', { name: '只保存没有冲突的 2 周' })).toBeVisible();
	// Created and published at once.
	await preview.getByRole('button', { name: '保存并发布没有冲突的 2 周' }).click();
	await expect(page.getByRole('status')).toContainText('已创建并发布 2 场活动');
	const { data: created } = await staff
		.from('events')
		.select('status')
		.eq('title_zh', '家长课堂（系列）');
	expect(created?.map((e) => e.status)).toEqual(['published', 'published']);

	// "Create and publish" for one event: published at once when complete; an incomplete one stays
	// a draft and its page says what it lacks.
	const fill = async (title: string, complete: boolean) => {
		await page.goto('/staff/events/new');
		await page.getByLabel('活动名称').fill(title);
		await page.getByLabel('日期', { exact: true }).fill(shanghaiDate(30));
		await page.getByLabel('开始时间').fill('10:00');
		await page.getByLabel('结束时间').fill('11:00');
		await page.getByText('外部地址', { exact: true }).click();
		await page.getByPlaceholder('地址').fill('滨湖公园东门');
		if (complete) {
			await page.getByLabel('一句话简介').fill('公园里的亲子阅读。');
			await page.getByLabel('活动介绍').fill('请带一块野餐垫。');
			await page.getByLabel('最小年龄').fill('3');
		}
		await page.getByRole('button', { name: '创建并发布' }).click();
		await page.waitForURL(/\/staff\/events\/[0-9a-f-]{36}\?/);
	};
	const stamp = Date.now().toString(36);
	await fill(`公园读书会 ${stamp}`, true);
	await expect(page.getByRole('status')).toContainText('已发布 1 场活动');
	await expect(page.getByRole('link', { name: '查看公开页面' })).toBeVisible();

	await fill(`公园读书会（未写完）${stamp}`, false);
	await expect(page.getByTestId('publish-missing').getByRole('listitem')).toHaveText([
		'一句话简介',
		'活动介绍',
		'适合年龄（最小或最大年龄）'
	]);
	await expect(page.getByRole('button', { name: '发布活动' })).toBeVisible();
	await expect(page.getByLabel('活动介绍')).toHaveAttribute('aria-invalid', 'true');
});

test("in English the staff calendar speaks the site's English and breaks no word in a month cell", async ({
	browser
}, testInfo) => {
	test.setTimeout(120_000);
	// One sign-in for both widths: each address may ask for only a few codes in a quarter hour.
	const context = await browser.newContext({
		viewport: { width: 1280, height: 900 },
		locale: 'zh-CN',
		timezoneId: 'Asia/Shanghai'
	});
	const page = await context.newPage();
	await signIn(page, STAFF);
	await context.addCookies([{ name: 'PARAGLIDE_LOCALE', value: 'en', url: ORIGIN }]);
	for (const width of [1280, 360]) {
		await page.setViewportSize({ width, height: 900 });
		await page.goto('/staff/calendar');
		const calendar = page.locator('[data-testid="staff-calendar"][data-loaded="true"]');
		await expect(calendar).toBeVisible();
		const toolbar = calendar.locator('.fc-header-toolbar');
		await expect(toolbar.getByRole('button', { name: 'Today' })).toBeVisible();
		await expect(toolbar.getByRole('button', { name: 'Month', exact: true })).toBeVisible();
		await expect(toolbar.getByRole('button', { name: 'List', exact: true })).toBeVisible();
		await toolbar.getByRole('button', { name: 'Month', exact: true }).click();
		await expect(calendar.locator('.fc-dayGridMonth-view')).toBeVisible();
		await expect(calendar.locator('.fc-daygrid-event').first()).toBeVisible();
		// The site writes English dates the British way: "December 2026", "Mon", "7 Dec".
		// (A phone's toolbar has no room for the title.)
		if (width > 640)
			await expect(calendar.locator('.fc-toolbar-title')).toHaveText(/^[A-Z][a-z]+ \d{4}$/);
		await expect(calendar.locator('.fc-col-header-cell').first()).toHaveText('Mon');
		// No word of an entry is cut across two lines.
		const broken = await brokenWords(
			page,
			'[data-testid="staff-calendar"] .fc-daygrid-event .gy-title'
		);
		expect(broken).toEqual([]);
		// Nor cut off mid-letter at the cell's edge: what does not fit ends in an ellipsis.
		const clipped = await calendar
			.locator('.fc-daygrid-event .gy-title')
			.evaluateAll((titles) =>
				titles
					.filter(
						(el) =>
							el.scrollWidth > el.clientWidth && getComputedStyle(el).textOverflow !== 'ellipsis'
					)
					.map((el) => el.textContent)
			);
		expect(clipped).toEqual([]);
		await shot(page, testInfo, `staff-calendar-month-en-${width}`);
	}
	await context.close();
});
