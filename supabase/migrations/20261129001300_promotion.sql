-- Promotion: what organisation pages, event posters, embeds and calendar feeds show to anyone,
-- and the per-channel registration counts organisers see. Additive only.

/*
 * Published and cancelled events as the public sees them, with the place spelt out and the
 * organiser named. Anyone may read these events already; security definer is needed only for the
 * place: a room comes from a venue booking, which only staff may read. Drafts never appear.
 * Filters are optional: one organisation, one category, events still running after a time, one
 * slug. Ordered by start.
 */
create function public.public_events(
	p_org_id uuid default null,
	p_category public.event_category default null,
	p_ends_after timestamptz default null,
	p_slug text default null
)
returns table (
	id uuid,
	slug text,
	status public.event_status,
	category public.event_category,
	title_zh text,
	title_en text,
	summary_zh text,
	summary_en text,
	starts_at timestamptz,
	ends_at timestamptz,
	place_zh text,
	place_en text,
	min_child_age smallint,
	max_child_age smallint,
	capacity integer,
	seats_taken integer,
	waitlist_enabled boolean,
	registration_closes_at timestamptz,
	cancelled_reason text,
	sequence integer,
	created_at timestamptz,
	updated_at timestamptz,
	org_id uuid,
	org_slug text,
	org_kind public.organisation_kind,
	org_name_zh text,
	org_name_en text,
	org_email text
)
language sql
stable
security definer
set search_path = ''
as $$
	select e.id, e.slug, e.status, e.category, e.title_zh, e.title_en, e.summary_zh, e.summary_en,
		e.starts_at, e.ends_at,
		-- A room at a centre (its name and the centre's address), else the address the organiser gave.
		coalesce(
			nullif(concat_ws(' · ', v.name_zh, coalesce(v.address_zh, vo.address_zh)), ''),
			e.address_zh
		),
		coalesce(
			nullif(concat_ws(' · ', coalesce(nullif(v.name_en, ''), v.name_zh),
				coalesce(v.address_en, vo.address_en, v.address_zh, vo.address_zh)), ''),
			e.address_en,
			e.address_zh
		),
		e.min_child_age, e.max_child_age, e.capacity, e.seats_taken, e.waitlist_enabled,
		coalesce(e.registration_closes_at, e.starts_at), e.cancelled_reason, e.sequence,
		e.created_at, e.updated_at,
		o.id, o.slug, o.kind, o.name_zh, o.name_en, o.contact_email
	from public.events e
	join public.organisations o on o.id = e.org_id
	left join public.venue_bookings b on b.id = e.venue_booking_id
	left join public.venues v on v.id = b.venue_id
	left join public.organisations vo on vo.id = v.org_id
	where e.status in ('published', 'cancelled')
		and (p_org_id is null or e.org_id = p_org_id)
		and (p_category is null or e.category = p_category)
		and (p_ends_after is null or e.ends_at > p_ends_after)
		and (p_slug is null or e.slug = p_slug)
	order by e.starts_at, e.id
$$;

comment on function public.public_events(uuid, public.event_category, timestamptz, text) is
	'Published and cancelled events with place and organiser, for pages, posters, embeds and feeds.';

/*
 * How many registrations each channel (registrations.source: poster, wechat, school-site, embed …;
 * null = "direct") brought to each event of the caller's organisations — counts only, no family
 * is named. District administrators see every organisation. p_org_id narrows to one organisation.
 * Security invoker: the registrations policy already limits staff to their own events.
 */
create function public.event_channel_counts(p_org_id uuid default null)
returns table (
	event_id uuid,
	event_slug text,
	title_zh text,
	title_en text,
	starts_at timestamptz,
	org_id uuid,
	source text,
	registrations integer,
	people integer,
	cancelled integer
)
language sql
stable
security invoker
set search_path = ''
as $$
	select e.id, e.slug, e.title_zh, e.title_en, e.starts_at, e.org_id, r.source,
		(count(*) filter (where r.status <> 'cancelled'))::integer,
		coalesce(sum(r.seats) filter (where r.status <> 'cancelled'), 0)::integer,
		(count(*) filter (where r.status = 'cancelled'))::integer
	from public.registrations r
	join public.events e on e.id = r.event_id
	where (e.org_id in (select private.my_org_ids()) or (select private.is_district_admin()))
		and (p_org_id is null or e.org_id = p_org_id)
	group by e.id, r.source
	order by e.starts_at desc, e.id, (count(*) filter (where r.status <> 'cancelled')) desc,
		r.source nulls first
$$;

comment on function public.event_channel_counts(uuid) is
	'Registrations per channel (?src=) for the events of the caller''s organisations: counts only.';

revoke all on function public.public_events(uuid, public.event_category, timestamptz, text)
	from public, anon, authenticated;
grant execute on function public.public_events(uuid, public.event_category, timestamptz, text)
	to anon, authenticated, service_role;

revoke all on function public.event_channel_counts(uuid) from public, anon, authenticated;
grant execute on function public.event_channel_counts(uuid) to authenticated, service_role;
