/**
 * Who a staff member is at the counselling centre they are working for: a counsellor (their own
 * diary), its manager (the busy view), or neither (nothing of the diary to see).
 */
import { error } from '@sveltejs/kit';
import { requireStaff } from '$lib/server/staff/context';
import { getCounsellor } from './index';

type StaffEvent = Parameters<typeof requireStaff>[0];

export async function counsellingStaff(event: StaffEvent) {
	const { org } = await requireStaff(event);
	const counsellor = await getCounsellor(event.locals.supabase, event.locals.user!.id);
	return {
		org,
		isCentre: org.kind === 'counselling_centre',
		counsellor: counsellor && counsellor.orgId === org.id ? counsellor : null,
		isManager: org.kind === 'counselling_centre' && org.role === 'manager'
	};
}

/** The signed-in counsellor of the current centre, or 404 for anyone else. */
export async function requireCounsellor(event: StaffEvent) {
	const who = await counsellingStaff(event);
	if (!who.counsellor) error(404, { message: 'not_found' });
	return { ...who, counsellor: who.counsellor };
}
