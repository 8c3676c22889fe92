/** Organisations' public profiles, read with the request's own client (anyone may read them). */
import type { SupabaseClient } from '@supabase/supabase-js';
import { PromotionReadError } from './events';
import type { OrgKind } from './labels';

type Bilingual = { zh: string; en: string };

export interface Organisation {
	id: string;
	slug: string;
	kind: OrgKind;
	name: Bilingual;
	description: Bilingual;
	address: Bilingual | null;
	contactName: string | null;
	contactPhone: string | null;
	contactEmail: string | null;
	websiteUrl: string | null;
	updatedAt: string;
}

interface Row {
	id: string;
	slug: string;
	kind: OrgKind;
	name_zh: string;
	name_en: string;
	description_zh: string;
	description_en: string;
	address_zh: string | null;
	address_en: string | null;
	contact_name: string | null;
	contact_phone: string | null;
	contact_email: string | null;
	website_url: string | null;
	updated_at: string;
}

const columns =
	'id, slug, kind, name_zh, name_en, description_zh, description_en, address_zh, address_en, ' +
	'contact_name, contact_phone, contact_email, website_url, updated_at';

function toOrganisation(row: Row): Organisation {
	return {
		id: row.id,
		slug: row.slug,
		kind: row.kind,
		name: { zh: row.name_zh, en: row.name_en || row.name_zh },
		description: { zh: row.description_zh, en: row.description_en || row.description_zh },
		address: row.address_zh ? { zh: row.address_zh, en: row.address_en || row.address_zh } : null,
		contactName: row.contact_name,
		contactPhone: row.contact_phone,
		contactEmail: row.contact_email,
		websiteUrl: row.website_url,
		updatedAt: row.updated_at
	};
}

export async function listOrganisations(supabase: SupabaseClient): Promise<Organisation[]> {
	const { data, error } = await supabase
		.from('organisations')
		.select(columns)
		.order('name_zh')
		.limit(1000);
	if (error) throw new PromotionReadError(error.code, `organisations: ${error.message}`);
	return ((data ?? []) as unknown as Row[]).map(toOrganisation);
}

export async function getOrganisation(
	supabase: SupabaseClient,
	slug: string
): Promise<Organisation | null> {
	if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug) || slug.length > 60) return null;
	const { data, error } = await supabase
		.from('organisations')
		.select(columns)
		.eq('slug', slug)
		.maybeSingle();
	if (error) throw new PromotionReadError(error.code, `organisations: ${error.message}`);
	return data ? toOrganisation(data as unknown as Row) : null;
}

/** Published events of the organisation that have ended (cancelled ones are not "held"). */
export async function countPastEvents(
	supabase: SupabaseClient,
	orgId: string,
	now = new Date()
): Promise<number> {
	const { count, error } = await supabase
		.from('events')
		.select('id', { count: 'exact', head: true })
		.eq('org_id', orgId)
		.eq('status', 'published')
		.lt('ends_at', now.toISOString());
	if (error) throw new PromotionReadError(error.code, `events: ${error.message}`);
	return count ?? 0;
}
