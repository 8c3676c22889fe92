/**
 * A counsellor's diary rules, weekly hours and dated exceptions, written by the counsellor (or their
 * centre's manager) under RLS (private.may_edit_counsellor); the checks on values are the tables'.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Outcome } from '$lib/server/registrations';
import type { AppointmentMode } from './index';

export interface DiarySettings {
	sessionMinutes: number;
	bufferMinutes: number;
	minNoticeMinutes: number;
	horizonDays: number;
	dailyMax: number;
	requiresAcceptance: boolean;
	modes: AppointmentMode[];
	venueId: string | null;
}

export interface HoursRow {
	id: string;
	weekday: number;
	startsAt: string;
	endsAt: string;
}

export interface ExceptionRow {
	id: string;
	onDate: string;
	kind: 'off' | 'extra';
	startsAt: string | null;
	endsAt: string | null;
}

const hhmm = (t: string | null) => (t ? t.slice(0, 5) : null);

/** A write refused by a table's check or a policy: the form's own message, not a 500. */
function refused(error: { code?: string; message: string } | null): Outcome<null> {
	if (!error) return { ok: true, value: null };
	if (error.code === '42501') return { ok: false, code: 'not_authorised' };
	if (error.code === '23514' || error.code === '22007' || error.code === '22008')
		return { ok: false, code: 'invalid_value' };
	if (error.code === 'P0001' && /^[a-z_]{2,60}$/.test(error.message))
		return { ok: false, code: error.message };
	return { ok: false, code: 'generic' };
}

export async function diary(
	supabase: SupabaseClient,
	counsellorId: string
): Promise<{ settings: DiarySettings; hours: HoursRow[]; exceptions: ExceptionRow[] } | null> {
	const [c, h, e] = await Promise.all([
		supabase
			.from('counsellors')
			.select(
				'session_minutes, buffer_minutes, min_notice_minutes, horizon_days, daily_max, requires_acceptance, modes, venue_id'
			)
			.eq('user_id', counsellorId)
			.maybeSingle(),
		supabase
			.from('counsellor_hours')
			.select('id, weekday, starts_at, ends_at')
			.eq('counsellor_id', counsellorId)
			.order('weekday')
			.order('starts_at'),
		supabase
			.from('counsellor_exceptions')
			.select('id, on_date, kind, starts_at, ends_at')
			.eq('counsellor_id', counsellorId)
			.order('on_date')
			.order('starts_at')
	]);
	if (c.error) throw new Error(`counsellors: ${c.error.code} ${c.error.message}`);
	if (h.error) throw new Error(`counsellor_hours: ${h.error.code} ${h.error.message}`);
	if (e.error) throw new Error(`counsellor_exceptions: ${e.error.code} ${e.error.message}`);
	if (!c.data) return null;
	return {
		settings: {
			sessionMinutes: c.data.session_minutes,
			bufferMinutes: c.data.buffer_minutes,
			minNoticeMinutes: c.data.min_notice_minutes,
			horizonDays: c.data.horizon_days,
			dailyMax: c.data.daily_max,
			requiresAcceptance: c.data.requires_acceptance,
			modes: c.data.modes as AppointmentMode[],
			venueId: c.data.venue_id
		},
		hours: (h.data ?? []).map((r) => ({
			id: r.id,
			weekday: r.weekday,
			startsAt: hhmm(r.starts_at)!,
			endsAt: hhmm(r.ends_at)!
		})),
		exceptions: (e.data ?? []).map((r) => ({
			id: r.id,
			onDate: r.on_date,
			kind: r.kind as 'off' | 'extra',
			startsAt: hhmm(r.starts_at),
			endsAt: hhmm(r.ends_at)
		}))
	};
}

export async function saveSettings(
	supabase: SupabaseClient,
	counsellorId: string,
	s: DiarySettings
): Promise<Outcome<null>> {
	const { data, error } = await supabase
		.from('counsellors')
		.update({
			session_minutes: s.sessionMinutes,
			buffer_minutes: s.bufferMinutes,
			min_notice_minutes: s.minNoticeMinutes,
			horizon_days: s.horizonDays,
			daily_max: s.dailyMax,
			requires_acceptance: s.requiresAcceptance,
			modes: s.modes,
			venue_id: s.venueId
		})
		.eq('user_id', counsellorId)
		.select('user_id');
	if (!error && (data ?? []).length === 0) return { ok: false, code: 'not_authorised' };
	return refused(error);
}

export async function addHours(
	supabase: SupabaseClient,
	counsellorId: string,
	row: Omit<HoursRow, 'id'>
): Promise<Outcome<null>> {
	const { error } = await supabase.from('counsellor_hours').insert({
		counsellor_id: counsellorId,
		weekday: row.weekday,
		starts_at: row.startsAt,
		ends_at: row.endsAt
	});
	return refused(error);
}

export async function removeRow(
	supabase: SupabaseClient,
	table: 'counsellor_hours' | 'counsellor_exceptions',
	counsellorId: string,
	id: string
): Promise<Outcome<null>> {
	const { data, error } = await supabase
		.from(table)
		.delete()
		.eq('id', id)
		.eq('counsellor_id', counsellorId)
		.select('id');
	if (!error && (data ?? []).length === 0) return { ok: false, code: 'not_found' };
	return refused(error);
}

export async function addException(
	supabase: SupabaseClient,
	counsellorId: string,
	row: Omit<ExceptionRow, 'id'>
): Promise<Outcome<null>> {
	const { error } = await supabase.from('counsellor_exceptions').insert({
		counsellor_id: counsellorId,
		on_date: row.onDate,
		kind: row.kind,
		starts_at: row.startsAt,
		ends_at: row.endsAt
	});
	return refused(error);
}
