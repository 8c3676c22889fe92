-- The district's tables under the dashboard (district_participation, closed_loop_counts) from the
-- dashboard's roll-up (20261205220150_create_dashboard_rollups.sql), as dashboard_figures reads it:
-- per-event rows of clean events, dirty events computed live in the same statement, distinct
-- families from the per-event family bitmaps. The events' roll-up gains what these tables sum
-- (waitlisted people, registrations per channel, all feedback answers and their ratings), and
-- notices get a roll-up of their own (recipients, read, answered), kept the same way: changes to
-- notice_recipients mark their notice dirty, the refresh computes dirty notices beside dirty
-- events, reads compute dirty notices live. The functions' answers, refusals and grants are
-- unchanged (tests/db/district-rollups.test.ts compares them with the functions as they were).

alter table private.dashboard_event_rollups
	add column waitlisted_people integer not null default 0,
	add column channels jsonb not null default '{}',
	add column feedback_answers integer not null default 0,
	add column answers_rating_sum integer not null default 0;
-- Every row is computed by private.dashboard_computed_rollups; the defaults only filled the rows
-- that were there (marked dirty below, so never read).
alter table private.dashboard_event_rollups
	alter column waitlisted_people drop default,
	alter column channels drop default,
	alter column feedback_answers drop default,
	alter column answers_rating_sum drop default;
comment on column private.dashboard_event_rollups.waitlisted_people is
	'Seats of the waitlisted registrations (waitlisted counts the registrations).';
comment on column private.dashboard_event_rollups.channels is
	'Registrations that are not cancelled, by source (?src=; '''' for none): {"wechat": 3, "": 1}.';
comment on column private.dashboard_event_rollups.feedback_answers is
	'Every feedback answer on the event, asked for or not (feedback_given counts those asked for).';
comment on column private.dashboard_event_rollups.answers_rating_sum is
	'Sum of the ratings of feedback_answers.';

/*
 * One row per notice: the counts closed_loop_counts sums. Whether they are receipts (the notice's
 * receipt_kind), its organisation, event and sending time are read from the notice itself.
 */
create table private.dashboard_notice_rollups (
	notice_id uuid primary key,
	recipients integer not null,
	read integer not null,
	answered integer not null,
	refreshed_at timestamptz not null default now()
);
comment on column private.dashboard_notice_rollups.read is
	'Recipients with read_at (opened on the site or answered).';
comment on column private.dashboard_notice_rollups.answered is 'Recipients with answered_at.';

/* Notices whose recipients changed since their roll-up was computed. */
create table private.dashboard_dirty_notices (
	notice_id uuid primary key,
	marked_at timestamptz not null default now()
);

alter table private.dashboard_notice_rollups enable row level security;
alter table private.dashboard_dirty_notices enable row level security;
revoke all on private.dashboard_notice_rollups, private.dashboard_dirty_notices
	from public, anon, authenticated, service_role;

/* The roll-up rows of p_events, computed from the rows themselves (read by refresh and reads). */
create or replace function private.dashboard_computed_rollups(p_events uuid[])
returns setof private.dashboard_event_rollups
language sql
stable
security definer
set search_path = ''
as $$
	with e as (
		select e.id, (e.starts_at at time zone 'Asia/Shanghai')::date as day
		from public.events e where e.id in (select unnest(p_events))
	),
	reg as (
		select r.event_id,
			count(*) filter (where r.status <> 'waitlisted')::integer as participations,
			coalesce(sum(r.seats) filter (where r.status <> 'waitlisted'), 0)::integer as people,
			coalesce(sum(r.seats) filter (where r.status = 'attended'), 0)::integer as attended,
			coalesce(sum(r.seats) filter (where r.status = 'no_show'), 0)::integer as no_show,
			count(*) filter (where r.status = 'waitlisted')::integer as waitlisted,
			count(distinct r.family_id) filter (where r.status <> 'waitlisted')::integer as families,
			coalesce(sum(r.seats) filter (where r.status = 'waitlisted'), 0)::integer
				as waitlisted_people
		from e
		join public.registrations r on r.event_id = e.id
		where r.status in ('confirmed', 'attended', 'no_show', 'waitlisted')
		group by r.event_id
	),
	channels as (
		select c.event_id, jsonb_object_agg(c.source, c.n) as channels
		from (
			select r.event_id, coalesce(r.source, '') as source, count(*)::integer as n
			from e
			join public.registrations r on r.event_id = e.id
			where r.status <> 'cancelled'
			group by r.event_id, coalesce(r.source, '')
		) c
		group by c.event_id
	),
	members as (
		-- The age at the event, written out: private.age_at (SET search_path) is never inlined.
		select r.event_id, m.kind,
			case when m.kind = 'child' then
				extract(year from age(e.day, m.birth_year_month))::integer end as age
		from e
		join public.registrations r on r.event_id = e.id
		join public.registration_attendees a on a.registration_id = r.id
		join public.family_members m on m.id = a.member_id
		where r.status in ('confirmed', 'attended', 'no_show') and m.kind in ('child', 'grandparent')
	),
	ages as (
		select members.event_id,
			count(*) filter (where members.age between 0 and 2)::integer as c0,
			count(*) filter (where members.age between 3 and 5)::integer as c1,
			count(*) filter (where members.age between 6 and 8)::integer as c2,
			count(*) filter (where members.age between 9 and 11)::integer as c3,
			count(*) filter (where members.age between 12 and 14)::integer as c4,
			count(*) filter (where members.age >= 15)::integer as c5,
			count(*) filter (where members.kind = 'grandparent')::integer as grandparents
		from members group by members.event_id
	),
	-- Requests and answers carry their registration's event (enqueue_feedback_requests and
	-- submit_feedback write it so), which is what marks the event dirty when they change.
	fb as (
		select q.event_id, count(*)::integer as asked, count(f.id)::integer as given,
			coalesce(sum(f.rating), 0)::integer as rating_sum
		from e
		join public.feedback_requests q on q.event_id = e.id
		left join public.event_feedback f on f.registration_id = q.registration_id
		group by q.event_id
	),
	answers as (
		select f.event_id, count(*)::integer as n, coalesce(sum(f.rating), 0)::integer as rating_sum
		from e
		join public.event_feedback f on f.event_id = e.id
		group by f.event_id
	)
	select e.id, coalesce(reg.participations, 0), coalesce(reg.people, 0), coalesce(reg.attended, 0),
		coalesce(reg.no_show, 0), coalesce(reg.waitlisted, 0), coalesce(reg.families, 0),
		coalesce(ages.c0, 0), coalesce(ages.c1, 0), coalesce(ages.c2, 0), coalesce(ages.c3, 0),
		coalesce(ages.c4, 0), coalesce(ages.c5, 0), coalesce(ages.grandparents, 0),
		coalesce(fb.asked, 0), coalesce(fb.given, 0), coalesce(fb.rating_sum, 0), now(),
		coalesce(reg.waitlisted_people, 0), coalesce(channels.channels, '{}'::jsonb),
		coalesce(answers.n, 0), coalesce(answers.rating_sum, 0)
	from e
	left join reg on reg.event_id = e.id
	left join channels on channels.event_id = e.id
	left join ages on ages.event_id = e.id
	left join fb on fb.event_id = e.id
	left join answers on answers.event_id = e.id
$$;

/* The roll-up rows of p_notices, computed from the rows themselves. */
create function private.dashboard_computed_notices(p_notices uuid[])
returns setof private.dashboard_notice_rollups
language sql
stable
security definer
set search_path = ''
as $$
	select n.id, count(r.id)::integer, count(r.read_at)::integer, count(r.answered_at)::integer, now()
	from public.notices n
	left join public.notice_recipients r on r.notice_id = n.id
	where n.id in (select unnest(p_notices))
	group by n.id
$$;

/* Marks p_notices dirty, as private.mark_dashboard_dirty marks events (one upsert, in order). */
create function private.mark_dashboard_notices_dirty(p_notices uuid[])
returns void
language sql
security definer
set search_path = ''
as $$
	insert into private.dashboard_dirty_notices as d (notice_id)
	select distinct n from unnest(p_notices) n where n is not null order by 1
	on conflict (notice_id) do update set marked_at = d.marked_at
$$;

/* The statement-level trigger on notice_recipients: marks the notices of the statement's rows. */
create function private.mark_dashboard_notices()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
	if tg_op = 'DELETE' then
		perform private.mark_dashboard_notices_dirty(array(select o.notice_id from old_rows o));
	else
		perform private.mark_dashboard_notices_dirty(array(select n.notice_id from new_rows n));
	end if;
	return null;
end;
$$;

create trigger notice_recipients_mark_dashboard_insert after insert on public.notice_recipients
	referencing new table as new_rows
	for each statement execute function private.mark_dashboard_notices();
create trigger notice_recipients_mark_dashboard_update after update on public.notice_recipients
	referencing new table as new_rows
	for each statement execute function private.mark_dashboard_notices();
create trigger notice_recipients_mark_dashboard_delete after delete on public.notice_recipients
	referencing old table as old_rows
	for each statement execute function private.mark_dashboard_notices();

/*
 * Computes the roll-up of up to p_limit dirty events and up to p_limit dirty notices (oldest marks
 * first) and marks them clean; returns how many events and notices it computed. Safe to run any
 * number of times at once, as before: each run takes the marks it can lock (skip locked), and a
 * change locks its mark in the same transaction.
 */
create or replace function public.refresh_dashboard_rollups(p_limit integer default 200)
returns integer
language plpgsql
security definer
set search_path = ''
set jit = off
as $$
declare
	v_events uuid[];
	v_notices uuid[];
begin
	with taken as (
		select d.event_id from private.dashboard_dirty_events d
		order by d.marked_at, d.event_id
		limit greatest(coalesce(p_limit, 200), 1)
		for update skip locked
	),
	gone as (
		delete from private.dashboard_dirty_events d
		using taken where d.event_id = taken.event_id
		returning d.event_id
	)
	select coalesce(array_agg(gone.event_id), '{}') into v_events from gone;
	if cardinality(v_events) > 0 then
		-- Families loaded with triggers off have no number yet.
		insert into private.dashboard_family_numbers (family_id)
		select distinct r.family_id from public.registrations r
		where r.event_id in (select unnest(v_events))
			and not exists (
				select 1 from private.dashboard_family_numbers n where n.family_id = r.family_id)
		on conflict do nothing;
		delete from private.dashboard_event_rollups r where r.event_id = any (v_events);
		delete from private.dashboard_event_families f where f.event_id = any (v_events);
		insert into private.dashboard_event_rollups
		select * from private.dashboard_computed_rollups(v_events);
		insert into private.dashboard_event_families
		select * from private.dashboard_computed_families(v_events);
	end if;

	with taken as (
		select d.notice_id from private.dashboard_dirty_notices d
		order by d.marked_at, d.notice_id
		limit greatest(coalesce(p_limit, 200), 1)
		for update skip locked
	),
	gone as (
		delete from private.dashboard_dirty_notices d
		using taken where d.notice_id = taken.notice_id
		returning d.notice_id
	)
	select coalesce(array_agg(gone.notice_id), '{}') into v_notices from gone;
	if cardinality(v_notices) > 0 then
		delete from private.dashboard_notice_rollups r where r.notice_id = any (v_notices);
		insert into private.dashboard_notice_rollups
		select * from private.dashboard_computed_notices(v_notices);
	end if;
	return cardinality(v_events) + cardinality(v_notices);
end;
$$;

/*
 * Marks every event and every notice dirty, for after rows were loaded with triggers off (the next
 * refreshes compute them all; until then reads compute them live). Returns the marks added.
 */
create or replace function private.mark_all_dashboard_events()
returns integer
language sql
security definer
set search_path = ''
as $$
	with events as (
		insert into private.dashboard_dirty_events (event_id)
		select e.id from public.events e order by e.id
		on conflict (event_id) do nothing
		returning 1
	),
	notices as (
		insert into private.dashboard_dirty_notices (notice_id)
		select n.id from public.notices n order by n.id
		on conflict (notice_id) do nothing
		returning 1
	)
	select ((select count(*) from events) + (select count(*) from notices))::integer
$$;

/*
 * district_participation (20261205240100_require_second_factor.sql) from the roll-up: the same
 * rows, refusals and order. Events and organisations are read as they are; what their
 * registrations add up to comes from the per-event roll-up (computed live for dirty events), and
 * distinct families per organisation and category from OR-ing the events' family bitmaps.
 */
create or replace function public.district_participation(p_from timestamptz, p_to timestamptz)
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
-- As private.dashboard_figures: no JIT for a query this size, and room to hash the bitmaps.
set jit = off
set work_mem = '32MB'
as $$
begin
	perform public.district_access();
	if p_from is not null and p_to is not null and p_to <= p_from then
		perform private.fail('invalid_period');
	end if;
	return query
	with ev as materialized (
		select e.id, e.org_id, e.category, e.status, e.capacity, e.ends_at
		from public.events e
		where e.status <> 'draft'
			and (p_from is null or e.starts_at >= p_from)
			and (p_to is null or e.starts_at < p_to)
	),
	dirty as materialized (
		select d.event_id as id from private.dashboard_dirty_events d
		where d.event_id in (select ev.id from ev)
	),
	-- The computing functions run only when something is dirty: planning one costs milliseconds.
	ro as materialized (
		select r.event_id, r.people, r.attended, r.no_show, r.waitlisted, r.waitlisted_people,
			r.channels
		from ev join private.dashboard_event_rollups r on r.event_id = ev.id
		where ev.id not in (select dirty.id from dirty)
		union all
		select c.event_id, c.people, c.attended, c.no_show, c.waitlisted, c.waitlisted_people,
			c.channels
		from private.dashboard_computed_rollups(array(select dirty.id from dirty)) c
		where exists (select 1 from dirty)
	),
	bits as (
		select f.event_id, f.chunk, f.families from private.dashboard_event_families f
		where f.event_id in (select ev.id from ev) and f.event_id not in (select dirty.id from dirty)
		union all
		select c.event_id, c.chunk, c.families
		from private.dashboard_computed_families(array(select dirty.id from dirty)) c
		where exists (select 1 from dirty)
	),
	family_counts as (
		select x.org_id, x.category, sum(bit_count(x.families))::integer as families
		from (
			select ev.org_id, ev.category, bits.chunk, bit_or(bits.families) as families
			from bits join ev on ev.id = bits.event_id
			group by ev.org_id, ev.category, bits.chunk
		) x
		group by x.org_id, x.category
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
		select ev.org_id, ev.category,
			sum(ro.people)::integer as people,
			sum(ro.attended)::integer as attended,
			sum(ro.no_show)::integer as no_show,
			sum(ro.waitlisted)::integer as waitlisted,
			sum(ro.waitlisted_people)::integer as waitlisted_people
		from ro join ev on ev.id = ro.event_id
		group by ev.org_id, ev.category
	),
	channel_counts as (
		select c.org_id, c.category, jsonb_object_agg(c.source, c.n) as channels
		from (
			select ev.org_id, ev.category, ch.key as source, sum(ch.value::integer)::integer as n
			from ro
			join ev on ev.id = ro.event_id
			cross join lateral jsonb_each_text(ro.channels) ch
			group by ev.org_id, ev.category, ch.key
		) c
		group by c.org_id, c.category
	)
	select o.id, o.kind, o.slug, o.name_zh, o.name_en, ec.category,
		coalesce(ec.published, 0), coalesce(ec.held, 0), coalesce(ec.cancelled, 0),
		coalesce(ec.places, 0),
		coalesce(fc.families, 0), coalesce(rc.people, 0), coalesce(rc.attended, 0),
		coalesce(rc.no_show, 0), coalesce(rc.waitlisted, 0), coalesce(rc.waitlisted_people, 0),
		case when coalesce(ec.places, 0) > 0
			then round(coalesce(rc.people, 0)::numeric / ec.places, 3) end,
		coalesce(cc.channels, '{}'::jsonb)
	from public.organisations o
	left join ev_counts ec on ec.org_id = o.id
	left join reg_counts rc on rc.org_id = o.id and rc.category = ec.category
	left join family_counts fc on fc.org_id = o.id and fc.category = ec.category
	left join channel_counts cc on cc.org_id = o.id and cc.category = ec.category
	order by o.kind, o.name_zh, o.id, ec.category;
end;
$$;

/*
 * closed_loop_counts (20261205180300_create_closed_loop_counts.sql) from the roll-ups: the same
 * rows, refusals and order. Notices and events are read as they are; their recipients' and
 * feedback counts come from the per-notice and per-event roll-ups (computed live when dirty).
 */
create or replace function public.closed_loop_counts(p_from timestamptz default null, p_to timestamptz default null)
returns table (
	org_id uuid,
	org_name_zh text,
	org_name_en text,
	category public.event_category,
	notices integer,
	notices_sent_to integer,
	notices_read integer,
	read_rate numeric,
	receipts_asked integer,
	receipts_answered integer,
	receipt_rate numeric,
	feedback_requested integer,
	feedback_given integer,
	feedback_rate numeric,
	ratings_average numeric
)
language plpgsql
stable
security definer
set search_path = ''
set jit = off
as $$
declare
	v_admin boolean := coalesce(private.is_district_admin(), false);
begin
	if auth.uid() is null then
		perform private.fail('not_authorised');
	end if;
	if p_from is not null and p_to is not null and p_to <= p_from then
		perform private.fail('invalid_period');
	end if;
	return query
	with orgs as materialized (
		select o.id, o.name_zh, o.name_en from public.organisations o
		where v_admin or o.id in (select private.my_org_ids())
	),
	nts as materialized (
		select nt.id, nt.org_id, nt.event_id, nt.receipt_kind
		from public.notices nt
		join orgs on orgs.id = nt.org_id
		where (p_from is null or nt.created_at >= p_from) and (p_to is null or nt.created_at < p_to)
	),
	dirty_notices as materialized (
		select d.notice_id as id from private.dashboard_dirty_notices d
		where d.notice_id in (select nts.id from nts)
	),
	nro as materialized (
		select r.notice_id, r.recipients, r.read, r.answered
		from nts join private.dashboard_notice_rollups r on r.notice_id = nts.id
		where nts.id not in (select dirty_notices.id from dirty_notices)
		union all
		select c.notice_id, c.recipients, c.read, c.answered
		from private.dashboard_computed_notices(array(select dirty_notices.id from dirty_notices)) c
		where exists (select 1 from dirty_notices)
	),
	n as (
		select nts.org_id, e.category, count(*)::integer as notices,
			coalesce(sum(nro.recipients), 0)::integer as sent_to,
			coalesce(sum(nro.read), 0)::integer as read,
			coalesce(sum(nro.recipients) filter (where nts.receipt_kind <> 'none'), 0)::integer
				as asked,
			coalesce(sum(nro.answered) filter (where nts.receipt_kind <> 'none'), 0)::integer
				as answered
		from nts
		left join nro on nro.notice_id = nts.id
		left join public.events e on e.id = nts.event_id
		group by nts.org_id, e.category
	),
	ev as materialized (
		select e.id, e.org_id, e.category
		from public.events e
		join orgs on orgs.id = e.org_id
		where (p_from is null or e.starts_at >= p_from) and (p_to is null or e.starts_at < p_to)
	),
	dirty as materialized (
		select d.event_id as id from private.dashboard_dirty_events d
		where d.event_id in (select ev.id from ev)
	),
	ro as materialized (
		select r.event_id, r.feedback_asked, r.feedback_given, r.feedback_answers,
			r.answers_rating_sum
		from ev join private.dashboard_event_rollups r on r.event_id = ev.id
		where ev.id not in (select dirty.id from dirty)
		union all
		select c.event_id, c.feedback_asked, c.feedback_given, c.feedback_answers,
			c.answers_rating_sum
		from private.dashboard_computed_rollups(array(select dirty.id from dirty)) c
		where exists (select 1 from dirty)
	),
	-- requested: checked-in registrations asked; given: every answer; given_when_asked: answers
	-- to a request (feedback_given of the roll-up); the average over every answer.
	fb as (
		select ev.org_id, ev.category,
			sum(ro.feedback_asked)::integer as requested,
			sum(ro.feedback_answers)::integer as given,
			sum(ro.feedback_given)::integer as given_when_asked,
			case when sum(ro.feedback_answers) >= 5
				then round(sum(ro.answers_rating_sum)::numeric / sum(ro.feedback_answers), 2) end
				as average
		from ro join ev on ev.id = ro.event_id
		group by ev.org_id, ev.category
		having sum(ro.feedback_asked) > 0 or sum(ro.feedback_answers) > 0
	),
	keys as (
		select n.org_id, n.category from n
		union
		select fb.org_id, fb.category from fb
	)
	select orgs.id, orgs.name_zh, orgs.name_en, k.category,
		coalesce(n.notices, 0), coalesce(n.sent_to, 0), coalesce(n.read, 0),
		case when n.sent_to > 0 then round(n.read::numeric / n.sent_to, 3) end,
		coalesce(n.asked, 0), coalesce(n.answered, 0),
		case when n.asked > 0 then round(n.answered::numeric / n.asked, 3) end,
		coalesce(fb.requested, 0), coalesce(fb.given, 0),
		case when fb.requested > 0 then round(fb.given_when_asked::numeric / fb.requested, 3) end,
		fb.average
	from keys k
	join orgs on orgs.id = k.org_id
	left join n on n.org_id = k.org_id and n.category is not distinct from k.category
	left join fb on fb.org_id = k.org_id and fb.category is not distinct from k.category
	order by orgs.name_zh, orgs.id, k.category nulls first;
end;
$$;

-- What exists already: the events' new columns and every notice are computed by the next
-- refreshes; until then reads compute them live.
select private.mark_all_dashboard_events();

revoke all on function private.dashboard_computed_notices(uuid[]),
	private.mark_dashboard_notices_dirty(uuid[]), private.mark_dashboard_notices()
	from public, anon, authenticated;
