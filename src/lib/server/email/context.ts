/**
 * Turns a claimed outbox row into what templates read. The payload is the snapshot the SQL
 * functions wrote with the row (private.registration_payload / private.booking_payload), so a row
 * renders to the same bytes every time it is sent — which a retry under the same idempotency key
 * needs.
 */
import type { EmailLocale } from './templates/auth';
import type {
	BookingInfo,
	EmailContext,
	EventInfo,
	Localised,
	RegistrationInfo
} from './templates/layout';

/** An outbox row as claim_email_batch returns it. */
export interface OutboxEmail {
	id: string;
	kind: string;
	to_email: string;
	locale: string;
	payload: Record<string, unknown> | null;
	created_at: string;
}

type Json = Record<string, unknown>;

const obj = (value: unknown): Json | null =>
	value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : null;
const str = (value: unknown): string | null =>
	typeof value === 'string' && value !== '' ? value : null;
const num = (value: unknown): number | null =>
	typeof value === 'number' && Number.isFinite(value)
		? value
		: typeof value === 'string' && value !== '' && Number.isFinite(Number(value))
			? Number(value)
			: null;

function localised(zh: unknown, en: unknown): Localised | null {
	const z = str(zh);
	const e = str(en);
	if (!z && !e) return null;
	return { 'zh-CN': z ?? e ?? '', en: e ?? z ?? '' };
}

function eventFrom(value: unknown): EventInfo | null {
	const e = obj(value);
	if (!e || !str(e.id) || !str(e.starts_at) || !str(e.ends_at)) return null;
	return {
		id: str(e.id)!,
		slug: str(e.slug) ?? '',
		title: localised(e.title_zh, e.title_en) ?? { 'zh-CN': '活动', en: 'Event' },
		startsAt: str(e.starts_at)!,
		endsAt: str(e.ends_at)!,
		place: localised(e.place_zh, e.place_en),
		organiser: localised(e.organisation_zh, e.organisation_en),
		organiserPhone: str(e.organisation_phone),
		organiserAddress: localised(e.organisation_address_zh, e.organisation_address_en),
		status: str(e.status) ?? 'published',
		sequence: num(e.sequence) ?? 0,
		cancelledReason: str(e.cancelled_reason)
	};
}

function registrationFrom(payload: Json): RegistrationInfo | null {
	const r = obj(payload.registration);
	if (!r || !str(r.id)) return null;
	const attendees = Array.isArray(payload.attendees)
		? payload.attendees.map((a) => str(obj(a)?.nickname)).filter((n): n is string => !!n)
		: [];
	return {
		id: str(r.id)!,
		status: str(r.status) ?? '',
		waitlistPosition: num(r.waitlist_position),
		checkInCode: str(r.check_in_code),
		attendees,
		seats: num(r.seats) ?? attendees.length
	};
}

function bookingFrom(payload: Json): BookingInfo | null {
	const b = obj(payload.booking);
	const v = obj(payload.venue);
	if (!b || !v || !str(b.id) || !str(b.starts_at) || !str(b.ends_at)) return null;
	const vo = obj(payload.venue_organisation);
	const ro = obj(payload.requesting_organisation);
	return {
		id: str(b.id)!,
		status: str(b.status) ?? '',
		venue: localised(v.name_zh, v.name_en) ?? { 'zh-CN': '场地', en: 'Room' },
		venueAddress: localised(v.address_zh, v.address_en),
		venueOrganisation: vo ? localised(vo.name_zh, vo.name_en) : null,
		venuePhone: vo ? str(vo.phone) : null,
		requester: ro ? localised(ro.name_zh, ro.name_en) : null,
		startsAt: str(b.starts_at)!,
		endsAt: str(b.ends_at)!,
		purpose: str(b.purpose) ?? '',
		reason: str(b.reason)
	};
}

export function normaliseLocale(value: unknown): EmailLocale {
	return value === 'en' ? 'en' : 'zh-CN';
}

export function contextFromRow(row: OutboxEmail): EmailContext {
	const payload = obj(row.payload) ?? {};
	return {
		id: row.id,
		kind: row.kind,
		to: row.to_email,
		locale: normaliseLocale(row.locale),
		createdAt: row.created_at,
		payload,
		event: eventFrom(payload.event),
		registration: registrationFrom(payload),
		booking: bookingFrom(payload),
		unsubscribeToken: str(payload.unsubscribe_token),
		guardianName: str(payload.guardian_name)?.trim() || null
	};
}
