/** Which template renders which kind of outbox row. */
import { counsellingFamily, counsellingStaffNotice } from './counselling';
import { courseEmail } from './course';
import { eventCancelled } from './event-cancelled';
import { eventChanged } from './event-changed';
import { feedbackReply, feedbackRequest } from './feedback';
import { heldPlaceInvitation } from './held-place-invitation';
import type { EmailContext, RenderOptions, RenderedMessage } from './layout';
import { monthlyReport } from './monthly-report';
import { notice } from './notice';
import { registrationCancelled } from './registration-cancelled';
import { registrationConfirmed } from './registration-confirmed';
import { registrationWaitlisted } from './registration-waitlisted';
import { reminder } from './reminder';
import { roomRequest } from './room-request';
import { staffMessage } from './staff-message';
import { waitlistPromoted } from './waitlist-promoted';
import { walkInRegistered } from './walk-in-registered';

type Template = (context: EmailContext, options: RenderOptions) => Promise<RenderedMessage>;

export const templates: Record<string, Template> = {
	registration_confirmed: (c, o) => registrationConfirmed(c, o),
	walk_in_registered: walkInRegistered,
	registration_waitlisted: registrationWaitlisted,
	waitlist_promoted: waitlistPromoted,
	reminder_24h: reminder,
	reminder_2h: reminder,
	event_changed: eventChanged,
	event_cancelled: eventCancelled,
	registration_cancelled: registrationCancelled,
	room_request_received: roomRequest,
	room_request_approved: roomRequest,
	room_request_rejected: roomRequest,
	room_booking_cancelled: roomRequest,
	staff_message: staffMessage,
	held_place_invitation: heldPlaceInvitation,
	notice: notice,
	notice_reminder: notice,
	feedback_request: feedbackRequest,
	feedback_reply: feedbackReply,
	counselling_confirmed: counsellingFamily,
	counselling_requested: counsellingFamily,
	counselling_declined: counsellingFamily,
	counselling_changed: counsellingFamily,
	counselling_cancelled: counsellingFamily,
	counselling_reminder_24h: counsellingFamily,
	counselling_reminder_2h: counsellingFamily,
	counselling_staff_notice: counsellingStaffNotice,
	course_confirmed: courseEmail,
	course_waitlisted: courseEmail,
	course_promoted: courseEmail,
	course_cancelled: courseEmail,
	course_certificate: courseEmail,
	monthly_report: monthlyReport
};

/** Kinds that carry an attachment (.ics, QR image): sent one by one, never in a batch. */
export const singleKinds = [
	'registration_confirmed',
	'waitlist_promoted',
	'event_changed',
	'registration_cancelled',
	'counselling_confirmed',
	'counselling_changed',
	'counselling_cancelled',
	'monthly_report'
];

export class UnknownKindError extends Error {
	constructor(kind: string) {
		super(`unknown_email_kind: ${kind}`);
	}
}

export async function renderEmail(
	context: EmailContext,
	options: RenderOptions
): Promise<RenderedMessage> {
	const template = templates[context.kind];
	if (!template) throw new UnknownKindError(context.kind);
	return template(context, options);
}

export type { EmailContext, RenderOptions, RenderedMessage } from './layout';
