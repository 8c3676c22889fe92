-- The district's dashboard (数据看板): every figure computed here, from the rows themselves, for a
-- period and an optional organisation. District administrators see the district or any one
-- organisation; an organisation's staff see their own organisation only.
--
-- Counts of activity (events, registrations, families, people) are shown as they are; counts that
-- describe who the families are (children's age bands, grandparents) are shown as "<5" from 1 to 4,
-- so that no family can be picked out of a small group. A family's identity never leaves SQL.

/*
 * The figures for [p_from, p_to] (days in Asia/Shanghai, both included) and p_org (null: the whole
 * district), as one JSON document. No caller checks here: the public functions below check, and
 * the monthly report queues it for the district's administrators. Definitions:
 * - events: published events starting in the period; places: their capacity; cancelled counted apart;
 * - participations: registrations that take seats (confirmed, attended, no_show) at those events;
 *   people: their seats; families: distinct families among them;
 * - new families took part for the first time (in the scope) in the period; returning ones before;
 * - no_show_rate: no-show seats / (attended + no-show seats); utilisation: people / places;
 * - turned away: events with families still on their waitlist, and those families;
 * - receipts: notices of the scope sent in the period that ask for a receipt, answered or not;
 *   feedback: checked-in registrations asked for feedback, and how many answered;
 * - by_age_band counts children attending, by age at the event; grandparents counts grandparents
 *   attending and their families; referred_participations: confirmed or attended registrations of
 *   families with a referral (重点关爱) overlapping the period, as district_referral_figures counts
 *   them (all three suppressed under 5; the last only for district administrators).
 * Rates are 0..1 with 3 decimals, null when there is nothing to divide by.
 */
create function private.dashboard_figures(p_from date, p_to date, p_org uuid, p_grain text)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
-- Whole-period aggregates: hash joins over the period's rows. The planner's row estimates for the
-- materialised steps are far too low, and nested loops over them cost seconds for a year; JIT
-- compiling a query this size costs seconds more than it saves.
set enable_nestloop = off
set jit = off
as $$
declare
	v_from timestamptz := (p_from::timestamp at time zone 'Asia/Shanghai');
	v_to timestamptz := ((p_to + 1)::timestamp at time zone 'Asia/Shanghai');
	v_result jsonb;
begin
	with ev as materialized (
		select e.id, e.org_id, e.category, e.status, e.capacity, e.starts_at, e.title_zh, e.title_en,
			date_trunc(p_grain, e.starts_at at time zone 'Asia/Shanghai')::date as bucket
		from public.events e
		where e.status in ('published', 'cancelled')
			and e.starts_at >= v_from and e.starts_at < v_to
			and (p_org is null or e.org_id = p_org)
	),
	reg as materialized (
		select r.id, r.event_id, r.family_id, r.status, r.seats, ev.org_id, ev.category, ev.bucket,
			ev.starts_at
		from ev
		join public.registrations r on r.event_id = ev.id
		where ev.status = 'published' and r.status in ('confirmed', 'attended', 'no_show', 'waitlisted')
	),
	part as materialized (
		select * from reg where reg.status <> 'waitlisted'
	),
	members as materialized (
		-- The age at the event, written out: private.age_at (SET search_path) is never inlined, and
		-- a call per attendee costs seconds over a year of a district.
		select part.family_id, m.kind,
			extract(year from age((part.starts_at at time zone 'Asia/Shanghai')::date,
				m.birth_year_month))::integer as age
		from part
		join public.registration_attendees a on a.registration_id = part.id
		join public.family_members m on m.id = a.member_id
		where m.kind in ('child', 'grandparent')
	),
	fam as (
		select distinct part.family_id from part
	),
	returning_families as (
		select count(*)::integer as n from fam
		where exists (
			select 1 from public.registrations r
			join public.events e on e.id = r.event_id
			where r.family_id = fam.family_id
				and r.status in ('confirmed', 'attended', 'no_show')
				and e.status = 'published' and e.starts_at < v_from
				and (p_org is null or e.org_id = p_org)
		)
	),
	totals as (
		select
			(select count(*) from ev where ev.status = 'published')::integer as events,
			(select count(*) from ev where ev.status = 'cancelled')::integer as events_cancelled,
			(select coalesce(sum(ev.capacity), 0) from ev where ev.status = 'published')::integer as places,
			count(distinct part.family_id)::integer as families,
			count(*)::integer as participations,
			coalesce(sum(part.seats), 0)::integer as people,
			coalesce(sum(part.seats) filter (where part.status = 'attended'), 0)::integer as attended,
			coalesce(sum(part.seats) filter (where part.status = 'no_show'), 0)::integer as no_show
		from part
	),
	waiting as (
		select count(distinct reg.event_id)::integer as events,
			count(*)::integer as families
		from reg where reg.status = 'waitlisted'
	),
	grandparents as (
		select count(*)::integer as people, count(distinct members.family_id)::integer as families
		from members where members.kind = 'grandparent'
	),
	receipts as (
		select count(r.id)::integer as asked, count(r.answered_at)::integer as answered
		from public.notices n
		join public.notice_recipients r on r.notice_id = n.id
		where n.receipt_kind <> 'none' and n.created_at >= v_from and n.created_at < v_to
			and (p_org is null or n.org_id = p_org)
	),
	feedback as (
		select count(q.registration_id)::integer as asked,
			count(f.id)::integer as given,
			case when count(f.id) >= 5 then round(avg(f.rating), 2) end as rating
		from ev
		join public.feedback_requests q on q.event_id = ev.id
		left join public.event_feedback f on f.registration_id = q.registration_id
	),
	referred as (
		select count(*)::integer as n
		from part
		where part.status in ('confirmed', 'attended')
			and part.family_id in (select r.family_id from public.referrals r
				where r.family_id is not null and r.starts_on <= p_to and r.ends_on >= p_from)
	),
	buckets as (
		select b::date as bucket
		from generate_series(date_trunc(p_grain, p_from::timestamp), p_to::timestamp,
			('1 ' || p_grain)::interval) b
	),
	bucket_events as (
		select ev.bucket, count(*)::integer as events
		from ev where ev.status = 'published' group by ev.bucket
	),
	bucket_part as (
		select part.bucket, count(distinct part.family_id)::integer as families,
			coalesce(sum(part.seats), 0)::integer as people,
			coalesce(sum(part.seats) filter (where part.status = 'attended'), 0)::integer as attended
		from part group by part.bucket
	),
	over_time as (
		select b.bucket, coalesce(be.events, 0) as events, coalesce(bp.families, 0) as families,
			coalesce(bp.people, 0) as people, coalesce(bp.attended, 0) as attended
		from buckets b
		left join bucket_events be on be.bucket = b.bucket
		left join bucket_part bp on bp.bucket = b.bucket
	),
	org_events as (
		select ev.org_id,
			count(*) filter (where ev.status = 'published')::integer as events,
			coalesce(sum(ev.capacity) filter (where ev.status = 'published'), 0)::integer as places
		from ev group by ev.org_id
	),
	org_regs as (
		select reg.org_id,
			count(distinct reg.family_id) filter (where reg.status <> 'waitlisted')::integer as families,
			coalesce(sum(reg.seats) filter (where reg.status <> 'waitlisted'), 0)::integer as people,
			coalesce(sum(reg.seats) filter (where reg.status = 'attended'), 0)::integer as attended,
			coalesce(sum(reg.seats) filter (where reg.status = 'no_show'), 0)::integer as no_show,
			count(*) filter (where reg.status = 'waitlisted')::integer as waitlisted
		from reg group by reg.org_id
	),
	by_org as (
		select o.id as org_id, o.name_zh, o.name_en, o.kind, o.town,
			coalesce(oe.events, 0) as events, coalesce(oe.places, 0) as places,
			coalesce(r.families, 0) as families, coalesce(r.people, 0) as people,
			coalesce(r.attended, 0) as attended, coalesce(r.no_show, 0) as no_show,
			coalesce(r.waitlisted, 0) as waitlisted,
			case when oe.places > 0 then round(coalesce(r.people, 0)::numeric / oe.places, 3) end
				as utilisation
		from public.organisations o
		left join org_events oe on oe.org_id = o.id
		left join org_regs r on r.org_id = o.id
		where p_org is null or o.id = p_org
	),
	category_part as (
		select part.category, count(distinct part.family_id)::integer as families,
			coalesce(sum(part.seats), 0)::integer as people
		from part group by part.category
	),
	by_category as (
		select ev.category,
			count(*) filter (where ev.status = 'published')::integer as events,
			coalesce(min(cp.families), 0) as families, coalesce(min(cp.people), 0) as people
		from ev left join category_part cp on cp.category = ev.category
		group by ev.category
	),
	org_town as (
		select o.id, coalesce(o.town, '') as town from public.organisations o
		where p_org is null or o.id = p_org
	),
	town_part as (
		select ot.town, count(distinct part.family_id)::integer as families,
			coalesce(sum(part.seats), 0)::integer as people
		from part join org_town ot on ot.id = part.org_id
		group by ot.town
	),
	by_town as (
		select ot.town, count(*)::integer as orgs, coalesce(sum(oe.events), 0)::integer as events,
			coalesce(min(tp.families), 0) as families, coalesce(min(tp.people), 0) as people
		from org_town ot
		left join org_events oe on oe.org_id = ot.id
		left join town_part tp on tp.town = ot.town
		group by ot.town
	),
	bands (band, low, high, ord) as (
		values ('0-2', 0, 2, 1), ('3-5', 3, 5, 2), ('6-8', 6, 8, 3), ('9-11', 9, 11, 4),
			('12-14', 12, 14, 5), ('15+', 15, 200, 6)
	),
	ages as (
		select least(members.age / 3, 5) as ord0, count(*)::integer as children
		from members where members.kind = 'child' and members.age >= 0
		group by 1
	),
	by_age_band as (
		select bands.band, bands.ord, coalesce(ages.children, 0) as children
		from bands left join ages on ages.ord0 = bands.ord - 1
	),
	event_regs as (
		select reg.event_id,
			count(distinct reg.family_id) filter (where reg.status <> 'waitlisted')::integer as families,
			coalesce(sum(reg.seats) filter (where reg.status <> 'waitlisted'), 0)::integer as people,
			coalesce(sum(reg.seats) filter (where reg.status = 'attended'), 0)::integer as attended,
			coalesce(sum(reg.seats) filter (where reg.status = 'no_show'), 0)::integer as no_show,
			count(*) filter (where reg.status = 'waitlisted')::integer as waitlisted
		from reg where p_org is not null group by reg.event_id
	)
	select jsonb_build_object(
		'from', p_from, 'to', p_to, 'org', p_org, 'grain', p_grain,
		'totals', (
			select jsonb_build_object(
				'events', t.events, 'events_cancelled', t.events_cancelled, 'places', t.places,
				'families', t.families, 'participations', t.participations, 'people', t.people,
				'attended', t.attended, 'no_show', t.no_show,
				'no_show_rate', case when t.attended + t.no_show > 0
					then round(t.no_show::numeric / (t.attended + t.no_show), 3) end,
				'utilisation', case when t.places > 0 then round(t.people::numeric / t.places, 3) end,
				'new_families', t.families - rf.n, 'returning_families', rf.n,
				'events_turning_away', w.events, 'families_turned_away', w.families,
				'grandparents', private.small_count(g.people),
				'grandparent_families', private.small_count(g.families),
				'receipts_asked', rc.asked, 'receipts_answered', rc.answered,
				'receipt_rate', case when rc.asked > 0 then round(rc.answered::numeric / rc.asked, 3) end,
				'feedback_asked', fb.asked, 'feedback_given', fb.given,
				'feedback_rate', case when fb.asked > 0 then round(fb.given::numeric / fb.asked, 3) end,
				'rating', fb.rating,
				'referred_participations', private.small_count(rf2.n))
			from totals t, returning_families rf, waiting w, grandparents g, receipts rc, feedback fb,
				referred rf2
		),
		'over_time', (
			select coalesce(jsonb_agg(to_jsonb(x) order by x.bucket), '[]'::jsonb) from over_time x
		),
		'by_org', (
			select coalesce(jsonb_agg(to_jsonb(x) order by x.people desc, x.events desc, x.name_zh, x.org_id),
				'[]'::jsonb)
			from by_org x
		),
		'by_category', (
			select coalesce(jsonb_agg(to_jsonb(x) order by x.people desc, x.category), '[]'::jsonb)
			from by_category x
		),
		'by_town', (
			select coalesce(jsonb_agg(to_jsonb(x) order by x.town = '', x.people desc, x.town), '[]'::jsonb)
			from by_town x
		),
		'by_age_band', (
			select jsonb_agg(jsonb_build_object('band', x.band,
				'children', private.small_count(x.children)) order by x.ord)
			from by_age_band x
		),
		'events', (
			select coalesce(jsonb_agg(jsonb_build_object(
				'id', ev.id, 'title_zh', ev.title_zh, 'title_en', ev.title_en, 'starts_at', ev.starts_at,
				'category', ev.category, 'status', ev.status, 'capacity', ev.capacity,
				'families', coalesce(er.families, 0), 'people', coalesce(er.people, 0),
				'attended', coalesce(er.attended, 0), 'no_show', coalesce(er.no_show, 0),
				'waitlisted', coalesce(er.waitlisted, 0)) order by ev.starts_at, ev.id), '[]'::jsonb)
			from ev left join event_regs er on er.event_id = ev.id
			where p_org is not null
		)
	) into v_result;
	return v_result;
end;
$$;

/* A count that describes who families are: itself from 5 (and 0), "<5" from 1 to 4. */
create function private.small_count(p_n bigint)
returns jsonb
language sql
immutable
set search_path = ''
as $$
	select case when p_n between 1 and 4 then to_jsonb('<5'::text) else to_jsonb(p_n) end
$$;

/* Whether the caller may see the figures of p_org (null: the whole district). */
create function private.may_see_figures(p_org uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
	select coalesce(private.is_district_admin(), false)
		or (p_org is not null and p_org in (select private.my_org_ids()))
$$;

/*
 * The dashboard's figures (see private.dashboard_figures) for the caller. p_grain: 'week' or
 * 'month'. Fails: not_authorised (not a district administrator, nor staff of p_org),
 * invalid_period (to before from, or more than three years), invalid_grain.
 */
create function public.dashboard_figures(
	p_from date,
	p_to date,
	p_org uuid default null,
	p_grain text default 'month'
)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	v_result jsonb;
begin
	if not private.may_see_figures(p_org) then
		perform private.fail('not_authorised');
	end if;
	if p_from is null or p_to is null or p_to < p_from or p_to > p_from + 366 * 3 then
		perform private.fail('invalid_period');
	end if;
	if p_grain is null or p_grain not in ('week', 'month') then
		perform private.fail('invalid_grain');
	end if;
	v_result := private.dashboard_figures(p_from, p_to, p_org, p_grain);
	if not coalesce(private.is_district_admin(), false) then
		v_result := v_result #- '{totals,referred_participations}';
	end if;
	return v_result;
end;
$$;

/*
 * One event's figures, for the drill-down: registrations by status, people, attendance, the
 * waitlist, channels, new and returning families, receipts of its notices and feedback, and its
 * children's age bands and grandparents (suppressed under 5). No family is named. Fails:
 * not_authorised (not a district administrator, nor staff of the event's organisation),
 * event_not_found.
 */
create function public.dashboard_event_figures(p_event uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	v_event public.events;
	v_result jsonb;
begin
	select * into v_event from public.events e where e.id = p_event and e.status <> 'draft';
	if not found then
		if coalesce(private.is_district_admin(), false) then
			perform private.fail('event_not_found');
		end if;
		perform private.fail('not_authorised');
	end if;
	if not private.may_see_figures(v_event.org_id) then
		perform private.fail('not_authorised');
	end if;
	with reg as materialized (
		select r.id, r.family_id, r.status, r.seats, coalesce(r.source, '') as source
		from public.registrations r where r.event_id = p_event
	),
	part as materialized (
		select * from reg where reg.status in ('confirmed', 'attended', 'no_show')
	),
	members as materialized (
		select m.kind, m.birth_year_month, part.family_id
		from part
		join public.registration_attendees a on a.registration_id = part.id
		join public.family_members m on m.id = a.member_id
	),
	bands (band, low, high, ord) as (
		values ('0-2', 0, 2, 1), ('3-5', 3, 5, 2), ('6-8', 6, 8, 3), ('9-11', 9, 11, 4),
			('12-14', 12, 14, 5), ('15+', 15, 200, 6)
	)
	select jsonb_build_object(
		'id', v_event.id, 'org_id', v_event.org_id, 'title_zh', v_event.title_zh,
		'title_en', v_event.title_en, 'category', v_event.category, 'status', v_event.status,
		'starts_at', v_event.starts_at, 'ends_at', v_event.ends_at, 'capacity', v_event.capacity,
		'organisation_zh', (select o.name_zh from public.organisations o where o.id = v_event.org_id),
		'organisation_en', (select o.name_en from public.organisations o where o.id = v_event.org_id),
		'registrations', (select count(*) from reg where reg.status <> 'cancelled'),
		'cancelled', (select count(*) from reg where reg.status = 'cancelled'),
		'families', (select count(distinct part.family_id) from part),
		'people', (select coalesce(sum(part.seats), 0) from part),
		'attended', (select coalesce(sum(part.seats), 0) from part where part.status = 'attended'),
		'no_show', (select coalesce(sum(part.seats), 0) from part where part.status = 'no_show'),
		'waitlisted', (select count(*) from reg where reg.status = 'waitlisted'),
		'returning_families', (
			select count(distinct part.family_id) from part
			where exists (
				select 1 from public.registrations r join public.events e on e.id = r.event_id
				where r.family_id = part.family_id and r.status in ('confirmed', 'attended', 'no_show')
					and e.status = 'published' and e.starts_at < v_event.starts_at
			)
		),
		'channels', (
			select coalesce(jsonb_object_agg(c.source, c.n), '{}'::jsonb)
			from (select reg.source, count(*) as n from reg where reg.status <> 'cancelled'
				group by reg.source) c
		),
		'grandparents', private.small_count(
			(select count(*) from members where members.kind = 'grandparent')),
		'by_age_band', (
			select jsonb_agg(jsonb_build_object('band', b.band, 'children', private.small_count(
				(select count(*) from members
					where members.kind = 'child'
						and private.age_at(members.birth_year_month, v_event.starts_at)
							between b.low and b.high))) order by b.ord)
			from bands b
		),
		'receipts_asked', (
			select count(r.id) from public.notices n join public.notice_recipients r on r.notice_id = n.id
			where n.event_id = p_event and n.receipt_kind <> 'none'),
		'receipts_answered', (
			select count(r.answered_at) from public.notices n
			join public.notice_recipients r on r.notice_id = n.id
			where n.event_id = p_event and n.receipt_kind <> 'none'),
		'feedback_asked', (select count(*) from public.feedback_requests q where q.event_id = p_event),
		'feedback_given', (select count(*) from public.event_feedback f where f.event_id = p_event),
		'rating', (
			select case when count(*) >= 5 then round(avg(f.rating), 2) end
			from public.event_feedback f where f.event_id = p_event)
	) into v_result;
	return v_result;
end;
$$;

revoke all on function private.dashboard_figures(date, date, uuid, text), private.small_count(bigint),
	private.may_see_figures(uuid)
	from public, anon, authenticated;
revoke all on function public.dashboard_figures(date, date, uuid, text),
	public.dashboard_event_figures(uuid)
	from public, anon, authenticated;
grant execute on function public.dashboard_figures(date, date, uuid, text),
	public.dashboard_event_figures(uuid)
	to authenticated;
