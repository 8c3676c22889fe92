import { error, fail, redirect } from '@sveltejs/kit';
import { exceptionSchema, hoursSchema, idSchema, settingsSchema } from '$lib/schemas/counselling';
import { counsellingFailure } from '$lib/server/counselling/messages';
import {
	addException,
	addHours,
	diary,
	removeRow,
	saveSettings
} from '$lib/server/counselling/settings';
import { requireCounsellor } from '$lib/server/counselling/staff';
import { listVenues } from '$lib/server/venues';
import type { Actions, PageServerLoad } from './$types';

/** The counsellor's own diary rules, weekly hours and leave / extra hours. */
export const load = (async (event) => {
	const { counsellor, org } = await requireCounsellor(event);
	const [mine, venues] = await Promise.all([
		diary(event.locals.supabase, counsellor.id),
		listVenues(event.locals.supabase, org.id)
	]);
	if (!mine) error(404, { message: 'not_found' });
	return {
		...mine,
		venues: venues
			.filter((v) => v.active)
			.map((v) => ({ id: v.id, name_zh: v.name_zh, name_en: v.name_en })),
		saved: event.url.searchParams.get('saved') === '1'
	};
}) satisfies PageServerLoad;

const done = () => redirect(303, '/staff/counselling/settings?saved=1');
const failed = (action: string, code: string) =>
	fail(code === 'generic' ? 500 : 400, { action, message: counsellingFailure(code) });

export const actions = {
	settings: async (event) => {
		const { counsellor } = await requireCounsellor(event);
		const form = await event.request.formData();
		const parsed = settingsSchema.safeParse({
			...Object.fromEntries(form),
			modes: form.getAll('modes')
		});
		if (!parsed.success) return failed('settings', 'invalid');
		const s = parsed.data;
		if (s.modes.includes('in_person') && !s.venue_id) return failed('settings', 'invalid');
		const outcome = await saveSettings(event.locals.supabase, counsellor.id, {
			sessionMinutes: s.session_minutes,
			bufferMinutes: s.buffer_minutes,
			minNoticeMinutes: s.notice_hours * 60,
			horizonDays: s.horizon_days,
			dailyMax: s.daily_max,
			requiresAcceptance: s.requires_acceptance,
			modes: s.modes,
			venueId: s.venue_id
		});
		if (!outcome.ok) return failed('settings', outcome.code);
		done();
	},
	addHours: async (event) => {
		const { counsellor } = await requireCounsellor(event);
		const parsed = hoursSchema.safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) return failed('hours', 'invalid');
		const outcome = await addHours(event.locals.supabase, counsellor.id, {
			weekday: parsed.data.weekday,
			startsAt: parsed.data.starts_at,
			endsAt: parsed.data.ends_at
		});
		if (!outcome.ok) return failed('hours', outcome.code);
		done();
	},
	removeHours: async (event) => {
		const { counsellor } = await requireCounsellor(event);
		const parsed = idSchema.safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) return failed('hours', 'not_found');
		const outcome = await removeRow(
			event.locals.supabase,
			'counsellor_hours',
			counsellor.id,
			parsed.data.id
		);
		if (!outcome.ok) return failed('hours', outcome.code);
		done();
	},
	addException: async (event) => {
		const { counsellor } = await requireCounsellor(event);
		const parsed = exceptionSchema.safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) return failed('exceptions', 'invalid');
		const outcome = await addException(event.locals.supabase, counsellor.id, {
			onDate: parsed.data.on_date,
			kind: parsed.data.kind,
			startsAt: parsed.data.starts_at,
			endsAt: parsed.data.ends_at
		});
		if (!outcome.ok) return failed('exceptions', outcome.code);
		done();
	},
	removeException: async (event) => {
		const { counsellor } = await requireCounsellor(event);
		const parsed = idSchema.safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) return failed('exceptions', 'not_found');
		const outcome = await removeRow(
			event.locals.supabase,
			'counsellor_exceptions',
			counsellor.id,
			parsed.data.id
		);
		if (!outcome.ok) return failed('exceptions', outcome.code);
		done();
	}
} satisfies Actions;
