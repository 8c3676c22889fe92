/**
 * Payloads shaped like private.appointment_payload() writes them, for every counselling email kind.
 * They hold what an email may say — nothing about for whom or about what.
 */
export const appointmentPayload = (extra: Record<string, unknown> = {}) => ({
	appointment: {
		id: '3c3c3c3c-0000-4000-8000-000000000003',
		starts_at: '2026-12-08T10:00:00+08:00',
		ends_at: '2026-12-08T10:50:00+08:00',
		mode: 'in_person',
		status: 'confirmed',
		sequence: 0,
		cancelled_by: null,
		cancelled_late: false
	},
	counsellor_zh: '王老师',
	counsellor_en: 'Ms Wang',
	organisation_zh: '吴兴区校外心理辅导中心',
	organisation_en: 'Wuxing Off-campus Psychological Counselling Centre',
	organisation_phone: '0572-2222333',
	place_zh: '咨询室一 · 吴兴区健康路 8 号',
	place_en: 'Counselling room 1 · 8 Jiankang Road',
	hotline: '0572-12355',
	hotline_hours_zh: '24 小时',
	hotline_hours_en: '24 hours',
	cutoff_hours: 24,
	guardian_name: '王女士',
	...extra
});

const withAppointment = (changes: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
	const base = appointmentPayload(extra);
	return { ...base, appointment: { ...base.appointment, ...changes } };
};

export const counsellingPayloads: Record<string, unknown> = {
	counselling_confirmed: appointmentPayload(),
	counselling_requested: withAppointment({ status: 'requested' }),
	counselling_declined: withAppointment({ status: 'declined' }),
	counselling_changed: withAppointment(
		{ sequence: 1 },
		{ previous_starts_at: '2026-12-07T15:00:00+08:00' }
	),
	counselling_cancelled: withAppointment({
		status: 'cancelled',
		cancelled_by: 'family',
		sequence: 1
	}),
	counselling_reminder_24h: appointmentPayload(),
	counselling_reminder_2h: withAppointment({ mode: 'phone' }, { place_zh: null, place_en: null }),
	counselling_staff_notice: (() => {
		const { guardian_name: _, ...rest } = appointmentPayload({ to_counsellor: true, what: 'new' });
		return rest;
	})()
};
