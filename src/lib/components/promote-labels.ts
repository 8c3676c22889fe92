/**
 * Words for categories, organisation kinds, channels and age ranges in a given locale. Feeds and
 * embeds choose their locale from `?lang=` (an iframe on another site carries none of our
 * cookies); pages use the visitor's.
 */
import { Constants } from '$lib/database.types';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';

export type Locale = 'zh-CN' | 'en';

// The schema's own enum, from the generated types: one list, never out of step with SQL.
export const CATEGORIES = Constants.public.Enums.event_category;
export type Category = (typeof CATEGORIES)[number];

// The schema's own enum, from the generated types: one list, never out of step with SQL.
export const ORG_KINDS = Constants.public.Enums.organisation_kind;
export type OrgKind = (typeof ORG_KINDS)[number];

export function isCategory(value: string): value is Category {
	return (CATEGORIES as readonly string[]).includes(value);
}

/** The category as it appears in URLs: `parent-class`. */
export function categorySlug(category: Category): string {
	return category.replace(/_/g, '-');
}

/** `parent-class` (or `parent_class`) → the category, or null. */
export function categoryFromSlug(slug: string): Category | null {
	const value = slug.replace(/-/g, '_');
	return isCategory(value) ? value : null;
}

/**
 * Feeds and embeds: `?lang=en` or Chinese. Never the visitor's cookie, so that one URL always
 * gives the same bytes (shared caches, ETags) and a widget looks the same for every visitor.
 */
export function localeFrom(url: URL): Locale {
	return url.searchParams.get('lang') === 'en' ? 'en' : 'zh-CN';
}

/** Pages: the visitor's own locale. */
export function pageLocale(): Locale {
	return getLocale() === 'en' ? 'en' : 'zh-CN';
}

export function pick(text: { zh: string; en: string }, locale: Locale): string {
	return locale === 'en' ? text.en || text.zh : text.zh;
}

const categoryMessages: Record<Category, (i?: object, o?: { locale?: Locale }) => string> = {
	parent_child_reading: m.promote_category_parent_child_reading,
	study_trip: m.promote_category_study_trip,
	sports_day: m.promote_category_sports_day,
	traditional_culture: m.promote_category_traditional_culture,
	parenting_lecture: m.promote_category_parenting_lecture,
	mental_health_salon: m.promote_category_mental_health_salon,
	parent_class: m.promote_category_parent_class,
	grandparent_class: m.promote_category_grandparent_class,
	other: m.promote_category_other
};

const kindMessages: Record<OrgKind, (i?: object, o?: { locale?: Locale }) => string> = {
	youth_centre: m.promote_kind_youth_centre,
	counselling_centre: m.promote_kind_counselling_centre,
	women_children_centre: m.promote_kind_women_children_centre,
	school_parent_school: m.promote_kind_school_parent_school,
	community_parent_school: m.promote_kind_community_parent_school,
	other: m.promote_kind_other
};

const channelMessages: Record<string, (i?: object, o?: { locale?: Locale }) => string> = {
	poster: m.promote_channel_poster,
	wechat: m.promote_channel_wechat,
	'school-site': m.promote_channel_school_site,
	embed: m.promote_channel_embed,
	calendar: m.promote_channel_calendar,
	share: m.promote_channel_share
};

export function categoryLabel(category: string, locale: Locale): string {
	return (categoryMessages[category as Category] ?? m.promote_category_other)({}, { locale });
}

export function kindLabel(kind: string, locale: Locale): string {
	return (kindMessages[kind as OrgKind] ?? m.promote_kind_other)({}, { locale });
}

/** A channel's name; an unknown tag is shown as it is, no tag as "direct". */
export function channelLabel(source: string | null, locale: Locale): string {
	if (!source) return m.promote_channel_direct({}, { locale });
	return channelMessages[source]?.({}, { locale }) ?? source;
}

/** The age range beside its "适合年龄"/"Age" label: "6–10 岁" / "6–10". */
export function ageRangeLabel(min: number | null, max: number | null, locale: Locale): string {
	if (min != null && max != null) return m.promote_age_value_range({ min, max }, { locale });
	if (min != null) return m.promote_age_value_from({ min }, { locale });
	if (max != null) return m.promote_age_value_to({ max }, { locale });
	return m.promote_age_value_any({}, { locale });
}

/** The age range on its own (feeds, embeds): "适合 6–10 岁" / "Ages 6–10". */
export function ageRangeText(min: number | null, max: number | null, locale: Locale): string {
	if (min != null && max != null) return m.promote_age_range({ min, max }, { locale });
	if (min != null) return m.promote_age_from({ min }, { locale });
	if (max != null) return m.promote_age_to({ max }, { locale });
	return m.promote_age_any({}, { locale });
}
