/**
 * The family's data export (export_my_family, format gongyu-family-export/2) made readable: the
 * same content as the JSON, in the guardian's language, as sections of labelled lines. The HTML
 * page (/family/export/print) and the PDF (/family/export.pdf) both draw this one shape, so the
 * two never say different things.
 */
import {
	contactLabel,
	modeLabel,
	statusLabel as appointmentStatus,
	subjectLabel,
	topicLabel
} from '$lib/components/counselling/labels';
import { emailKindLabel } from '$lib/components/email-labels';
import { attendeesText, memberKindLabel, pick, statusLabel } from '$lib/components/event-labels';
import { formatDate, formatTime } from '$lib/i18n/format';
import { m } from '$lib/paraglide/messages';
import { answerText, questionLabel, type Question } from '$lib/questions';
import { createPdf, pdfBytes, type Pdf } from '$lib/server/pdf';

type Locale = 'zh-CN' | 'en';

export interface ReadableLine {
	label: string;
	value: string;
	/** A child's health or needs: marked in the page and the PDF. */
	sensitive?: boolean;
}

export interface ReadableItem {
	title?: string;
	lines: ReadableLine[];
}

export interface ReadableSection {
	id: string;
	heading: string;
	items: ReadableItem[];
}

export interface ReadableExport {
	title: string;
	intro: string;
	exportedAt: string;
	sections: ReadableSection[];
}

/** What export_my_family returns (the parts drawn here). */
export interface FamilyExport {
	exported_at: string;
	account: { id: string; email: string; created_at: string } | null;
	family: {
		guardian_name: string;
		phone: string | null;
		email: string;
		locale: string;
		created_at: string;
	} | null;
	email_preferences: {
		email: string;
		locale: string;
		reminders_enabled: boolean;
		feedback_requests_enabled: boolean;
	} | null;
	members: {
		id: string;
		kind: string;
		nickname: string;
		birth_year_month: string | null;
		grade: string | null;
		notes: string | null;
	}[];
	consents: { version: string; agreed_at: string; title_zh: string; title_en: string }[];
	registrations: {
		id: string;
		status: string;
		waitlist_position: number | null;
		check_in_code: string;
		created_at: string;
		note: string | null;
		event: { title_zh: string; title_en: string; starts_at: string; ends_at: string };
		attendees: string[];
		answers: {
			question: Pick<Question, 'id' | 'kind' | 'label_zh' | 'label_en' | 'choices' | 'sensitive'>;
			member_id: string | null;
			nickname: string | null;
			value: unknown;
		}[];
	}[];
	phone_reveals: {
		revealed_at: string;
		organisation: { name_zh: string; name_en: string };
		event: { title_zh: string; title_en: string };
	}[];
	emails: { kind: string; to_email: string; status: string; created_at: string }[];
	counselling_appointments: {
		starts_at: string;
		ends_at: string;
		status: string;
		mode: string;
		cancelled_late: boolean | null;
		counsellor_zh: string;
		counsellor_en: string;
		organisation_zh: string;
		organisation_en: string;
		subject: string | null;
		member_id: string | null;
		topic: string | null;
		note: string | null;
		contact: string | null;
	}[];
}

const text = (zh: string, en: string) => ({ zh, en });
const onOff = (on: boolean) => (on ? m.contact_export_on() : m.contact_export_off());

export function readableExport(data: FamilyExport, locale: Locale): ReadableExport {
	const none = m.contact_export_none();
	// With the year: an export is read long after it is made.
	const when = (value: string) => `${formatDate(value, locale)} ${formatTime(value, locale)}`;
	const span = (start: string, end: string) =>
		formatDate(start, locale) === formatDate(end, locale)
			? `${when(start)}–${formatTime(end, locale)}`
			: `${when(start)} – ${when(end)}`;
	const members = new Map(data.members.map((member) => [member.id, member]));
	const family: ReadableItem = data.family
		? {
				lines: [
					{ label: m.contact_export_guardian(), value: data.family.guardian_name },
					{ label: m.contact_export_phone(), value: data.family.phone ?? none },
					{ label: m.contact_export_email(), value: data.family.email },
					{ label: m.contact_export_account(), value: data.account?.email ?? none },
					{ label: m.contact_export_created(), value: when(data.family.created_at) }
				]
			}
		: { lines: [{ label: m.contact_export_family(), value: m.contact_export_no_family() }] };
	const preferences = data.email_preferences;
	return {
		title: m.contact_export_title(),
		intro: m.contact_export_intro(),
		exportedAt: m.contact_export_exported_at({ time: when(data.exported_at) }),
		sections: [
			{ id: 'family', heading: m.contact_export_family(), items: [family] },
			{
				id: 'preferences',
				heading: m.contact_export_preferences(),
				items: preferences
					? [
							{
								lines: [
									{ label: m.contact_export_email(), value: preferences.email },
									{
										label: m.contact_export_language(),
										value: preferences.locale === 'en' ? 'English' : '中文'
									},
									{
										label: m.contact_export_reminders(),
										value: onOff(preferences.reminders_enabled)
									},
									{
										label: m.contact_export_feedback(),
										value: onOff(preferences.feedback_requests_enabled)
									}
								]
							}
						]
					: []
			},
			{
				id: 'members',
				heading: m.contact_export_members(),
				items: data.members.map((member) => ({
					title: `${member.nickname} · ${memberKindLabel(member.kind)}`,
					lines: [
						{
							label: m.contact_export_born(),
							value: member.birth_year_month?.slice(0, 7) ?? none
						},
						{ label: m.contact_export_grade(), value: member.grade || none },
						{ label: m.contact_export_notes(), value: member.notes || none }
					]
				}))
			},
			{
				id: 'registrations',
				heading: m.contact_export_registrations(),
				items: data.registrations.map((r) => ({
					title: pick(text(r.event.title_zh, r.event.title_en), locale),
					lines: [
						{
							label: m.event_when(),
							value: span(r.event.starts_at, r.event.ends_at)
						},
						{ label: m.contact_export_status(), value: statusLabel(r.status, r.waitlist_position) },
						{ label: m.contact_export_code(), value: r.check_in_code },
						{
							label: m.contact_export_coming(),
							value:
								attendeesText(
									r.attendees.flatMap((id) => members.get(id) ?? []),
									locale
								) || none
						},
						...answerLines(r.answers, locale),
						{ label: m.contact_export_note(), value: r.note || none }
					]
				}))
			},
			{
				id: 'consents',
				heading: m.contact_export_consents(),
				items: data.consents.map((c) => ({
					lines: [
						{
							label: pick(text(c.title_zh, c.title_en), locale),
							value: m.contact_export_consent_line({ version: c.version, time: when(c.agreed_at) })
						}
					]
				}))
			},
			{
				id: 'reveals',
				heading: m.contact_export_reveals(),
				items: data.phone_reveals.map((reveal) => ({
					lines: [
						{
							label: when(reveal.revealed_at),
							value: m.contact_export_reveal_line({
								organisation: pick(
									text(reveal.organisation.name_zh, reveal.organisation.name_en),
									locale
								),
								event: pick(text(reveal.event.title_zh, reveal.event.title_en), locale)
							})
						}
					]
				}))
			},
			{
				id: 'counselling',
				heading: m.contact_export_counselling(),
				items: (data.counselling_appointments ?? []).map((appointment) => ({
					title: `${span(appointment.starts_at, appointment.ends_at)} · ${pick(
						text(appointment.organisation_zh, appointment.organisation_en),
						locale
					)} · ${pick(text(appointment.counsellor_zh, appointment.counsellor_en), locale)}`,
					lines: [
						{
							label: m.contact_export_counselling_state(),
							value: `${appointmentStatus(appointment.status, appointment.cancelled_late ?? false)} · ${modeLabel(appointment.mode)}`
						},
						{
							label: m.contact_export_counselling_for(),
							value: subjectLabel(
								appointment.subject,
								appointment.member_id
									? (members.get(appointment.member_id)?.nickname ?? null)
									: null
							)
						},
						{
							label: m.contact_export_counselling_topic(),
							value: topicLabel(appointment.topic),
							sensitive: true
						},
						{
							label: m.contact_export_counselling_note(),
							value: appointment.note || none,
							sensitive: true
						},
						{
							label: m.contact_export_counselling_contact(),
							value: contactLabel(appointment.contact)
						}
					]
				}))
			},
			{
				id: 'emails',
				heading: m.contact_export_emails(),
				items: data.emails.map((email) => ({
					lines: [
						{
							label: when(email.created_at),
							value: `${emailKindLabel(email.kind)} · ${email.to_email}`
						}
					]
				}))
			}
		]
	};
}

/** One line per question: "过敏与饮食 ⚕: 乐乐 花生过敏；妈妈 无". */
function answerLines(answers: FamilyExport['registrations'][number]['answers'], locale: Locale) {
	const byQuestion = new Map<string, typeof answers>();
	for (const answer of answers) {
		const list = byQuestion.get(answer.question.id) ?? [];
		list.push(answer);
		byQuestion.set(answer.question.id, list);
	}
	return [...byQuestion.values()].map((list): ReadableLine => {
		const question = list[0].question as Question;
		return {
			label: questionLabel(question, locale),
			value: list
				.map((a) => {
					const value = answerText(question, a.value, locale);
					return a.nickname ? `${a.nickname} ${value}` : value;
				})
				.join(locale === 'en' ? '; ' : '；'),
			sensitive: question.sensitive
		};
	});
}

/** The same content as an A4 PDF, Noto Sans SC embedded. */
export async function readableExportPdf(view: ReadableExport): Promise<Buffer> {
	const doc = createPdf({ title: view.title });
	const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
	doc.font('bold').fontSize(18).text(view.title, { width });
	doc.font('regular').fontSize(10).fillColor('#444444').text(view.exportedAt, { width });
	doc.text(view.intro, { width }).moveDown(0.5);
	for (const section of view.sections) drawSection(doc, section, width);
	return pdfBytes(doc);
}

function drawSection(doc: Pdf, section: ReadableSection, width: number) {
	if (doc.y > doc.page.height - doc.page.margins.bottom - 60) doc.addPage();
	doc.moveDown(0.6).font('bold').fontSize(14).fillColor('#000000').text(section.heading, { width });
	doc
		.moveTo(doc.page.margins.left, doc.y + 2)
		.lineTo(doc.page.margins.left + width, doc.y + 2)
		.strokeColor('#999999')
		.lineWidth(0.5)
		.stroke();
	doc.moveDown(0.3);
	if (section.items.length === 0) {
		doc.font('regular').fontSize(10.5).text(m.contact_export_none(), { width });
		return;
	}
	for (const item of section.items) {
		if (item.title) doc.moveDown(0.3).font('bold').fontSize(11.5).text(item.title, { width });
		for (const line of item.lines) {
			doc
				.font('bold')
				.fontSize(10.5)
				.fillColor(line.sensitive ? '#8a1c1c' : '#333333')
				.text(
					`${line.label}${line.sensitive ? m.contact_export_sensitive() : ''}${m.contact_export_colon()}`,
					{
						width,
						continued: true
					}
				)
				.font('regular')
				.fillColor('#000000')
				.text(line.value, { width });
		}
	}
}
