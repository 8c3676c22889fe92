-- The dashboard's receipts from the notices' roll-up (20261206000100_roll_up_district_tables.sql):
-- private.dashboard_figures (20261205220200_create_dashboard_figures.sql) counted every recipient
-- of the period's notices on each call; it now sums the per-notice rows of clean notices and
-- computes dirty ones live, in the same statement, as it does for events. The computing functions
-- run only when something is dirty (planning one costs milliseconds). Everything else, the JSON and
-- the public functions that call it are unchanged.

create or replace function private.dashboard_figures(p_from date, p_to date, p_org uuid, p_grain text)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
-- JIT compiling a query this size costs more than it saves; the planner's estimates of the
-- grouped bitmaps are far too high, and with the default work_mem it sorts them instead of hashing.
set jit = off
set work_mem = '32MB'
as $$
declare
	v_from timestamptz := (p_from::timestamp at time zone 'Asia/Shanghai');
	v_to timestamptz := ((p_to + 1)::timestamp at time zone 'Asia/Shanghai');
	v_result jsonb;
begin
	-- Per-event counts and family bitmaps from the roll-up (20261205220150_create_dashboard_rollups.sql)
	-- for clean events, computed live for dirty ones: exact, in this statement's snapshot.
	with ev as materialized (
		select e.id, e.org_id, e.category, e.status, e.capacity, e.starts_at, e.title_zh, e.title_en,
			date_trunc(p_grain, e.starts_at at time zone 'Asia/Shanghai')::date as bucket
		from public.events e
		where e.status in ('published', 'cancelled')
			and e.starts_at >= v_from and e.starts_at < v_to
			and (p_org is null or e.org_id = p_org)
	),
	-- Published events of the scope before the period, for returning families.
	earlier as materialized (
		select e.id from public.events e
		where e.status = 'published' and e.starts_at < v_from and (p_org is null or e.org_id = p_org)
	),
	dirty as materialized (
		select d.event_id as id from private.dashboard_dirty_events d
		where d.event_id in (select ev.id from ev union all select earlier.id from earlier)
	),
	ro as materialized (
		select r.* from ev join private.dashboard_event_rollups r on r.event_id = ev.id
		where ev.id not in (select dirty.id from dirty)
		union all
		select c.* from private.dashboard_computed_rollups(array(
			select dirty.id from dirty where dirty.id in (select ev.id from ev))) c
		where exists (select 1 from dirty)
	),
	earlier_bits as (
		select b.chunk, bit_or(b.families) as families
		from (
			select b.chunk, b.families from earlier
			join private.dashboard_event_families b on b.event_id = earlier.id
			where earlier.id not in (select dirty.id from dirty)
			union all
			select c.chunk, c.families from private.dashboard_computed_families(array(
				select dirty.id from dirty where dirty.id in (select earlier.id from earlier))) c
			where exists (select 1 from dirty)
		) b
		group by b.chunk
	),
	-- Published events with their counts.
	pev as materialized (
		select ev.id, ev.org_id, ev.category, ev.bucket, ev.capacity,
			coalesce(ro.participations, 0) as participations, coalesce(ro.people, 0) as people,
			coalesce(ro.attended, 0) as attended, coalesce(ro.no_show, 0) as no_show,
			coalesce(ro.waitlisted, 0) as waitlisted
		from ev left join ro on ro.event_id = ev.id
		where ev.status = 'published'
	),
	org_town as (
		select o.id, coalesce(o.town, '') as town from public.organisations o
		where p_org is null or o.id = p_org
	),
	-- The family bitmaps of the period's published events OR-ed in one pass: over the whole
	-- period, and by bucket, organisation, category and town; chunk by chunk.
	family_sets as materialized (
		select
			case when grouping(ev.bucket) = 0 then 'bucket' when grouping(ev.org_id) = 0 then 'org'
				when grouping(ev.category) = 0 then 'category' when grouping(ot.town) = 0 then 'town'
				else 'all' end as kind,
			coalesce(ev.bucket::text, ev.org_id::text, ev.category::text, ot.town) as key,
			b.chunk, bit_or(b.families) as families,
			bit_or(b.grandparent_families) as grandparent_families
		from (
			select f.* from private.dashboard_event_families f
			where f.event_id in (select ev.id from ev where ev.status = 'published')
				and f.event_id not in (select dirty.id from dirty)
			union all
			select c.* from private.dashboard_computed_families(array(
				select dirty.id from dirty where dirty.id in (
					select ev.id from ev where ev.status = 'published'))) c
			where exists (select 1 from dirty)
		) b
		join ev on ev.id = b.event_id
		join org_town ot on ot.id = ev.org_id
		group by grouping sets ((b.chunk), (ev.bucket, b.chunk), (ev.org_id, b.chunk),
			(ev.category, b.chunk), (ot.town, b.chunk))
	),
	family_counts_by as (
		select fs.kind, fs.key, sum(bit_count(fs.families))::integer as families
		from family_sets fs where fs.kind <> 'all'
		group by fs.kind, fs.key
	),
	family_counts as (
		select coalesce(sum(bit_count(p.families)), 0)::integer as families,
			coalesce(sum(bit_count(p.grandparent_families)), 0)::integer as grandparent_families,
			coalesce(sum(bit_count(p.families & e.families)), 0)::integer as returning_families
		from family_sets p left join earlier_bits e on e.chunk = p.chunk
		where p.kind = 'all'
	),
	totals as (
		select
			(select count(*) from ev where ev.status = 'published')::integer as events,
			(select count(*) from ev where ev.status = 'cancelled')::integer as events_cancelled,
			coalesce(sum(pev.capacity), 0)::integer as places,
			coalesce(sum(pev.participations), 0)::integer as participations,
			coalesce(sum(pev.people), 0)::integer as people,
			coalesce(sum(pev.attended), 0)::integer as attended,
			coalesce(sum(pev.no_show), 0)::integer as no_show,
			(count(*) filter (where pev.waitlisted > 0))::integer as events_turning_away,
			coalesce(sum(pev.waitlisted), 0)::integer as families_turned_away
		from pev
	),
	members as (
		select coalesce(sum(ro.grandparents), 0)::integer as grandparents,
			coalesce(sum(ro.children_0_2), 0)::integer as c0,
			coalesce(sum(ro.children_3_5), 0)::integer as c1,
			coalesce(sum(ro.children_6_8), 0)::integer as c2,
			coalesce(sum(ro.children_9_11), 0)::integer as c3,
			coalesce(sum(ro.children_12_14), 0)::integer as c4,
			coalesce(sum(ro.children_15_up), 0)::integer as c5
		from ro join pev on pev.id = ro.event_id
	),
	-- Receipts from the notices' roll-up (20261206000100_roll_up_district_tables.sql), computed
	-- live for dirty notices.
	receipt_notices as materialized (
		select n.id from public.notices n
		where n.receipt_kind <> 'none' and n.created_at >= v_from and n.created_at < v_to
			and (p_org is null or n.org_id = p_org)
	),
	dirty_notices as materialized (
		select d.notice_id as id from private.dashboard_dirty_notices d
		where d.notice_id in (select receipt_notices.id from receipt_notices)
	),
	receipts as (
		select coalesce(sum(x.recipients), 0)::integer as asked,
			coalesce(sum(x.answered), 0)::integer as answered
		from (
			select r.recipients, r.answered from receipt_notices
			join private.dashboard_notice_rollups r on r.notice_id = receipt_notices.id
			where receipt_notices.id not in (select dirty_notices.id from dirty_notices)
			union all
			select c.recipients, c.answered
			from private.dashboard_computed_notices(array(select dirty_notices.id from dirty_notices)) c
			where exists (select 1 from dirty_notices)
		) x
	),
	feedback as (
		-- Every event of the period, cancelled ones included, as before the roll-up.
		select coalesce(sum(ro.feedback_asked), 0)::integer as asked,
			coalesce(sum(ro.feedback_given), 0)::integer as given,
			case when sum(ro.feedback_given) >= 5
				then round(sum(ro.rating_sum)::numeric / sum(ro.feedback_given), 2) end as rating
		from ro
	),
	referred as (
		select count(*)::integer as n
		from (
			select distinct r.family_id from public.referrals r
			where r.family_id is not null and r.starts_on <= p_to and r.ends_on >= p_from
		) rf
		join public.registrations g on g.family_id = rf.family_id
		join pev on pev.id = g.event_id
		where g.status in ('confirmed', 'attended')
	),
	buckets as (
		select b::date as bucket
		from generate_series(date_trunc(p_grain, p_from::timestamp), p_to::timestamp,
			('1 ' || p_grain)::interval) b
	),
	bucket_events as (
		select pev.bucket, count(*)::integer as events,
			coalesce(sum(pev.people), 0)::integer as people,
			coalesce(sum(pev.attended), 0)::integer as attended
		from pev group by pev.bucket
	),
	over_time as (
		select b.bucket, coalesce(be.events, 0) as events, coalesce(bf.families, 0) as families,
			coalesce(be.people, 0) as people, coalesce(be.attended, 0) as attended
		from buckets b
		left join bucket_events be on be.bucket = b.bucket
		left join family_counts_by bf on bf.kind = 'bucket' and bf.key = b.bucket::text
	),
	org_events as (
		select pev.org_id, count(*)::integer as events,
			coalesce(sum(pev.capacity), 0)::integer as places,
			coalesce(sum(pev.people), 0)::integer as people,
			coalesce(sum(pev.attended), 0)::integer as attended,
			coalesce(sum(pev.no_show), 0)::integer as no_show,
			coalesce(sum(pev.waitlisted), 0)::integer as waitlisted
		from pev group by pev.org_id
	),
	by_org as (
		select o.id as org_id, o.name_zh, o.name_en, o.kind, o.town,
			coalesce(oe.events, 0) as events, coalesce(oe.places, 0) as places,
			coalesce(f.families, 0) as families, coalesce(oe.people, 0) as people,
			coalesce(oe.attended, 0) as attended, coalesce(oe.no_show, 0) as no_show,
			coalesce(oe.waitlisted, 0) as waitlisted,
			case when oe.places > 0 then round(coalesce(oe.people, 0)::numeric / oe.places, 3) end
				as utilisation
		from public.organisations o
		left join org_events oe on oe.org_id = o.id
		left join family_counts_by f on f.kind = 'org' and f.key = o.id::text
		where p_org is null or o.id = p_org
	),
	by_category as (
		select c.category,
			(select count(*) from pev where pev.category = c.category)::integer as events,
			coalesce((select cf.families from family_counts_by cf
				where cf.kind = 'category' and cf.key = c.category::text), 0)
				as families,
			(select coalesce(sum(pev.people), 0) from pev where pev.category = c.category)::integer
				as people
		from (select distinct ev.category from ev) c
	),
	by_town as (
		select ot.town, count(*)::integer as orgs, coalesce(sum(oe.events), 0)::integer as events,
			coalesce(min(tf.families), 0) as families, coalesce(sum(oe.people), 0)::integer as people
		from org_town ot
		left join org_events oe on oe.org_id = ot.id
		left join family_counts_by tf on tf.kind = 'town' and tf.key = ot.town
		group by ot.town
	),
	by_age_band as (
		select x.band, x.ord, x.children
		from members m,
			lateral (values ('0-2', 1, m.c0), ('3-5', 2, m.c1), ('6-8', 3, m.c2), ('9-11', 4, m.c3),
				('12-14', 5, m.c4), ('15+', 6, m.c5)) x (band, ord, children)
	)
	select jsonb_build_object(
		'from', p_from, 'to', p_to, 'org', p_org, 'grain', p_grain,
		'totals', (
			select jsonb_build_object(
				'events', t.events, 'events_cancelled', t.events_cancelled, 'places', t.places,
				'families', fc.families, 'participations', t.participations, 'people', t.people,
				'attended', t.attended, 'no_show', t.no_show,
				'no_show_rate', case when t.attended + t.no_show > 0
					then round(t.no_show::numeric / (t.attended + t.no_show), 3) end,
				'utilisation', case when t.places > 0 then round(t.people::numeric / t.places, 3) end,
				'new_families', fc.families - fc.returning_families,
				'returning_families', fc.returning_families,
				'events_turning_away', t.events_turning_away,
				'families_turned_away', t.families_turned_away,
				'grandparents', private.small_count(m.grandparents),
				'grandparent_families', private.small_count(fc.grandparent_families),
				'receipts_asked', rc.asked, 'receipts_answered', rc.answered,
				'receipt_rate', case when rc.asked > 0 then round(rc.answered::numeric / rc.asked, 3) end,
				'feedback_asked', fb.asked, 'feedback_given', fb.given,
				'feedback_rate', case when fb.asked > 0 then round(fb.given::numeric / fb.asked, 3) end,
				'rating', fb.rating,
				'referred_participations', private.small_count(rf2.n))
			from totals t, family_counts fc, members m, receipts rc, feedback fb, referred rf2
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
				'families', coalesce(ro.families, 0), 'people', coalesce(ro.people, 0),
				'attended', coalesce(ro.attended, 0), 'no_show', coalesce(ro.no_show, 0),
				'waitlisted', coalesce(ro.waitlisted, 0)) order by ev.starts_at, ev.id), '[]'::jsonb)
			from ev left join ro on ro.event_id = ev.id and ev.status = 'published'
			where p_org is not null
		)
	) into v_result;
	return v_result;
end;
$$;
