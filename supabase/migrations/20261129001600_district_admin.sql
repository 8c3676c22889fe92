-- District administrators' participation overview: counts only, never family or child details.

/*
 * Participation across the district for events starting in [p_from, p_to) (either end may be null
 * for "no limit"): one row per organisation and event category (organisations without events in
 * the period get one row with category null and zeros). Drafts are left out.
 * - events_published: published events; events_held: those of them already over; events_cancelled.
 * - places_offered: capacity of the published events.
 * - families_registered / people_registered: registrations holding a place (confirmed, attended or
 *   no-show), as families and as people (seats).
 * - people_attended / people_no_show: seats checked in / marked no-show.
 * - families_waitlisted / people_waitlisted.
 * - fill_rate: people_registered / places_offered (0..1, 3 decimals), null without places.
 * - channels: {source: registrations} over every registration not cancelled (waitlisted too);
 *   the key '' is a registration without ?src= (direct).
 * District administrators only; anyone else gets not_authorised.
 */
create function public.district_participation(p_from timestamptz, p_to timestamptz)
returns table (
	org_id uuid,
	org_kind public.organisation_kind,
	org_slug text,
	org_name_zh text,
	org_name_en text,
	category public.event_category,
	events_published integer,
	events_held integer,
	events_cancelled integer,
	places_offered integer,
	families_registered integer,
	people_registered integer,
	people_attended integer,
	people_no_show integer,
	families_waitlisted integer,
	people_waitlisted integer,
	fill_rate numeric,
	channels jsonb
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
	if not coalesce(private.is_district_admin(), false) then
		perform private.fail('not_authorised');
	end if;
	if p_from is not null and p_to is not null and p_to <= p_from then
		perform private.fail('invalid_period');
	end if;
	return query
	with ev as (
		select e.id, e.org_id, e.category, e.status, e.capacity, e.ends_at
		from public.events e
		where e.status <> 'draft'
			and (p_from is null or e.starts_at >= p_from)
			and (p_to is null or e.starts_at < p_to)
	),
	reg as (
		select ev.org_id, ev.category, r.family_id, r.status, r.seats,
			coalesce(r.source, '') as source
		from ev
		join public.registrations r on r.event_id = ev.id
		where r.status <> 'cancelled'
	),
	ev_counts as (
		select ev.org_id, ev.category,
			count(*) filter (where ev.status = 'published')::integer as published,
			count(*) filter (where ev.status = 'published' and ev.ends_at <= now())::integer as held,
			count(*) filter (where ev.status = 'cancelled')::integer as cancelled,
			coalesce(sum(ev.capacity) filter (where ev.status = 'published'), 0)::integer as places
		from ev
		group by ev.org_id, ev.category
	),
	reg_counts as (
		select reg.org_id, reg.category,
			count(distinct reg.family_id)
				filter (where reg.status in ('confirmed', 'attended', 'no_show'))::integer as families,
			coalesce(sum(reg.seats)
				filter (where reg.status in ('confirmed', 'attended', 'no_show')), 0)::integer as people,
			coalesce(sum(reg.seats) filter (where reg.status = 'attended'), 0)::integer as attended,
			coalesce(sum(reg.seats) filter (where reg.status = 'no_show'), 0)::integer as no_show,
			count(*) filter (where reg.status = 'waitlisted')::integer as waitlisted,
			coalesce(sum(reg.seats) filter (where reg.status = 'waitlisted'), 0)::integer
				as waitlisted_people
		from reg
		group by reg.org_id, reg.category
	),
	channel_counts as (
		select c.org_id, c.category, jsonb_object_agg(c.source, c.n) as channels
		from (
			select reg.org_id, reg.category, reg.source, count(*)::integer as n
			from reg
			group by reg.org_id, reg.category, reg.source
		) c
		group by c.org_id, c.category
	)
	select o.id, o.kind, o.slug, o.name_zh, o.name_en, ec.category,
		coalesce(ec.published, 0), coalesce(ec.held, 0), coalesce(ec.cancelled, 0),
		coalesce(ec.places, 0),
		coalesce(rc.families, 0), coalesce(rc.people, 0), coalesce(rc.attended, 0),
		coalesce(rc.no_show, 0), coalesce(rc.waitlisted, 0), coalesce(rc.waitlisted_people, 0),
		case when coalesce(ec.places, 0) > 0
			then round(coalesce(rc.people, 0)::numeric / ec.places, 3) end,
		coalesce(cc.channels, '{}'::jsonb)
	from public.organisations o
	left join ev_counts ec on ec.org_id = o.id
	left join reg_counts rc on rc.org_id = o.id and rc.category = ec.category
	left join channel_counts cc on cc.org_id = o.id and cc.category = ec.category
	order by o.kind, o.name_zh, o.id, ec.category;
end;
$$;

revoke all on function public.district_participation(timestamptz, timestamptz)
	from public, anon, authenticated;
grant execute on function public.district_participation(timestamptz, timestamptz)
	to authenticated;
