/**
 * The course emails in both languages, from payloads shaped like private.course_email_payload()
 * and the certificate's: subjects without a member's name, the sessions listed once, the waitlist
 * position, the certificate's serial and hours, and a link to "my courses".
 */
import { describe, expect, it } from 'vitest';
import { contextFromRow } from '../../src/lib/server/email/context';
import { renderEmail } from '../../src/lib/server/email/templates';
import { GRANDMA, coursePayload as payload } from './course-payloads';

const siteUrl = 'https://gongyu.example.org';
const render = (kind: string, locale: 'zh-CN' | 'en') =>
	renderEmail(
		contextFromRow({
			id: 'x',
			kind,
			to_email: 'a@example.com',
			locale,
			payload,
			created_at: '2026-12-05T00:00:00Z'
		}),
		{ siteUrl }
	);

describe('course emails', () => {
	for (const kind of [
		'course_confirmed',
		'course_waitlisted',
		'course_promoted',
		'course_cancelled',
		'course_certificate'
	]) {
		for (const locale of ['zh-CN', 'en'] as const) {
			it(`${kind} in ${locale} names the course, never a member, in its subject`, async () => {
				const m = await render(kind, locale);
				expect(m.subject).toContain(locale === 'en' ? "Grandparents' course" : '隔代教育课程');
				expect(m.subject).not.toContain(GRANDMA);
				expect(m.text).toContain(`${siteUrl}/family/courses`);
				expect(m.html).toContain(locale === 'en' ? 'Hello, 王女士,' : '王女士，您好！');
			});
		}
	}

	it('a confirmation lists every session with its time and room', async () => {
		const m = await render('course_confirmed', 'zh-CN');
		expect(m.text).toContain('1. 2026年12月10日');
		expect(m.text).toContain('2. 2026年12月17日');
		expect(m.text).toContain('报告厅');
		expect(m.text).toContain(GRANDMA);
	});

	it('a waitlist email gives the position; a certificate email the serial and hours', async () => {
		expect((await render('course_waitlisted', 'en')).text).toContain('Waitlist position: 3');
		const c = await render('course_certificate', 'zh-CN');
		expect(c.text).toContain('证书编号：GY26-0A1B-2C3D-4E5F-6071-8293');
		expect(c.text).toContain('学时：9');
		expect(c.text).not.toContain('1. 2026');
	});
});
