-- The dashboard's roll-up (数据看板汇总): what private.dashboard_figures would otherwise recompute
-- from every registration and attendee of a year on each request, kept per event. Changes mark
-- their events dirty (statement-level triggers, one small upsert per statement); the worker's tick,
-- POST /api/cron/tick and pg_cron refresh dirty events; the dashboard reads the roll-up of clean
-- events and computes the dirty ones live, in the same snapshot, so its figures are always exact.
-- Nothing here is readable by anon, families or staff: only the security definer functions read it.

/*
 * A small number per family, so that "distinct families" over a year can be counted from per-event
 * bitmaps (private.dashboard_event_families) instead of every registration. Never shown.
 */
create table private.dashboard_family_numbers (
	family_id uuid primary key references public.families (id) on delete cascade,
	n integer generated always as identity unique
);

/*
 * One row per event: the counts the dashboard's panels sum. Counted over the event's
 * registrations whatever the event's status (the dashboard takes published events for
 * participation, as before). Children by age band: age at the event (Asia/Shanghai), 0-2 … 15+.
 */
create table private.dashboard_event_rollups (
	event_id uuid primary key,
	participations integer not null,
	people integer not null,
	attended integer not null,
	no_show integer not null,
	waitlisted integer not null,
	families integer not null,
	children_0_2 integer not null,
	children_3_5 integer not null,
	children_6_8 integer not null,
	children_9_11 integer not null,
	children_12_14 integer not null,
	children_15_up integer not null,
	grandparents integer not null,
	feedback_asked integer not null,
	feedback_given integer not null,
	rating_sum integer not null,
	refreshed_at timestamptz not null default now()
);
comment on column private.dashboard_event_rollups.participations is
	'Registrations taking seats (confirmed, attended, no_show); people: their seats.';
comment on column private.dashboard_event_rollups.rating_sum is
	'Sum of the ratings of feedback_given answers (average = rating_sum / feedback_given).';

/*
 * Which families took part in an event (confirmed, attended, no_show), as bitmaps of
 * dashboard_family_numbers in chunks of 4,096: bit (n % 4096) of chunk (n / 4096). OR-ing the
 * chunks of a set of events and counting bits gives its distinct families; grandparent_families
 * marks the families that brought a grandparent (null: none in this chunk).
 */
create table private.dashboard_event_families (
	event_id uuid not null,
	chunk integer not null,
	families bit(4096) not null,
	grandparent_families bit(4096),
	primary key (event_id, chunk)
);

/* Events whose registrations, attendees or feedback changed since their roll-up was computed. */
create table private.dashboard_dirty_events (
	event_id uuid primary key,
	marked_at timestamptz not null default now()
);

alter table private.dashboard_family_numbers enable row level security;
alter table private.dashboard_event_rollups enable row level security;
alter table private.dashboard_event_families enable row level security;
alter table private.dashboard_dirty_events enable row level security;
revoke all on private.dashboard_family_numbers, private.dashboard_event_rollups,
	private.dashboard_event_families, private.dashboard_dirty_events
	from public, anon, authenticated, service_role;

/* The roll-up rows of p_events, computed from the rows themselves (read by refresh and reads). */
create function private.dashboard_computed_rollups(p_events uuid[])
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
			count(distinct r.family_id) filter (where r.status <> 'waitlisted')::integer as families
		from e
		join public.registrations r on r.event_id = e.id
		where r.status in ('confirmed', 'attended', 'no_show', 'waitlisted')
		group by r.event_id
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
	fb as (
		select q.event_id, count(*)::integer as asked, count(f.id)::integer as given,
			coalesce(sum(f.rating), 0)::integer as rating_sum
		from e
		join public.feedback_requests q on q.event_id = e.id
		left join public.event_feedback f on f.registration_id = q.registration_id
		group by q.event_id
	)
	select e.id, coalesce(reg.participations, 0), coalesce(reg.people, 0), coalesce(reg.attended, 0),
		coalesce(reg.no_show, 0), coalesce(reg.waitlisted, 0), coalesce(reg.families, 0),
		coalesce(ages.c0, 0), coalesce(ages.c1, 0), coalesce(ages.c2, 0), coalesce(ages.c3, 0),
		coalesce(ages.c4, 0), coalesce(ages.c5, 0), coalesce(ages.grandparents, 0),
		coalesce(fb.asked, 0), coalesce(fb.given, 0), coalesce(fb.rating_sum, 0), now()
	from e
	left join reg on reg.event_id = e.id
	left join ages on ages.event_id = e.id
	left join fb on fb.event_id = e.id
$$;

/* The family bitmaps of p_events, computed from the rows themselves. */
create function private.dashboard_computed_families(p_events uuid[])
returns setof private.dashboard_event_families
language sql
stable
security definer
set search_path = ''
as $$
	with part as (
		select r.id, r.event_id, r.family_id from public.registrations r
		where r.event_id in (select unnest(p_events))
			and r.status in ('confirmed', 'attended', 'no_show')
	),
	with_grandparent as (
		select distinct a.registration_id
		from part
		join public.registration_attendees a on a.registration_id = part.id
		join public.family_members m on m.id = a.member_id
		where m.kind = 'grandparent'
	)
	select part.event_id, n.n / 4096,
		bit_or(B'1'::bit(4096) >> (n.n % 4096)),
		bit_or(case when g.registration_id is not null then B'1'::bit(4096) >> (n.n % 4096) end)
	from part
	join private.dashboard_family_numbers n on n.family_id = part.family_id
	left join with_grandparent g on g.registration_id = part.id
	group by part.event_id, n.n / 4096
$$;

/*
 * Computes the roll-up of up to p_limit dirty events (oldest marks first) and marks them clean;
 * returns how many. Safe to run any number of times at once: each run takes the marks it can lock
 * (skip locked), and a change to an event locks its mark in the same transaction
 * (private.mark_dashboard_events' upsert), so a change made while a run computes leaves its event
 * dirty, or marks it again once the run commits. Nothing here references public.events by a
 * foreign key: a registration holds its event's row lock while it marks the event.
 */
create function public.refresh_dashboard_rollups(p_limit integer default 200)
returns integer
language plpgsql
security definer
set search_path = ''
set jit = off
as $$
declare
	v_events uuid[];
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
	if cardinality(v_events) = 0 then
		return 0;
	end if;
	-- Families loaded with triggers off have no number yet.
	insert into private.dashboard_family_numbers (family_id)
	select distinct r.family_id from public.registrations r
	where r.event_id in (select unnest(v_events))
		and not exists (
			select 1 from private.dashboard_family_numbers n where n.family_id = r.family_id)
	on conflict do nothing;
	delete from private.dashboard_event_rollups r where r.event_id = any (v_events);
	delete from private.dashboard_event_families f where f.event_id = any (v_events);
	insert into private.dashboard_event_rollups select * from private.dashboard_computed_rollups(v_events);
	insert into private.dashboard_event_families select * from private.dashboard_computed_families(v_events);
	return cardinality(v_events);
end;
$$;

/*
 * Marks every event dirty, for after rows were loaded with triggers off (the next refreshes
 * compute them all; until then the dashboard computes them live).
 */
create function private.mark_all_dashboard_events()
returns integer
language sql
security definer
set search_path = ''
as $$
	with marked as (
		insert into private.dashboard_dirty_events (event_id)
		select e.id from public.events e order by e.id
		on conflict (event_id) do nothing
		returning 1
	)
	select count(*)::integer from marked
$$;

/*
 * Marks p_events dirty: one upsert, in event order (two statements marking the same events lock
 * them in the same order). The upsert also locks a mark a refresh is computing, so the change
 * waits for that run and marks its event again.
 */
create function private.mark_dashboard_dirty(p_events uuid[])
returns void
language sql
security definer
set search_path = ''
as $$
	insert into private.dashboard_dirty_events as d (event_id)
	select distinct e from unnest(p_events) e where e is not null order by 1
	on conflict (event_id) do update set marked_at = d.marked_at
$$;

/* The statement-level trigger behind the roll-up: marks the events the statement's rows belong to. */
create function private.mark_dashboard_events()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
	if tg_table_name in ('registrations', 'feedback_requests', 'event_feedback') then
		if tg_op = 'DELETE' then
			perform private.mark_dashboard_dirty(array(select o.event_id from old_rows o));
		else
			perform private.mark_dashboard_dirty(array(select n.event_id from new_rows n));
		end if;
	elsif tg_table_name = 'registration_attendees' then
		if tg_op = 'DELETE' then
			perform private.mark_dashboard_dirty(array(
				select r.event_id from old_rows o join public.registrations r on r.id = o.registration_id));
		else
			perform private.mark_dashboard_dirty(array(
				select r.event_id from new_rows n join public.registrations r on r.id = n.registration_id));
		end if;
	elsif tg_table_name = 'family_members' then
		-- A child's birth month or a member's kind changes the age bands and grandparents.
		perform private.mark_dashboard_dirty(array(
			select r.event_id
			from new_rows n
			join old_rows o on o.id = n.id
			join public.registration_attendees a on a.member_id = n.id
			join public.registrations r on r.id = a.registration_id
			where n.kind is distinct from o.kind
				or n.birth_year_month is distinct from o.birth_year_month));
	elsif tg_table_name = 'families' then
		insert into private.dashboard_family_numbers (family_id)
		select n.id from new_rows n order by 1
		on conflict do nothing;
	end if;
	return null;
end;
$$;

create trigger registrations_mark_dashboard_insert after insert on public.registrations
	referencing new table as new_rows
	for each statement execute function private.mark_dashboard_events();
create trigger registrations_mark_dashboard_update after update on public.registrations
	referencing new table as new_rows
	for each statement execute function private.mark_dashboard_events();
create trigger registrations_mark_dashboard_delete after delete on public.registrations
	referencing old table as old_rows
	for each statement execute function private.mark_dashboard_events();
create trigger registration_attendees_mark_dashboard_insert after insert
	on public.registration_attendees
	referencing new table as new_rows
	for each statement execute function private.mark_dashboard_events();
create trigger registration_attendees_mark_dashboard_delete after delete
	on public.registration_attendees
	referencing old table as old_rows
	for each statement execute function private.mark_dashboard_events();
create trigger feedback_requests_mark_dashboard_insert after insert on public.feedback_requests
	referencing new table as new_rows
	for each statement execute function private.mark_dashboard_events();
create trigger feedback_requests_mark_dashboard_delete after delete on public.feedback_requests
	referencing old table as old_rows
	for each statement execute function private.mark_dashboard_events();
create trigger event_feedback_mark_dashboard_insert after insert on public.event_feedback
	referencing new table as new_rows
	for each statement execute function private.mark_dashboard_events();
create trigger event_feedback_mark_dashboard_update after update on public.event_feedback
	referencing new table as new_rows
	for each statement execute function private.mark_dashboard_events();
create trigger event_feedback_mark_dashboard_delete after delete on public.event_feedback
	referencing old table as old_rows
	for each statement execute function private.mark_dashboard_events();
create trigger family_members_mark_dashboard_update after update on public.family_members
	referencing new table as new_rows old table as old_rows
	for each statement execute function private.mark_dashboard_events();
-- Children's ages are taken at the event's start. A row trigger on that column only: every
-- registration updates its event's counters, and must not pay for this.
create function private.mark_dashboard_event()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
	perform private.mark_dashboard_dirty(array[new.id]);
	return null;
end;
$$;
create trigger events_mark_dashboard_update after update of starts_at on public.events
	for each row when (old.starts_at is distinct from new.starts_at)
	execute function private.mark_dashboard_event();
create trigger families_number_for_dashboard after insert on public.families
	referencing new table as new_rows
	for each statement execute function private.mark_dashboard_events();

-- Whatever exists already (a database migrated before this change).
insert into private.dashboard_family_numbers (family_id) select f.id from public.families f order by f.id;
select private.mark_all_dashboard_events();

revoke all on function private.dashboard_computed_rollups(uuid[]),
	private.dashboard_computed_families(uuid[]), private.mark_all_dashboard_events(),
	private.mark_dashboard_dirty(uuid[]), private.mark_dashboard_events(),
	private.mark_dashboard_event()
	from public, anon, authenticated;
revoke all on function public.refresh_dashboard_rollups(integer) from public, anon, authenticated;
grant execute on function public.refresh_dashboard_rollups(integer) to service_role;
