import { m } from '$lib/paraglide/messages';

/** What an outbox email is, in the reader's language (staff's email page, a family's export). */
const kindLabels: Record<string, () => string> = {
	registration_confirmed: m.email_kind_registration_confirmed,
	registration_waitlisted: m.email_kind_registration_waitlisted,
	waitlist_promoted: m.email_kind_waitlist_promoted,
	registration_cancelled: m.email_kind_registration_cancelled,
	reminder_24h: m.email_kind_reminder_24h,
	reminder_2h: m.email_kind_reminder_2h,
	event_changed: m.email_kind_event_changed,
	event_cancelled: m.email_kind_event_cancelled,
	staff_message: m.email_kind_staff_message
};

export function emailKindLabel(kind: string): string {
	return (kindLabels[kind] ?? m.email_kind_other)();
}
