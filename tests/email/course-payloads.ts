/** Payloads shaped like private.course_email_payload() and the certificate's, for template tests. */
export const GRANDMA = '外婆';

export const coursePayload = {
	course: {
		id: 'c1',
		slug: '2026-12-course-abcde',
		title_zh: '隔代教育课程',
		title_en: "Grandparents' course"
	},
	organisation: {
		name_zh: '湖州市第四中学家长学校',
		name_en: 'Huzhou No. 4 Middle School parent school',
		phone: '0572-7654321'
	},
	enrolment: { id: 'e1', status: 'waitlisted', seats: 1, waitlist_position: 3 },
	sessions: [
		{
			starts_at: '2026-12-10T19:00:00+08:00',
			ends_at: '2026-12-10T20:30:00+08:00',
			place: { venue_zh: '报告厅', venue_en: 'Lecture hall' }
		},
		{
			starts_at: '2026-12-17T19:00:00+08:00',
			ends_at: '2026-12-17T20:30:00+08:00',
			place: { venue_zh: '报告厅', venue_en: 'Lecture hall' }
		}
	],
	guardian_name: '王女士',
	attendees: [{ kind: 'grandparent', nickname: GRANDMA }],
	certificate: {
		serial: 'GY26-0A1B-2C3D-4E5F-6071-8293',
		holder_name: GRANDMA,
		hours: 9,
		sessions_attended: 6
	}
};

export const coursePayloads: Record<string, Record<string, unknown>> = Object.fromEntries(
	[
		'course_confirmed',
		'course_waitlisted',
		'course_promoted',
		'course_cancelled',
		'course_certificate'
	].map((k) => [k, coursePayload])
);
