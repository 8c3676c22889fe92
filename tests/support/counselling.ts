/**
 * The counselling centre added to a test world: a counselling centre (orgC) with a crisis hotline,
 * a manager, two counsellors (counsellorA, counsellorB) and a counselling room, written as the
 * owner. Hours, exceptions and settings are left to each test.
 */
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { accessToken, usersSql, type Domain, type User, type World } from './personas';

export interface CounsellingWorld {
	orgC: string;
	roomC: string;
	users: Record<'managerC' | 'counsellorA' | 'counsellorB', User>;
	client: Record<'managerC' | 'counsellorA' | 'counsellorB', SupabaseClient>;
}

export async function createCounselling(domain: Domain, _world: World): Promise<CounsellingWorld> {
	const tag = randomUUID().slice(0, 8);
	const mk = (name: string): User => ({
		id: randomUUID(),
		email: `${name.toLowerCase()}-${tag}@test.gongyu.local`
	});
	const users = {
		managerC: mk('managerC'),
		counsellorA: mk('counsellorA'),
		counsellorB: mk('counsellorB')
	};
	const orgC = randomUUID();
	const roomC = randomUUID();
	await domain.db.exec(`
		${usersSql(Object.values(users))}
		insert into public.organisations (id, kind, slug, name_zh, name_en, address_zh) values
			('${orgC}', 'counselling_centre', 'counselling-${tag}', '测试心理辅导中心', 'Test Counselling Centre', '测试路 1 号');
		insert into public.org_members (org_id, user_id, role) values
			('${orgC}', '${users.managerC.id}', 'manager'),
			('${orgC}', '${users.counsellorA.id}', 'staff'),
			('${orgC}', '${users.counsellorB.id}', 'staff');
		insert into public.counselling_centres (org_id, crisis_hotline, hotline_hours_zh, hotline_hours_en)
			values ('${orgC}', '0572-12355', '24 小时', '24 hours');
		insert into public.venues (id, org_id, name_zh, name_en, capacity, buffer_minutes) values
			('${roomC}', '${orgC}', '咨询室一', 'Counselling room 1', 4, 0);
		insert into public.counsellors (user_id, org_id, display_name_zh, display_name_en, venue_id,
			modes, min_notice_minutes, horizon_days) values
			('${users.counsellorA.id}', '${orgC}', '王老师', 'Ms Wang', '${roomC}', '{in_person,phone}', 60, 14),
			('${users.counsellorB.id}', '${orgC}', '李老师', 'Mr Li', '${roomC}', '{in_person,phone}', 60, 14);
	`);
	const client = Object.fromEntries(
		await Promise.all(
			Object.entries(users).map(async ([k, u]) => [k, domain.as(await accessToken(u))])
		)
	) as CounsellingWorld['client'];
	return { orgC, roomC, users, client };
}

/** Gives a counsellor the same hours on every day of the week (local time). */
export async function everyDay(
	domain: Domain,
	counsellorId: string,
	from: string,
	to: string
): Promise<void> {
	await domain.db.exec(`
		delete from public.counsellor_hours where counsellor_id = '${counsellorId}';
		insert into public.counsellor_hours (counsellor_id, weekday, starts_at, ends_at)
		select '${counsellorId}', d, '${from}', '${to}' from generate_series(1, 7) d;
	`);
}
