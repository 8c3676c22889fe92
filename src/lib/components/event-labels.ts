/**
 * Words shared by the event cards, the event page and the family's pages: categories, age ranges,
 * places left, registration statuses. Each message is referenced by name so that only the ones a
 * page uses end up in its JavaScript.
 */
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';

export type Locale = 'zh-CN' | 'en';
export type Text = { zh: string; en: string };

export function pick(text: Text, locale: Locale = getLocale() as Locale): string {
	return locale === 'en' ? text.en || text.zh : text.zh;
}

const categories: Record<string, () => string> = {
	parent_child_reading: m.events_category_parent_child_reading,
	study_trip: m.events_category_study_trip,
	sports_day: m.events_category_sports_day,
	traditional_culture: m.events_category_traditional_culture,
	parenting_lecture: m.events_category_parenting_lecture,
	mental_health_salon: m.events_category_mental_health_salon,
	parent_class: m.events_category_parent_class,
	grandparent_class: m.events_category_grandparent_class,
	other: m.events_category_other
};

export function categoryLabel(category: string): string {
	return (categories[category] ?? m.events_category_other)();
}

export function ageRangeText(min: number | null, max: number | null): string {
	if (min != null && max != null) return m.events_age_range({ min, max });
	if (min != null) return m.events_age_from({ min });
	if (max != null) return m.events_age_to({ max });
	return m.events_age_any();
}

export interface Fill {
	capacity: number;
	seatsTaken: number;
	waitlistCount: number;
	waitlistEnabled: boolean;
}

/** "剩余 5 个名额" / "名额已满 · 2 户候补" / "名额已满". */
export function seatsText(event: Fill): string {
	const left = Math.max(0, event.capacity - event.seatsTaken);
	if (left > 0) return m.events_seats_left({ count: left, capacity: event.capacity });
	if (event.waitlistEnabled) return m.events_full_waitlist({ count: event.waitlistCount });
	return m.events_full_no_waitlist();
}

/** Share of places taken, 0–100, for the fill bar. */
export function fillPercent(event: Fill): number {
	if (event.capacity <= 0) return 100;
	return Math.min(100, Math.round((event.seatsTaken / event.capacity) * 100));
}

export function statusLabel(status: string, waitlistPosition: number | null): string {
	switch (status) {
		case 'confirmed':
			return m.events_status_confirmed();
		case 'waitlisted':
			return m.events_status_waitlisted({ position: waitlistPosition ?? 0 });
		case 'cancelled':
			return m.events_status_cancelled();
		case 'attended':
			return m.events_status_attended();
		case 'no_show':
			return m.events_status_no_show();
		default:
			return status;
	}
}

export function memberKindLabel(kind: string): string {
	switch (kind) {
		case 'child':
			return m.family_kind_child();
		case 'parent':
			return m.family_kind_parent();
		default:
			return m.family_kind_grandparent();
	}
}

/** Who is coming: "乐乐（孩子）、妈妈（家长）" / "Lele (Child), Mum (Parent)". */
export function attendeesText(
	attendees: { kind: string; nickname: string }[],
	locale: Locale = getLocale() as Locale
): string {
	return locale === 'en'
		? attendees.map((a) => `${a.nickname} (${memberKindLabel(a.kind)})`).join(', ')
		: attendees.map((a) => `${a.nickname}（${memberKindLabel(a.kind)}）`).join('、');
}
