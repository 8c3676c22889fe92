/**
 * The one-event iCalendar file attached to confirmation and change emails (and served by "add to
 * calendar"), written by the shared RFC 5545 writer in $lib/server/calendar/ics. The UID is given by
 * the caller — stable per registration for a family's entry — so a changed event updates the
 * calendar entry (higher SEQUENCE) and a cancellation removes it (METHOD:CANCEL, STATUS:CANCELLED).
 */
import { renderCalendar } from '../calendar/ics';

export { foldLine, escapeText } from '../calendar/ics';

export interface IcsEvent {
	uid: string;
	/** When this version of the entry was made (deterministic: the outbox row's creation time). */
	stamp: Date;
	start: Date;
	end: Date;
	summary: string;
	description?: string;
	location?: string;
	url?: string;
	/** Increases with every change of the event. */
	sequence?: number;
	cancelled?: boolean;
}

export function buildIcs(event: IcsEvent): string {
	return renderCalendar({
		name: event.summary,
		method: event.cancelled ? 'CANCEL' : 'PUBLISH',
		stamp: event.stamp,
		events: [
			{
				id: event.uid,
				uid: event.uid,
				start: event.start,
				end: event.end,
				summary: event.summary,
				description: event.description,
				location: event.location,
				url: event.url,
				sequence: event.sequence,
				status: event.cancelled ? 'cancelled' : 'confirmed',
				alarmMinutesBefore: event.cancelled ? null : 120
			}
		]
	});
}
